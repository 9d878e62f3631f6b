//! Value types for time in the YAML: times of day, time ranges, weekdays and sets of
//! weekdays (in Swedish), dates, and maintenance-window rules. Each parses from the
//! string an editor writes, and a parse failure carries a message and a hint; the loader
//! turns that into a `path:line:column` diagnostic.

use jiff::civil::{Date, Weekday};
use std::fmt;
use std::str::FromStr;

/// A value that could not be parsed: what is wrong, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    pub message: String,
    pub hint: String,
    /// The text that failed to parse, so the loader can point at it.
    pub raw: Option<String>,
}

/// Separates message and hint inside a serde error string, so the loader can split them.
pub const HINT_SEPARATOR: char = '\u{1f}';

impl ValueError {
    pub fn new(message: impl Into<String>, hint: impl Into<String>) -> ValueError {
        ValueError {
            message: message.into(),
            hint: hint.into(),
            raw: None,
        }
    }

    /// The same error, remembering the text that failed to parse.
    pub fn with_raw(mut self, raw: &str) -> ValueError {
        self.raw = Some(raw.trim().to_string());
        self
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{}", self.message, HINT_SEPARATOR, self.hint)?;
        if let Some(raw) = &self.raw {
            write!(f, "{HINT_SEPARATOR}{raw}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValueError {}

/// Implements `Deserialize` (from a string, via `FromStr`), `Serialize` (via `Display`)
/// and `JsonSchema` (a string with a description) for a value type.
macro_rules! string_value {
    ($ty:ty, $desc:expr) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(|e: $crate::calendar::values::ValueError| serde::de::Error::custom(e.with_raw(&s)))
            }
        }
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($ty).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "description": $desc })
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use string_value;

/// A time of day, written `07.00` or `07:00`. `24.00` is allowed as the end of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay {
    /// Minutes after midnight, 0..=1440.
    pub minutes: u16,
}

impl TimeOfDay {
    pub fn hm(hour: u16, minute: u16) -> TimeOfDay {
        TimeOfDay {
            minutes: hour * 60 + minute,
        }
    }
    pub fn hour(self) -> u16 {
        self.minutes / 60
    }
    pub fn minute(self) -> u16 {
        self.minutes % 60
    }
}

impl FromStr for TimeOfDay {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let t = s.trim();
        let bad = || {
            ValueError::new(
                format!("\"{t}\" är inget klockslag"),
                "skriv klockslag som TT.MM, till exempel 07.00 eller 16.30",
            )
        };
        let (h, m) = t.split_once(['.', ':']).ok_or_else(bad)?;
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if h.is_empty() || h.len() > 2 || m.len() != 2 || !digits(h) || !digits(m) {
            return Err(bad());
        }
        let h: u16 = h.parse().map_err(|_| bad())?;
        let m: u16 = m.parse().map_err(|_| bad())?;
        if h > 24 || m > 59 || (h == 24 && m != 0) {
            return Err(ValueError::new(
                format!("\"{t}\" är inget giltigt klockslag"),
                "timmar går från 00 till 23 (24.00 för dygnets slut) och minuter från 00 till 59",
            ));
        }
        Ok(TimeOfDay::hm(h, m))
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}.{:02}", self.hour(), self.minute())
    }
}
string_value!(TimeOfDay, "Klockslag, till exempel 07.00");

/// A time range within one day, written `07.00-16.30`; the end is after the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeRange {
    pub start: TimeOfDay,
    pub end: TimeOfDay,
}

impl TimeRange {
    pub fn overlaps(&self, other: &TimeRange) -> bool {
        self.start < other.end && other.start < self.end
    }
}

impl FromStr for TimeRange {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let t = s.trim();
        let (a, b) = t.split_once(['-', '–']).ok_or_else(|| {
            ValueError::new(
                format!("\"{t}\" är inget tidsintervall"),
                "skriv start och slut med bindestreck, till exempel 07.00-16.30",
            )
        })?;
        let start: TimeOfDay = a.parse()?;
        let end: TimeOfDay = b.parse()?;
        if start.minutes == 1440 {
            return Err(ValueError::new(
                "starttiden kan inte vara 24.00",
                "använd 00.00 för dygnets början",
            ));
        }
        if end <= start {
            return Err(ValueError::new(
                format!("sluttiden {end} är inte efter starttiden {start}"),
                "skriv den tidigare tiden först, till exempel 07.00-16.30",
            ));
        }
        Ok(TimeRange { start, end })
    }
}

impl fmt::Display for TimeRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.end)
    }
}
string_value!(TimeRange, "Tidsintervall, till exempel 07.00-16.30");

