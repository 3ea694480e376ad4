//! Config: the document model (serde + schemars), loading a directory with locations, semantic
//! validation into the [`Desired`] state, and JSON Schema generation. It never touches the network.

pub mod desired;
pub mod edit;
pub mod error;
pub mod identity;
pub mod lenient;
pub mod load;
pub mod model;
pub mod time;
pub mod validate;

use std::path::Path;

pub use desired::Desired;
pub use error::ConfigError;
pub use load::Loaded;
pub use validate::expiry::TimeChecks;

use crate::diag::{self, Diagnostic, Severity};

/// The result of reading a config directory: its sources, the desired state, and every problem,
/// sorted by file and line.
#[derive(Debug)]
pub struct Config {
    pub loaded: Loaded,
    pub desired: Desired,
    pub diags: Vec<Diagnostic>,
}

impl Config {
    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(|d| d.severity == Severity::Error)
    }

    /// How many documents and files were read.
    pub fn counts(&self) -> (usize, usize) {
        (self.loaded.docs.len(), self.loaded.sources.len())
    }
}

/// Load and validate every config file under `dir`.
pub fn read(dir: &Path) -> Config {
    let mut loaded = load::load_dir(dir);
    let (desired, mut diags) = validate::validate(&loaded);
    diags.append(&mut loaded.diags);
    diag::sort(&mut diags, &loaded.sources);
    Config {
        loaded,
        desired,
        diags,
    }
}

/// Add the problems that depend on the time (see [`validate::expiry`]) to `cfg`'s, sorted.
pub fn check_times(cfg: &mut Config, t: &TimeChecks) {
    let mut more = validate::expiry::check(&cfg.loaded, &cfg.desired, t);
    if more.is_empty() {
        return;
    }
    cfg.diags.append(&mut more);
    diag::sort(&mut cfg.diags, &cfg.loaded.sources);
}

/// Load and validate files given as (path as shown, text), in that order: an edited config,
/// checked before it is written.
pub fn read_texts(files: impl IntoIterator<Item = (String, String)>) -> Config {
    let mut loaded = Loaded::default();
    for (path, text) in files {
        load::load_text(&mut loaded, &path, text);
    }
    let (desired, mut diags) = validate::validate(&loaded);
    diags.append(&mut loaded.diags);
    diag::sort(&mut diags, &loaded.sources);
    Config {
        loaded,
        desired,
        diags,
    }
}

/// The JSON Schema (draft 2020-12) of a config document, as pretty-printed JSON.
pub fn schema_json() -> String {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let schema = generator.into_root_schema_for::<model::Document>();
    serde_json::to_string_pretty(&schema).expect("schema serializes") + "\n"
}
