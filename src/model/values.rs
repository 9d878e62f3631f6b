//! Small value types of the data model that validate themselves while they are parsed:
//! identifiers, URLs, e-mail addresses, phone numbers and checklist deadlines. A failure
//! carries a Swedish message and hint, located by the loader at `path:line:column`.

use crate::calendar::values::{ValueError, string_value};
use std::fmt;
use std::str::FromStr;

/// An identifier used in URLs and cross-references: lower-case a-z, digits and `-`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slug(pub String);

impl Slug {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub fn check_slug(t: &str) -> Result<(), ValueError> {
    let ok = !t.is_empty()
        && t.len() <= 80
        && t.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !t.starts_with('-')
        && !t.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(ValueError::new(
            format!("\"{t}\" är ingen giltig identitet"),
            "använd bara små bokstäver a-z utan å, ä, ö, siffror och bindestreck, till exempel \"vof-it\"",
        ))
    }
}

impl FromStr for Slug {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        check_slug(s.trim())?;
        Ok(Slug(s.trim().to_string()))
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
string_value!(
    Slug,
    "Identitet: små bokstäver a-z, siffror och bindestreck"
);

/// An absolute web address: `https://…` or `http://…` (http is allowed but warned about).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Url(pub String);

impl Url {
    pub fn is_insecure(&self) -> bool {
        self.0.starts_with("http://")
    }
}

impl FromStr for Url {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let t = s.trim().trim_start_matches('<').trim_end_matches('>');
        let lower: String = t
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .collect::<String>()
            .to_lowercase();
        for bad in ["javascript:", "data:", "vbscript:"] {
            if lower.starts_with(bad) {
                return Err(ValueError::new(
                    format!("adresser som börjar med \"{bad}\" är inte tillåtna"),
                    "länka bara till webbadresser som börjar med https://",
                ));
            }
        }
        let rest = t
            .strip_prefix("https://")
            .or_else(|| t.strip_prefix("http://"));
        let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
        match host {
            Some(h)
                if !h.is_empty()
                    && h.contains('.')
                    && !t
                        .chars()
                        .any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>') =>
            {
                Ok(Url(t.to_string()))
            }
            _ => Err(ValueError::new(
                format!("\"{t}\" är ingen giltig webbadress"),
                "skriv hela adressen, till exempel https://www.kommun.se/sida",
            )),
        }
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
string_value!(Url, "Webbadress som börjar med https://");

/// An e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Email(pub String);

impl FromStr for Email {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let t = s.trim();
        let ok = match t.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !t
                        .chars()
                        .any(|c| c.is_whitespace() || "<>\"(),;:[]\\".contains(c))
            }
            None => false,
        };
        if ok {
            Ok(Email(t.to_string()))
        } else {
            Err(ValueError::new(
                format!("\"{t}\" är ingen giltig e-postadress"),
                "skriv adressen som namn@exempel.se",
            ))
        }
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
string_value!(Email, "E-postadress, till exempel namn@kommun.se");

/// A phone number as written (`031-315 25 00`); digits, spaces, `-`, `+` and parentheses.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Phone(pub String);

impl Phone {
    /// The number for a `tel:` link: `+46313152500`.
    pub fn tel_uri(&self) -> String {
        let digits: String = self
            .0
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        match digits.strip_prefix('0') {
            Some(rest) if !digits.starts_with("00") => format!("tel:+46{rest}"),
            _ => format!("tel:{digits}"),
        }
    }
}

impl FromStr for Phone {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let t = s.trim();
        let digits = t.chars().filter(|c| c.is_ascii_digit()).count();
        let allowed = t.chars().all(|c| c.is_ascii_digit() || " -+()".contains(c));
        if allowed && (6..=15).contains(&digits) {
            Ok(Phone(t.to_string()))
        } else {
            Err(ValueError::new(
                format!("\"{t}\" är inget giltigt telefonnummer"),
                "skriv numret med siffror, mellanslag och bindestreck, till exempel 031-315 25 00",
            ))
        }
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
string_value!(Phone, "Telefonnummer, till exempel 031-315 25 00");

/// The unit of a checklist lead time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LeadUnit {
    /// Weekdays that are not public holidays.
    WorkingDays,
    CalendarDays,
    Weeks,
}

/// What a lead time counts from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Anchor {
    /// Before the provider's start date ("före start").
    BeforeStart,
    /// After the start date ("efter start").
    AfterStart,
    /// After another step is done (`efter <steg>`).
    AfterStep(String),
}

