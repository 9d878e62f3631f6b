//! Connects the model to the calendar: what the pages and feeds need from support hours,
//! maintenance windows and checklist deadlines.

use crate::calendar::holidays::{Eve, HolidayRule};
use crate::calendar::hours::WeeklyHours;
use crate::calendar::ics::{IcsEvent, IcsTime, calendar, rrule_for};
use crate::calendar::maintenance::occurrences;
use crate::calendar::values::{month_name, weekday_name};
use crate::calendar::workdays::add_working_days;
use crate::calendar::{iso_seconds, push_clock, stockholm};
use crate::model::resolve::ordered_steps;
use crate::model::values::{Anchor, LeadUnit};
use crate::model::{MaintenanceWindow, Municipality, SupportHours};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

pub fn eve_name(e: Eve) -> &'static str {
    match e {
        Eve::Trettondagsafton => "trettondagsafton",
        Eve::Skartorsdagen => "skärtorsdagen",
        Eve::Paskafton => "påskafton",
        Eve::Valborgsmassoafton => "valborgsmässoafton",
        Eve::Pingstafton => "pingstafton",
        Eve::Midsommarafton => "midsommarafton",
        Eve::Allhelgonaafton => "allhelgonaafton",
        Eve::Julafton => "julafton",
        Eve::Nyarsafton => "nyårsafton",
    }
}

pub fn weekly(h: &SupportHours) -> WeeklyHours {
    WeeklyHours(h.weekly.iter().map(|o| (o.days, o.time)).collect())
}

/// The JSON the browser's status line reads, with closed dates for this year and the next two.
pub fn hours_json(h: &SupportHours, rule: &HolidayRule, today: Date) -> Value {
    crate::calendar::status::hours_json(&weekly(h), h.open_on_holidays, rule, today.year(), 3)
}

/// One occurrence of a maintenance window, ready for a template.
#[derive(Debug, Clone, Serialize)]
pub struct Occurrence {
    pub start_iso: String,
    pub end_iso: String,
    /// "onsdag 23 december 2026 12.00–14.30"
    pub label: String,
}

/// The occurrences of `w` from `now` over the next `months` months.
pub fn next_windows(w: &MaintenanceWindow, now: Timestamp, months: i64) -> Vec<Occurrence> {
    let tz = stockholm();
    let until = now
        .to_zoned(tz)
        .checked_add(months.months())
        .map(|z| z.timestamp())
        .unwrap_or(now);
    occurrences(&w.when, &w.time, now, until)
        .into_iter()
        .map(|(s, e)| {
            let mut label = date_label(s.date());
            label.push_str(" kl. ");
            push_clock(&mut label, &s, '.');
            label.push('–');
            push_clock(&mut label, &e, '.');
            Occurrence {
                start_iso: iso_seconds(&s),
                end_iso: iso_seconds(&e),
                label,
            }
        })
        .collect()
}

/// "måndag 1 februari 2027".
pub fn date_label(d: Date) -> String {
    format!(
        "{} {} {} {}",
        weekday_name(d.weekday()),
        d.day(),
        month_name(d.month()),
        d.year()
    )
}

/// Concrete due dates of the checklist for a provider starting on `start`: working days
/// skip weekends and the municipality's closed days. Steps without a deadline get none.
pub fn due_dates(m: &Municipality, start: Date) -> BTreeMap<String, Date> {
    let mut due: BTreeMap<String, Date> = BTreeMap::new();
    for i in ordered_steps(m) {
        let s = &m.checklist[i];
        let Some(dl) = &s.deadline else { continue };
        let (base, sign) = match &dl.anchor {
            Anchor::BeforeStart => (Some(start), -1),
            Anchor::AfterStart => (Some(start), 1),
            Anchor::AfterStep(step) => (due.get(step).copied(), 1),
        };
        let Some(base) = base else { continue };
        let n = dl.amount as i32 * sign;
        let date = match dl.unit {
            LeadUnit::WorkingDays => Some(add_working_days(&m.holidays, base, n)),
            LeadUnit::CalendarDays => base.checked_add((n as i64).days()).ok(),
            LeadUnit::Weeks => base.checked_add((n as i64 * 7).days()).ok(),
        };
        if let Some(d) = date {
            due.insert(s.id.0.clone(), d);
        }
    }
    due
}

/// The municipality's maintenance windows as an iCalendar feed. Recurring rules become
/// one event with an RRULE, anchored at the first occurrence in the year before `now` so
/// an existing subscription keeps its history.
pub fn maintenance_ics(slug: &str, m: &Municipality, now: Timestamp) -> String {
    let here = now.to_zoned(stockholm());
    let year_ago = here
        .checked_sub(1.year())
        .map(|z| z.timestamp())
        .unwrap_or(now);
    let until = here
        .checked_add(2.years())
        .map(|z| z.timestamp())
        .unwrap_or(now);
    let mut events = Vec::new();
    for w in &m.maintenance {
        let first = occurrences(&w.when, &w.time, year_ago, until)
            .into_iter()
            .next();
        let Some((s, e)) = first else { continue };
        let mut description = format!(
            "{}{}, kl. {}.",
            if w.usually { "Vanligtvis " } else { "" },
            w.when,
            w.time
        );
        if let Some(a) = &w.announced {
            description.push(' ');
            description.push_str(a);
        }
        events.push(IcsEvent {
            uid: format!("{}-{}@lovportal", slug, w.id),
            summary: w.title.clone(),
            description: Some(description),
            start: IcsTime::Local(s.datetime()),
            end: IcsTime::Local(e.datetime()),
            rrule: rrule_for(&w.when),
            url: None,
        });
    }
    calendar(
        "lovportal",
        &format!("Servicefönster – {}", m.name),
        now,
        &events,
    )
}

/// A checklist's due dates as all-day events.
pub fn checklist_ics(
    id: &str,
    name: &str,
    m: &Municipality,
    due: &BTreeMap<String, Date>,
    now: Timestamp,
) -> String {
    let events: Vec<IcsEvent> = m
        .checklist
        .iter()
        .filter_map(|s| {
            let d = due.get(s.id.as_str())?;
            let mut ev = IcsEvent::all_day(
                format!("{id}-{}@lovportal", s.id),
                format!("Senast i dag: {}", s.title),
                *d,
            );
            ev.description = s.deadline.as_ref().map(|dl| format!("Tidsfrist: {dl}."));
            Some(ev)
        })
        .collect();
    calendar("lovportal", &format!("Checklista – {name}"), now, &events)
}
