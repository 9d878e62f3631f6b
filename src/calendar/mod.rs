//! Time in Europe/Stockholm: value types for hours and rules, Swedish public holidays,
//! support-hour status, maintenance-window occurrences and iCalendar output.

pub mod holidays;
pub mod hours;
pub mod ics;
pub mod maintenance;
pub mod status;
pub mod values;
pub mod workdays;

pub use values::*;

use jiff::Zoned;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// The portal's time zone. The tz data is bundled into the binary, so the lookup does
/// not depend on the build or host machine; UTC is only a last-resort fallback.
pub fn stockholm() -> TimeZone {
    TimeZone::get("Europe/Stockholm").unwrap_or(TimeZone::UTC)
}

/// `z` as `strftime("%Y-%m-%dT%H:%M:%S%:z")` ("2026-12-23T12:00:00+01:00"), written
/// directly: a year of maintenance windows per municipality made strftime's format
/// parsing a measurable part of a build. Years outside 1000–9999 and offsets with
/// seconds go through strftime.
pub fn iso_seconds(z: &jiff::Zoned) -> String {
    let offset = z.offset().seconds();
    if !(1000..=9999).contains(&z.year()) || offset % 60 != 0 {
        return z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
    }
    let mut s = String::with_capacity(25);
    push_digits(&mut s, i64::from(z.year()), 4);
    s.push('-');
    push_digits(&mut s, i64::from(z.month()), 2);
    s.push('-');
    push_digits(&mut s, i64::from(z.day()), 2);
    s.push('T');
    push_clock(&mut s, z, ':');
    s.push(':');
    push_digits(&mut s, i64::from(z.second()), 2);
    s.push(if offset < 0 { '-' } else { '+' });
    let minutes = i64::from(offset.unsigned_abs() / 60);
    push_digits(&mut s, minutes / 60, 2);
    s.push(':');
    push_digits(&mut s, minutes % 60, 2);
    s
}

/// `z`'s hour and minute, two digits each, joined by `sep` ("12.00" with `.`).
pub fn push_clock(s: &mut String, z: &jiff::Zoned, sep: char) {
    push_digits(s, i64::from(z.hour()), 2);
    s.push(sep);
    push_digits(s, i64::from(z.minute()), 2);
}

/// `n` (not negative) in decimal, zero-padded to `width` digits.
fn push_digits(s: &mut String, n: i64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut k = buf.len();
    let mut n = n.unsigned_abs();
    while n > 0 {
        k -= 1;
        buf[k] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    let start = k.min(buf.len() - width);
    s.extend(buf[start..].iter().map(|&b| char::from(b)));
}

/// `date` moved `n` days (negative: backwards), or `None` outside jiff's date range.
pub(crate) fn add_days(date: Date, n: i64) -> Option<Date> {
    let span = jiff::Span::new().try_days(n).ok()?;
    date.checked_add(span).ok()
}

/// The instant at local wall-clock time `t` on `date` in `tz` (`24.00` is the next
/// midnight). A time in the spring-forward gap moves forward by the gap; a repeated time
/// in autumn is the earlier of the two (jiff's "compatible" disambiguation).
pub(crate) fn local(tz: &TimeZone, date: Date, t: TimeOfDay) -> Option<Zoned> {
    let (date, minutes) = if t.minutes >= 1440 {
        (add_days(date, 1)?, 0)
    } else {
        (date, t.minutes)
    };
    let dt = date.at((minutes / 60) as i8, (minutes % 60) as i8, 0, 0);
    tz.to_zoned(dt).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every 97 minutes over three years (each DST change included), and around the
    /// edges of the years it writes itself: the same text as strftime.
    #[test]
    fn iso_seconds_and_clock_match_strftime() {
        let tz = stockholm();
        let mut t: jiff::Timestamp = "2025-12-31T22:59:59Z".parse().unwrap();
        let end: jiff::Timestamp = "2028-12-31T23:00:00Z".parse().unwrap();
        let step = jiff::SignedDuration::from_secs(97 * 60 + 7);
        let mut extra: Vec<jiff::Zoned> = ["0999-12-31T23:00:00Z", "1000-01-01T00:00:00Z"]
            .iter()
            .map(|s| s.parse::<jiff::Timestamp>().unwrap().to_zoned(tz.clone()))
            .collect();
        extra.push(
            "2026-07-01T12:34:56Z"
                .parse::<jiff::Timestamp>()
                .unwrap()
                .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(-5))),
        );
        let mut n = 0;
        while t < end {
            extra.push(t.to_zoned(tz.clone()));
            t = t.checked_add(step).unwrap();
        }
        for z in &extra {
            assert_eq!(
                iso_seconds(z),
                z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
            );
            let mut c = String::new();
            push_clock(&mut c, z, '.');
            assert_eq!(c, z.strftime("%H.%M").to_string());
            n += 1;
        }
        assert!(n > 16_000);
    }
}