/// When a checklist step is due: `10 arbetsdagar före start`, `5 dagar efter bestall-chef`,
/// `2 veckor efter start`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Deadline {
    pub amount: u32,
    pub unit: LeadUnit,
    pub anchor: Anchor,
}

impl FromStr for Deadline {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let t = s.trim();
        let bad = || {
            ValueError::new(
                format!("\"{t}\" är ingen tidsfrist"),
                "skriv till exempel \"10 arbetsdagar före start\", \"5 dagar efter bestall-chef\" eller \"2 veckor efter start\"",
            )
        };
        let words: Vec<&str> = t.split_whitespace().collect();
        let [n, unit, rel, anchor] = words.as_slice() else {
            return Err(bad());
        };
        let amount: u32 = n.parse().map_err(|_| bad())?;
        if amount > 365 {
            return Err(ValueError::new(
                format!("{amount} är en orimligt lång tidsfrist"),
                "ange högst 365",
            ));
        }
        let unit = match unit.to_lowercase().as_str() {
            "arbetsdag" | "arbetsdagar" => LeadUnit::WorkingDays,
            "dag" | "dagar" | "kalenderdag" | "kalenderdagar" => LeadUnit::CalendarDays,
            "vecka" | "veckor" => LeadUnit::Weeks,
            _ => return Err(bad()),
        };
        let anchor = match (rel.to_lowercase().as_str(), *anchor) {
            ("före" | "innan", "start" | "driftstart") => Anchor::BeforeStart,
            ("efter", "start" | "driftstart") => Anchor::AfterStart,
            ("efter", step) => {
                check_slug(step)?;
                Anchor::AfterStep(step.to_string())
            }
            _ => return Err(bad()),
        };
        Ok(Deadline {
            amount,
            unit,
            anchor,
        })
    }
}

impl LeadUnit {
    /// The Swedish word for `amount` of this unit: "1 arbetsdag", "10 arbetsdagar".
    pub fn word(self, amount: u32) -> &'static str {
        match (self, amount == 1) {
            (LeadUnit::WorkingDays, true) => "arbetsdag",
            (LeadUnit::WorkingDays, false) => "arbetsdagar",
            (LeadUnit::CalendarDays, true) => "dag",
            (LeadUnit::CalendarDays, false) => "dagar",
            (LeadUnit::Weeks, true) => "vecka",
            (LeadUnit::Weeks, false) => "veckor",
        }
    }
}

impl fmt::Display for Deadline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = self.unit.word(self.amount);
        match &self.anchor {
            Anchor::BeforeStart => write!(f, "{} {unit} före start", self.amount),
            Anchor::AfterStart => write!(f, "{} {unit} efter start", self.amount),
            Anchor::AfterStep(s) => write!(f, "{} {unit} efter {s}", self.amount),
        }
    }
}
string_value!(
    Deadline,
    "Tidsfrist: \"10 arbetsdagar före start\", \"5 dagar efter <steg-id>\" eller \"2 veckor efter start\""
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!("vof-it".parse::<Slug>().is_ok());
        assert!("Mölndal".parse::<Slug>().is_err());
        assert!("-x".parse::<Slug>().is_err());
    }

    #[test]
    fn urls_refuse_scripts() {
        assert!(
            "https://e-tjanster.kavlinge.se/oversikt/overview/156"
                .parse::<Url>()
                .is_ok()
        );
        assert!("<https://www.kavlinge.se/x.html>".parse::<Url>().is_ok());
        for bad in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
            "www.x.se",
            "https://",
        ] {
            assert!(bad.parse::<Url>().is_err(), "{bad}");
        }
    }

    #[test]
    fn emails_and_phones() {
        assert!("vof.it@molndal.se".parse::<Email>().is_ok());
        assert!("vof.it.molndal.se".parse::<Email>().is_err());
        assert!("a@b".parse::<Email>().is_err());
        let p: Phone = "031-315 28 30".parse().unwrap();
        assert_eq!(p.tel_uri(), "tel:+46313152830");
        assert!("ring oss".parse::<Phone>().is_err());
    }

    #[test]
    fn deadlines() {
        let d: Deadline = "10 arbetsdagar före start".parse().unwrap();
        assert_eq!(
            d,
            Deadline {
                amount: 10,
                unit: LeadUnit::WorkingDays,
                anchor: Anchor::BeforeStart
            }
        );
        assert_eq!(d.to_string(), "10 arbetsdagar före start");
        let d: Deadline = "5 dagar efter bestall-chef".parse().unwrap();
        assert_eq!(d.anchor, Anchor::AfterStep("bestall-chef".into()));
        assert!("snart".parse::<Deadline>().is_err());
        assert!("tio arbetsdagar före start".parse::<Deadline>().is_err());
    }
}

