//! The data model: one type per domain thing, as the editors write it in YAML and
//! front matter. Every type denies unknown fields, so a typo is an error with a
//! "did you mean" hint instead of silently ignored data. The JSON Schema for editors
//! is generated from these types (`lovportal schema`), so it cannot drift.

use crate::calendar::holidays::HolidayRule;
use crate::calendar::values::{DaySet, IsoDate, MonthOrDate, Recurrence, TimeRange};
use crate::model::values::{Deadline, Email, HexColor, ImagePath, Phone, Slug, Url};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Care services a provider can deliver under LOV.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Service {
    /// Hemtjänst
    Hemtjanst,
    /// Särskilt boende
    SarskiltBoende,
    /// Daglig verksamhet enligt LSS
    DagligVerksamhetLss,
    /// Servicetjänster
    Servicetjanster,
}

impl Service {
    pub const ALL: [Service; 4] = [
        Service::Hemtjanst,
        Service::SarskiltBoende,
        Service::DagligVerksamhetLss,
        Service::Servicetjanster,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Service::Hemtjanst => "hemtjanst",
            Service::SarskiltBoende => "sarskilt-boende",
            Service::DagligVerksamhetLss => "daglig-verksamhet-lss",
            Service::Servicetjanster => "servicetjanster",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Service::Hemtjanst => "Hemtjänst",
            Service::SarskiltBoende => "Särskilt boende",
            Service::DagligVerksamhetLss => "Daglig verksamhet LSS",
            Service::Servicetjanster => "Servicetjänster",
        }
    }
}

/// Site-wide settings: `data/site.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The portal's name, e.g. "LOV-portalen".
    pub name: String,
    /// Who publishes the portal.
    pub organisation: String,
    /// One or two sentences for the home page.
    pub description: String,
    /// Contact shown in the footer of every page.
    pub footer_contact: FooterContact,
    /// The accessibility statement (tillgänglighetsredogörelse) required by law.
    pub accessibility: AccessibilityStatement,
    /// A logo shown before the portal's name in the header of every page.
    #[serde(default)]
    pub logo: Option<Logo>,
    /// The organisation's colours. Each is checked for a contrast of at least 4.5:1
    /// against the text or background it is used with.
    #[serde(default)]
    pub colors: Option<SiteColors>,
}

/// The site's logo: an image in the site's `static/` folder (or the theme's).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Logo {
    /// Path inside `static/`, e.g. `logo.svg`; copied to the output's `static/`.
    pub file: ImagePath,
    /// Alternative text: what the logo shows, e.g. "Mölndals stad". Required.
    pub alt: String,
}

/// Theme colours, `#rrggbb`. Used in light mode (dark mode keeps the theme's palette,
/// except the header background, which is used in both).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteColors {
    /// Links and buttons. Must reach 4.5:1 against the page (#ffffff) and the cards
    /// (#f5f7fa), and white button text on it.
    #[serde(default)]
    pub accent: Option<HexColor>,
    /// The header band. White header text must reach 4.5:1 on it.
    #[serde(default)]
    pub header_background: Option<HexColor>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FooterContact {
    pub name: String,
    #[serde(default)]
    pub email: Option<Email>,
    #[serde(default)]
    pub phone: Option<Phone>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessibilityStatement {
    /// Who is responsible for the portal's accessibility.
    pub responsible: String,
    /// Where to report an accessibility problem.
    pub report_email: Email,
    #[serde(default)]
    pub report_url: Option<Url>,
    /// Date of the latest assessment.
    pub assessed: IsoDate,
    /// How the portal was assessed.
    pub method: String,
    /// Known gaps, in plain Swedish (DIGG: "bristande förenlighet med lagkraven"); name
    /// the WCAG success criterion where you can.
    #[serde(default)]
    pub known_gaps: Vec<String>,
    /// Phone number for reporting problems or asking for content in another form.
    #[serde(default)]
    pub report_phone: Option<Phone>,
    /// How soon a report is answered, e.g. "två arbetsdagar".
    #[serde(default)]
    pub response_time: Option<String>,
    /// Content not made accessible because it would be a disproportionate burden
    /// ("oskäligt betungande anpassning"), with the reason.
    #[serde(default)]
    pub disproportionate_burden: Vec<String>,
    /// Content outside the law's scope ("innehåll som inte omfattas av lagstiftningen").
    #[serde(default)]
    pub out_of_scope: Vec<String>,
    /// When the portal was first published.
    #[serde(default)]
    pub published: Option<IsoDate>,
    /// When this statement was last updated (default: `assessed`).
    #[serde(default)]
    pub updated: Option<IsoDate>,
}

/// The shared system registry: `data/system.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemRegistry {
    pub systems: Vec<System>,
}

