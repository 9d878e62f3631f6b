//! Pages and their template contexts: what each page of the portal shows, built from
//! the typed model.

use crate::model::resolve::{ordered_steps, stockholm};
use crate::model::values::{Anchor, LeadUnit};
use crate::model::{MunicipalityEntry, ProviderEntry, Routine, Service, Site, System};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The search page's output path.
pub const SEARCH_PAGE: &str = "sok/index.html";

fn services(list: &[Service]) -> Vec<&'static str> {
    list.iter().map(|s| s.name()).collect()
}

/// Context shared by every page.
fn base_ctx(
    site: &Site,
    path: &str,
    title: &[&str],
    kind: &str,
    crumbs: Value,
    m: Option<&MunicipalityEntry>,
) -> Value {
    let mut parts: Vec<&str> = title.to_vec();
    parts.push(&site.config.name);
    merge(
        json!({
            "site": site.config,
            "page_title": parts.join(" – "),
            "description": site.config.description,
            "kind": kind,
            "root": "@/",
            "path": path,
            "municipality": m.map(|m| json!({"slug": m.slug, "name": m.data.name})),
            "scripts": ["tid.js"],
        }),
        obj([("crumbs", crumbs)]),
    )
}

/// An object of `(key, value)` pairs, the values moved in. `json!({...})` serialises
/// every value it is given once more, so a `Value` or `Vec<Value>` put in it is copied
/// deeply; the nested lists of the bigger pages are built with this instead.
fn obj<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

/// What a page shows; its context is built only when the page is rendered, so a build
/// never holds every page's context at once.
#[derive(Clone, Copy)]
pub enum Spec<'a> {
    Home,
    Municipality(&'a MunicipalityEntry),
    Routine(&'a MunicipalityEntry, &'a Routine),
    Checklist(&'a MunicipalityEntry),
    Systems,
    System(&'a System),
    Provider(&'a MunicipalityEntry, &'a ProviderEntry),
    Search,
    Accessibility,
    NotFound,
}

/// A page to render: output path, template and what it shows.
pub struct Page<'a> {
    pub path: String,
    pub template: &'static str,
    pub spec: Spec<'a>,
}

/// Every page of the site, in a fixed order.
pub fn pages(site: &Site) -> Vec<Page<'_>> {
    let mut pages = vec![Page {
        path: "index.html".into(),
        template: "index.html",
        spec: Spec::Home,
    }];
    for m in &site.municipalities {
        pages.push(Page {
            path: [&m.slug, "/index.html"].concat(),
            template: "municipality.html",
            spec: Spec::Municipality(m),
        });
        for r in &m.routines {
            pages.push(Page {
                path: [&m.slug, "/", &r.slug, "/index.html"].concat(),
                template: "routine.html",
                spec: Spec::Routine(m, r),
            });
        }
        pages.push(Page {
            path: [&m.slug, "/checklista/index.html"].concat(),
            template: "checklist.html",
            spec: Spec::Checklist(m),
        });
    }
    pages.push(Page {
        path: "system/index.html".into(),
        template: "systems.html",
        spec: Spec::Systems,
    });
    for s in &site.systems {
        pages.push(Page {
            path: format!("system/{}/index.html", s.id),
            template: "system.html",
            spec: Spec::System(s),
        });
    }
    for p in &site.providers {
        let Some(m) = site.municipality(p.data.municipality.as_str()) else {
            continue;
        };
        pages.push(Page {
            path: ["utforare/", &p.id, "/index.html"].concat(),
            template: "checklist.html",
            spec: Spec::Provider(m, p),
        });
    }
    pages.push(Page {
        path: SEARCH_PAGE.into(),
        template: "search.html",
        spec: Spec::Search,
    });
    pages.push(Page {
        path: "tillganglighet/index.html".into(),
        template: "accessibility.html",
        spec: Spec::Accessibility,
    });
    pages.push(Page {
        path: "404.html".into(),
        template: "404.html",
        spec: Spec::NotFound,
    });
    pages
}

