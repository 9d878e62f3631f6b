//! An RFC 5545 (iCalendar) writer for maintenance windows and checklist due dates:
//! CRLF line endings, lines folded at 75 octets on UTF-8 character boundaries, escaped
//! text, and a VTIMEZONE for Europe/Stockholm so local times survive DST.

use super::add_days;
use super::values::{Nth, Recurrence};
use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Weekday};

/// When an event starts or ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IcsTime {
    /// Local wall-clock time in Europe/Stockholm (`TZID=Europe/Stockholm`).
    Local(DateTime),
    /// A whole day (`VALUE=DATE`); as an end, exclusive.
    Date(Date),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsEvent {
    pub uid: String,
    pub summary: String,
    pub description: Option<String>,
    pub start: IcsTime,
    pub end: IcsTime,
    /// An RRULE value such as `FREQ=MONTHLY;BYDAY=4WE`, see [`rrule_for`].
    pub rrule: Option<String>,
    pub url: Option<String>,
}

impl IcsEvent {
    /// An all-day event on `date`, for example a checklist due date.
    pub fn all_day(uid: impl Into<String>, summary: impl Into<String>, date: Date) -> IcsEvent {
        IcsEvent {
            uid: uid.into(),
            summary: summary.into(),
            description: None,
            start: IcsTime::Date(date),
            end: IcsTime::Date(add_days(date, 1).unwrap_or(date)),
            rrule: None,
            url: None,
        }
    }
}

/// The Europe/Stockholm zone with the EU rule (since 1996): summer time from the last
/// Sunday in March 02.00 to the last Sunday in October 03.00.
const VTIMEZONE: &[&str] = &[
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Stockholm",
    "X-LIC-LOCATION:Europe/Stockholm",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
];

