//! The default theme, embedded in the binary; a site overrides it file by file from
//! `themes/default/` under its root.

use crate::diagnostics::{Diagnostic, Pos};
use std::path::Path;

macro_rules! theme_files {
    ($($name:literal),* $(,)?) => {
        /// Every file of the embedded default theme, by path inside the theme.
        pub const DEFAULT_THEME: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("../themes/default/", $name)))),*
        ];
    };
}

theme_files!(
    "templates/base.html",
    "templates/macros.html",
    "templates/index.html",
    "templates/municipality.html",
    "templates/routine.html",
    "templates/system.html",
    "templates/systems.html",
    "templates/checklist.html",
    "templates/search.html",
    "templates/accessibility.html",
    "templates/404.html",
    "static/css/style.css",
    "static/css/print.css",
    "static/js/tid.js",
    "static/js/checklista.js",
    "static/js/sok.js",
);

pub const THEME_DIR: &str = "themes/default";

/// The theme's files with the site's overrides applied: (path inside theme, text, source).
pub fn load(root: &Path) -> Result<Vec<(String, String, String)>, Diagnostic> {
    let mut out = Vec::new();
    for (name, text) in DEFAULT_THEME {
        let over = root.join(THEME_DIR).join(name);
        if over.is_file() {
            let rel = format!("{THEME_DIR}/{name}");
            let bytes = std::fs::read(&over).map_err(|e| {
                Diagnostic::error(&rel, Pos::new(1, 1), format!("filen kan inte läsas: {e}"))
            })?;
            let text = crate::loader::decode(&bytes)
                .map_err(|(pos, m, h)| Diagnostic::error(&rel, pos, m).with_hint(h))?;
            out.push((name.to_string(), text, rel));
        } else {
            out.push((
                name.to_string(),
                text.to_string(),
                format!("(inbyggt tema)/{name}"),
            ));
        }
    }
    Ok(out)
}
