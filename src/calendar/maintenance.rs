//! Maintenance windows: the concrete occurrences of a [`Recurrence`] with a local
//! [`TimeRange`], in Europe/Stockholm.

use super::values::{Nth, Recurrence, TimeRange};
use super::{add_days, local, stockholm};
use jiff::civil::Date;
use jiff::{Span, Timestamp, Zoned};

/// The dates in `first..=last` on which `rec` falls, ascending.
fn dates(rec: &Recurrence, first: Date, last: Date) -> Vec<Date> {
    let mut out = Vec::new();
    match *rec {
        Recurrence::Once { date } => {
            if first <= date && date <= last {
                out.push(date);
            }
        }
        Recurrence::Weekly { weekday } => {
            let ahead = weekday.since(first.weekday());
            let mut d = add_days(first, i64::from(ahead));
            while let Some(day) = d.filter(|d| *d <= last) {
                out.push(day);
                d = add_days(day, 7);
            }
        }
        Recurrence::Monthly { nth, weekday } => {
            let n: i8 = match nth {
                // Taken literally: 0 or a sixth never occurs, a fifth only sometimes.
                Nth::Number(k) => i8::try_from(k).unwrap_or(i8::MAX),
                Nth::Last => -1,
            };
            let mut month = Some(first.first_of_month());
            while let Some(m) = month.filter(|m| *m <= last) {
                if let Ok(day) = m.nth_weekday_of_month(n, weekday)
                    && first <= day
                    && day <= last
                {
                    out.push(day);
                }
                month = Span::new()
                    .try_months(1)
                    .ok()
                    .and_then(|s| m.checked_add(s).ok());
            }
        }
    }
    out
}

/// Every window `(start, end)` of `rec` at local `time` that overlaps `from..until`,
/// ascending; a window already in progress at `from` is included.
pub fn occurrences(
    rec: &Recurrence,
    time: &TimeRange,
    from: Timestamp,
    until: Timestamp,
) -> Vec<(Zoned, Zoned)> {
    if until <= from {
        return Vec::new();
    }
    let tz = stockholm();
    let first = from.to_zoned(tz.clone()).date();
    let first = add_days(first, -1).unwrap_or(first);
    let last = until.to_zoned(tz.clone()).date();
    dates(rec, first, last)
        .into_iter()
        .filter_map(|d| Some((local(&tz, d, time.start)?, local(&tz, d, time.end)?)))
        .filter(|(s, e)| s < e && e.timestamp() > from && s.timestamp() < until)
        .collect()
}

/// `now` plus twelve calendar months in Stockholm (the end of time if out of range).
pub fn twelve_months_after(now: Timestamp) -> Timestamp {
    let z = now.to_zoned(stockholm());
    Span::new()
        .try_months(12)
        .ok()
        .and_then(|s| z.checked_add(s).ok())
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::MAX)
}

/// The windows of the next twelve months, counting one in progress at `now`.
pub fn next_12_months(rec: &Recurrence, time: &TimeRange, now: Timestamp) -> Vec<(Zoned, Zoned)> {
    occurrences(rec, time, now, twelve_months_after(now))
}

