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
