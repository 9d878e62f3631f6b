//! `lovportal new kommun <slug>` and `lovportal new rutin <kommun> <slug>`: commented
//! skeletons that pass `lovportal check` as they are. Existing files are never replaced.

use crate::cli::{NewArgs, NewKind};
use crate::loader::{CONTENT_DIR, MUNICIPALITY_DIR};
use crate::model::values::check_slug;
use std::io::Write;
use std::path::Path;

pub fn run(args: &NewArgs) -> i32 {
    if !args.root.join("data").is_dir() {
        eprintln!(
            "fel: {}: ingen data-mapp: är --root rätt?",
            args.root.join("data").display()
        );
        eprintln!("  tips: `lovportal init <mapp>` skapar en ny portal");
        return 2;
    }
    let result = match &args.what {
        NewKind::Kommun { slug } => new_kommun(&args.root, slug),
        NewKind::Rutin { kommun, slug } => new_rutin(&args.root, kommun, slug),
    };
    match result {
        Ok(rel) => {
            eprintln!("Skapade {rel}. Fyll i den och kontrollera med `lovportal check`.");
            0
        }
        Err(e) => {
            eprintln!("fel: {e}");
            2
        }
    }
}

fn checked(slug: &str, what: &str) -> Result<(), String> {
    check_slug(slug).map_err(|e| format!("{what}: {}\n  tips: {}", e.message, e.hint))
}

/// Writes `data/kommuner/<slug>.yaml`; returns its path relative to the root.
pub fn new_kommun(root: &Path, slug: &str) -> Result<String, String> {
    checked(slug, "kommunens id")?;
    let rel = format!("{MUNICIPALITY_DIR}/{slug}.yaml");
    create(root, &rel, &kommun_yaml(slug))?;
    Ok(rel)
}

/// Writes `content/<kommun>/<slug>.md`; the municipality must exist.
pub fn new_rutin(root: &Path, kommun: &str, slug: &str) -> Result<String, String> {
    checked(kommun, "kommunens id")?;
    checked(slug, "rutinens id")?;
    let yaml = ["yaml", "yml"].iter().any(|e| {
        root.join(format!("{MUNICIPALITY_DIR}/{kommun}.{e}"))
            .is_file()
    });
    if !yaml {
        return Err(format!(
            "kommunen `{kommun}` finns inte ({MUNICIPALITY_DIR}/{kommun}.yaml saknas)\n  tips: skapa den först med `lovportal new kommun {kommun}`"
        ));
    }
    let rel = format!("{CONTENT_DIR}/{kommun}/{slug}.md");
    create(root, &rel, &rutin_md(kommun, slug))?;
    Ok(rel)
}