/// An IT system used by one or more municipalities (Treserva, TES, Phoniro, ...).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct System {
    pub id: Slug,
    pub name: String,
    /// Kind of system, e.g. "Verksamhetssystem för dokumentation".
    pub category: String,
    pub description: String,
    #[serde(default)]
    pub vendor: Option<String>,
}

/// Which side a role or party is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    /// The municipality (beställaren).
    Kommun,
    /// The private provider (utföraren).
    Utforare,
}

/// A municipality: `data/kommuner/<slug>.yaml`. The slug is the file name.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Municipality {
    /// The municipality's name, e.g. "Mölndal".
    pub name: String,
    /// The administration responsible, e.g. "Vård- och omsorgsförvaltningen".
    pub organisation: String,
    /// Short introduction for the municipality page.
    pub summary: String,
    /// Set when the name is fictional: a sentence saying what the example is based on.
    #[serde(default)]
    pub example_note: Option<String>,
    /// Services procured under LOV.
    #[serde(default)]
    pub services: Vec<Service>,
    /// Which days, besides public holidays, are closed.
    #[serde(default)]
    pub holidays: HolidayRule,
    /// Roles and responsible parties: who orders, approves, creates accounts.
    #[serde(default)]
    pub roles: Vec<Role>,
    /// The IT systems a provider uses here.
    #[serde(default)]
    pub systems: Vec<SystemUse>,
    #[serde(default)]
    pub login_methods: Vec<LoginMethod>,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Computer, phone and network requirements, grouped as the documents state them.
    #[serde(default)]
    pub requirements: Vec<RequirementGroup>,
    #[serde(default)]
    pub maintenance: Vec<MaintenanceWindow>,
    /// Ordering e-services and forms.
    #[serde(default)]
    pub eservices: Vec<EService>,
    /// Who does what, by topic (alarm handling, care phones, outages, ...).
    #[serde(default)]
    pub duties: Vec<Duty>,
    /// The onboarding checklist.
    #[serde(default)]
    pub checklist: Vec<ChecklistStep>,
}

/// A role or responsible party, e.g. "Ansvarig chef hos utföraren", "Kommunens IT-enhet".
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub id: Slug,
    pub name: String,
    pub side: Side,
    #[serde(default)]
    pub description: Option<String>,
    /// What this role is responsible for.
    #[serde(default)]
    pub responsibilities: Vec<String>,
}

/// How a municipality uses one system of the registry.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemUse {
    /// Id of a system in data/system.yaml.
    pub system: Slug,
    /// What the system is used for here.
    pub purpose: String,
    #[serde(default)]
    pub services: Vec<Service>,
    /// How access is ordered.
    #[serde(default)]
    pub access: Option<Access>,
    /// Ids of login methods (see login_methods).
    #[serde(default)]
    pub login: Vec<Slug>,
    /// Roles inside the system (e.g. ParaSoL's enhetschef, behörighetsadministratör).
    #[serde(default)]
    pub roles: Vec<SystemRole>,
    #[serde(default)]
    pub notes: Vec<String>,
}

/// Who orders access to a system, from whom, and what happens then.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Access {
    /// Role id of who orders.
    pub ordered_by: Slug,
    /// Role id of who receives and handles the order.
    #[serde(default)]
    pub handled_by: Option<Slug>,
    /// Role id of who approves or signs.
    #[serde(default)]
    pub approved_by: Option<Slug>,
    /// Role id of who creates the accounts.
    #[serde(default)]
    pub created_by: Option<Slug>,
    /// Role id of who receives the login details.
    #[serde(default)]
    pub delivered_to: Option<Slug>,
    /// Id of the e-service or form used.
    #[serde(default)]
    pub via: Option<Slug>,
    /// E.g. "ca en vecka".
    #[serde(default)]
    pub processing_time: Option<String>,
    /// Conditions that must be met first.
    #[serde(default)]
    pub requires: Vec<String>,
}