/// A colour written `#rrggbb` (or `#rgb`), for the site's theme colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HexColor(pub [u8; 3]);

impl HexColor {
    /// WCAG 2 relative luminance, 0.0 (black) to 1.0 (white).
    pub fn luminance(self) -> f64 {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(self.0[0]) + 0.7152 * lin(self.0[1]) + 0.0722 * lin(self.0[2])
    }

    /// WCAG 2 contrast ratio between two colours, 1.0 to 21.0.
    pub fn contrast(self, other: HexColor) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        let (hi, lo) = if a > b { (a, b) } else { (b, a) };
        (hi + 0.05) / (lo + 0.05)
    }
}

impl FromStr for HexColor {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let t = s.trim();
        let bad = || {
            ValueError::new(
                format!("\"{t}\" är ingen färg"),
                "skriv färgen som #rrggbb, till exempel \"#0a4f9e\"",
            )
        };
        let hex = t.strip_prefix('#').ok_or_else(bad)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let digit = |i: usize, n: usize| u8::from_str_radix(&hex[i..i + n], 16).map_err(|_| bad());
        match hex.len() {
            6 => Ok(HexColor([digit(0, 2)?, digit(2, 2)?, digit(4, 2)?])),
            3 => Ok(HexColor([
                digit(0, 1)? * 17,
                digit(1, 1)? * 17,
                digit(2, 1)? * 17,
            ])),
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for HexColor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.0[0], self.0[1], self.0[2])
    }
}
string_value!(HexColor, "Färg: #rrggbb");

/// A file of the site's own static folder (`static/` under the site root, or the theme's
/// `themes/default/static/`), written relative to it: `logo.svg`, `bilder/logo.png`.
/// An image type; no `..`, no absolute path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ImagePath(pub String);

/// The image types a logo may have.
pub const IMAGE_EXTENSIONS: [&str; 6] = ["svg", "png", "jpg", "jpeg", "webp", "gif"];

impl FromStr for ImagePath {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let t = s.trim().trim_start_matches("static/");
        let safe = !t.is_empty()
            && !t.starts_with('/')
            && !t.contains('\\')
            && !t.contains("//")
            && t.split('/')
                .all(|seg| !seg.is_empty() && seg != ".." && seg != ".")
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b));
        if !safe {
            return Err(ValueError::new(
                format!("\"{t}\" är ingen giltig sökväg till en bild"),
                "skriv sökvägen inom mappen static/, till exempel \"logo.svg\" (a-z, siffror, - och _)",
            ));
        }
        let ext = t.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        if !ext.is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.as_str())) {
            return Err(ValueError::new(
                format!("\"{t}\" är ingen bild"),
                "använd en bild av typen svg, png, jpg, webp eller gif",
            ));
        }
        Ok(ImagePath(t.to_string()))
    }
}

impl fmt::Display for ImagePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
string_value!(ImagePath, "Sökväg till en bild i mappen static/");
