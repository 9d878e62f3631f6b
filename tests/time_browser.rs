//! "Time that is right", in the browser: the status line of every contact with hours on
//! the bundled site, computed by `tid.js` in headless Chromium running in New York time,
//! says exactly what the Rust `calendar::hours::status_text` says for the same instants
//! (tricky ones: around opening and closing, Friday afternoon, Christmas Eve, Good Friday,
//! the day before Ascension, both DST switches); the maintenance lists mark the window
//! in progress and the next one; and every `.ics` of the built site parses with an
//! independent parser, with the right local times after a DST change.

#[path = "support/browser.rs"]
mod browser;
#[path = "support/bundled.rs"]
mod bundled;

use browser::{Driver, SessionOptions};
use fantoccini::Client;
use icalendar::parser::{Component, read_components, unfold};
use jiff::Timestamp;
use lovportal::calendar::hours::{status, status_text};
use lovportal::calendar::stockholm;
use lovportal::model::Site;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;

const NEW_YORK: &str = "America/New_York";

/// Instants to test, as Stockholm wall-clock times (or RFC 3339 with `Z` where the
/// wall-clock time is ambiguous), each with why it is tricky.
const INSTANTS: &[(&str, &str)] = &[
    ("2026-11-23T06:59:59", "Monday, a second before opening"),
    ("2026-11-23T07:00:00", "Monday, opening"),
    ("2026-11-23T07:59:59", "Monday, before 08.00 opening"),
    ("2026-11-23T08:00:00", "Monday, 08.00 opening"),
    ("2026-11-23T16:29:59", "Monday, a second before 16.30"),
    ("2026-11-23T16:30:00", "Monday, closing 16.30"),
    ("2026-11-23T23:59:59", "Monday, last second"),
    ("2026-11-27T15:59:59", "Friday afternoon, before 16.00"),
    ("2026-11-27T16:00:00", "Friday afternoon, closing"),
    ("2026-11-27T17:00:00", "Friday evening: next opening Monday"),
    ("2026-11-28T12:00:00", "Saturday"),
    (
        "2026-12-23T16:45:00",
        "the day before Christmas Eve, after closing",
    ),
    ("2026-12-24T10:00:00", "Christmas Eve"),
    ("2026-12-24T23:00:00", "Christmas Eve, late"),
    ("2026-12-31T10:00:00", "New Year's Eve"),
    ("2027-03-25T16:45:00", "Maundy Thursday, after closing"),
    ("2027-03-26T10:00:00", "Good Friday"),
    (
        "2027-03-28T01:59:00",
        "spring DST switch (and Easter Sunday), before",
    ),
    ("2027-03-28T03:00:00", "spring DST switch, just after"),
    (
        "2027-03-29T06:59:00",
        "Easter Monday morning after the DST switch",
    ),
    (
        "2027-03-30T06:59:59",
        "Tuesday after Easter, before opening",
    ),
    (
        "2027-03-30T07:00:00",
        "Tuesday after Easter, opening (first CEST working day)",
    ),
    (
        "2027-05-05T16:00:00",
        "the day before Ascension, before closing",
    ),
    (
        "2027-05-05T17:00:00",
        "the day before Ascension, after closing",
    ),
    (
        "2026-03-27T17:00:00",
        "Friday before the 2026 spring DST switch",
    ),
    (
        "2026-03-30T06:59:59",
        "Monday after the spring DST switch, before opening",
    ),
    (
        "2026-03-30T07:00:00",
        "Monday after the spring DST switch, opening",
    ),
    ("2026-10-23T16:45:00", "Friday before the autumn DST switch"),
    (
        "2026-10-25T00:30:00Z",
        "autumn DST switch, first 02.30 (CEST)",
    ),
    (
        "2026-10-25T01:30:00Z",
        "autumn DST switch, second 02.30 (CET)",
    ),
    (
        "2026-10-26T06:59:59",
        "Monday after the autumn DST switch, before opening",
    ),
    (
        "2026-10-26T07:00:00",
        "Monday after the autumn DST switch, opening",
    ),
];

/// The instant of a Stockholm wall-clock time, or of an RFC 3339 instant.
fn instant(s: &str) -> Timestamp {
    if s.ends_with('Z') {
        return s.parse().unwrap();
    }
    let dt: jiff::civil::DateTime = s.parse().unwrap();
    dt.to_zoned(stockholm()).unwrap().timestamp()
}

