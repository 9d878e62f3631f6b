//! Swedish public holidays (allmänna helgdagar, lagen 1989:253) and the eves a
//! municipality may treat as closed, for any year, plus the rule that says which days a
//! service is closed.
//!
//! Midsommarafton, julafton and nyårsafton are not public holidays by law, although most
//! employers treat them as such; here they are eves, closed by the default rule.

use super::add_days;
use super::values::IsoDate;
use jiff::civil::{Date, Weekday};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HolidayKind {
    /// A public holiday: always closed.
    PublicHoliday,
    /// An eve: closed only if the rule says so.
    Eve,
}

/// An eve that a rule may close. The YAML ids are ASCII and lower-case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Eve {
    Trettondagsafton,
    Skartorsdagen,
    Paskafton,
    Valborgsmassoafton,
    Pingstafton,
    Midsommarafton,
    Allhelgonaafton,
    Julafton,
    Nyarsafton,
}

impl Eve {
    pub const ALL: [Eve; 9] = [
        Eve::Trettondagsafton,
        Eve::Skartorsdagen,
        Eve::Paskafton,
        Eve::Valborgsmassoafton,
        Eve::Pingstafton,
        Eve::Midsommarafton,
        Eve::Allhelgonaafton,
        Eve::Julafton,
        Eve::Nyarsafton,
    ];

    /// The id used in YAML and in [`Holiday::id`].
    pub fn id(self) -> &'static str {
        match self {
            Eve::Trettondagsafton => "trettondagsafton",
            Eve::Skartorsdagen => "skartorsdagen",
            Eve::Paskafton => "paskafton",
            Eve::Valborgsmassoafton => "valborgsmassoafton",
            Eve::Pingstafton => "pingstafton",
            Eve::Midsommarafton => "midsommarafton",
            Eve::Allhelgonaafton => "allhelgonaafton",
            Eve::Julafton => "julafton",
            Eve::Nyarsafton => "nyarsafton",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Holiday {
    pub date: Date,
    /// Swedish name, as shown to readers: "Långfredagen".
    pub name: &'static str,
    pub kind: HolidayKind,
    /// ASCII, lower-case id: "langfredagen", "julafton".
    pub id: &'static str,
}

/// Easter Sunday (Gregorian), by the anonymous (Meeus/Jones/Butcher) algorithm.
pub fn easter_sunday(year: i16) -> Option<Date> {
    let y = i32::from(year);
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    Date::new(year, month as i8, day as i8).ok()
}

/// The first `weekday` on or after `date`.
fn on_or_after(date: Date, weekday: Weekday) -> Option<Date> {
    let ahead = weekday.since(date.weekday());
    add_days(date, i64::from(ahead))
}

/// All public holidays and eves of `year`, sorted by date (public holiday first when an
/// eve falls on a public holiday). Empty for years jiff cannot represent.
pub fn holidays(year: i16) -> Vec<Holiday> {
    use HolidayKind::{Eve as E, PublicHoliday as P};
    let fixed = |m: i8, d: i8| Date::new(year, m, d).ok();
    let easter = easter_sunday(year);
    let from_easter = |n: i64| easter.and_then(|e| add_days(e, n));
    let midsummer = fixed(6, 20).and_then(|d| on_or_after(d, Weekday::Saturday));
    let all_saints = fixed(10, 31).and_then(|d| on_or_after(d, Weekday::Saturday));
    let before = |d: Option<Date>| d.and_then(|d| add_days(d, -1));

    let list: [(Option<Date>, &'static str, HolidayKind, &'static str); 22] = [
        (fixed(1, 1), "Nyårsdagen", P, "nyarsdagen"),
        (fixed(1, 5), "Trettondagsafton", E, "trettondagsafton"),
        (fixed(1, 6), "Trettondedag jul", P, "trettondedag_jul"),
        (from_easter(-3), "Skärtorsdagen", E, "skartorsdagen"),
        (from_easter(-2), "Långfredagen", P, "langfredagen"),
        (from_easter(-1), "Påskafton", E, "paskafton"),
        (easter, "Påskdagen", P, "paskdagen"),
        (from_easter(1), "Annandag påsk", P, "annandag_pask"),
        (fixed(4, 30), "Valborgsmässoafton", E, "valborgsmassoafton"),
        (fixed(5, 1), "Första maj", P, "forsta_maj"),
        (
            from_easter(39),
            "Kristi himmelsfärds dag",
            P,
            "kristi_himmelsfards_dag",
        ),
        (from_easter(48), "Pingstafton", E, "pingstafton"),
        (from_easter(49), "Pingstdagen", P, "pingstdagen"),
        (fixed(6, 6), "Sveriges nationaldag", P, "nationaldagen"),
        (before(midsummer), "Midsommarafton", E, "midsommarafton"),
        (midsummer, "Midsommardagen", P, "midsommardagen"),
        (before(all_saints), "Allhelgonaafton", E, "allhelgonaafton"),
        (all_saints, "Alla helgons dag", P, "alla_helgons_dag"),
        (fixed(12, 24), "Julafton", E, "julafton"),
        (fixed(12, 25), "Juldagen", P, "juldagen"),
        (fixed(12, 26), "Annandag jul", P, "annandag_jul"),
        (fixed(12, 31), "Nyårsafton", E, "nyarsafton"),
    ];
    let mut out: Vec<Holiday> = list
        .into_iter()
        .filter_map(|(date, name, kind, id)| {
            date.map(|date| Holiday {
                date,
                name,
                kind,
                id,
            })
        })
        .collect();
    out.sort_by_key(|h| (h.date, h.kind));
    out
}

/// [`holidays`], computed once per year for the years builds ask about (working-day
/// arithmetic asks for every day it steps over).
fn holidays_cached(year: i16) -> std::borrow::Cow<'static, [Holiday]> {
    use std::sync::OnceLock;
    const FIRST: i16 = 1900;
    const LAST: i16 = 2200;
    static TABLE: OnceLock<Vec<OnceLock<Vec<Holiday>>>> = OnceLock::new();
    if !(FIRST..=LAST).contains(&year) {
        return std::borrow::Cow::Owned(holidays(year));
    }
    let table = TABLE.get_or_init(|| (FIRST..=LAST).map(|_| OnceLock::new()).collect());
    std::borrow::Cow::Borrowed(table[(year - FIRST) as usize].get_or_init(|| holidays(year)))
}

/// A date a service is closed on besides holidays: `{date: 2027-05-07, reason: Klämdag}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtraClosed {
    pub date: IsoDate,
    pub reason: String,
}

