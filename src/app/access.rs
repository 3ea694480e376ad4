//! `roster access USER [DIR]` and `roster access --matrix [DIR]`: read the config (and, with
//! `--live` or `--sandbox`, the platform through `session`), ask `access` for one person's
//! grants or the matrix, and print it. Formatting lives in `access`'s renderers.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::access::{self, Matrix, People, Snapshot, person};
use crate::app::session::{self, Reading};
use crate::app::trust::Trust;
use crate::app::{Outcome, Ui, sandbox};
use crate::cli::{AccessArgs, AccessFormat, ConnectionArgs};
use crate::config::Desired;

pub fn run(ui: &Ui, args: &AccessArgs) -> Result<Outcome> {
    let (query, dir) = match (args.matrix, &args.user, &args.dir) {
        (true, Some(_), Some(_)) => {
            bail!("with --matrix, give only the config directory (no USER)")
        }
        (true, u, d) => (None, d.clone().or_else(|| u.as_ref().map(PathBuf::from))),
        (false, None, _) => bail!("name a person (an email address or user name), or use --matrix"),
        (false, Some(u), d) => (Some(u.clone()), d.clone()),
    };
    let dir = dir.unwrap_or_else(|| PathBuf::from("."));
    if !args.matrix
        && matches!(
            args.format,
            AccessFormat::Markdown | AccessFormat::Csv | AccessFormat::Html
        )
    {
        bail!(
            "--format markdown, csv and html are for --matrix; one person's grants print as text or json"
        );
    }
    let cfg = session::load_config(ui, &dir)?;
    let source = format!("the config in {}", dir.display());
    let readings = match args.live || args.connection.sandbox {
        true => Some(read_live(ui, &cfg.desired, &dir, &args.connection)?),
        false => None,
    };
    let people = match &readings {
        Some(rs) => People::from_live(rs.iter().map(|r| &r.live)),
        None => People::default(),
    };
    let config = Snapshot::from_desired(&cfg.desired, &people);
    let live = readings.as_ref().map(|rs| {
        let mut s = Snapshot::default();
        for r in rs {
            s.add_live(&cfg.desired, &r.platform, &r.live, &people);
        }
        s
    });

    let out = match query {
        None => {
            let (snapshot, from) = match (&live, &readings) {
                (Some(l), Some(rs)) => (l, platform_source(rs)),
                _ => (&config, source),
            };
            let m = restricted(Matrix::of(snapshot), args, &cfg.desired)?;
            match args.format {
                AccessFormat::Text => access::text::matrix(&m),
                AccessFormat::Markdown => access::text::markdown(&m),
                AccessFormat::Csv => access::csv::matrix(&m),
                AccessFormat::Json => access::json::matrix(&m, &from),
                AccessFormat::Html => access::html::matrix(&m, &from),
            }
        }
        Some(q) => {
            let mut keys = person::find(&config, &people, &q);
            if let Some(l) = &live {
                keys.extend(person::find(l, &people, &q));
                keys.sort();
                keys.dedup();
            }
            if keys.is_empty() {
                bail!(
                    "nobody named {q} has access in {source}{}",
                    if live.is_some() {
                        " or on the platform"
                    } else {
                        ""
                    }
                );
            }
            render_person(&config, live.as_ref(), &keys, &source, args.format)
        }
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    stdout.flush()?;
    Ok(Outcome::Success)
}

/// The matrix of the `--org` and `--workspace` selections (every one must be declared).
fn restricted(m: Matrix, args: &AccessArgs, desired: &Desired) -> Result<Matrix> {
    if args.orgs.is_empty() && args.workspaces.is_empty() {
        return Ok(m);
    }
    for name in &args.orgs {
        if !desired
            .orgs
            .iter()
            .any(|o| o.name.eq_ignore_ascii_case(name))
        {
            bail!("--org {name}: no organization of that name is declared");
        }
    }
    let mut workspaces = Vec::new();
    for w in &args.workspaces {
        let Some((org, name)) = w.split_once('/') else {
            bail!("--workspace {w}: expected ORG/NAME");
        };
        let declared = desired.orgs.iter().any(|o| {
            o.name.eq_ignore_ascii_case(org)
                && o.workspaces
                    .iter()
                    .any(|x| x.name.eq_ignore_ascii_case(name))
        });
        if !declared {
            bail!("--workspace {w}: no workspace of that name is declared");
        }
        workspaces.push((org.to_string(), name.to_string()));
    }
    Ok(m.restrict(&args.orgs, &workspaces))
}

fn render_person(
    config: &Snapshot,
    live: Option<&Snapshot>,
    keys: &[String],
    source: &str,
    format: AccessFormat,
) -> String {
    let json = format == AccessFormat::Json;
    match live {
        None => {
            let entries: Vec<(String, Vec<person::Fact>)> = keys
                .iter()
                .map(|k| (k.clone(), person::facts(config, k)))
                .collect();
            match json {
                true => access::json::people(source, false, &entries),
                false => entries
                    .iter()
                    .map(|(k, f)| access::text::person(k, source, f))
                    .collect::<Vec<_>>()
                    .join("\n"),
            }
        }
        Some(live) => {
            let entries: Vec<(String, Vec<person::Compared>)> = keys
                .iter()
                .map(|k| (k.clone(), person::compare(config, live, k)))
                .collect();
            match json {
                true => access::json::people(source, true, &entries),
                false => entries
                    .iter()
                    .map(|(k, c)| access::text::compared(k, source, c))
                    .collect::<Vec<_>>()
                    .join("\n"),
            }
        }
    }
}

fn platform_source(readings: &[Reading]) -> String {
    let eps: Vec<String> = readings
        .iter()
        .map(|r| format!("{} ({})", r.platform, r.endpoint))
        .collect();
    format!("the platform {}", eps.join(", "))
}

/// Read every platform of the config (or the sandbox of `dir`), as `plan` does.
fn read_live(
    ui: &Ui,
    desired: &Desired,
    dir: &std::path::Path,
    conn: &ConnectionArgs,
) -> Result<Vec<Reading>> {
    let trust = Trust::of_config(desired);
    let rt = session::runtime()?;
    rt.block_on(async {
        let sandbox = match conn.sandbox {
            true => Some(sandbox::start(ui, dir).await?),
            false => None,
        };
        let read = async {
            let conns = session::connect(
                ui,
                desired,
                &trust,
                conn,
                sandbox.as_ref().map(|s| (s.endpoint.as_str(), &s.token)),
                None,
            )?;
            session::read_all(ui, desired, &conns, None).await
        }
        .await;
        if let Some(s) = sandbox {
            s.stop().await;
        }
        read
    })
}
