//! Working days: Monday to Friday, not a public holiday and not a closed day by the rule.
//! Used for deadlines such as "10 working days before X".

use super::add_days;
use super::holidays::{HolidayRule, is_closed_day};
use jiff::civil::{Date, Weekday};

pub fn is_working_day(rule: &HolidayRule, date: Date) -> bool {
    !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
        && is_closed_day(rule, date).is_none()
}

/// The date `n` working days after `date` (`n < 0`: before). `date` itself need not be a
/// working day and is never counted; `n == 0` returns `date`. At the end of the
/// representable calendar the last reachable date is returned.
pub fn add_working_days(rule: &HolidayRule, date: Date, n: i32) -> Date {
    let step = if n < 0 { -1 } else { 1 };
    let mut left = n.unsigned_abs();
    let mut d = date;
    while left > 0 {
        match add_days(d, step) {
            Some(next) => d = next,
            None => break,
        }
        if is_working_day(rule, d) {
            left -= 1;
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::holidays::{Eve, ExtraClosed};
    use crate::calendar::values::IsoDate;
    use jiff::civil::date;

    #[test]
    fn weekdays_weekends_and_holidays() {
        let rule = HolidayRule::default();
        assert!(is_working_day(&rule, date(2026, 11, 23))); // Monday
        assert!(!is_working_day(&rule, date(2026, 11, 21))); // Saturday
        assert!(!is_working_day(&rule, date(2026, 11, 22))); // Sunday
        assert!(!is_working_day(&rule, date(2026, 4, 3))); // Good Friday
        assert!(!is_working_day(&rule, date(2026, 4, 6))); // Easter Monday
        assert!(is_working_day(&rule, date(2026, 4, 2))); // Maundy Thursday, eve open
        assert!(!is_working_day(&rule, date(2026, 12, 24)));
        assert!(!is_working_day(&rule, date(2026, 6, 19))); // Midsummer Eve
        assert!(!is_working_day(&rule, date(2026, 5, 14))); // Ascension Day
        let strict = HolidayRule {
            closed_eves: vec![Eve::Skartorsdagen],
            extra_closed: vec![ExtraClosed {
                date: IsoDate(date(2026, 5, 15)),
                reason: "Klämdag".into(),
            }],
        };
        assert!(!is_working_day(&strict, date(2026, 4, 2)));
        assert!(!is_working_day(&strict, date(2026, 5, 15)));
        // `strict` does not close julafton (a Thursday in 2026).
        assert!(is_working_day(&strict, date(2026, 12, 24)));
    }

    #[test]
    fn forwards_and_backwards_over_weekends() {
        let rule = HolidayRule::default();
        // Friday + 1 = Monday; Monday - 1 = Friday.
        assert_eq!(
            add_working_days(&rule, date(2026, 11, 20), 1),
            date(2026, 11, 23)
        );
        assert_eq!(
            add_working_days(&rule, date(2026, 11, 23), -1),
            date(2026, 11, 20)
        );
        // From a Saturday.
        assert_eq!(
            add_working_days(&rule, date(2026, 11, 21), 1),
            date(2026, 11, 23)
        );
        assert_eq!(
            add_working_days(&rule, date(2026, 11, 21), -1),
            date(2026, 11, 20)
        );
        assert_eq!(
            add_working_days(&rule, date(2026, 11, 21), 0),
            date(2026, 11, 21)
        );
        // Ten working days = two weeks when no holidays intervene.
        assert_eq!(
            add_working_days(&rule, date(2026, 11, 23), 10),
            date(2026, 12, 7)
        );
        assert_eq!(
            add_working_days(&rule, date(2026, 12, 7), -10),
            date(2026, 11, 23)
        );
    }

    #[test]
    fn across_easter() {
        let rule = HolidayRule::default();
        // Easter 2026: Good Friday 3 April, Easter Monday 6 April.
        assert_eq!(
            add_working_days(&rule, date(2026, 4, 2), 1),
            date(2026, 4, 7)
        );
        assert_eq!(
            add_working_days(&rule, date(2026, 4, 7), -1),
            date(2026, 4, 2)
        );
        // 10 working days before Friday 17 April 2026: 1 April (3 and 6 April are holidays).
        assert_eq!(
            add_working_days(&rule, date(2026, 4, 17), -10),
            date(2026, 4, 1)
        );
        // Ascension 2027 (6 May) with an extra klämdag on 7 May.
        let mut r = HolidayRule::default();
        r.extra_closed.push(ExtraClosed {
            date: IsoDate(date(2027, 5, 7)),
            reason: "Klämdag".into(),
        });
        assert_eq!(add_working_days(&r, date(2027, 5, 5), 1), date(2027, 5, 10));
        assert_eq!(
            add_working_days(&rule, date(2027, 5, 5), 1),
            date(2027, 5, 7)
        );
    }

    #[test]
    fn across_christmas_and_new_year() {
        let rule = HolidayRule::default();
        // 2026: 24 Thu (eve, closed), 25 Fri, 26 Sat, 31 Thu (closed), 1 Jan Fri.
        assert_eq!(
            add_working_days(&rule, date(2026, 12, 23), 1),
            date(2026, 12, 28)
        );
        assert_eq!(
            add_working_days(&rule, date(2026, 12, 23), 4),
            date(2027, 1, 4)
        );
        assert_eq!(
            add_working_days(&rule, date(2026, 12, 30), 1),
            date(2027, 1, 4)
        );
        assert_eq!(
            add_working_days(&rule, date(2027, 1, 4), 1),
            date(2027, 1, 5)
        );
        // 6 January 2027 is a Wednesday holiday.
        assert_eq!(
            add_working_days(&rule, date(2027, 1, 5), 1),
            date(2027, 1, 7)
        );
        assert_eq!(
            add_working_days(&rule, date(2027, 1, 7), -5),
            date(2026, 12, 28)
        );
        // Round trip over many days lands on working days only.
        let start = date(2026, 12, 1);
        for n in 1..40 {
            let d = add_working_days(&rule, start, n);
            assert!(is_working_day(&rule, d), "{d}");
            assert_eq!(add_working_days(&rule, d, -n), start);
        }
    }

    #[test]
    fn calendar_edges_do_not_panic() {
        let rule = HolidayRule::default();
        let last = add_working_days(&rule, date(9999, 12, 20), 100);
        assert_eq!(last, date(9999, 12, 31));
        let first = add_working_days(&rule, date(-9999, 1, 10), -100);
        assert_eq!(first, date(-9999, 1, 1));
    }
}