/// The template context of one page. `body` is the routine's HTML for a routine page;
/// `subjects` the A–Ö register for the search page.
pub fn page_ctx(site: &Site, page: &Page, body: Option<&str>, subjects: Option<Value>) -> Value {
    let today = site.now.to_zoned(stockholm()).date();
    match page.spec {
        Spec::Home => {
            let munis: Vec<Value> = site
                .municipalities
                .iter()
                .map(|m| {
                    json!({"slug": m.slug, "name": m.data.name, "summary": m.data.summary, "organisation": m.data.organisation,
                           "services": services(&m.data.services), "example_note": m.data.example_note})
                })
                .collect();
            let systems_json: Vec<Value> = site.systems.iter().map(|s| json!(s)).collect();
            merge(
                base_ctx(site, "", &[], "page", json!([]), None),
                obj([
                    ("municipalities", Value::Array(munis)),
                    ("systems", Value::Array(systems_json)),
                ]),
            )
        }
        Spec::Municipality(m) => {
            let crumb = json!([{"title": m.data.name, "href": format!("@/{}/", m.slug)}]);
            merge(
                base_ctx(
                    site,
                    &format!("{}/", m.slug),
                    &[&m.data.name],
                    "municipality",
                    crumb,
                    Some(m),
                ),
                municipality_ctx(site, m, today),
            )
        }
        Spec::Routine(m, r) => {
            let crumbs = json!([{"title": m.data.name, "href": format!("@/{}/", m.slug)}, {"title": r.meta.title, "href": ""}]);
            let overdue = r.meta.next_review.is_some_and(|d| d.date < today);
            let systems: Vec<Value> = r
                .meta
                .systems
                .iter()
                .filter_map(|s| site.system(s.as_str()))
                .map(|s| json!({"id": s.id, "name": s.name}))
                .collect();
            merge(
                base_ctx(
                    site,
                    &format!("{}/{}/", m.slug, r.slug),
                    &[&r.meta.title, &m.data.name],
                    "routine",
                    crumbs,
                    Some(m),
                ),
                merge(
                    json!({"routine": r.meta, "body": body, "overdue": overdue}),
                    obj([("systems", Value::Array(systems))]),
                ),
            )
        }
        Spec::Checklist(m) => {
            let crumbs = json!([{"title": m.data.name, "href": format!("@/{}/", m.slug)}, {"title": "Checklista", "href": ""}]);
            merge(
                base_ctx(
                    site,
                    &format!("{}/checklista/", m.slug),
                    &["Checklista", &m.data.name],
                    "checklist",
                    crumbs,
                    Some(m),
                ),
                checklist_ctx(m, None, today.year()),
            )
        }
        Spec::Systems => {
            let sys_list: Vec<Value> = site
                .systems
                .iter()
                .map(|s| {
                    let used: Vec<&str> = site
                        .municipalities
                        .iter()
                        .filter(|m| m.uses_system(s.id.as_str()))
                        .map(|m| m.data.name.as_str())
                        .collect();
                    json!({"id": s.id, "name": s.name, "description": s.description, "used_in": used})
                })
                .collect();
            merge(
                base_ctx(
                    site,
                    "system/",
                    &["Alla system"],
                    "page",
                    json!([{"title": "Alla system", "href": ""}]),
                    None,
                ),
                obj([("systems", Value::Array(sys_list))]),
            )
        }
        Spec::System(s) => {
            let uses: Vec<Value> = site
                .municipalities
                .iter()
                .filter_map(|m| {
                    let u = m.data.systems.iter().find(|u| u.system == s.id)?;
                    let routines: Vec<Value> = m
                        .routines
                        .iter()
                        .filter(|r| r.meta.systems.contains(&s.id))
                        .map(|r| json!({"slug": r.slug, "title": r.meta.title}))
                        .collect();
                    Some(merge(
                        json!({"slug": m.slug, "name": m.data.name, "purpose": u.purpose}),
                        obj([("routines", Value::Array(routines))]),
                    ))
                })
                .collect();
            let maintenance: Vec<Value> = site
                .municipalities
                .iter()
                .flat_map(|m| {
                    m.data
                        .maintenance
                        .iter()
                        .filter(|w| w.system.as_ref() == Some(&s.id))
                        .map(move |w| {
                            merge(
                                maintenance_ctx(site, w),
                                json!({"municipality": m.data.name, "municipality_slug": m.slug}),
                            )
                        })
                })
                .collect();
            let crumbs = json!([{"title": "Alla system", "href": "@/system/"}, {"title": s.name, "href": ""}]);
            merge(
                base_ctx(
                    site,
                    &format!("system/{}/", s.id),
                    &[&s.name, "System"],
                    "system",
                    crumbs,
                    None,
                ),
                merge(
                    json!({"system": s}),
                    obj([
                        ("uses", Value::Array(uses)),
                        ("maintenance", Value::Array(maintenance)),
                    ]),
                ),
            )
        }
        Spec::Provider(m, p) => {
            let crumbs = json!([{"title": m.data.name, "href": format!("@/{}/", m.slug)}, {"title": p.data.name, "href": ""}]);
            merge(
                base_ctx(
                    site,
                    &format!("utforare/{}/", p.id),
                    &[&p.data.name, &m.data.name],
                    "checklist",
                    crumbs,
                    Some(m),
                ),
                checklist_ctx(m, Some(p), today.year()),
            )
        }
        Spec::Search => {
            let munis_short: Vec<Value> = site
                .municipalities
                .iter()
                .map(|m| json!({"slug": m.slug, "name": m.data.name}))
                .collect();
            merge(
                base_ctx(
                    site,
                    "sok/",
                    &["Sök"],
                    "page",
                    json!([{"title": "Sök", "href": ""}]),
                    None,
                ),
                merge(
                    json!({"scripts": ["tid.js", "sok.js"]}),
                    obj([
                        ("municipalities", Value::Array(munis_short)),
                        ("subjects", subjects.unwrap_or_else(|| json!([]))),
                    ]),
                ),
            )
        }
        Spec::Accessibility => merge(
            base_ctx(
                site,
                "tillganglighet/",
                &["Tillgänglighetsredogörelse"],
                "page",
                json!([{"title": "Tillgänglighetsredogörelse", "href": ""}]),
                None,
            ),
            accessibility_ctx(&site.config.accessibility),
        ),
        Spec::NotFound => base_ctx(
            site,
            "404.html",
            &["Sidan finns inte"],
            "page",
            json!([]),
            None,
        ),
    }
}

