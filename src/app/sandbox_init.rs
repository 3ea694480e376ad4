//! `roster sandbox init DIR`: write `DIR/.roster/sandbox.world.yaml` from the config in DIR (every
//! declared user, org, team and workspace; with `--drift`, a little seeded drift), so that
//! `plan --sandbox` works on any config. The world is built by `adopt::sandbox`; this file reads
//! the config and writes the file (and drops the old sandbox state, which the new world replaces).

use anyhow::{Context, Result, bail};

use crate::adopt;
use crate::app::plan::write_atomically;
use crate::app::{Outcome, Ui, sandbox, session};
use crate::cli::SandboxInitArgs;

pub fn run(ui: &Ui, args: &SandboxInitArgs) -> Result<Outcome> {
    let cfg = session::load_config(ui, &args.dir)?;
    let path = sandbox::world_path(&args.dir);
    if path.exists() && !args.force {
        bail!(
            "{} exists: pass --force to replace it (and the sandbox state kept beside it)",
            path.display()
        );
    }
    let drift = args.drift.then_some(args.seed);
    let (world, notes) = adopt::sandbox::from_desired(&cfg.desired, drift);
    let header = adopt::sandbox::header(&world, &args.dir.display().to_string(), &notes);
    let text = adopt::world::render(&world, &header);
    // The world must load as the sandbox will load it.
    if let Err(e) = seqera_emulator::parse_world(&path.display().to_string(), &text) {
        eprint!("{}", e.render(ui.color_stderr));
        bail!("the generated world does not load; this is a bug in roster sandbox init");
    }
    std::fs::create_dir_all(path.parent().expect("world has a parent"))
        .with_context(|| format!("creating {}", path.display()))?;
    write_atomically(&path, text.as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    let state = sandbox::state_path(&args.dir);
    if state.exists() {
        std::fs::remove_file(&state).with_context(|| format!("removing {}", state.display()))?;
        ui.status(format!(
            "Removed the old sandbox state {}.",
            state.display()
        ));
    }
    for n in &notes {
        ui.status(format!("  - {n}"));
    }
    ui.status(format!(
        "Wrote {} ({} user{}, {} organization{}). Try: roster plan --sandbox {}",
        path.display(),
        world.users.len(),
        if world.users.len() == 1 { "" } else { "s" },
        world.orgs.len(),
        if world.orgs.len() == 1 { "" } else { "s" },
        args.dir.display()
    ));
    Ok(Outcome::Success)
}
