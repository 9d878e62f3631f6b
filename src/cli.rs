//! Command-line interface: arguments and their help text.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

pub const EXIT_CODES: &str = "Slutkoder (exit codes):
  0  klart, inga fel
  1  innehållet har fel (fil:rad:kolumn skrivs ut)
  2  fel i kommandoraden eller vid läsning/skrivning av filer";

/// lovportal builds the onboarding portal for private care providers (LOV) from
/// YAML data and Markdown routines.
#[derive(Debug, Parser)]
#[command(name = "lovportal", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the portal into an output folder (default: public/ under the root).
    #[command(after_help = EXIT_CODES)]
    Build(BuildArgs),
    /// Load and validate everything like `build`, but write nothing.
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
    /// Print the JSON Schema of a YAML file type, for editors' YAML language servers.
    Schema(SchemaArgs),
    /// Build into memory and serve on 127.0.0.1, rebuilding and reloading the browser
    /// when a file under content/, data/ or themes/ changes.
    Serve(ServeArgs),
    /// Create a commented skeleton: `new kommun <slug>` or `new rutin <kommun> <slug>`.
    New(NewArgs),
    /// Create a minimal new portal in a folder, ready to build.
    Init(InitArgs),
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// The portal's folder, holding data/ and content/.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The time the build considers "now" (e.g. 2026-11-23T10:00 in Stockholm time,
    /// or 2026-11-23). Default: the start of today, so same-day builds are identical.
    #[arg(long)]
    pub now: Option<String>,
    /// Print only errors and warnings.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Where to write the portal (default: `<root>/public`).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Serve under this sub-path, e.g. /portal/: links become absolute under it.
    /// Without it every link is relative, so the output works anywhere, also from disk.
    #[arg(long)]
    pub base_path: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Exit with code 1 on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Also try every external http(s) link (short timeout) and report dead ones.
    #[arg(long)]
    pub links: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// The port to listen on (0: any free port; the address is printed).
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Listen on this address instead of 127.0.0.1 (prints a warning: others on the
    /// network can then read the portal).
    #[arg(long)]
    pub bind: Option<std::net::IpAddr>,
    /// Serve under this sub-path, e.g. /portal/.
    #[arg(long)]
    pub base_path: Option<String>,
    /// Open the portal in the default web browser.
    #[arg(long)]
    pub open: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The portal's folder, holding data/ and content/.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    #[command(subcommand)]
    pub what: NewKind,
}

#[derive(Debug, Subcommand)]
pub enum NewKind {
    /// Write data/kommuner/SLUG.yaml, with a comment on every field.
    Kommun {
        /// The municipality's id and address, e.g. molndal.
        slug: String,
    },
    /// Write content/KOMMUN/SLUG.md, with its front matter.
    Rutin {
        /// The municipality the routine belongs to.
        kommun: String,
        /// The routine's id and address, e.g. inloggning.
        slug: String,
    },
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create (it must not exist, or be empty).
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which file type: kommun, system, site, provider, rutin.
    pub kind: String,
}