/// A role inside a system and what it may do.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemRole {
    pub name: String,
    /// Who holds the role.
    pub held_by: String,
    #[serde(default)]
    pub can: Vec<String>,
    #[serde(default)]
    pub cannot: Vec<String>,
    /// Whether the role may decide on access.
    #[serde(default)]
    pub decides_access: bool,
}

/// Kinds of login methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LoginKind {
    Siths,
    Yubikey,
    Sms,
    Bankid,
    Losenord,
    Annat,
}

/// A way to log in (SITHS card, Yubikey, sms code, Mobilt BankID, ...).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginMethod {
    pub id: Slug,
    pub kind: LoginKind,
    pub name: String,
    pub description: String,
    /// Ids of systems this method logs in to.
    #[serde(default)]
    pub systems: Vec<Slug>,
    /// Id of the e-service or form used to order it.
    #[serde(default)]
    pub ordered_via: Option<Slug>,
    #[serde(default)]
    pub details: Vec<String>,
}

/// A contact: a helpdesk, an IT unit, a named person.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub id: Slug,
    pub name: String,
    /// Role id this contact belongs to.
    #[serde(default)]
    pub role: Option<Slug>,
    /// What to contact them about.
    pub purpose: String,
    /// Who may contact them, e.g. "Utförarens namngivna IT-kontaktpersoner".
    #[serde(default)]
    pub who_may_contact: Option<String>,
    #[serde(default)]
    pub phone: Option<Phone>,
    #[serde(default)]
    pub email: Option<Email>,
    /// What their commitment covers.
    #[serde(default)]
    pub covers: Vec<String>,
    /// What their commitment does not cover.
    #[serde(default)]
    pub excludes: Vec<String>,
    #[serde(default)]
    pub hours: Option<SupportHours>,
}

/// Opening hours of a contact.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SupportHours {
    pub weekly: Vec<OpeningHours>,
    /// Open on public holidays too (default: closed).
    #[serde(default)]
    pub open_on_holidays: bool,
    #[serde(default)]
    pub out_of_hours: Option<OutOfHours>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpeningHours {
    /// E.g. "måndag-torsdag".
    pub days: DaySet,
    /// E.g. "07.00-16.30".
    pub time: TimeRange,
}

/// What is available outside opening hours.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutOfHours {
    /// What out-of-hours support covers.
    pub scope: String,
    #[serde(default)]
    pub excludes: Vec<String>,
    /// Contact id to use out of hours.
    #[serde(default)]
    pub contact: Option<Slug>,
}

/// A group of requirements as one document states them.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequirementGroup {
    pub title: String,
    /// The date of the document that states these requirements.
    pub as_of: IsoDate,
    #[serde(default)]
    pub systems: Vec<Slug>,
    #[serde(default)]
    pub services: Vec<Service>,
    /// Who pays for and provides the equipment.
    #[serde(default)]
    pub provided_by: Option<String>,
    pub items: Vec<HardwareRequirement>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RequirementCategory {
    Dator,
    Operativsystem,
    Webblasare,
    Programvara,
    Usb,
    Natverk,
    Brandvagg,
    Mobiltelefon,
    Ovrigt,
}

/// One hardware, software or network requirement.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HardwareRequirement {
    pub category: RequirementCategory,
    pub text: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// A planned maintenance window.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceWindow {
    pub id: Slug,
    pub title: String,
    /// System id affected.
    #[serde(default)]
    pub system: Option<Slug>,
    /// "4:e onsdagen", "sista fredagen", "varje tisdag" or a date.
    pub when: Recurrence,
    /// "12.00-14.30".
    pub time: TimeRange,
    /// The rule is the usual case, not a promise ("vanligtvis").
    #[serde(default)]
    pub usually: bool,
    /// How the window is announced.
    #[serde(default)]
    pub announced: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EServiceKind {
    ETjanst,
    Blankett,
    Formular,
    Arendesystem,
    Epost,
}