/// Creates a new file, refusing to replace one that exists.
pub fn create(root: &Path, rel: &str, text: &str) -> Result<(), String> {
    let path = root.join(rel);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                format!("{rel} finns redan och skrivs inte över\n  tips: välj ett annat namn, eller ta bort filen först")
            } else {
                format!("{}: {e}", path.display())
            }
        })?;
    f.write_all(text.as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// "ny-kommun" → "Ny kommun": a readable placeholder the editor replaces.
fn title_of(slug: &str) -> String {
    let words = slug.replace('-', " ");
    let mut c = words.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub fn kommun_yaml(slug: &str) -> String {
    let name = title_of(slug);
    format!(
        r#"# Kommunen {name}. Filnamnet är kommunens id och adress: sidan blir /{slug}/.
# Varje fält beskrivs i docs/schema.md. Kör `lovportal check` efter varje ändring;
# fel visas som fil:rad:kolumn med ett tips.

# Kommunens namn, som det visas i portalen.
name: {name}
# Förvaltningen som ansvarar för utförarna.
organisation: Vård- och omsorgsförvaltningen
# Kort inledning överst på kommunens sida.
summary: Det här behöver en ny utförare i {name} veta om IT-system, behörigheter och support.
# Tjänster som upphandlas enligt LOV: hemtjanst, sarskilt-boende,
# daglig-verksamhet-lss och servicetjanster.
services: [hemtjanst]

# Roller: vem som beställer, godkänner och lägger upp behörigheter. side är kommun
# eller utforare. Resten av filen pekar på rollerna med deras id.
roles:
  - id: chef
    name: Ansvarig chef hos utföraren
    side: utforare
    responsibilities:
      - Beställer behörigheter för sin personal
  - id: it
    name: Kommunens IT-enhet
    side: kommun

# Kontakter och öppettider. Dagar skrivs måndag-fredag, tider "08.00-16.30" (med
# citattecken). Stängt på helgdagar om inte open_on_holidays: true.
contacts:
  - id: helpdesk
    name: IT-helpdesk
    purpose: Teknisk support och lösenord
    email: helpdesk@example.se
    hours:
      weekly:
        - days: måndag-fredag
          time: "08.00-16.30"

# Nedan följer exempel på resten av fälten. Ta bort # i början av raderna för att
# använda dem, och byt ut värdena.

# IT-systemen utförarna använder här (id från data/system.yaml), vem som beställer
# behörighet och hur man loggar in.
# systems:
#   - system: treserva
#     purpose: Dokumentation av insatser
#     access:
#       ordered_by: chef
#       created_by: it
#       via: behorighet
#       processing_time: ca en vecka
#     login: [sms]

# Inloggningsmetoder (kind: siths, yubikey, sms, bankid, losenord eller annat).
# login_methods:
#   - id: sms
#     kind: sms
#     name: Sms-kod
#     description: Användarnamn, lösenord och en kod per sms.
#     systems: [treserva]

# Krav på dator och utrustning, daterade som i kommunens dokument.
# requirements:
#   - title: Krav på dator
#     as_of: "2026-01-01"
#     items:
#       - category: operativsystem
#         text: Windows 11

# Servicefönster, när systemen kan vara otillgängliga.
# maintenance:
#   - id: treserva-fonster
#     title: Servicefönster Treserva
#     system: treserva
#     when: 2:a tisdagen
#     time: "18.00-22.00"

# E-tjänster och blanketter för beställningar.
# eservices:
#   - id: behorighet
#     name: Beställ behörighet
#     kind: e-tjanst
#     orders: Behörighet till Treserva
#     url: https://e-tjanster.example.se/behorighet

# Vem gör vad, per ämne.
# duties:
#   - topic: Larmhantering
#     role: it
#     text: Installerar trygghetslarm.

# Checklistan inför driftstart. who är en roll; deadline räknas i arbetsdagar.
# checklist:
#   - id: bestall-behorighet
#     title: Beställ behörighet till Treserva
#     who: chef
#     eservice: behorighet
#     deadline: 10 arbetsdagar före start
"#
    )
}

pub fn rutin_md(kommun: &str, slug: &str) -> String {
    let title = title_of(slug);
    format!(
        r#"---
# Rutinens rubrik, och en mening som visas i listan över rutiner.
title: {title}
summary: En mening om vad rutinen gäller.
# Uppgifter från dokumentet rutinen bygger på. Ta bort # för att använda dem.
# drawn_up_by: Namn Namnsson
# approved_by: Namn Namnsson
# registration_number: VON 2026/0001
# valid_from: "2026-01-01"
# last_updated: "2026-01-01"
# next_review: "2027-01-01"
# applies_to: Utförarens chefer
# systems: [treserva]
# services: [hemtjanst]
---
# {title}

Skriv rutinen här i Markdown. Länka till andra sidor i portalen med `@/`, till
exempel till [kommunens sida](@/{kommun}/) eller [kontakterna](@/{kommun}/#kontakter).
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        assert_eq!(title_of("ny-kommun"), "Ny kommun");
        assert_eq!(title_of("a"), "A");
    }
}
