//! Data for the browser: support hours with every closed date spelled out, and the next
//! maintenance windows. `themes/default/static/js/tid.js` reads these from
//! `data-lp-hours` and `data-lp-maintenance` attributes, so the holiday rule is described
//! once (here, in Rust) and the browser only looks dates up.

use super::holidays::{HolidayRule, closed_days};
use super::hours::WeeklyHours;
use jiff::Zoned;
use serde_json::{Map, Value, json};

/// `{"weekly":[{"days":[1,2,3,4],"start":420,"end":990}], "openOnHolidays":false,
/// "closed":{"2026-12-24":"Julafton", ...}}`. Days are ISO weekday numbers (Monday = 1),
/// times minutes after local midnight, and `closed` lists every closed date of the
/// `years` years from `from_year` (public holidays, closed eves and extra days).
pub fn hours_json(
    hours: &WeeklyHours,
    open_on_holidays: bool,
    rule: &HolidayRule,
    from_year: i16,
    years: i16,
) -> Value {
    let weekly: Vec<Value> = hours
        .0
        .iter()
        .map(|(days, range)| {
            let days: Vec<i8> = days.days().map(|w| w.to_monday_one_offset()).collect();
            json!({"days": days, "start": range.start.minutes, "end": range.end.minutes})
        })
        .collect();
    let mut closed = Map::new();
    let end = from_year.saturating_add(years.max(0));
    for year in from_year..end {
        for (date, reason) in closed_days(rule, year) {
            closed.insert(date.to_string(), Value::String(reason));
        }
    }
    json!({"weekly": weekly, "openOnHolidays": open_on_holidays, "closed": closed})
}