impl EServiceKind {
    pub fn name(self) -> &'static str {
        match self {
            EServiceKind::ETjanst => "E-tjänst",
            EServiceKind::Blankett => "Blankett",
            EServiceKind::Formular => "Webbformulär",
            EServiceKind::Arendesystem => "Ärendehanteringssystem",
            EServiceKind::Epost => "Beställning via e-post",
        }
    }
}

/// An ordering e-service, form or channel.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EService {
    pub id: Slug,
    pub name: String,
    pub kind: EServiceKind,
    /// What is ordered with it.
    pub orders: String,
    #[serde(default)]
    pub url: Option<Url>,
    #[serde(default)]
    pub email: Option<Email>,
    /// Where to find it on the municipality's website, e.g. "Arbete och näringsliv – …".
    #[serde(default)]
    pub location: Option<String>,
    /// Role id of who uses it.
    #[serde(default)]
    pub used_by: Option<Slug>,
    #[serde(default)]
    pub systems: Vec<Slug>,
    /// Information the order must contain (field names only).
    #[serde(default)]
    pub required_fields: Vec<String>,
    #[serde(default)]
    pub processing_time: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A responsibility by topic: "Larmhantering: Beställaren installerar trygghetslarm".
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Duty {
    pub topic: String,
    /// Role id.
    pub role: Slug,
    pub text: String,
}

/// When in a provider's life a step belongs.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
    Default,
)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Before the start date.
    #[default]
    ForeStart,
    /// Recurring duties once running.
    Lopande,
    /// When an employee leaves.
    MedarbetareSlutar,
    /// When the contract ends.
    AvtalUpphor,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::ForeStart => "Före driftstart",
            Phase::Lopande => "Löpande",
            Phase::MedarbetareSlutar => "När en medarbetare slutar",
            Phase::AvtalUpphor => "När avtalet upphör",
        }
    }
}

/// One step of the onboarding checklist.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecklistStep {
    pub id: Slug,
    pub title: String,
    /// Role id of who does it.
    #[serde(default)]
    pub who: Option<Slug>,
    /// E-service id used.
    #[serde(default)]
    pub eservice: Option<Slug>,
    #[serde(default)]
    pub deadline: Option<Deadline>,
    #[serde(default)]
    pub depends_on: Vec<Slug>,
    /// Services it applies to (empty: all).
    #[serde(default)]
    pub services: Vec<Service>,
    #[serde(default)]
    pub phase: Phase,
    /// For recurring duties: how often, e.g. "kvartalsvis".
    #[serde(default)]
    pub recurrence: Option<String>,
    /// Slug of a routine of the same municipality with more detail.
    #[serde(default)]
    pub routine: Option<Slug>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Front matter of a routine: `content/<kommun>/<slug>.md`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoutineMeta {
    pub title: String,
    /// One sentence shown in lists.
    pub summary: String,
    /// Title of the source document.
    #[serde(default)]
    pub document: Option<String>,
    #[serde(default)]
    pub document_type: Option<String>,
    #[serde(default)]
    pub drawn_up_by: Option<String>,
    #[serde(default)]
    pub approved_by: Option<String>,
    #[serde(default)]
    pub registration_number: Option<String>,
    #[serde(default)]
    pub valid_from: Option<IsoDate>,
    #[serde(default)]
    pub last_updated: Option<IsoDate>,
    #[serde(default)]
    pub next_review: Option<MonthOrDate>,
    /// Who the routine applies to.
    #[serde(default)]
    pub applies_to: Option<String>,
    #[serde(default)]
    pub systems: Vec<Slug>,
    #[serde(default)]
    pub services: Vec<Service>,
    /// Sort order on the municipality page (lower first).
    #[serde(default)]
    pub order: i32,
}

/// A provider starting in a municipality: `data/providers/<id>.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    pub name: String,
    /// Organisation number, e.g. "556677-8899".
    pub org_number: String,
    /// Municipality slug.
    pub municipality: Slug,
    pub services: Vec<Service>,
    pub start_date: IsoDate,
    #[serde(default)]
    pub contacts: Vec<ProviderContact>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderContact {
    /// Role id (of the municipality's roles) this person holds.
    pub role: Slug,
    pub name: String,
    #[serde(default)]
    pub email: Option<Email>,
    #[serde(default)]
    pub phone: Option<Phone>,
}