/// Escapes a TEXT value: backslash, semicolon, comma and newlines; drops other control
/// characters, which RFC 5545 does not allow.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A raw (non-TEXT) value such as a URI or RRULE: control characters are dropped, so a
/// value can never break out of its line.
fn raw(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

/// Appends `line` folded to at most 75 octets per physical line, plus CRLF.
fn push_folded(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn time_prop(name: &str, t: &IcsTime) -> String {
    match t {
        IcsTime::Local(dt) => format!(
            "{name};TZID=Europe/Stockholm:{}",
            dt.strftime("%Y%m%dT%H%M%S")
        ),
        IcsTime::Date(d) => format!("{name};VALUE=DATE:{}", d.strftime("%Y%m%d")),
    }
}

/// A whole VCALENDAR. The output depends only on the arguments (stable across runs).
pub fn calendar(
    prodid_name: &str,
    cal_name: &str,
    dtstamp: Timestamp,
    events: &[IcsEvent],
) -> String {
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        format!("PRODID:-//{}//lovportal//SV", escape_text(prodid_name)),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!("X-WR-CALNAME:{}", escape_text(cal_name)),
        "X-WR-TIMEZONE:Europe/Stockholm".into(),
    ];
    lines.extend(VTIMEZONE.iter().map(|l| l.to_string()));
    let stamp = dtstamp.strftime("%Y%m%dT%H%M%SZ").to_string();
    for e in events {
        lines.push("BEGIN:VEVENT".into());
        lines.push(format!("UID:{}", escape_text(&e.uid)));
        lines.push(format!("DTSTAMP:{stamp}"));
        lines.push(time_prop("DTSTART", &e.start));
        lines.push(time_prop("DTEND", &e.end));
        if let Some(r) = &e.rrule {
            lines.push(format!("RRULE:{}", raw(r)));
        }
        lines.push(format!("SUMMARY:{}", escape_text(&e.summary)));
        if let Some(d) = &e.description {
            lines.push(format!("DESCRIPTION:{}", escape_text(d)));
        }
        if let Some(u) = &e.url {
            lines.push(format!("URL:{}", raw(u)));
        }
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for l in &lines {
        push_folded(&mut out, l);
    }
    out
}

fn byday(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "MO",
        Weekday::Tuesday => "TU",
        Weekday::Wednesday => "WE",
        Weekday::Thursday => "TH",
        Weekday::Friday => "FR",
        Weekday::Saturday => "SA",
        Weekday::Sunday => "SU",
    }
}

/// The RRULE value for a recurrence: `FREQ=MONTHLY;BYDAY=4WE`, `FREQ=MONTHLY;BYDAY=-1FR`,
/// `FREQ=WEEKLY;BYDAY=TU`; `None` for a single date (or an ordinal outside 1..=5).
pub fn rrule_for(rec: &Recurrence) -> Option<String> {
    match *rec {
        Recurrence::Monthly {
            nth: Nth::Number(n @ 1..=5),
            weekday,
        } => Some(format!("FREQ=MONTHLY;BYDAY={n}{}", byday(weekday))),
        Recurrence::Monthly {
            nth: Nth::Number(_),
            ..
        } => None,
        Recurrence::Monthly {
            nth: Nth::Last,
            weekday,
        } => Some(format!("FREQ=MONTHLY;BYDAY=-1{}", byday(weekday))),
        Recurrence::Weekly { weekday } => Some(format!("FREQ=WEEKLY;BYDAY={}", byday(weekday))),
        Recurrence::Once { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::maintenance::occurrences;
    use crate::calendar::values::TimeRange;
    use jiff::civil::date;

    fn stamp() -> Timestamp {
        "2026-11-23T09:30:15.5Z".parse().unwrap()
    }

    fn window_event() -> IcsEvent {
        let rec: Recurrence = "4:e onsdagen".parse().unwrap();
        IcsEvent {
            uid: "servicefonster-1@lovportal.example".into(),
            summary: "Servicefönster: journalsystemet, Treserva; ingen inloggning".into(),
            description: Some(
                "Systemet är stängt för uppdatering.\nKontakta supporten vid frågor: \\\\server\\dela"
                    .into(),
            ),
            start: IcsTime::Local(date(2026, 1, 28).at(12, 0, 0, 0)),
            end: IcsTime::Local(date(2026, 1, 28).at(14, 30, 0, 0)),
            rrule: rrule_for(&rec),
            url: Some("https://lovportal.example/drift/?a=1&b=2".into()),
        }
    }

    fn sample() -> String {
        let due = IcsEvent::all_day(
            "frist-ivo@lovportal.example",
            "Sista dag: anmälan till IVO",
            date(2026, 12, 31),
        );
        calendar(
            "Lovportal Exempelkommun",
            "Drift, service och frister",
            stamp(),
            &[window_event(), due],
        )
    }

    #[test]
    fn escaping() {
        assert_eq!(escape_text("a\\b;c,d\ne"), "a\\\\b\\;c\\,d\\ne");
        assert_eq!(escape_text("x\r\ny\rz"), "x\\ny\\nz");
        assert_eq!(escape_text("bell\u{7}\ttab"), "bell\ttab");
        assert_eq!(escape_text("Åäö – ok"), "Åäö – ok");
        let out = sample();
        assert!(
            out.contains("SUMMARY:Servicefönster: journalsystemet\\, Treserva\\; ingen inloggning")
        );
        assert!(out.contains("X-WR-CALNAME:Drift\\, service och frister"));
        // A URL or RRULE cannot inject lines.
        let mut e = window_event();
        e.url = Some("https://x.example/\r\nATTACH:evil".into());
        let out = calendar("p", "c", stamp(), &[e]);
        assert!(!out.contains("\r\nATTACH"));
    }

    #[test]
    fn crlf_everywhere_and_folding() {
        let mut e = window_event();
        e.summary = format!("Långt {}", "åäö€🙂".repeat(30));
        let out = calendar("Lovportal", "Kalender", stamp(), &[e.clone()]);
        assert!(out.ends_with("END:VCALENDAR\r\n"));
        let bytes = out.as_bytes();
        for (i, b) in bytes.iter().enumerate() {
            if *b == b'\n' {
                assert!(i > 0 && bytes[i - 1] == b'\r', "bare LF at {i}");
            }
            if *b == b'\r' {
                assert_eq!(bytes.get(i + 1), Some(&b'\n'), "bare CR at {i}");
            }
        }
        let physical: Vec<&str> = out.split("\r\n").filter(|l| !l.is_empty()).collect();
        for l in &physical {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        // Folding happened, and only at character boundaries (each piece is a &str).
        let summary_lines = physical
            .iter()
            .skip_while(|l| !l.starts_with("SUMMARY:"))
            .take_while(|l| l.starts_with("SUMMARY:") || l.starts_with(' '))
            .count();
        assert!(summary_lines > 3);
        // Unfolding gives back the escaped value exactly.
        let unfolded = out.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("SUMMARY:{}\r\n", escape_text(&e.summary))));
        // Line of exactly 75 octets is not folded; 76 is.
        let mut s = String::new();
        push_folded(&mut s, &"x".repeat(75));
        assert_eq!(s, format!("{}\r\n", "x".repeat(75)));
        let mut s = String::new();
        push_folded(&mut s, &format!("{}å", "x".repeat(74)));
        assert_eq!(s, format!("{}\r\n å\r\n", "x".repeat(74)));
    }

    #[test]
    fn stable_output_and_structure() {
        let out = sample();
        assert_eq!(out, sample());
        for line in [
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n",
            "PRODID:-//Lovportal Exempelkommun//lovportal//SV\r\n",
            "DTSTAMP:20261123T093015Z\r\n",
            "DTSTART;TZID=Europe/Stockholm:20260128T120000\r\n",
            "DTEND;TZID=Europe/Stockholm:20260128T143000\r\n",
            "RRULE:FREQ=MONTHLY;BYDAY=4WE\r\n",
            "DTSTART;VALUE=DATE:20261231\r\n",
            "DTEND;VALUE=DATE:20270101\r\n",
            "URL:https://lovportal.example/drift/?a=1&b=2\r\n",
            "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n",
        ] {
            assert!(out.contains(line), "missing {line:?}");
        }
        assert_eq!(out.matches("BEGIN:VEVENT").count(), 2);
        assert_eq!(out.matches("END:VEVENT").count(), 2);
        assert!(calendar("p", "c", stamp(), &[]).contains("END:VTIMEZONE\r\nEND:VCALENDAR\r\n"));
    }

    #[test]
    fn rrules() {
        let r = |s: &str| rrule_for(&s.parse().unwrap());
        assert_eq!(r("4:e onsdagen").as_deref(), Some("FREQ=MONTHLY;BYDAY=4WE"));
        assert_eq!(r("1:a måndagen").as_deref(), Some("FREQ=MONTHLY;BYDAY=1MO"));
        assert_eq!(
            r("sista fredagen").as_deref(),
            Some("FREQ=MONTHLY;BYDAY=-1FR")
        );
        assert_eq!(r("varje tisdag").as_deref(), Some("FREQ=WEEKLY;BYDAY=TU"));
        assert_eq!(r("varje söndag").as_deref(), Some("FREQ=WEEKLY;BYDAY=SU"));
        assert_eq!(r("2027-03-15"), None);
        let bad = Recurrence::Monthly {
            nth: Nth::Number(0),
            weekday: Weekday::Monday,
        };
        assert_eq!(rrule_for(&bad), None);
    }

    #[test]
    fn parses_with_icalendar_and_expands_with_rrule() {
        use icalendar::parser::{read_components, unfold};
        let raw = sample();
        let unfolded = unfold(&raw);
        let comps = read_components(&unfolded).unwrap();
        assert_eq!(comps.len(), 1);
        let cal = &comps[0];
        assert_eq!(cal.name.as_str(), "VCALENDAR");
        let tzids: Vec<String> = cal
            .components
            .iter()
            .filter(|c| c.name.as_str() == "VTIMEZONE")
            .flat_map(|c| c.properties.iter().filter(|p| p.name.as_str() == "TZID"))
            .map(|p| p.val.to_string())
            .collect();
        assert_eq!(tzids, ["Europe/Stockholm"]);
        let events: Vec<_> = cal
            .components
            .iter()
            .filter(|c| c.name.as_str() == "VEVENT")
            .collect();
        assert_eq!(events.len(), 2);
        fn prop<'a>(
            c: &icalendar::parser::Component<'a>,
            name: &str,
        ) -> Option<icalendar::parser::Property<'a>> {
            c.properties
                .iter()
                .find(|p| p.name.as_str() == name)
                .cloned()
        }
        for ev in &events {
            for name in ["UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"] {
                assert!(prop(ev, name).is_some(), "{name} missing");
            }
        }
        let ev = events[0];
        let dtstart = prop(ev, "DTSTART").unwrap();
        let tzid = dtstart
            .params
            .iter()
            .find(|p| p.key.as_str() == "TZID")
            .and_then(|p| p.val.clone())
            .unwrap();
        assert!(tzids.contains(&tzid.to_string()));
        // The parser unescapes: the text survives the round trip.
        assert_eq!(
            prop(ev, "SUMMARY").unwrap().val.as_str(),
            window_event().summary
        );
        assert_eq!(
            Some(prop(ev, "DESCRIPTION").unwrap().val.to_string()),
            window_event().description
        );
        let rrule = prop(ev, "RRULE").unwrap().val.to_string();

        // Expand with the rrule crate and compare with our own occurrences: same local
        // times and UTC offsets on both sides of the DST changes.
        let set: rrule::RRuleSet =
            format!("DTSTART;TZID={}:{}\nRRULE:{}", tzid, dtstart.val, rrule)
                .parse()
                .unwrap();
        let theirs = set.all(12);
        assert_eq!(theirs.dates.len(), 12);
        let rec: Recurrence = "4:e onsdagen".parse().unwrap();
        let time: TimeRange = "12.00-14.30".parse().unwrap();
        let ours = occurrences(
            &rec,
            &time,
            "2026-01-01T00:00:00Z".parse().unwrap(),
            "2027-01-01T00:00:00Z".parse().unwrap(),
        );
        assert_eq!(ours.len(), 12);
        let mut offsets = std::collections::BTreeSet::new();
        for (theirs, (ours, _)) in theirs.dates.iter().zip(&ours) {
            assert_eq!(
                theirs.format("%Y-%m-%d %H:%M").to_string(),
                ours.strftime("%Y-%m-%d %H:%M").to_string()
            );
            assert_eq!(
                theirs.format("%z").to_string(),
                ours.strftime("%z").to_string()
            );
            assert_eq!(theirs.timestamp(), ours.timestamp().as_second());
            offsets.insert(theirs.format("%z").to_string());
        }
        assert_eq!(offsets.into_iter().collect::<Vec<_>>(), ["+0100", "+0200"]);

        for (text, rec) in [
            ("sista fredagen", "FREQ=MONTHLY;BYDAY=-1FR"),
            ("varje tisdag", "FREQ=WEEKLY;BYDAY=TU"),
        ] {
            let r: Recurrence = text.parse().unwrap();
            assert_eq!(rrule_for(&r).as_deref(), Some(rec));
            let set: rrule::RRuleSet =
                format!("DTSTART;TZID=Europe/Stockholm:20260101T120000\nRRULE:{rec}")
                    .parse()
                    .unwrap();
            let theirs = set.all(60);
            let ours = occurrences(
                &r,
                &time,
                "2026-01-01T00:00:00Z".parse().unwrap(),
                "2027-01-01T00:00:00Z".parse().unwrap(),
            );
            let n = ours.len().min(theirs.dates.len());
            assert!(n >= 12);
            for (t, (o, _)) in theirs.dates.iter().zip(&ours).take(n) {
                assert_eq!(t.timestamp(), o.timestamp().as_second(), "{text}");
            }
        }
    }
}