/// "23 november 2026".
fn long_date(d: jiff::civil::Date) -> String {
    format!(
        "{} {} {}",
        d.day(),
        crate::calendar::values::month_name(d.month()),
        d.year()
    )
}

/// The accessibility statement, following DIGG's model statement.
fn accessibility_ctx(a: &crate::model::AccessibilityStatement) -> Value {
    json!({
        "a": a,
        "report_tel": a.report_phone.as_ref().map(|p| p.tel_uri()),
        "assessed_label": long_date(a.assessed.0),
        "updated_label": long_date(a.updated.as_ref().unwrap_or(&a.assessed).0),
        "published_label": a.published.as_ref().map(|d| long_date(d.0)),
        "compliance": if a.known_gaps.is_empty() { "helt" } else { "delvis" },
    })
}

fn holiday_rule_text(m: &MunicipalityEntry, open_on_holidays: bool) -> String {
    if open_on_holidays {
        return "Öppet även på helgdagar.".into();
    }
    let eves: Vec<&str> = m
        .data
        .holidays
        .closed_eves
        .iter()
        .map(|e| crate::schedule::eve_name(*e))
        .collect();
    let mut s = "Stängt på allmänna helgdagar".to_string();
    if !eves.is_empty() {
        s.push_str(" samt ");
        s.push_str(&join_sv(&eves));
    }
    for d in &m.data.holidays.extra_closed {
        s.push_str(&format!(", {} ({})", d.date, d.reason));
    }
    s.push('.');
    s
}