/// The bundled site's model, loaded with the same `--now` as the build.
fn model() -> Site {
    let now = instant(&format!("{}:00", bundled::NOW));
    let (site, diags) = Site::load(Path::new(env!("CARGO_MANIFEST_DIR")), now).unwrap();
    site.unwrap_or_else(|| panic!("bundled site has errors: {diags:?}"))
}

async fn eval(c: &Client, script: &str, args: Vec<Value>) -> Value {
    c.execute(script, args)
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

async fn new_york_session(driver: &Driver) -> Client {
    driver
        .session_with(&SessionOptions {
            time_zone: Some(NEW_YORK.into()),
            ..SessionOptions::default()
        })
        .await
}

#[tokio::test]
async fn status_lines_in_new_york_match_rust_at_tricky_instants() {
    let site = model();
    let dir = bundled::site();
    let port = browser::serve(dir, "/");
    let driver = Driver::start();
    let c = new_york_session(&driver).await;
    let instants: Vec<(Timestamp, &str, &str)> = INSTANTS
        .iter()
        .map(|(s, why)| (instant(s), *s, *why))
        .collect();
    let ms: Vec<Value> = instants
        .iter()
        .map(|(t, _, _)| json!(t.as_millisecond()))
        .collect();

    let mut compared = 0;
    let mut texts_seen = Vec::new();
    let mut failures = Vec::new();
    for m in &site.municipalities {
        c.goto(&format!("http://127.0.0.1:{port}/{}/", m.slug))
            .await
            .unwrap();
        let zone = eval(
            &c,
            "return Intl.DateTimeFormat().resolvedOptions().timeZone;",
            vec![],
        )
        .await;
        assert_eq!(zone, NEW_YORK, "the browser runs in New York time");
        // Each contact's own data-lp-hours JSON, as the page carries it, through tid.js.
        let got = eval(
            &c,
            "const ms = arguments[0];
             return [...document.querySelectorAll('[data-lp-hours]')].map(el => [
               el.closest('.contact').id,
               ms.map(t => window.lovportal.hoursStatus(el.getAttribute('data-lp-hours'), t)),
             ]);",
            vec![json!(ms)],
        )
        .await;
        let got: Vec<(String, Vec<String>)> = serde_json::from_value(got).unwrap();
        let with_hours: Vec<_> = m
            .data
            .contacts
            .iter()
            .filter(|x| x.hours.is_some())
            .collect();
        assert_eq!(
            got.len(),
            with_hours.len(),
            "{}: one status line per contact with hours",
            m.slug
        );
        for (id, texts) in got {
            let contact = m
                .data
                .contacts
                .iter()
                .find(|x| format!("kontakt-{}", x.id.as_str()) == id)
                .unwrap_or_else(|| panic!("{id}"));
            let h = contact.hours.as_ref().unwrap();
            let weekly = lovportal::schedule::weekly(h);
            for ((t, s, why), js) in instants.iter().zip(&texts) {
                let rust =
                    status_text(&status(&weekly, h.open_on_holidays, &m.data.holidays, t), t);
                if *js != rust {
                    failures.push(format!(
                        "{}/{id} at {s} ({why}): browser {js:?}, Rust {rust:?}",
                        m.slug
                    ));
                }
                compared += 1;
                if m.slug == "molndal" {
                    texts_seen.push((*s, js.clone()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(compared >= INSTANTS.len() * 6, "{compared} comparisons");

    // The Mölndal helpdesk (Mon-Thu 07.00-16.30, Fri 07.00-16.00, closed on public
    // holidays and Christmas Eve): what a reader sees at some of the instants.
    let seen: BTreeMap<&str, &str> = texts_seen.iter().map(|(s, t)| (*s, t.as_str())).collect();
    for (at, want) in [
        ("2026-11-23T06:59:59", "Stängt – öppnar i dag kl. 07.00"),
        ("2026-11-23T07:00:00", "Öppet nu, stänger 16.30"),
        ("2026-11-23T16:30:00", "Stängt – öppnar i morgon kl. 07.00"),
        ("2026-11-27T15:59:59", "Öppet nu, stänger 16.00"),
        (
            "2026-11-27T17:00:00",
            "Stängt – öppnar måndag 30 november kl. 07.00",
        ),
        (
            "2026-12-24T10:00:00",
            "Stängt – öppnar måndag 28 december kl. 07.00",
        ),
        (
            "2027-03-26T10:00:00",
            "Stängt – öppnar tisdag 30 mars kl. 07.00",
        ),
        ("2027-03-30T07:00:00", "Öppet nu, stänger 16.30"),
        (
            "2027-05-05T17:00:00",
            "Stängt – öppnar fredag 7 maj kl. 07.00",
        ),
        (
            "2026-03-27T17:00:00",
            "Stängt – öppnar måndag 30 mars kl. 07.00",
        ),
        ("2026-10-26T06:59:59", "Stängt – öppnar i dag kl. 07.00"),
        ("2026-10-26T07:00:00", "Öppet nu, stänger 16.30"),
    ] {
        assert_eq!(
            seen.get(at).copied(),
            Some(want),
            "Mölndal helpdesk at {at}"
        );
    }
    c.close().await.unwrap();
}

/// The page itself: after `lovportal.render(now)` the status line carries the text and
/// the `lp-open` / `lp-closed` class; the maintenance list marks the window in progress
/// ("Pågår nu"), the next one ("Nästa") and the past ones.
#[tokio::test]
async fn pages_show_status_and_maintenance_for_the_stockholm_clock() {
    let dir = bundled::site();
    let port = browser::serve(dir, "/");
    let driver = Driver::start();
    let c = new_york_session(&driver).await;

    c.goto(&format!("http://127.0.0.1:{port}/molndal/"))
        .await
        .unwrap();
    let line = "const el = document.querySelector('#kontakt-helpdesk .lp-status') \
                || document.querySelector('.lp-status');
                window.lovportal.render(arguments[0]);
                return [el.textContent, el.className, el.offsetHeight > 0];";
    // Monday 16.29 in Stockholm is 10.29 in New York: open.
    let open = eval(
        &c,
        line,
        vec![json!(instant("2026-11-23T16:29:00").as_millisecond())],
    )
    .await;
    assert_eq!(open[0], "Öppet nu, stänger 16.30");
    assert_eq!(open[1], "lp-status lp-open");
    assert_eq!(open[2], true, "the status line is shown");
    let closed = eval(
        &c,
        line,
        vec![json!(instant("2026-11-23T16:30:00").as_millisecond())],
    )
    .await;
    assert_eq!(closed[0], "Stängt – öppnar i morgon kl. 07.00");
    assert_eq!(closed[1], "lp-status lp-closed");

    // Kävlinge's window: 4th Wednesday 12.00-14.30; 25 November 2026 is the first.
    for page in ["kavlinge/", "system/lifecare-utforare/"] {
        c.goto(&format!("http://127.0.0.1:{port}/{page}"))
            .await
            .unwrap();
        let state = "window.lovportal.render(arguments[0]);
             return [...document.querySelectorAll('.occurrences li')].slice(0, 3)
               .map(li => [li.className, li.textContent.replace(/\\s+/g, ' ').trim()]);";
        let before = eval(
            &c,
            state,
            vec![json!(instant("2026-11-25T11:59:59").as_millisecond())],
        )
        .await;
        assert_eq!(
            before,
            json!([
                ["lp-next", "onsdag 25 november 2026 kl. 12.00–14.30 Nästa"],
                ["", "onsdag 23 december 2026 kl. 12.00–14.30"],
                ["", "onsdag 27 januari 2027 kl. 12.00–14.30"],
            ]),
            "{page}"
        );
        let during = eval(
            &c,
            state,
            vec![json!(instant("2026-11-25T12:00:00").as_millisecond())],
        )
        .await;
        assert_eq!(
            during,
            json!([
                [
                    "lp-current",
                    "onsdag 25 november 2026 kl. 12.00–14.30 Pågår nu"
                ],
                ["lp-next", "onsdag 23 december 2026 kl. 12.00–14.30 Nästa"],
                ["", "onsdag 27 januari 2027 kl. 12.00–14.30"],
            ]),
            "{page}"
        );
        let after = eval(
            &c,
            state,
            vec![json!(instant("2026-11-25T14:30:00").as_millisecond())],
        )
        .await;
        assert_eq!(
            after,
            json!([
                [
                    "lp-past",
                    "onsdag 25 november 2026 kl. 12.00–14.30 (har varit)"
                ],
                ["lp-next", "onsdag 23 december 2026 kl. 12.00–14.30 Nästa"],
                ["", "onsdag 27 januari 2027 kl. 12.00–14.30"],
            ]),
            "{page}"
        );
        // After the spring DST switch the window is still 12.00 in Stockholm: the
        // 28 April 2027 window starts at 10.00 UTC, not 11.00.
        let april = eval(
            &c,
            "const l = JSON.parse(document.querySelector('[data-lp-maintenance]').getAttribute('data-lp-maintenance'));
             const w = l.find(w => w.start.startsWith('2027-04'));
             return [w.start, new Date(w.start).toISOString(),
                     window.lovportal.maintenanceStatus(l, Date.parse('2027-04-28T10:00:00Z')).current === l.indexOf(w),
                     window.lovportal.maintenanceStatus(l, Date.parse('2027-04-28T09:59:59Z')).current];",
            vec![],
        )
        .await;
        assert_eq!(
            april,
            json!([
                "2027-04-28T12:00:00+02:00",
                "2027-04-28T10:00:00.000Z",
                true,
                null
            ]),
            "{page}"
        );
    }
    c.close().await.unwrap();
}

/// Problems with one iCalendar file, by an independent parser (empty = OK): CRLF, lines
/// of at most 75 octets, one VCALENDAR with VERSION and PRODID, every VEVENT with UID,
/// DTSTAMP and DTSTART, every TZID defined by a VTIMEZONE, every RRULE valid.
fn ics_problems(raw: &str) -> Vec<String> {
    let mut errs: Vec<String> = raw
        .split("\r\n")
        .filter(|l| l.len() > 75 || l.contains('\n'))
        .map(|l| format!("bad line: {l:.40}"))
        .collect();
    if !raw.ends_with("\r\n") {
        errs.push("does not end with CRLF".into());
    }
    let unfolded = unfold(raw);
    let cal = match read_components(&unfolded) {
        Ok(mut c) if c.len() == 1 => c.remove(0),
        Ok(_) => return vec!["not one VCALENDAR".into()],
        Err(e) => return vec![e.to_string()],
    };
    let need = |c: &Component, ns: &[&str]| {
        ns.iter()
            .filter(|n| c.find_prop(n).is_none())
            .map(|n| format!("{}: no {n}", c.name.as_str()))
            .collect::<Vec<_>>()
    };
    errs.extend(need(&cal, &["VERSION", "PRODID"]));
    let tzids: Vec<&str> = cal
        .components
        .iter()
        .filter_map(|c| c.find_prop("TZID"))
        .map(|p| p.val.as_str())
        .collect();
    for ev in cal
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
    {
        errs.extend(need(ev, &["UID", "DTSTAMP", "DTSTART"]));
        let Some(start) = ev.find_prop("DTSTART") else {
            continue;
        };
        let tz = start
            .params
            .iter()
            .find(|p| p.key.as_str() == "TZID")
            .and_then(|p| p.val.as_ref())
            .map(|v| v.as_str());
        if tz.is_some_and(|tz| !tzids.contains(&tz)) {
            errs.push(format!("DTSTART: TZID {tz:?} has no VTIMEZONE"));
        }
        if let Some(r) = ev.find_prop("RRULE") {
            let rule = format!(
                "DTSTART{}:{}\nRRULE:{}",
                tz.map_or(String::new(), |t| format!(";TZID={t}")),
                start.val.as_str(),
                r.val.as_str()
            );
            if let Err(e) = rule.parse::<rrule::RRuleSet>() {
                errs.push(e.to_string());
            }
        }
    }
    errs
}

/// The value of `name` on each VEVENT of `raw`, with its TZID parameter if any.
fn event_props(raw: &str, name: &str) -> Vec<(Option<String>, String, Option<String>)> {
    let unfolded = unfold(raw);
    let cal = read_components(&unfolded).unwrap().remove(0);
    cal.components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
        .filter_map(|ev| {
            let p = ev.find_prop(name)?;
            let tz = p
                .params
                .iter()
                .find(|p| p.key.as_str() == "TZID")
                .and_then(|p| p.val.as_ref())
                .map(|v| v.as_str().to_string());
            let rrule = ev.find_prop("RRULE").map(|r| r.val.as_str().to_string());
            Some((tz, p.val.as_str().to_string(), rrule))
        })
        .collect()
}

#[test]
fn every_ics_parses_and_keeps_local_times_across_dst() {
    let dir = bundled::site();
    let feeds = bundled::files_ending(dir, ".ics");
    let site = model();
    let expected: Vec<String> = site
        .municipalities
        .iter()
        .map(|m| format!("{}/kalender.ics", m.slug))
        .chain(
            site.providers
                .iter()
                .map(|p| format!("utforare/{}/checklista.ics", p.id)),
        )
        .collect();
    let mut sorted = expected.clone();
    sorted.sort();
    assert_eq!(feeds, sorted, "one feed per municipality and provider");
    for f in &feeds {
        let raw = std::fs::read_to_string(dir.join(f)).unwrap();
        assert_eq!(ics_problems(&raw), Vec::<String>::new(), "{f}");
    }

    // Kävlinge's maintenance feed, expanded by the rrule crate: every occurrence is at
    // 12.00 Stockholm time, +01:00 in winter and +02:00 in summer, and the instants of
    // the next 12 months are exactly those the page lists.
    let raw = std::fs::read_to_string(dir.join("kavlinge/kalender.ics")).unwrap();
    let events = event_props(&raw, "DTSTART");
    assert_eq!(events.len(), 1);
    let (tz, start, rule) = &events[0];
    assert_eq!(tz.as_deref(), Some("Europe/Stockholm"));
    let set: rrule::RRuleSet = format!(
        "DTSTART;TZID=Europe/Stockholm:{start}\nRRULE:{}",
        rule.as_deref().expect("a recurring window")
    )
    .parse()
    .unwrap();
    let occurrences = set.all(60).dates;
    assert!(occurrences.len() >= 36, "{}", occurrences.len());
    let rfc: Vec<String> = occurrences.iter().map(|o| o.to_rfc3339()).collect();
    for (o, s) in occurrences.iter().zip(&rfc) {
        // The same instant seen by jiff's tz database: 12.00 local, same offset.
        let local = Timestamp::from_second(o.timestamp())
            .unwrap()
            .to_zoned(stockholm())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string();
        assert_eq!(*s, local);
        assert!(s.contains("T12:00:00"), "{s}");
    }
    // Three days after the autumn switch (25 Oct 2026) it is winter time; four days
    // before the 2027 one (31 Oct) still summer time; after the spring switch summer.
    for want in [
        "2026-10-28T12:00:00+01:00",
        "2027-03-24T12:00:00+01:00",
        "2027-04-28T12:00:00+02:00",
        "2027-10-27T12:00:00+02:00",
    ] {
        assert!(rfc.iter().any(|s| s == want), "{want} in {rfc:?}");
    }
    let html = std::fs::read_to_string(dir.join("kavlinge/index.html")).unwrap();
    let attr = "data-lp-maintenance=\"";
    let i = html.find(attr).unwrap() + attr.len();
    let json = html[i..i + html[i..].find('"').unwrap()].replace("&quot;", "\"");
    let listed: Vec<Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(listed.len(), 12);
    let listed: Vec<i64> = listed
        .iter()
        .map(|w| {
            w["start"]
                .as_str()
                .unwrap()
                .parse::<Timestamp>()
                .unwrap()
                .as_second()
        })
        .collect();
    let now = instant(&format!("{}:00", bundled::NOW)).as_second();
    let from_feed: Vec<i64> = occurrences
        .iter()
        .map(|o| o.timestamp())
        .filter(|t| *t >= now)
        .take(12)
        .collect();
    assert_eq!(from_feed, listed, "the feed and the page agree");

    // Provider checklists: all-day events on the dates the provider's page shows.
    for p in &site.providers {
        let raw =
            std::fs::read_to_string(dir.join(format!("utforare/{}/checklista.ics", p.id))).unwrap();
        let mut feed: Vec<String> = event_props(&raw, "DTSTART")
            .into_iter()
            .map(|(tz, v, rule)| {
                assert_eq!((tz, rule), (None, None), "{}: all-day, one-off", p.id);
                format!("{}-{}-{}", &v[..4], &v[4..6], &v[6..8])
            })
            .collect();
        let page =
            std::fs::read_to_string(dir.join(format!("utforare/{}/index.html", p.id))).unwrap();
        let mut shown: Vec<String> = page
            .split("data-due=\"")
            .skip(1)
            .map(|s| s[..10].to_string())
            .collect();
        feed.sort();
        shown.sort();
        assert!(!shown.is_empty(), "{}", p.id);
        assert_eq!(feed, shown, "{}: the feed has the page's due dates", p.id);
    }
}