/// The first window within twelve months that has not ended at `now` (possibly in
/// progress).
pub fn next_occurrence(
    rec: &Recurrence,
    time: &TimeRange,
    now: Timestamp,
) -> Option<(Zoned, Zoned)> {
    next_12_months(rec, time, now).into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{Weekday, date};

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn range(s: &str) -> TimeRange {
        s.parse().unwrap()
    }

    /// The `k`-th (1-based) `weekday` of a month, by walking the month's days.
    fn kth(year: i16, month: i8, weekday: Weekday, k: usize) -> Option<Date> {
        let mut d = date(year, month, 1);
        let mut found = Vec::new();
        while d.month() == month {
            if d.weekday() == weekday {
                found.push(d);
            }
            d = d.tomorrow().unwrap();
        }
        if k == 0 {
            found.last().copied()
        } else {
            found.get(k - 1).copied()
        }
    }

    fn fmt(z: &Zoned) -> String {
        z.strftime("%Y-%m-%dT%H:%M%:z").to_string()
    }

    #[test]
    fn fourth_wednesday_for_a_whole_year() {
        let rec: Recurrence = "4:e onsdagen".parse().unwrap();
        let t = range("12.00-14.30");
        let got = occurrences(
            &rec,
            &t,
            ts("2026-01-01T00:00:00Z"),
            ts("2027-01-01T00:00:00Z"),
        );
        assert_eq!(got.len(), 12);
        for (i, (s, e)) in got.iter().enumerate() {
            let month = i as i8 + 1;
            assert_eq!(s.date(), kth(2026, month, Weekday::Wednesday, 4).unwrap());
            assert_eq!((s.hour(), s.minute()), (12, 0));
            assert_eq!((e.hour(), e.minute()), (14, 30));
            assert_eq!(e.date(), s.date());
            assert_eq!(s.time_zone().iana_name(), Some("Europe/Stockholm"));
        }
        // Months with five Wednesdays take the fourth, not the last.
        let dates: Vec<String> = got.iter().map(|(s, _)| s.date().to_string()).collect();
        for (fourth, fifth) in [
            ("2026-04-22", "2026-04-29"),
            ("2026-07-22", "2026-07-29"),
            ("2026-09-23", "2026-09-30"),
            ("2026-12-23", "2026-12-30"),
        ] {
            assert!(dates.contains(&fourth.to_string()), "{dates:?}");
            assert!(!dates.contains(&fifth.to_string()), "{dates:?}");
        }
        // Offsets follow summer time: CET until March, CEST April-September, CET again
        // from the end of October (28 October is after the switch on the 25th).
        assert_eq!(fmt(&got[2].0), "2026-03-25T12:00+01:00");
        assert_eq!(fmt(&got[3].0), "2026-04-22T12:00+02:00");
        assert_eq!(fmt(&got[9].0), "2026-10-28T12:00+01:00");
        assert_eq!(got[3].0.timestamp(), ts("2026-04-22T10:00:00Z"));
        assert!(got.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn last_friday() {
        let rec: Recurrence = "sista fredagen".parse().unwrap();
        let got = occurrences(
            &rec,
            &range("18.00-20.00"),
            ts("2026-01-01T00:00:00Z"),
            ts("2028-01-01T00:00:00Z"),
        );
        assert_eq!(got.len(), 24);
        for (s, _) in &got {
            let d = s.date();
            assert_eq!(Some(d), kth(d.year(), d.month(), Weekday::Friday, 0));
        }
        let first: Vec<String> = got
            .iter()
            .take(3)
            .map(|(s, _)| s.date().to_string())
            .collect();
        assert_eq!(first, ["2026-01-30", "2026-02-27", "2026-03-27"]);
        // Five-Friday month: 29 May 2026 is the fifth and last Friday.
        assert!(got.iter().any(|(s, _)| s.date() == date(2026, 5, 29)));
    }

    #[test]
    fn weekly_across_spring_dst() {
        let rec: Recurrence = "varje tisdag".parse().unwrap();
        let got = occurrences(
            &rec,
            &range("12.00-13.00"),
            ts("2026-03-20T00:00:00Z"),
            ts("2026-04-08T00:00:00Z"),
        );
        let shown: Vec<String> = got.iter().map(|(s, _)| fmt(s)).collect();
        assert_eq!(
            shown,
            [
                "2026-03-24T12:00+01:00",
                "2026-03-31T12:00+02:00",
                "2026-04-07T12:00+02:00"
            ]
        );
        assert_eq!(got[0].0.timestamp(), ts("2026-03-24T11:00:00Z"));
        assert_eq!(got[1].0.timestamp(), ts("2026-03-31T10:00:00Z"));
    }

    #[test]
    fn once_and_windows_over_the_switch_itself() {
        let spring = Recurrence::Once {
            date: date(2026, 3, 29),
        };
        let t = range("01.00-04.00");
        let got = occurrences(
            &spring,
            &t,
            ts("2026-01-01T00:00:00Z"),
            ts("2027-01-01T00:00:00Z"),
        );
        assert_eq!(got.len(), 1);
        let (s, e) = &got[0];
        assert_eq!(s.offset().seconds(), 3600);
        assert_eq!(e.offset().seconds(), 7200);
        assert_eq!(s.duration_until(e).as_hours(), 2, "an hour is skipped");
        let autumn = Recurrence::Once {
            date: date(2026, 10, 25),
        };
        let got = occurrences(
            &autumn,
            &t,
            ts("2026-01-01T00:00:00Z"),
            ts("2027-01-01T00:00:00Z"),
        );
        let (s, e) = &got[0];
        assert_eq!(s.offset().seconds(), 7200);
        assert_eq!(e.offset().seconds(), 3600);
        assert_eq!(s.duration_until(e).as_hours(), 4, "an hour is repeated");
        // Outside the range: nothing.
        assert!(
            occurrences(
                &spring,
                &t,
                ts("2026-04-01T00:00:00Z"),
                ts("2027-01-01T00:00:00Z")
            )
            .is_empty()
        );
    }

    #[test]
    fn in_progress_and_boundaries() {
        let rec: Recurrence = "4:e onsdagen".parse().unwrap();
        let t = range("12.00-14.30");
        // 23 December 2026, 12.30 local = 11.30 UTC: the window is in progress.
        let got = next_12_months(&rec, &t, ts("2026-12-23T11:30:00Z"));
        assert_eq!(got[0].0.timestamp(), ts("2026-12-23T11:00:00Z"));
        // Twelve months ahead reaches 23 December 2027 12.30, after 22 December 12.00.
        assert_eq!(got.len(), 13);
        assert_eq!(got.last().unwrap().0.date(), date(2027, 12, 22));
        // At its end it is over.
        let got = next_12_months(&rec, &t, ts("2026-12-23T13:30:00Z"));
        assert_eq!(got[0].0.date(), date(2027, 1, 27));
        assert_eq!(got.len(), 12);
        let next = next_occurrence(&rec, &t, ts("2026-12-23T13:29:59Z")).unwrap();
        assert_eq!(next.0.date(), date(2026, 12, 23));
        // `until` is exclusive, empty and reversed ranges give nothing.
        assert!(
            occurrences(
                &rec,
                &t,
                ts("2026-12-23T11:00:00Z"),
                ts("2026-12-23T11:00:00Z")
            )
            .is_empty()
        );
        assert!(
            occurrences(
                &rec,
                &t,
                ts("2027-01-01T00:00:00Z"),
                ts("2026-01-01T00:00:00Z")
            )
            .is_empty()
        );
        assert!(
            occurrences(
                &rec,
                &t,
                ts("2026-12-23T10:00:00Z"),
                ts("2026-12-23T11:00:00Z")
            )
            .is_empty()
        );
        // A window ending at 24.00.
        let late = occurrences(
            &Recurrence::Once {
                date: date(2026, 12, 31),
            },
            &range("22.00-24.00"),
            ts("2026-12-31T22:30:00Z"),
            ts("2027-01-02T00:00:00Z"),
        );
        assert_eq!(fmt(&late[0].1), "2027-01-01T00:00+01:00");
    }

    #[test]
    fn extremes_do_not_panic() {
        let t = range("12.00-14.30");
        let once = Recurrence::Once {
            date: date(2026, 1, 1),
        };
        assert_eq!(
            occurrences(&once, &t, Timestamp::MIN, Timestamp::MAX).len(),
            1
        );
        let rec = Recurrence::Monthly {
            nth: Nth::Number(9),
            weekday: Weekday::Monday,
        };
        assert!(
            occurrences(
                &rec,
                &t,
                ts("2026-01-01T00:00:00Z"),
                ts("2027-01-01T00:00:00Z")
            )
            .is_empty()
        );
        let last = Recurrence::Monthly {
            nth: Nth::Last,
            weekday: Weekday::Monday,
        };
        let _ = next_12_months(&last, &t, Timestamp::MAX);
        let _ = next_12_months(&last, &t, Timestamp::MIN);
        let weekly = Recurrence::Weekly {
            weekday: Weekday::Friday,
        };
        let _ = next_12_months(&weekly, &t, ts("9999-12-01T00:00:00Z"));
    }
}
