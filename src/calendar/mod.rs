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