fn join_sv(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [a] => a.to_string(),
        [rest @ .., last] => format!("{} och {last}", rest.join(", ")),
    }
}

fn municipality_ctx(site: &Site, m: &MunicipalityEntry, today: jiff::civil::Date) -> Value {
    let role_names: BTreeMap<String, String> = m
        .data
        .roles
        .iter()
        .map(|r| (r.id.0.clone(), r.name.clone()))
        .collect();
    let role =
        |id: &crate::model::values::Slug| role_names.get(id.as_str()).cloned().unwrap_or_default();
    let sys_name = |id: &crate::model::values::Slug| {
        site.system(id.as_str())
            .map(|s| s.name.clone())
            .unwrap_or_default()
    };
    let systems: Vec<Value> = m
        .data
        .systems
        .iter()
        .map(|u| {
            let access = u.access.as_ref().map(|a| {
                json!({
                    "ordered_by": role(&a.ordered_by),
                    "handled_by": a.handled_by.as_ref().map(role),
                    "approved_by": a.approved_by.as_ref().map(role),
                    "created_by": a.created_by.as_ref().map(role),
                    "delivered_to": a.delivered_to.as_ref().map(role),
                    "via": a.via.as_ref().and_then(|v| m.eservice(v.as_str())).map(|e| e.name.clone()),
                    "via_id": a.via,
                    "processing_time": a.processing_time,
                    "requires": a.requires,
                })
            });
            let login: Vec<Value> = u.login.iter().filter_map(|l| m.login_method(l.as_str())).map(|l| json!({"id": l.id, "name": l.name})).collect();
            merge(
                json!({"id": u.system, "name": sys_name(&u.system), "purpose": u.purpose, "services": services(&u.services),
                       "roles": u.roles, "notes": u.notes}),
                obj([
                    ("access", access.unwrap_or(Value::Null)),
                    ("login", Value::Array(login)),
                ]),
            )
        })
        .collect();
    let login_methods: Vec<Value> = m
        .data
        .login_methods
        .iter()
        .map(|l| {
            let systems: Vec<Value> = l.systems.iter().filter_map(|s| site.system(s.as_str())).map(|s| json!({"id": s.id, "name": s.name})).collect();
            merge(
                json!({"id": l.id, "name": l.name, "description": l.description, "details": l.details,
                       "ordered_via": l.ordered_via.as_ref().and_then(|v| m.eservice(v.as_str())).map(|e| e.name.clone()), "ordered_via_id": l.ordered_via}),
                obj([("systems", Value::Array(systems))]),
            )
        })
        .collect();
    let contacts: Vec<Value> = m
        .data
        .contacts
        .iter()
        .map(|c| {
            let mut v = json!(c);
            let o = v.as_object_mut().expect("contact serialises to an object");
            o.insert("tel".into(), json!(c.phone.as_ref().map(|p| p.tel_uri())));
            if let Some(h) = &c.hours {
                o.insert(
                    "hours_json".into(),
                    json!(crate::schedule::hours_json(h, &m.data.holidays, today).to_string()),
                );
                o.insert(
                    "holiday_rule".into(),
                    json!(holiday_rule_text(m, h.open_on_holidays)),
                );
                let ooh = h
                    .out_of_hours
                    .as_ref()
                    .and_then(|x| x.contact.as_ref())
                    .and_then(|id| m.contact(id.as_str()))
                    .map(|c| c.name.clone());
                o.insert("out_of_hours_contact".into(), json!(ooh));
            }
            v
        })
        .collect();
    let unsupported = crate::model::resolve::UNSUPPORTED_SOFTWARE;
    let requirements: Vec<Value> = m
        .data
        .requirements
        .iter()
        .map(|g| {
            let items: Vec<Value> = g
                .items
                .iter()
                .map(|it| {
                    let lower = it.text.to_lowercase();
                    json!({"text": it.text, "note": it.note, "category": it.category, "outdated": unsupported.iter().any(|s| lower.contains(s))})
                })
                .collect();
            merge(
                json!({"title": g.title, "as_of": g.as_of, "systems": g.systems.iter().map(sys_name).collect::<Vec<_>>(),
                       "services": services(&g.services), "provided_by": g.provided_by}),
                obj([("items", Value::Array(items))]),
            )
        })
        .collect();
    let maintenance: Vec<Value> = m
        .data
        .maintenance
        .iter()
        .map(|w| maintenance_ctx(site, w))
        .collect();
    let eservices: Vec<Value> = m
        .data
        .eservices
        .iter()
        .map(|e| {
            json!({"id": e.id, "name": e.name, "kind": e.kind.name(), "orders": e.orders, "url": e.url, "email": e.email, "location": e.location,
                   "used_by": e.used_by.as_ref().map(role), "required_fields": e.required_fields, "processing_time": e.processing_time, "note": e.note})
        })
        .collect();
    let mut topics: Vec<(String, Vec<Value>)> = Vec::new();
    for d in &m.data.duties {
        let entry = json!({"role": role(&d.role), "text": d.text});
        match topics.iter_mut().find(|(t, _)| *t == d.topic) {
            Some((_, v)) => v.push(entry),
            None => topics.push((d.topic.clone(), vec![entry])),
        }
    }
    let duty_topics: Vec<Value> = topics
        .into_iter()
        .map(|(t, d)| {
            merge(
                json!({"id": format!("ansvar-{}", slugify(&t)), "topic": t}),
                obj([("duties", Value::Array(d))]),
            )
        })
        .collect();
    let routines: Vec<Value> = m
        .routines
        .iter()
        .map(|r| json!({"slug": r.slug, "title": r.meta.title, "summary": r.meta.summary, "next_review": r.meta.next_review, "overdue": r.meta.next_review.is_some_and(|d| d.date < today)}))
        .collect();
    let providers: Vec<Value> = site
        .providers
        .iter()
        .filter(|p| p.data.municipality.as_str() == m.slug)
        .map(|p| json!({"id": p.id, "name": p.data.name}))
        .collect();
    let mut toc = Vec::new();
    for (cond, id, title) in [
        (!routines.is_empty(), "rutiner", "Rutiner"),
        (!systems.is_empty(), "system", "IT-system"),
        (!m.data.roles.is_empty(), "vem-gor-vad", "Vem gör vad"),
        (!login_methods.is_empty(), "inloggning", "Inloggning"),
        (
            !requirements.is_empty(),
            "krav",
            "Krav på dator och utrustning",
        ),
        (
            !contacts.is_empty(),
            "kontakter",
            "Kontakter och öppettider",
        ),
        (!maintenance.is_empty(), "servicefonster", "Servicefönster"),
        (
            !eservices.is_empty(),
            "e-tjanster",
            "E-tjänster och blanketter",
        ),
    ] {
        if cond {
            toc.push(json!({"id": id, "title": title}));
        }
    }
    merge(
        json!({
            "municipality": {"slug": m.slug, "name": m.data.name, "summary": m.data.summary, "organisation": m.data.organisation, "example_note": m.data.example_note},
            "services": services(&m.data.services),
            "roles": m.data.roles, "role_names": role_names,
            "checklist_count": m.data.checklist.len(),
        }),
        obj([
            ("toc", Value::Array(toc)),
            ("routines", Value::Array(routines)),
            ("systems", Value::Array(systems)),
            ("duty_topics", Value::Array(duty_topics)),
            ("login_methods", Value::Array(login_methods)),
            ("requirements", Value::Array(requirements)),
            ("contacts", Value::Array(contacts)),
            ("maintenance", Value::Array(maintenance)),
            ("eservices", Value::Array(eservices)),
            ("providers", Value::Array(providers)),
        ]),
    )
}

