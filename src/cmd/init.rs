//! `lovportal init <dir>`: a minimal new portal (site settings, a system register, one
//! municipality and one routine) that builds as it is.

use crate::cli::InitArgs;
use std::path::Path;

const SITE_YAML: &str = r#"# Portalens inställningar. Varje fält beskrivs i docs/schema.md.

# Portalens namn, överst på varje sida.
name: LOV-portalen
# Vem som ger ut portalen.
organisation: Kommunens vård- och omsorgsförvaltning
# En eller två meningar på startsidan.
description: Allt en ny utförare behöver veta om IT-system, behörigheter och support.
# Kontakten i sidfoten på varje sida.
footer_contact:
  name: Portalredaktionen
  email: portal@example.se
# Tillgänglighetsredogörelsen, som lagen kräver.
accessibility:
  responsible: Portalredaktionen
  report_email: tillganglighet@example.se
  # Datum för den senaste granskningen.
  assessed: "2026-01-01"
  method: Egen granskning.
"#;

const SYSTEM_YAML: &str = r#"# Gemensamt systemregister. Kommunerna pekar hit med systemets id.
systems:
  - id: treserva
    name: Treserva
    category: Verksamhetssystem för dokumentation
    vendor: CGI
    description: Verksamhetssystem där personalen dokumenterar insatser.
"#;

const GITIGNORE: &str = "# Byggd portal (lovportal build)\n/public/\n";

pub fn run(args: &InitArgs) -> i32 {
    match init(&args.dir) {
        Ok(()) => {
            let d = args.dir.display();
            eprintln!(
                "Skapade en ny portal i {d}.\n  Förhandsgranska: lovportal serve --root {d}\n  Bygg:            lovportal build --root {d}"
            );
            0
        }
        Err(e) => {
            eprintln!("fel: {e}");
            2
        }
    }
}

/// Creates the portal; `dir` must not exist or be empty.
pub fn init(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .next()
            .is_none();
        if !empty {
            return Err(format!(
                "{} finns redan och är inte tom\n  tips: välj en ny mapp; init skriver aldrig över filer",
                dir.display()
            ));
        }
    }
    let create = super::new::create;
    create(dir, "data/site.yaml", SITE_YAML)?;
    create(dir, "data/system.yaml", SYSTEM_YAML)?;
    create(dir, ".gitignore", GITIGNORE)?;
    super::new::new_kommun(dir, "exempelkommun")?;
    super::new::new_rutin(dir, "exempelkommun", "kom-igang")?;
    Ok(())
}