/// Swedish weekday names, full and abbreviated, in Monday-first order.
const WEEKDAYS: [(Weekday, &str, &[&str]); 7] = [
    (
        Weekday::Monday,
        "måndag",
        &["måndag", "måndagar", "mån", "må"],
    ),
    (
        Weekday::Tuesday,
        "tisdag",
        &["tisdag", "tisdagar", "tis", "ti"],
    ),
    (
        Weekday::Wednesday,
        "onsdag",
        &["onsdag", "onsdagar", "ons", "on"],
    ),
    (
        Weekday::Thursday,
        "torsdag",
        &["torsdag", "torsdagar", "tors", "tor", "to"],
    ),
    (
        Weekday::Friday,
        "fredag",
        &["fredag", "fredagar", "fre", "fr"],
    ),
    (
        Weekday::Saturday,
        "lördag",
        &["lördag", "lördagar", "lör", "lö"],
    ),
    (
        Weekday::Sunday,
        "söndag",
        &["söndag", "söndagar", "sön", "sö"],
    ),
];

pub fn weekday_name(w: Weekday) -> &'static str {
    WEEKDAYS[w.to_monday_zero_offset() as usize].1
}

pub fn parse_weekday(s: &str) -> Result<Weekday, ValueError> {
    let t = s.trim().to_lowercase();
    let t = t.trim_end_matches('.');
    WEEKDAYS
        .iter()
        .find(|(_, _, names)| names.contains(&t))
        .map(|(w, _, _)| *w)
        .ok_or_else(|| {
            ValueError::new(
                format!("\"{}\" är ingen veckodag", s.trim()),
                "skriv en svensk veckodag: måndag, tisdag, onsdag, torsdag, fredag, lördag eller söndag (eller mån, tis, ons, tors, fre, lör, sön)",
            )
        })
}

/// A set of weekdays: `måndag-torsdag`, `fredag`, `mån, ons, fre`, `vardagar`, `alla dagar`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DaySet {
    /// Bit `i` is set for the weekday `i` days after Monday.
    pub bits: u8,
}

impl DaySet {
    pub fn contains(self, w: Weekday) -> bool {
        self.bits & (1 << w.to_monday_zero_offset()) != 0
    }
    pub fn days(self) -> impl Iterator<Item = Weekday> {
        WEEKDAYS
            .iter()
            .map(|d| d.0)
            .filter(move |w| self.contains(*w))
    }
}

impl FromStr for DaySet {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let t = s.trim().to_lowercase();
        match t.as_str() {
            "vardagar" | "helgfria vardagar" => return Ok(DaySet { bits: 0b0011111 }),
            "helger" | "lördag-söndag" => return Ok(DaySet { bits: 0b1100000 }),
            "alla dagar" | "dagligen" => return Ok(DaySet { bits: 0b1111111 }),
            _ => {}
        }
        let mut bits = 0u8;
        for part in t.split([',', '&']).flat_map(|p| p.split(" och ")) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            if let Some((a, b)) = part.split_once(['-', '–']) {
                let a = parse_weekday(a)?.to_monday_zero_offset();
                let b = parse_weekday(b)?.to_monday_zero_offset();
                if b < a {
                    return Err(ValueError::new(
                        format!("\"{part}\" går baklänges i veckan"),
                        "skriv den tidigare dagen först, till exempel måndag-torsdag",
                    ));
                }
                for i in a..=b {
                    bits |= 1 << i;
                }
            } else {
                bits |= 1 << parse_weekday(part)?.to_monday_zero_offset();
            }
        }
        if bits == 0 {
            return Err(ValueError::new(
                "inga dagar angivna",
                "skriv till exempel måndag-fredag",
            ));
        }
        Ok(DaySet { bits })
    }
}

impl fmt::Display for DaySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Runs of consecutive days are written as ranges: "måndag-torsdag, lördag".
        let mut parts = Vec::new();
        let mut i = 0;
        while i < 7 {
            if self.bits & (1 << i) == 0 {
                i += 1;
                continue;
            }
            let start = i;
            while i + 1 < 7 && self.bits & (1 << (i + 1)) != 0 {
                i += 1;
            }
            if i > start {
                parts.push(format!("{}-{}", WEEKDAYS[start].1, WEEKDAYS[i].1));
            } else {
                parts.push(WEEKDAYS[start].1.to_string());
            }
            i += 1;
        }
        write!(f, "{}", parts.join(", "))
    }
}
string_value!(
    DaySet,
    "Veckodagar, till exempel måndag-torsdag, fredag eller vardagar"
);

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoDate(pub Date);