/// A maintenance window for the municipality and system pages: its rule and the
/// occurrences of the next 12 months, as a list and as JSON for `tid.js`.
fn maintenance_ctx(site: &Site, w: &crate::model::MaintenanceWindow) -> Value {
    let next = crate::schedule::next_windows(w, site.now, 12);
    let next_json: Vec<Value> = next
        .iter()
        .map(|o| json!({"start": o.start_iso, "end": o.end_iso}))
        .collect();
    let system = w
        .system
        .as_ref()
        .and_then(|id| site.system(id.as_str()))
        .map(|s| s.name.clone());
    json!({"id": w.id, "title": w.title, "rule": w.when.to_string(), "time": w.time, "usually": w.usually,
           "system": system, "system_id": w.system, "announced": w.announced, "reason": w.reason,
           "next": next, "next_json": Value::Array(next_json).to_string()})
}

fn checklist_ctx(
    m: &MunicipalityEntry,
    provider: Option<&crate::model::ProviderEntry>,
    year: i16,
) -> Value {
    let role_names: BTreeMap<&str, &str> = m
        .data
        .roles
        .iter()
        .map(|r| (r.id.as_str(), r.name.as_str()))
        .collect();
    let order = ordered_steps(&m.data);
    let wanted: Option<&[Service]> = provider.map(|p| p.data.services.as_slice());
    let due = provider
        .map(|p| crate::schedule::due_dates(&m.data, p.data.start_date.0))
        .unwrap_or_default();
    let mut phases: Vec<(crate::model::Phase, Vec<Value>)> = Vec::new();
    for i in order {
        let s = &m.data.checklist[i];
        if let Some(w) = wanted
            && !s.services.is_empty()
            && !s.services.iter().any(|x| w.contains(x))
        {
            continue;
        }
        let depends: Vec<Value> = s
            .depends_on
            .iter()
            .filter_map(|d| m.data.checklist.iter().find(|x| x.id == *d))
            .map(|d| json!({"id": d.id, "title": d.title}))
            .collect();
        let e = s.eservice.as_ref().and_then(|e| m.eservice(e.as_str()));
        let d = due.get(s.id.as_str());
        let title_of = |id: &str| {
            m.data
                .checklist
                .iter()
                .find(|x| x.id.as_str() == id)
                .map(|x| x.title.clone())
                .unwrap_or_default()
        };
        let lead = s.deadline.as_ref().map(|dl| {
            let unit = match dl.unit {
                LeadUnit::WorkingDays => "wd",
                LeadUnit::CalendarDays => "cd",
                LeadUnit::Weeks => "w",
            };
            let anchor = match &dl.anchor {
                Anchor::BeforeStart => "before-start".to_string(),
                Anchor::AfterStart => "after-start".to_string(),
                Anchor::AfterStep(step) => format!("step:{step}"),
            };
            json!({"amount": dl.amount, "unit": unit, "anchor": anchor})
        });
        let v = json!({
            "id": s.id, "title": s.title, "who": s.who.as_ref().and_then(|w| role_names.get(w.as_str())),
            "deadline": s.deadline.as_ref().map(|dl| deadline_text(dl, &title_of)),
            "service_ids": s.services.iter().map(|x| x.id()).collect::<Vec<_>>().join(" "),
            "recurrence": s.recurrence,
            "eservice": e.map(|e| &e.name), "eservice_id": s.eservice, "eservice_url": e.and_then(|e| e.url.as_ref()),
            "services": services(&s.services), "note": s.note,
            "routine": s.routine, "routine_title": s.routine.as_ref().and_then(|r| m.routine(r.as_str())).map(|r| &r.meta.title),
            "due": d.map(|d| d.to_string()), "due_label": d.map(|d| crate::schedule::date_label(*d)),
        });
        let v = merge(
            v,
            obj([
                ("lead", lead.unwrap_or(Value::Null)),
                ("depends", Value::Array(depends)),
            ]),
        );
        match phases.iter_mut().find(|(p, _)| *p == s.phase) {
            Some((_, v2)) => v2.push(v),
            None => phases.push((s.phase, vec![v])),
        }
    }
    phases.sort_by_key(|(p, _)| *p);
    let phases: Vec<Value> = phases
        .into_iter()
        .map(|(p, steps)| {
            merge(
                json!({"id": slugify(p.name()), "name": p.name()}),
                obj([("steps", Value::Array(steps))]),
            )
        })
        .collect();
    let closed = closed_dates_json(m, year);
    let offered: Vec<Value> = m
        .data
        .services
        .iter()
        .map(|s| json!({"id": s.id(), "name": s.name()}))
        .collect();
    match provider {
        None => merge(
            json!({
                "heading": format!("Checklista inför driftstart i {}", m.data.name),
                "intro": "Alla steg en ny utförare går igenom, i den ordning de behöver göras, med tidsfrister räknat från driftstart.",
                "list_id": m.slug, "closed_json": closed,
                "scripts": ["tid.js", "checklista.js"],
            }),
            obj([
                ("phases", Value::Array(phases)),
                ("offered", Value::Array(offered)),
            ]),
        ),
        Some(p) => {
            let contacts: Vec<Value> = p
                .data
                .contacts
                .iter()
                .map(|c| json!({"role": role_names.get(c.role.as_str()), "name": c.name, "email": c.email, "phone": c.phone}))
                .collect();
            merge(
                json!({
                    "heading": format!("Checklista för {}", p.data.name),
                    "intro": format!("Plan för driftstart i {} med datum räknade bakåt från startdagen i arbetsdagar (helger och helgdagar räknas inte).", m.data.name),
                    "list_id": format!("utforare-{}", p.id), "provider": &*p.data, "closed_json": closed,
                    "ics": format!("@/utforare/{}/checklista.ics", p.id), "scripts": ["tid.js", "checklista.js"],
                    "services": services(&p.data.services), "start_label": crate::schedule::date_label(p.data.start_date.0),
                }),
                obj([
                    ("phases", Value::Array(phases)),
                    ("contacts", Value::Array(contacts)),
                ]),
            )
        }
    }
}

