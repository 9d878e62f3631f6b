//! Model stage: the typed site, with every cross-reference checked. `Site::load` is the
//! entry point used by `build`, `check` and `serve` alike.

pub mod resolve;
pub mod types;
pub mod values;

use crate::diagnostics::{Diagnostics, IoFailure};
use crate::loader::{self, LoadCache, RawRoutine};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
pub use types::*;

/// A routine: Markdown with front matter, belonging to one municipality.
pub type Routine = RawRoutine;

#[derive(Debug, Clone)]
pub struct MunicipalityEntry {
    pub slug: String,
    /// Source file, relative to the root.
    pub path: String,
    pub data: Arc<Municipality>,
    /// Sorted by `order`, then title.
    pub routines: Vec<Arc<Routine>>,
}

#[derive(Debug, Clone)]
pub struct ProviderEntry {
    pub id: String,
    pub path: String,
    pub data: Arc<Provider>,
}

/// The whole site, loaded and cross-referenced.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: SiteConfig,
    pub systems: Vec<System>,
    /// Sorted by slug.
    pub municipalities: Vec<MunicipalityEntry>,
    pub providers: Vec<ProviderEntry>,
    /// Every source file's text, by path relative to the root.
    pub files: BTreeMap<String, Arc<str>>,
    /// The build's notion of "now" (`--now`, or the clock).
    pub now: jiff::Timestamp,
}

impl Site {
    /// Loads and validates the site at `root`. Returns the site when there are no
    /// errors (warnings are returned alongside), or all diagnostics when there are.
    pub fn load(
        root: &Path,
        now: jiff::Timestamp,
    ) -> Result<(Option<Site>, Diagnostics), IoFailure> {
        Site::load_cached(root, now, None)
    }

    /// Like [`Site::load`], but redoes only the reading, parsing and checking whose
    /// inputs changed since the last load with the same `cache` (see [`LoadCache`]); the
    /// site and the diagnostics are the same.
    pub fn load_cached(
        root: &Path,
        now: jiff::Timestamp,
        cache: Option<&mut LoadCache>,
    ) -> Result<(Option<Site>, Diagnostics), IoFailure> {
        let (site, diags) = match cache {
            None => {
                let (loaded, mut diags) = loader::load(root)?;
                (resolve::resolve(loaded, now, &mut diags), diags)
            }
            Some(cache) => {
                let (loaded, mut diags) = loader::load_cached(root, Some(cache))?;
                let mut memo = std::mem::take(&mut cache.resolve);
                let hash = |path: &str| cache.hash_of(path);
                let site = resolve::resolve_memo(loaded, now, &mut diags, Some((&mut memo, &hash)));
                cache.stats.checked = memo.checked;
                cache.resolve = memo;
                (site, diags)
            }
        };
        if diags.has_errors() {
            return Ok((None, diags));
        }
        Ok((site, diags))
    }

    pub fn municipality(&self, slug: &str) -> Option<&MunicipalityEntry> {
        self.municipalities.iter().find(|m| m.slug == slug)
    }

    pub fn system(&self, id: &str) -> Option<&System> {
        self.systems.iter().find(|s| s.id.as_str() == id)
    }
}

impl MunicipalityEntry {
    pub fn role(&self, id: &str) -> Option<&Role> {
        self.data.roles.iter().find(|r| r.id.as_str() == id)
    }
    pub fn eservice(&self, id: &str) -> Option<&EService> {
        self.data.eservices.iter().find(|r| r.id.as_str() == id)
    }
    pub fn contact(&self, id: &str) -> Option<&Contact> {
        self.data.contacts.iter().find(|r| r.id.as_str() == id)
    }
    pub fn login_method(&self, id: &str) -> Option<&LoginMethod> {
        self.data.login_methods.iter().find(|r| r.id.as_str() == id)
    }
    pub fn routine(&self, slug: &str) -> Option<&Routine> {
        self.routines.iter().find(|r| r.slug == slug).map(|r| &**r)
    }
    pub fn uses_system(&self, id: &str) -> bool {
        self.data.systems.iter().any(|s| s.system.as_str() == id)
    }
}