impl FromStr for IsoDate {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let t = s.trim();
        let shape_ok = t.len() == 10
            && t.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if !shape_ok {
            return Err(ValueError::new(
                format!("\"{t}\" är inget datum"),
                "skriv datum som ÅÅÅÅ-MM-DD, till exempel 2027-02-01",
            ));
        }
        let y: i16 = t[0..4].parse().unwrap_or(0);
        let m: i8 = t[5..7].parse().unwrap_or(0);
        let d: i8 = t[8..10].parse().unwrap_or(0);
        Date::new(y, m, d).map(IsoDate).map_err(|_| {
            ValueError::new(
                format!("datumet {t} finns inte"),
                "kontrollera månad och dag (till exempel har februari högst 29 dagar)",
            )
        })
    }
}

impl fmt::Display for IsoDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
string_value!(IsoDate, "Datum, ÅÅÅÅ-MM-DD");

const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];

pub fn month_name(m: i8) -> &'static str {
    MONTHS[(m.clamp(1, 12) - 1) as usize]
}

/// A date that may be given to the month only: `2021-05`, `maj 2021` or `2021-05-31`.
/// A month-only date means the end of that month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MonthOrDate {
    pub date: Date,
    pub month_only: bool,
}

impl FromStr for MonthOrDate {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let t = s.trim();
        if let Ok(d) = t.parse::<IsoDate>() {
            return Ok(MonthOrDate {
                date: d.0,
                month_only: false,
            });
        }
        let bad = || {
            ValueError::new(
                format!("\"{t}\" är varken ett datum eller en månad"),
                "skriv ÅÅÅÅ-MM-DD, ÅÅÅÅ-MM eller till exempel \"maj 2021\"",
            )
        };
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        let (y, m) = if let Some((y, m)) = t.split_once('-') {
            if !digits(y) || !digits(m) {
                return Err(bad());
            }
            (
                y.parse::<i16>().map_err(|_| bad())?,
                m.parse::<i8>().map_err(|_| bad())?,
            )
        } else if let Some((name, y)) = t.split_once(' ') {
            let m = MONTHS
                .iter()
                .position(|n| *n == name.to_lowercase())
                .ok_or_else(bad)? as i8
                + 1;
            (y.trim().parse::<i16>().map_err(|_| bad())?, m)
        } else {
            return Err(bad());
        };
        let first = Date::new(y, m, 1).map_err(|_| bad())?;
        Ok(MonthOrDate {
            date: first.last_of_month(),
            month_only: true,
        })
    }
}

impl fmt::Display for MonthOrDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.month_only {
            write!(f, "{} {}", month_name(self.date.month()), self.date.year())
        } else {
            write!(f, "{}", self.date)
        }
    }
}
string_value!(
    MonthOrDate,
    "Datum (ÅÅÅÅ-MM-DD) eller månad (ÅÅÅÅ-MM eller \"maj 2021\")"
);

/// Which occurrence of a weekday in a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Nth {
    /// 1..=4: the first to fourth.
    Number(u8),
    Last,
}

/// When a maintenance window recurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Recurrence {
    /// `4:e onsdagen` (in every month), `sista fredagen`.
    Monthly { nth: Nth, weekday: Weekday },
    /// `varje tisdag`.
    Weekly { weekday: Weekday },
    /// `2027-03-15`: once.
    Once { date: Date },
}

impl FromStr for Recurrence {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let t = s.trim().to_lowercase();
        let hint = "skriv till exempel \"4:e onsdagen\", \"sista fredagen\", \"varje tisdag\" eller ett datum (2027-03-15)";
        if let Ok(d) = t.parse::<IsoDate>() {
            return Ok(Recurrence::Once { date: d.0 });
        }
        let words: Vec<&str> = t.split_whitespace().collect();
        // Drop a trailing "i månaden" / "varje månad".
        let words: Vec<&str> = match words.as_slice() {
            [head @ .., "i", "månaden"] | [head @ .., "varje", "månad"] => head.to_vec(),
            _ => words,
        };
        let day = |w: &str| {
            parse_weekday(w.trim_end_matches('n').trim_end_matches("e"))
                .or_else(|_| parse_weekday(w))
        };
        match words.as_slice() {
            ["varje", w] => Ok(Recurrence::Weekly {
                weekday: parse_weekday(w)?,
            }),
            ["sista", w] => Ok(Recurrence::Monthly {
                nth: Nth::Last,
                weekday: day(w)?,
            }),
            [n, w] => {
                let num: String = n.chars().take_while(|c| c.is_ascii_digit()).collect();
                let ordinal = match *n {
                    "första" => Some(1),
                    "andra" => Some(2),
                    "tredje" => Some(3),
                    "fjärde" => Some(4),
                    "femte" => Some(5),
                    _ => num.parse::<u8>().ok(),
                };
                match ordinal {
                    Some(k @ 1..=4) => Ok(Recurrence::Monthly {
                        nth: Nth::Number(k),
                        weekday: day(w)?,
                    }),
                    Some(k) => Err(ValueError::new(
                        format!(
                            "det finns ingen regel \"{k}:e {w}\" (alla månader har inte {k} sådana dagar)"
                        ),
                        "använd 1:a till 4:e, eller \"sista\" för den sista i månaden",
                    )),
                    None => Err(ValueError::new(
                        format!("\"{}\" är ingen regel för servicefönster", s.trim()),
                        hint,
                    )),
                }
            }
            _ => Err(ValueError::new(
                format!("\"{}\" är ingen regel för servicefönster", s.trim()),
                hint,
            )),
        }
    }
}

