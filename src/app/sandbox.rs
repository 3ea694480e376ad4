//! The embedded sandbox: the emulator started in-process on a free loopback port, seeded from
//! `DIR/.roster/sandbox.world.yaml` (committed next to the config; hidden, so never read as
//! config) with its state kept in `DIR/.roster/sandbox/state.yaml` (git-ignored), so that plan →
//! apply → plan shows convergence across separate commands. No account or token is needed: the
//! sandbox acts as the first user of its world file that has a token.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use secrecy::SecretString;

use crate::app::Ui;
use seqera_emulator as emulator;

/// A running sandbox.
pub struct Sandbox {
    handle: emulator::Handle,
    pub endpoint: String,
    pub token: SecretString,
    /// The world's BaseSpace regions: region code → the token of its first user with one.
    basespace: std::collections::BTreeMap<String, SecretString>,
}

/// The seed world of a config directory's sandbox.
pub fn world_path(dir: &Path) -> PathBuf {
    dir.join(".roster").join("sandbox.world.yaml")
}

/// Where a config directory's sandbox keeps its state.
pub fn state_path(dir: &Path) -> PathBuf {
    dir.join(".roster").join("sandbox").join("state.yaml")
}

/// Start the sandbox of `dir`.
pub async fn start(ui: &Ui, dir: &Path) -> Result<Sandbox> {
    let world_file = world_path(dir);
    ensure_inside(dir, &world_file)?;
    if !world_file.exists() {
        bail!(
            "no sandbox world at {}: a sandbox needs a world file describing the users (and, optionally, the live state) to start from; see docs/emulator.md",
            world_file.display()
        );
    }
    let world = emulator::load_world(&world_file).map_err(|e| {
        eprint!("{}", e.render(ui.color_stderr));
        anyhow::anyhow!("the sandbox world {} is invalid", world_file.display())
    })?;
    let Some((acting, token)) = world
        .users
        .iter()
        .find_map(|u| u.token.as_ref().map(|t| (u, t.value.clone())))
    else {
        bail!(
            "the sandbox world {} declares no user with a token; roster acts as the first one",
            world_file.display()
        );
    };
    let token = SecretString::from(token);
    let acting_email = acting.email.value.clone();
    let basespace = world
        .basespace
        .iter()
        .flat_map(|b| &b.regions)
        .filter_map(|r| {
            let t = r.users.iter().find_map(|u| u.token.as_ref())?;
            Some((r.name.value.clone(), SecretString::from(t.value.clone())))
        })
        .collect();
    let state = state_path(dir);
    ensure_inside(dir, &state)?;
    std::fs::create_dir_all(state.parent().expect("state has a parent"))
        .with_context(|| format!("creating {}", state.display()))?;
    let resumed = state.exists();
    let opts = emulator::Options {
        state: Some(state.clone()),
        ..Default::default()
    };
    let listen: SocketAddr = "127.0.0.1:0".parse().expect("loopback address");
    let handle = emulator::start(world, opts, listen)
        .await
        .context("starting the sandbox emulator")?;
    let endpoint = handle.base_url();
    ui.status(format!(
        "Sandbox: a local Seqera Platform emulator at {endpoint}, acting as {acting_email}; state {} {}.",
        if resumed { "resumed from" } else { "kept in" },
        state.display()
    ));
    Ok(Sandbox {
        handle,
        endpoint,
        token,
        basespace,
    })
}

/// Refuse a sandbox file that is, or lies under, a symbolic link leading out of the config
/// directory `dir`: the sandbox reads and writes only inside it (a link inside is followed).
fn ensure_inside(dir: &Path, path: &Path) -> Result<()> {
    let root = std::fs::canonicalize(dir).with_context(|| format!("reading {}", dir.display()))?;
    // The deepest part of `path` that exists (itself, or a parent directory).
    let mut existing = path;
    while existing.symlink_metadata().is_err() {
        match existing.parent() {
            Some(p) => existing = p,
            None => return Ok(()),
        }
    }
    let real = std::fs::canonicalize(existing).map_err(|e| {
        anyhow::anyhow!(
            "{} cannot be resolved (a dangling or looping symbolic link?): {e}",
            crate::diag::sanitize(&existing.display().to_string())
        )
    })?;
    if !real.starts_with(&root) {
        bail!(
            "{} leads outside the config directory {} through a symbolic link; the sandbox reads and writes only inside it",
            crate::diag::sanitize(&path.display().to_string()),
            crate::diag::sanitize(&dir.display().to_string())
        );
    }
    Ok(())
}

impl Sandbox {
    /// The sandbox's stand-in for a BaseSpace region: its API base and token (`None` when the
    /// world has no such region, or no user with a token in it).
    pub fn basespace_region(&self, region: &str) -> Option<(String, SecretString)> {
        let token = self.basespace.get(region)?;
        Some((
            format!("{}/basespace/{region}", self.endpoint),
            token.clone(),
        ))
    }

    /// Stop the emulator (its state is already saved after every write).
    pub async fn stop(self) {
        self.handle.shutdown().await;
    }
}
