//! `roster show PLAN_FILE`: print a saved plan in any format, reading nothing from the platform.
//! Also the one reader of plan files (bounded in size, version checked) that `apply` uses.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::app::plan::print_plan;
use crate::app::{Outcome, Ui};
use crate::cli::ShowArgs;
use crate::plan::{FORMAT_VERSION, Plan};

/// The largest plan file read (a plan of 100,000 changes is well under it).
const MAX_PLAN_BYTES: u64 = 256 * 1024 * 1024;

/// Read a plan file saved by `roster plan --out`.
pub fn read_plan(path: &Path) -> Result<Plan> {
    let meta = std::fs::metadata(path)
        .with_context(|| format!("reading the plan file {}", path.display()))?;
    if !meta.is_file() {
        bail!("{} is not a regular file", path.display());
    }
    if meta.len() > MAX_PLAN_BYTES {
        bail!(
            "{} is {} bytes; a plan file is at most {MAX_PLAN_BYTES}",
            path.display(),
            meta.len()
        );
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the plan file {}", path.display()))?;
    let plan: Plan = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a roster plan (expected the JSON written by `roster plan --out`)",
            path.display()
        )
    })?;
    if plan.format_version != FORMAT_VERSION {
        bail!(
            "{} has plan format version {}; this roster reads version {FORMAT_VERSION}",
            path.display(),
            plan.format_version
        );
    }
    Ok(plan)
}

pub fn run(ui: &Ui, args: &ShowArgs) -> Result<Outcome> {
    let plan = read_plan(&args.plan)?;
    print_plan(ui, &plan, args.format)?;
    Ok(Outcome::Success)
}