/// Which days are closed: every public holiday, the listed eves, and extra dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct HolidayRule {
    /// Eves that are closed. Default: midsommarafton, julafton, nyarsafton.
    pub closed_eves: Vec<Eve>,
    /// Further closed dates with a reason, for example a klämdag.
    pub extra_closed: Vec<ExtraClosed>,
}

impl Default for HolidayRule {
    fn default() -> HolidayRule {
        HolidayRule {
            closed_eves: vec![Eve::Midsommarafton, Eve::Julafton, Eve::Nyarsafton],
            extra_closed: Vec::new(),
        }
    }
}

impl HolidayRule {
    fn closes(&self, h: &Holiday) -> bool {
        h.kind == HolidayKind::PublicHoliday || self.closed_eves.iter().any(|e| e.id() == h.id)
    }
}

fn extra_reason(e: &ExtraClosed) -> String {
    let r = e.reason.trim();
    if r.is_empty() {
        "Stängt".to_string()
    } else {
        r.to_string()
    }
}

/// Why `date` is closed under `rule` (holiday name or the extra day's reason), or `None`
/// if it is not. Weekends are not closed days here: weekly hours decide weekdays.
pub fn is_closed_day(rule: &HolidayRule, date: Date) -> Option<String> {
    holidays_cached(date.year())
        .iter()
        .find(|h| h.date == date && rule.closes(h))
        .map(|h| h.name.to_string())
        .or_else(|| {
            rule.extra_closed
                .iter()
                .find(|e| e.date.0 == date)
                .map(extra_reason)
        })
}

