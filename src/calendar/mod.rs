//! Time in Europe/Stockholm: value types for hours and rules, Swedish public holidays,
//! support-hour status, maintenance-window occurrences and iCalendar output.

pub mod values;

pub use values::*;