/// "10 arbetsdagar före driftstart", "5 arbetsdagar efter steget ”Beställ SITHS-kort”".
fn deadline_text(dl: &crate::model::values::Deadline, title_of: &dyn Fn(&str) -> String) -> String {
    let unit = dl.unit.word(dl.amount);
    match &dl.anchor {
        Anchor::BeforeStart => format!("{} {unit} före driftstart", dl.amount),
        Anchor::AfterStart => format!("{} {unit} efter driftstart", dl.amount),
        Anchor::AfterStep(step) => {
            format!("{} {unit} efter steget ”{}”", dl.amount, title_of(step))
        }
    }
}

/// Every closed date (public holidays, closed eves, extra days) of the municipality for
/// four years from the build's year, as a JSON list the checklist
/// script counts working days with: the holiday rule is described once, in Rust.
fn closed_dates_json(m: &MunicipalityEntry, from_year: i16) -> String {
    let mut dates: Vec<String> = Vec::new();
    for year in from_year..from_year + 4 {
        for (d, _) in crate::calendar::holidays::closed_days(&m.data.holidays, year) {
            dates.push(d.to_string());
        }
    }
    Value::from(dates).to_string()
}

/// An ASCII id for a heading text: "Vem gör vad" → "vem-gor-vad".
pub fn slugify(text: &str) -> String {
    let mut s = String::new();
    for c in text.to_lowercase().chars() {
        let c = match c {
            'å' | 'ä' | 'à' | 'á' => 'a',
            'ö' | 'ø' | 'ó' => 'o',
            'é' | 'è' => 'e',
            'ü' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    s.trim_end_matches('-').to_string()
}
