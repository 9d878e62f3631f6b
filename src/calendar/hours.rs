//! Support hours: weekly opening hours, whether they are open now (in Europe/Stockholm
//! local time), and the Swedish status line shown to readers.
//!
//! `themes/default/static/js/tid.js` computes the same status in the browser from
//! [`super::status::hours_json`]; keep the wording of [`status_text`] in step with it.

use super::holidays::{HolidayRule, is_closed_day};
use super::values::{DaySet, TimeRange, month_name, weekday_name};
use super::{add_days, local, stockholm};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

/// How many days ahead (after today) [`status`] looks for the next opening.
pub const HORIZON_DAYS: i64 = 30;

/// Weekly opening hours: each entry opens the range on each of its days.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WeeklyHours(pub Vec<(DaySet, TimeRange)>);

/// Pairs `(i, j)`, `i < j`, of entries that share a weekday and whose ranges overlap.
/// Ranges that only touch (`07.00-12.00`, `12.00-16.00`) do not overlap.
pub fn validate_overlaps(hours: &WeeklyHours) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (i, (days_a, a)) in hours.0.iter().enumerate() {
        for (j, (days_b, b)) in hours.0.iter().enumerate().skip(i + 1) {
            if days_a.bits & days_b.bits & 0x7f != 0 && a.overlaps(b) {
                out.push((i, j));
            }
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Open now; closes at `closes` (the end of the horizon if open throughout it).
    Open { closes: Zoned },
    /// Closed now; opens at `opens`, or not within the horizon.
    Closed { opens: Option<Zoned> },
}

/// Opening intervals from `today` through `today + HORIZON_DAYS`, sorted and merged
/// where they overlap or touch.
fn intervals(
    hours: &WeeklyHours,
    open_on_holidays: bool,
    rule: &HolidayRule,
    tz: &TimeZone,
    today: Date,
) -> Vec<(Zoned, Zoned)> {
    let mut all: Vec<(Zoned, Zoned)> = Vec::new();
    for offset in 0..=HORIZON_DAYS {
        let Some(day) = add_days(today, offset) else {
            break;
        };
        if !open_on_holidays && is_closed_day(rule, day).is_some() {
            continue;
        }
        for (days, range) in &hours.0 {
            if !days.contains(day.weekday()) {
                continue;
            }
            if let (Some(s), Some(e)) = (local(tz, day, range.start), local(tz, day, range.end))
                && s < e
            {
                all.push((s, e));
            }
        }
    }
    all.sort();
    let mut merged: Vec<(Zoned, Zoned)> = Vec::new();
    for (s, e) in all {
        match merged.last_mut() {
            Some(last) if s <= last.1 => {
                if e > last.1 {
                    last.1 = e;
                }
            }
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// Whether support is open at `now`, in Stockholm local time. Closed days under `rule`
/// (public holidays, closed eves, extra days) are closed unless `open_on_holidays`.
pub fn status(
    hours: &WeeklyHours,
    open_on_holidays: bool,
    rule: &HolidayRule,
    now: &Timestamp,
) -> Status {
    let tz = stockholm();
    let now_z = now.to_zoned(tz.clone());
    let list = intervals(hours, open_on_holidays, rule, &tz, now_z.date());
    if let Some((_, end)) = list.iter().find(|(s, e)| *s <= now_z && now_z < *e) {
        return Status::Open {
            closes: end.clone(),
        };
    }
    Status::Closed {
        opens: list.into_iter().map(|(s, _)| s).find(|s| *s > now_z),
    }
}

fn hhmm(z: &Zoned) -> String {
    format!("{:02}.{:02}", z.hour(), z.minute())
}

/// "i dag", "i morgon" or "måndag 7 april" for `z`, seen from local date `today`.
fn day_phrase(today: Date, z: &Zoned) -> String {
    let date = z.date();
    if date == today {
        "i dag".to_string()
    } else if add_days(today, 1) == Some(date) {
        "i morgon".to_string()
    } else {
        format!(
            "{} {} {}",
            weekday_name(date.weekday()),
            date.day(),
            month_name(date.month())
        )
    }
}

/// The Swedish status line: "Öppet nu, stänger 16.30", "Stängt – öppnar i dag kl. 07.00",
/// "Stängt – öppnar i morgon kl. 07.00", "Stängt – öppnar måndag 7 april kl. 07.00".
/// An opening that lasts past midnight closes "24.00" (at the next midnight) or
/// "i morgon kl. 02.00" / "måndag 7 april kl. 16.30".
pub fn status_text(status: &Status, now: &Timestamp) -> String {
    let today = now.to_zoned(stockholm()).date();
    match status {
        Status::Open { closes } => {
            let date = closes.date();
            if date == today {
                format!("Öppet nu, stänger {}", hhmm(closes))
            } else if add_days(today, 1) == Some(date) && closes.hour() == 0 && closes.minute() == 0
            {
                "Öppet nu, stänger 24.00".to_string()
            } else {
                format!(
                    "Öppet nu, stänger {} kl. {}",
                    day_phrase(today, closes),
                    hhmm(closes)
                )
            }
        }
        Status::Closed { opens: Some(opens) } => {
            format!(
                "Stängt – öppnar {} kl. {}",
                day_phrase(today, opens),
                hhmm(opens)
            )
        }
        Status::Closed { opens: None } => "Stängt".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::holidays::ExtraClosed;
    use crate::calendar::values::IsoDate;

    pub(crate) fn office() -> WeeklyHours {
        WeeklyHours(vec![
            (
                "måndag-torsdag".parse().unwrap(),
                "07.00-16.30".parse().unwrap(),
            ),
            ("fredag".parse().unwrap(), "07.00-15.00".parse().unwrap()),
        ])
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn text_at(hours: &WeeklyHours, utc: &str) -> String {
        let now = ts(utc);
        status_text(&status(hours, false, &HolidayRule::default(), &now), &now)
    }

    #[test]
    fn overlaps_on_shared_weekdays_only() {
        let h = WeeklyHours(vec![
            (
                "måndag-torsdag".parse().unwrap(),
                "07.00-12.00".parse().unwrap(),
            ),
            (
                "torsdag-fredag".parse().unwrap(),
                "11.00-16.00".parse().unwrap(),
            ),
            ("måndag".parse().unwrap(), "12.00-16.00".parse().unwrap()),
            ("fredag".parse().unwrap(), "07.00-08.00".parse().unwrap()),
            ("lördag".parse().unwrap(), "07.00-16.00".parse().unwrap()),
        ]);
        // 0/1 share Thursday and 11-12; 0/2 only touch; 1/3 share Friday but not time.
        assert_eq!(validate_overlaps(&h), vec![(0, 1)]);
        assert!(validate_overlaps(&office()).is_empty());
        assert!(validate_overlaps(&WeeklyHours::default()).is_empty());
    }

    #[test]
    fn around_opening_and_closing() {
        let h = office();
        // Monday 23 November 2026, CET (UTC+1).
        assert_eq!(
            text_at(&h, "2026-11-23T05:59:59Z"),
            "Stängt – öppnar i dag kl. 07.00"
        );
        assert_eq!(
            text_at(&h, "2026-11-23T06:00:00Z"),
            "Öppet nu, stänger 16.30"
        );
        assert_eq!(
            text_at(&h, "2026-11-23T15:29:59Z"),
            "Öppet nu, stänger 16.30"
        );
        assert_eq!(
            text_at(&h, "2026-11-23T15:30:00Z"),
            "Stängt – öppnar i morgon kl. 07.00"
        );
        // Just before local midnight and just after it (23:30 UTC is already Tuesday).
        assert_eq!(
            text_at(&h, "2026-11-23T22:59:00Z"),
            "Stängt – öppnar i morgon kl. 07.00"
        );
        assert_eq!(
            text_at(&h, "2026-11-23T23:30:00Z"),
            "Stängt – öppnar i dag kl. 07.00"
        );
        let now = ts("2026-11-23T10:00:00Z");
        match status(&h, false, &HolidayRule::default(), &now) {
            Status::Open { closes } => {
                assert_eq!(closes.timestamp(), ts("2026-11-23T15:30:00Z"));
                assert_eq!(closes.time_zone().iana_name(), Some("Europe/Stockholm"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn friday_afternoon_and_weekend() {
        let h = office();
        assert_eq!(
            text_at(&h, "2026-11-27T13:59:00Z"),
            "Öppet nu, stänger 15.00"
        );
        assert_eq!(
            text_at(&h, "2026-11-27T14:00:00Z"),
            "Stängt – öppnar måndag 30 november kl. 07.00"
        );
        assert_eq!(
            text_at(&h, "2026-11-28T12:00:00Z"),
            "Stängt – öppnar måndag 30 november kl. 07.00"
        );
        assert_eq!(
            text_at(&h, "2026-11-29T12:00:00Z"),
            "Stängt – öppnar i morgon kl. 07.00"
        );
    }

    #[test]
    fn christmas_good_friday_and_ascension() {
        let h = office();
        // Wednesday 23 December 2026 after closing: 24-27 closed, open Monday 28.
        assert_eq!(
            text_at(&h, "2026-12-23T16:00:00Z"),
            "Stängt – öppnar måndag 28 december kl. 07.00"
        );
        // On Christmas Eve itself (a Thursday) at 10.00.
        assert_eq!(
            text_at(&h, "2026-12-24T09:00:00Z"),
            "Stängt – öppnar måndag 28 december kl. 07.00"
        );
        // Maundy Thursday 2 April 2026 (CEST) after closing: open again Tuesday 7 April.
        assert_eq!(
            text_at(&h, "2026-04-02T14:30:00Z"),
            "Stängt – öppnar tisdag 7 april kl. 07.00"
        );
        assert_eq!(
            text_at(&h, "2026-04-03T08:00:00Z"),
            "Stängt – öppnar tisdag 7 april kl. 07.00"
        );
        // The day before Ascension Day (14 May 2026): next opening Friday 15 May.
        assert_eq!(
            text_at(&h, "2026-05-13T14:29:00Z"),
            "Öppet nu, stänger 16.30"
        );
        assert_eq!(
            text_at(&h, "2026-05-13T14:30:00Z"),
            "Stängt – öppnar fredag 15 maj kl. 07.00"
        );
        // Open on holidays: Christmas Eve is an ordinary Thursday.
        let now = ts("2026-12-24T09:00:00Z");
        let s = status(&h, true, &HolidayRule::default(), &now);
        assert_eq!(status_text(&s, &now), "Öppet nu, stänger 16.30");
        // An extra closed day.
        let mut rule = HolidayRule::default();
        rule.extra_closed.push(ExtraClosed {
            date: IsoDate(jiff::civil::date(2026, 11, 24)),
            reason: "Utbildningsdag".into(),
        });
        let now = ts("2026-11-23T16:00:00Z");
        let s = status(&h, false, &rule, &now);
        assert_eq!(
            status_text(&s, &now),
            "Stängt – öppnar onsdag 25 november kl. 07.00"
        );
    }

    #[test]
    fn spring_dst_switch() {
        let h = office();
        // Sunday 29 March 2026: clocks go from 02.00 CET to 03.00 CEST.
        let now = ts("2026-03-29T00:30:00Z");
        let s = status(&h, false, &HolidayRule::default(), &now);
        match &s {
            Status::Closed { opens: Some(o) } => {
                assert_eq!(o.timestamp(), ts("2026-03-30T05:00:00Z"));
                assert_eq!(o.offset().seconds(), 7200);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(status_text(&s, &now), "Stängt – öppnar i morgon kl. 07.00");
        // Friday before: opening is given in local time, after the switch.
        assert_eq!(
            text_at(&h, "2026-03-27T14:00:00Z"),
            "Stängt – öppnar måndag 30 mars kl. 07.00"
        );
        assert_eq!(
            text_at(&h, "2026-03-30T04:59:00Z"),
            "Stängt – öppnar i dag kl. 07.00"
        );
        assert_eq!(
            text_at(&h, "2026-03-30T05:00:00Z"),
            "Öppet nu, stänger 16.30"
        );
        // Hours spanning the missing hour: 01.00-04.00 lasts two real hours that night.
        let night = WeeklyHours(vec![(
            "söndag".parse().unwrap(),
            "01.00-04.00".parse().unwrap(),
        )]);
        let now = ts("2026-03-29T00:59:00Z"); // 01.59 CET
        match status(&night, false, &HolidayRule::default(), &now) {
            Status::Open { closes } => assert_eq!(closes.timestamp(), ts("2026-03-29T02:00:00Z")),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            text_at(&night, "2026-03-29T01:30:00Z"),
            "Öppet nu, stänger 04.00"
        );
        // Sunday 5 April 2026 is Easter Sunday, so the next night is 12 April.
        assert_eq!(
            text_at(&night, "2026-03-29T02:00:00Z"),
            "Stängt – öppnar söndag 12 april kl. 01.00"
        );
    }

    #[test]
    fn autumn_dst_switch() {
        let h = office();
        // Sunday 25 October 2026: clocks go from 03.00 CEST back to 02.00 CET.
        assert_eq!(
            text_at(&h, "2026-10-23T12:59:00Z"),
            "Öppet nu, stänger 15.00"
        );
        let now = ts("2026-10-24T12:00:00Z");
        let s = status(&h, false, &HolidayRule::default(), &now);
        match &s {
            Status::Closed { opens: Some(o) } => {
                assert_eq!(o.timestamp(), ts("2026-10-26T06:00:00Z"));
                assert_eq!(o.offset().seconds(), 3600);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            status_text(&s, &now),
            "Stängt – öppnar måndag 26 oktober kl. 07.00"
        );
        assert_eq!(
            text_at(&h, "2026-10-26T05:59:00Z"),
            "Stängt – öppnar i dag kl. 07.00"
        );
        assert_eq!(
            text_at(&h, "2026-10-26T06:00:00Z"),
            "Öppet nu, stänger 16.30"
        );
        // During the repeated hour (02.30 CET, second time round).
        assert_eq!(
            text_at(&h, "2026-10-25T01:30:00Z"),
            "Stängt – öppnar i morgon kl. 07.00"
        );
    }

    #[test]
    fn past_midnight_and_empty() {
        let late = WeeklyHours(vec![
            ("fredag".parse().unwrap(), "20.00-24.00".parse().unwrap()),
            ("lördag".parse().unwrap(), "00.00-02.00".parse().unwrap()),
            ("söndag".parse().unwrap(), "20.00-24.00".parse().unwrap()),
        ]);
        // Friday 27 November 2026 21.00: open into Saturday.
        assert_eq!(
            text_at(&late, "2026-11-27T20:00:00Z"),
            "Öppet nu, stänger i morgon kl. 02.00"
        );
        assert_eq!(
            text_at(&late, "2026-11-29T20:00:00Z"),
            "Öppet nu, stänger 24.00"
        );
        assert_eq!(
            text_at(&late, "2026-11-28T00:30:00Z"),
            "Öppet nu, stänger 02.00"
        );
        assert_eq!(
            text_at(&WeeklyHours::default(), "2026-11-27T20:00:00Z"),
            "Stängt"
        );
        // Open around the clock: closes at the end of the horizon, never panics.
        let always = WeeklyHours(vec![(
            "alla dagar".parse().unwrap(),
            "00.00-24.00".parse().unwrap(),
        )]);
        let now = ts("2026-11-27T20:00:00Z");
        assert!(matches!(
            status(&always, true, &HolidayRule::default(), &now),
            Status::Open { .. }
        ));
        // Far ends of the calendar.
        for t in [Timestamp::MIN, Timestamp::MAX] {
            let s = status(&office(), false, &HolidayRule::default(), &t);
            let _ = status_text(&s, &t);
        }
    }
}