impl fmt::Display for Recurrence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Recurrence::Monthly {
                nth: Nth::Number(n),
                weekday,
            } => {
                let suffix = if *n <= 2 { "a" } else { "e" };
                write!(f, "{n}:{suffix} {}en i månaden", weekday_name(*weekday))
            }
            Recurrence::Monthly {
                nth: Nth::Last,
                weekday,
            } => write!(f, "sista {}en i månaden", weekday_name(*weekday)),
            Recurrence::Weekly { weekday } => write!(f, "varje {}", weekday_name(*weekday)),
            Recurrence::Once { date } => write!(f, "{date}"),
        }
    }
}
string_value!(
    Recurrence,
    "Regel: \"4:e onsdagen\", \"sista fredagen\", \"varje tisdag\" eller ett datum ÅÅÅÅ-MM-DD"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_ranges() {
        assert_eq!("07.00".parse::<TimeOfDay>().unwrap(), TimeOfDay::hm(7, 0));
        assert_eq!("16:30".parse::<TimeOfDay>().unwrap(), TimeOfDay::hm(16, 30));
        assert!("25:00".parse::<TimeOfDay>().is_err());
        assert!("7".parse::<TimeOfDay>().is_err());
        // Signs are not digits (u16::from_str would accept "+7").
        assert!("+7.00".parse::<TimeOfDay>().is_err());
        assert!("07.+5".parse::<TimeOfDay>().is_err());
        assert_eq!("7.05".parse::<TimeOfDay>().unwrap(), TimeOfDay::hm(7, 5));
        let r: TimeRange = "07.00-16.30".parse().unwrap();
        assert_eq!(r.to_string(), "07.00-16.30");
        let e = "16.30-07.00".parse::<TimeRange>().unwrap_err();
        assert!(e.message.contains("inte efter"), "{e:?}");
    }

    #[test]
    fn day_sets() {
        let d: DaySet = "måndag-torsdag".parse().unwrap();
        assert_eq!(d.to_string(), "måndag-torsdag");
        assert!(d.contains(Weekday::Thursday) && !d.contains(Weekday::Friday));
        assert_eq!(
            "mån, ons, fre".parse::<DaySet>().unwrap().to_string(),
            "måndag, onsdag, fredag"
        );
        assert_eq!(
            "vardagar".parse::<DaySet>().unwrap().to_string(),
            "måndag-fredag"
        );
        let e = "funday".parse::<DaySet>().unwrap_err();
        assert!(e.message.contains("ingen veckodag"));
    }

    #[test]
    fn dates() {
        assert!(
            "2026-02-30"
                .parse::<IsoDate>()
                .unwrap_err()
                .message
                .contains("finns inte")
        );
        assert!("2026-2-3".parse::<IsoDate>().is_err());
        let m: MonthOrDate = "maj 2021".parse().unwrap();
        assert_eq!(m.date.to_string(), "2021-05-31");
        assert_eq!(m.to_string(), "maj 2021");
        assert_eq!("2021-05".parse::<MonthOrDate>().unwrap(), m);
        assert!("2021-+5".parse::<MonthOrDate>().is_err());
        assert!("+2021-05".parse::<MonthOrDate>().is_err());
    }

    #[test]
    fn recurrences() {
        let r: Recurrence = "4:e onsdagen".parse().unwrap();
        assert_eq!(
            r,
            Recurrence::Monthly {
                nth: Nth::Number(4),
                weekday: Weekday::Wednesday
            }
        );
        assert_eq!(r.to_string(), "4:e onsdagen i månaden");
        assert_eq!("4:e onsdagen i månaden".parse::<Recurrence>().unwrap(), r);
        assert_eq!("fjärde onsdagen".parse::<Recurrence>().unwrap(), r);
        assert_eq!(
            "sista fredagen".parse::<Recurrence>().unwrap(),
            Recurrence::Monthly {
                nth: Nth::Last,
                weekday: Weekday::Friday
            }
        );
        assert_eq!(
            "varje tisdag".parse::<Recurrence>().unwrap(),
            Recurrence::Weekly {
                weekday: Weekday::Tuesday
            }
        );
        let e = "5:e onsdagen".parse::<Recurrence>().unwrap_err();
        assert!(e.message.contains("ingen regel"), "{e:?}");
    }
}