/// `[{"start":"2026-12-23T12:00:00+01:00","end":"2026-12-23T14:30:00+01:00"}, ...]`.
pub fn maintenance_json(windows: &[(Zoned, Zoned)]) -> Value {
    Value::Array(
        windows
            .iter()
            .map(|(s, e)| json!({"start": super::iso_seconds(s), "end": super::iso_seconds(e)}))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::holidays::{ExtraClosed, is_closed_day};
    use crate::calendar::hours::{status, status_text};
    use crate::calendar::maintenance::next_12_months;
    use crate::calendar::values::{IsoDate, Recurrence, TimeRange};
    use jiff::Timestamp;
    use jiff::civil::date;
    use std::process::Command;

    fn office() -> WeeklyHours {
        WeeklyHours(vec![
            (
                "måndag-torsdag".parse().unwrap(),
                "07.00-16.30".parse().unwrap(),
            ),
            ("fredag".parse().unwrap(), "07.00-15.00".parse().unwrap()),
        ])
    }

    fn klamdag_rule() -> HolidayRule {
        let mut rule = HolidayRule::default();
        rule.extra_closed.push(ExtraClosed {
            date: IsoDate(date(2027, 5, 7)),
            reason: "Klämdag".into(),
        });
        rule
    }

    #[test]
    fn hours_json_shape_and_closed_dates() {
        let rule = klamdag_rule();
        let v = hours_json(&office(), false, &rule, 2026, 2);
        assert_eq!(
            v["weekly"],
            json!([{"days":[1,2,3,4],"start":420,"end":990},{"days":[5],"start":420,"end":900}])
        );
        assert_eq!(v["openOnHolidays"], json!(false));
        let closed = v["closed"].as_object().unwrap();
        assert_eq!(closed["2026-12-24"], json!("Julafton"));
        assert_eq!(closed["2027-03-26"], json!("Långfredagen"));
        assert_eq!(closed["2027-05-07"], json!("Klämdag"));
        assert!(!closed.contains_key("2026-04-30"));
        assert!(
            !closed
                .keys()
                .any(|k| k.starts_with("2025") || k.starts_with("2028"))
        );
        // Exactly the dates `is_closed_day` reports, nothing more.
        let mut d = date(2026, 1, 1);
        let mut n = 0;
        while d < date(2028, 1, 1) {
            let expected = is_closed_day(&rule, d).map(Value::String);
            assert_eq!(closed.get(&d.to_string()).cloned(), expected, "{d}");
            n += usize::from(expected_is_some(&rule, d));
            d = d.tomorrow().unwrap();
        }
        assert_eq!(closed.len(), n);
        assert!(
            hours_json(&office(), true, &rule, 2026, 0)["closed"]
                .as_object()
                .unwrap()
                .is_empty()
        );
        assert!(
            hours_json(&office(), true, &rule, 2026, -3)["closed"]
                .as_object()
                .unwrap()
                .is_empty()
        );
        let _ = hours_json(&office(), true, &rule, i16::MAX - 1, i16::MAX);
    }

    fn expected_is_some(rule: &HolidayRule, d: jiff::civil::Date) -> bool {
        is_closed_day(rule, d).is_some()
    }

    #[test]
    fn maintenance_json_has_offsets() {
        let rec: Recurrence = "4:e onsdagen".parse().unwrap();
        let t: TimeRange = "12.00-14.30".parse().unwrap();
        let w = next_12_months(&rec, &t, "2026-03-01T00:00:00Z".parse().unwrap());
        let v = maintenance_json(&w);
        assert_eq!(
            v[0],
            json!({"start":"2026-03-25T12:00:00+01:00","end":"2026-03-25T14:30:00+01:00"})
        );
        assert_eq!(v[1]["start"], json!("2026-04-22T12:00:00+02:00"));
        assert_eq!(v.as_array().unwrap().len(), w.len());
        assert_eq!(maintenance_json(&[]), json!([]));
    }

    fn node_available() -> bool {
        Command::new("node")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    }

    /// Runs `script` under node in New York time, with tid.js loaded; stdout lines.
    fn run_node(script: &str) -> Vec<String> {
        let tid = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/themes/default/static/js/tid.js"
        );
        let prelude = format!(
            "globalThis.window = globalThis; require({});\n",
            serde_json::to_string(tid).unwrap()
        );
        let out = Command::new("node")
            .env("TZ", "America/New_York")
            .arg("-e")
            .arg(prelude + script)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn browser_hours_status_matches_rust() {
        if !node_available() {
            eprintln!("node not on PATH: skipping the tid.js comparison");
            return;
        }
        let late = WeeklyHours(vec![
            ("fredag".parse().unwrap(), "20.00-24.00".parse().unwrap()),
            ("lördag".parse().unwrap(), "00.00-02.00".parse().unwrap()),
            ("söndag".parse().unwrap(), "20.00-24.00".parse().unwrap()),
        ]);
        let night = WeeklyHours(vec![(
            "söndag".parse().unwrap(),
            "01.00-04.00".parse().unwrap(),
        )]);
        let rule = klamdag_rule();
        let off = office();
        let none = WeeklyHours::default();
        let cases: Vec<(&WeeklyHours, bool, &str)> = vec![
            (&off, false, "2026-11-23T05:59:59Z"),
            (&off, false, "2026-11-23T06:00:00Z"),
            (&off, false, "2026-11-23T15:29:59Z"),
            (&off, false, "2026-11-23T15:30:00Z"),
            (&off, false, "2026-11-23T23:30:00Z"),
            (&off, false, "2026-11-27T14:00:00Z"),
            (&off, false, "2026-12-23T16:00:00Z"),
            (&off, false, "2026-12-24T09:00:00Z"),
            (&off, true, "2026-12-24T09:00:00Z"),
            (&off, false, "2026-12-30T16:00:00Z"),
            (&off, false, "2026-04-02T14:30:00Z"),
            (&off, false, "2026-05-13T14:30:00Z"),
            (&off, false, "2027-05-05T15:00:00Z"),
            (&off, false, "2026-03-27T14:00:00Z"),
            (&off, false, "2026-03-29T00:30:00Z"),
            (&off, false, "2026-03-30T04:59:00Z"),
            (&off, false, "2026-10-24T12:00:00Z"),
            (&off, false, "2026-10-25T01:30:00Z"),
            (&off, false, "2026-10-26T06:00:00Z"),
            (&late, false, "2026-11-27T20:00:00Z"),
            (&late, false, "2026-11-29T20:00:00Z"),
            (&late, false, "2026-11-28T00:30:00Z"),
            (&night, false, "2026-03-29T01:30:00Z"),
            (&none, false, "2026-11-23T12:00:00Z"),
        ];
        let mut js = String::from("const cases = [\n");
        let mut expected = Vec::new();
        for (hours, open, at) in &cases {
            let now: Timestamp = at.parse().unwrap();
            expected.push(status_text(&status(hours, *open, &rule, &now), &now));
            let data = hours_json(hours, *open, &rule, 2026, 2);
            js += &format!("[{data}, {}],\n", now.as_millisecond());
        }
        js += "];\nfor (const [d, ms] of cases) console.log(window.lovportal.hoursStatus(JSON.stringify(d), ms));\n";
        let got = run_node(&js);
        for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
            assert_eq!(g, e, "case {i}: {}", cases[i].2);
        }
        assert_eq!(got.len(), expected.len());
        // The comparison covers each kind of text.
        for kind in [
            "Öppet nu, stänger 16.30",
            "i dag kl.",
            "i morgon kl.",
            "måndag 28 december",
            "24.00",
        ] {
            assert!(expected.iter().any(|e| e.contains(kind)), "{kind}");
        }
    }

    #[test]
    fn browser_maintenance_status_and_markup() {
        if !node_available() {
            eprintln!("node not on PATH: skipping the tid.js comparison");
            return;
        }
        let rec: Recurrence = "4:e onsdagen".parse().unwrap();
        let t: TimeRange = "12.00-14.30".parse().unwrap();
        let w = next_12_months(&rec, &t, "2026-11-01T00:00:00Z".parse().unwrap());
        let list = maintenance_json(&w);
        let ms = |s: &str| s.parse::<Timestamp>().unwrap().as_millisecond();
        let instants = [
            ms("2026-11-25T10:59:59Z"), // before the first
            ms("2026-11-25T11:00:00Z"), // first starts (12.00 CET)
            ms("2026-11-25T13:29:59Z"),
            ms("2026-11-25T13:30:00Z"), // first over
            ms("2026-12-23T12:00:00Z"), // second in progress
            ms("2028-01-01T00:00:00Z"), // all over
        ];
        let js = format!(
            "const list = {list};\nfor (const ms of {instants:?}) console.log(JSON.stringify(window.lovportal.maintenanceStatus(list, ms)));\n"
        );
        let got = run_node(&js);
        let expect = |cur: Option<usize>, next: Option<usize>| {
            json!({"current": cur, "next": next}).to_string()
        };
        // Expected values computed from the Rust windows.
        let mut expected = Vec::new();
        for now_ms in instants {
            let cur = w.iter().position(|(s, e)| {
                s.timestamp().as_millisecond() <= now_ms && now_ms < e.timestamp().as_millisecond()
            });
            let next = w
                .iter()
                .position(|(s, _)| s.timestamp().as_millisecond() > now_ms);
            expected.push(expect(cur, next));
        }
        assert_eq!(got, expected);
        assert_eq!(expected[1], expect(Some(0), Some(1)));
        assert_eq!(expected[5], expect(None, None));

        // Markup: a fake DOM with one hours element and a maintenance list.
        let dom = format!(
            r#"
function el(attrs, children) {{
  const e = {{ attrs, children: children || [], textContent: '', classes: new Set(), className: '',
    getAttribute(n) {{ return this.attrs[n]; }},
    querySelector(s) {{ return this.children.find(c => c.className === s.slice(1)) || null; }},
    querySelectorAll(s) {{ return this.children.filter(c => c.attrs && 'data-lp-occurrence' in c.attrs); }},
    appendChild(c) {{ this.children.push(c); return c; }} }};
  e.classList = {{ toggle: (c, on) => on ? e.classes.add(c) : e.classes.delete(c) }};
  return e;
}}
const items = [0, 1, 2].map(() => el({{'data-lp-occurrence': ''}}));
const hours = el({{'data-lp-hours': JSON.stringify({hours})}});
const maint = el({{'data-lp-maintenance': JSON.stringify({list})}}, items);
globalThis.document = {{ readyState: 'complete',
  querySelectorAll: s => s === '[data-lp-hours]' ? [hours] : [maint],
  createElement: () => el({{}}), createTextNode: t => ({{ text: t }}) }};
globalThis.setTimeout = () => {{}};
Date.now = () => {now};
delete require.cache[require.resolve({tid})];
require({tid});
console.log(hours.textContent);
console.log(items.map(i => [...i.classes].join(' ') + '|' + (i.querySelector('.lp-now') || {{textContent: ''}}).textContent).join(';'));
"#,
            hours = hours_json(&office(), false, &HolidayRule::default(), 2026, 1),
            now = ms("2026-11-25T12:00:00Z"),
            tid = serde_json::to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/themes/default/static/js/tid.js"
            ))
            .unwrap(),
        );
        let got = run_node(&dom);
        let now: Timestamp = "2026-11-25T12:00:00Z".parse().unwrap();
        let rust = status_text(
            &status(&office(), false, &HolidayRule::default(), &now),
            &now,
        );
        assert_eq!(got, [rust, "lp-current|Pågår nu;lp-next|;|".to_string()]);
    }
}