/// Every closed date of `year` under `rule`, sorted, one entry per date.
pub fn closed_days(rule: &HolidayRule, year: i16) -> Vec<(Date, String)> {
    let mut out: Vec<(Date, String)> = holidays(year)
        .iter()
        .filter(|h| rule.closes(h))
        .map(|h| (h.date, h.name.to_string()))
        .collect();
    for e in &rule.extra_closed {
        if e.date.0.year() == year && !out.iter().any(|(d, _)| *d == e.date.0) {
            out.push((e.date.0, extra_reason(e)));
        }
    }
    out.sort_by_key(|(d, _)| *d);
    out.dedup_by_key(|(d, _)| *d);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn find(year: i16, id: &str) -> Date {
        holidays(year)
            .into_iter()
            .find(|h| h.id == id)
            .map(|h| h.date)
            .unwrap_or_else(|| panic!("{id} missing in {year}"))
    }

    /// Official dates (Swedish almanac) for the movable holidays, 2024-2030:
    /// year, Easter Sunday, Ascension Day, Whitsunday, Midsummer Day, All Saints' Day.
    const OFFICIAL: [(i16, Date, Date, Date, Date, Date); 7] = [
        (
            2024,
            date(2024, 3, 31),
            date(2024, 5, 9),
            date(2024, 5, 19),
            date(2024, 6, 22),
            date(2024, 11, 2),
        ),
        (
            2025,
            date(2025, 4, 20),
            date(2025, 5, 29),
            date(2025, 6, 8),
            date(2025, 6, 21),
            date(2025, 11, 1),
        ),
        (
            2026,
            date(2026, 4, 5),
            date(2026, 5, 14),
            date(2026, 5, 24),
            date(2026, 6, 20),
            date(2026, 10, 31),
        ),
        (
            2027,
            date(2027, 3, 28),
            date(2027, 5, 6),
            date(2027, 5, 16),
            date(2027, 6, 26),
            date(2027, 11, 6),
        ),
        (
            2028,
            date(2028, 4, 16),
            date(2028, 5, 25),
            date(2028, 6, 4),
            date(2028, 6, 24),
            date(2028, 11, 4),
        ),
        (
            2029,
            date(2029, 4, 1),
            date(2029, 5, 10),
            date(2029, 5, 20),
            date(2029, 6, 23),
            date(2029, 11, 3),
        ),
        (
            2030,
            date(2030, 4, 21),
            date(2030, 5, 30),
            date(2030, 6, 9),
            date(2030, 6, 22),
            date(2030, 11, 2),
        ),
    ];

    #[test]
    fn movable_holidays_match_official_lists_2024_2030() {
        for (y, easter, ascension, whitsun, midsummer, all_saints) in OFFICIAL {
            assert_eq!(easter_sunday(y), Some(easter), "{y}");
            assert_eq!(find(y, "paskdagen"), easter, "{y}");
            assert_eq!(find(y, "kristi_himmelsfards_dag"), ascension, "{y}");
            assert_eq!(ascension.weekday(), Weekday::Thursday);
            assert_eq!(find(y, "pingstdagen"), whitsun, "{y}");
            assert_eq!(find(y, "midsommardagen"), midsummer, "{y}");
            assert_eq!(find(y, "alla_helgons_dag"), all_saints, "{y}");
            let day = |d: Date, n: i64| add_days(d, n).unwrap();
            assert_eq!(find(y, "skartorsdagen"), day(easter, -3));
            assert_eq!(find(y, "langfredagen"), day(easter, -2));
            assert_eq!(find(y, "paskafton"), day(easter, -1));
            assert_eq!(find(y, "annandag_pask"), day(easter, 1));
            assert_eq!(find(y, "pingstafton"), day(whitsun, -1));
            assert_eq!(find(y, "midsommarafton"), day(midsummer, -1));
            assert_eq!(find(y, "allhelgonaafton"), day(all_saints, -1));
        }
    }

    #[test]
    fn fixed_holidays_and_counts() {
        for y in 2024..=2030 {
            let all = holidays(y);
            let public = all.iter().filter(|h| h.kind == HolidayKind::PublicHoliday);
            let eves = all.iter().filter(|h| h.kind == HolidayKind::Eve);
            assert_eq!(public.count(), 13, "{y}");
            assert_eq!(eves.count(), 9, "{y}");
            assert!(all.windows(2).all(|w| w[0].date <= w[1].date), "sorted {y}");
            for (id, m, d) in [
                ("nyarsdagen", 1, 1),
                ("trettondagsafton", 1, 5),
                ("trettondedag_jul", 1, 6),
                ("valborgsmassoafton", 4, 30),
                ("forsta_maj", 5, 1),
                ("nationaldagen", 6, 6),
                ("julafton", 12, 24),
                ("juldagen", 12, 25),
                ("annandag_jul", 12, 26),
                ("nyarsafton", 12, 31),
            ] {
                assert_eq!(find(y, id), date(y, m, d));
            }
            for h in &all {
                assert!(h.id.is_ascii() && h.id == h.id.to_lowercase());
            }
            for e in Eve::ALL {
                let h = all.iter().find(|h| h.id == e.id()).unwrap();
                assert_eq!(h.kind, HolidayKind::Eve);
            }
        }
        assert_eq!(find(2026, "langfredagen").to_string(), "2026-04-03");
        let names: Vec<&str> = holidays(2026).iter().map(|h| h.name).collect();
        assert!(names.contains(&"Långfredagen") && names.contains(&"Sveriges nationaldag"));
    }

    #[test]
    fn midsummer_and_all_saints_are_in_their_windows_for_many_years() {
        for y in 1900..2200 {
            let m = find(y, "midsommardagen");
            assert_eq!(m.weekday(), Weekday::Saturday);
            assert!(m >= date(y, 6, 20) && m <= date(y, 6, 26));
            let a = find(y, "alla_helgons_dag");
            assert_eq!(a.weekday(), Weekday::Saturday);
            assert!(a >= date(y, 10, 31) && a <= date(y, 11, 6));
            let e = easter_sunday(y).unwrap();
            assert_eq!(e.weekday(), Weekday::Sunday);
            assert!(e >= date(y, 3, 22) && e <= date(y, 4, 25));
        }
        // Extremes of the Gregorian Easter cycle.
        assert_eq!(easter_sunday(1818), Some(date(1818, 3, 22)));
        assert_eq!(easter_sunday(1943), Some(date(1943, 4, 25)));
        assert_eq!(easter_sunday(2038), Some(date(2038, 4, 25)));
    }

    #[test]
    fn extreme_years_do_not_panic() {
        for y in [i16::MIN, -9999, 0, 9999, i16::MAX] {
            let _ = holidays(y);
            let _ = closed_days(&HolidayRule::default(), y);
        }
        assert!(holidays(9999).iter().any(|h| h.id == "nyarsafton"));
    }

    #[test]
    fn default_rule_closes_holidays_and_three_eves() {
        let rule = HolidayRule::default();
        let closed = |d| is_closed_day(&rule, d);
        assert_eq!(closed(date(2026, 12, 24)).as_deref(), Some("Julafton"));
        assert_eq!(closed(date(2026, 6, 19)).as_deref(), Some("Midsommarafton"));
        assert_eq!(closed(date(2026, 12, 31)).as_deref(), Some("Nyårsafton"));
        assert_eq!(closed(date(2026, 4, 3)).as_deref(), Some("Långfredagen"));
        assert_eq!(
            closed(date(2026, 5, 14)).as_deref(),
            Some("Kristi himmelsfärds dag")
        );
        assert_eq!(
            closed(date(2026, 4, 2)),
            None,
            "skärtorsdagen is open by default"
        );
        assert_eq!(
            closed(date(2026, 4, 30)),
            None,
            "valborg is open by default"
        );
        assert_eq!(closed(date(2026, 1, 5)), None);
        // Weekends are not closed days by themselves.
        assert_eq!(closed(date(2026, 11, 21)), None);
        assert_eq!(closed(date(2026, 11, 22)), None);
        // Every closed day of the year is found by both functions, and nothing else.
        for y in 2024..=2030 {
            let list = closed_days(&rule, y);
            assert_eq!(list.len(), 16, "{y}");
            let mut d = date(y, 1, 1);
            while d.year() == y {
                let expected = list.iter().find(|(c, _)| *c == d).map(|(_, n)| n.clone());
                assert_eq!(is_closed_day(&rule, d), expected, "{d}");
                d = d.tomorrow().unwrap();
            }
        }
    }

    #[test]
    fn rule_from_yaml() {
        let rule: HolidayRule = serde_yaml::from_str(
            "closed_eves: [skartorsdagen, valborgsmassoafton, julafton]\n\
             extra_closed:\n  - {date: 2027-05-07, reason: Klämdag}\n  - {date: 2027-12-27, reason: ''}\n",
        )
        .unwrap();
        assert_eq!(
            rule.closed_eves,
            vec![Eve::Skartorsdagen, Eve::Valborgsmassoafton, Eve::Julafton]
        );
        let closed = |d| is_closed_day(&rule, d);
        assert_eq!(closed(date(2027, 5, 7)).as_deref(), Some("Klämdag"));
        assert_eq!(closed(date(2027, 12, 27)).as_deref(), Some("Stängt"));
        assert_eq!(closed(date(2027, 3, 25)).as_deref(), Some("Skärtorsdagen"));
        assert_eq!(
            closed(date(2027, 4, 30)).as_deref(),
            Some("Valborgsmässoafton")
        );
        assert_eq!(closed(date(2027, 6, 25)), None, "midsommarafton not listed");
        assert!(
            closed_days(&rule, 2027)
                .iter()
                .any(|(d, r)| *d == date(2027, 5, 7) && r == "Klämdag")
        );
        assert!(
            closed_days(&rule, 2026)
                .iter()
                .all(|(d, _)| d.year() == 2026)
        );

        // Missing fields take the defaults; an empty list closes no eves.
        let only_extra: HolidayRule =
            serde_yaml::from_str("extra_closed: [{date: 2027-05-07, reason: Klämdag}]").unwrap();
        assert_eq!(only_extra.closed_eves, HolidayRule::default().closed_eves);
        let none: HolidayRule = serde_yaml::from_str("closed_eves: []").unwrap();
        assert_eq!(is_closed_day(&none, date(2027, 12, 24)), None);
        assert_eq!(
            is_closed_day(&none, date(2027, 12, 25)).as_deref(),
            Some("Juldagen")
        );

        // Errors: unknown field, unknown eve, bad date.
        assert!(serde_yaml::from_str::<HolidayRule>("closed: []").is_err());
        assert!(serde_yaml::from_str::<HolidayRule>("closed_eves: [Julafton]").is_err());
        assert!(serde_yaml::from_str::<HolidayRule>("closed_eves: [påskafton]").is_err());
        let e =
            serde_yaml::from_str::<HolidayRule>("extra_closed: [{date: 2027-02-30, reason: x}]")
                .unwrap_err();
        assert!(e.to_string().contains("finns inte"), "{e}");
        assert!(
            serde_yaml::from_str::<HolidayRule>(
                "extra_closed: [{date: 2027-02-03, reason: x, y: 1}]"
            )
            .is_err()
        );
        // Round trip.
        let back: HolidayRule =
            serde_yaml::from_str(&serde_yaml::to_string(&rule).unwrap()).unwrap();
        assert_eq!(back, rule);
    }

    #[test]
    fn rule_schema_lists_eve_ids() {
        let schema = serde_json::to_string(&schemars::schema_for!(HolidayRule)).unwrap();
        for e in Eve::ALL {
            assert!(schema.contains(&format!("\"{}\"", e.id())), "{schema}");
        }
        assert!(schema.contains("additionalProperties"));
    }
}
