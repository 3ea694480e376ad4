//! `roster idp [DIR]`: connect to each platform of the config (or its sandbox), read the IdP
//! status of the declared organizations through `live::idp`, and print it with `render`.
//! Read-only.

use std::io::Write;

use anyhow::{Context, Result};

use crate::app::session;
use crate::app::trust::Trust;
use crate::app::{Outcome, Ui, plan::select_orgs, sandbox};
use crate::cli::{IdpArgs, IdpFormat};
use crate::live::idp;
use crate::render;

pub fn run(ui: &Ui, args: &IdpArgs) -> Result<Outcome> {
    let mut cfg = session::load_config(ui, &args.dir)?;
    select_orgs(&mut cfg.desired, &args.select)?;
    let trust = Trust::of_config(&cfg.desired);
    let rt = session::runtime()?;
    let statuses = rt.block_on(async {
        let sandbox = match args.connection.sandbox {
            true => Some(sandbox::start(ui, &args.dir).await?),
            false => None,
        };
        let read = async {
            let conns = session::connect(
                ui,
                &cfg.desired,
                &trust,
                &args.connection,
                sandbox.as_ref().map(|s| (s.endpoint.as_str(), &s.token)),
                None,
            )?;
            let mut out = Vec::new();
            for c in &conns {
                let orgs: Vec<String> = cfg
                    .desired
                    .orgs
                    .iter()
                    .filter(|o| o.platform_name() == c.platform)
                    .map(|o| o.name.clone())
                    .collect();
                ui.status(format!(
                    "Reading the IdP status of {} organization{} of platform {} at {} …",
                    orgs.len(),
                    if orgs.len() == 1 { "" } else { "s" },
                    c.platform,
                    c.client.endpoint()
                ));
                out.extend(
                    idp::read(&c.client, &c.platform, &orgs)
                        .await
                        .with_context(|| {
                            format!("platform {} ({})", c.platform, c.client.endpoint())
                        })?,
                );
            }
            anyhow::Ok(out)
        };
        let r = read.await;
        if let Some(s) = sandbox {
            s.stop().await;
        }
        r
    })?;
    let out = match args.format {
        IdpFormat::Text => render::idp_text(&statuses),
        IdpFormat::Json => render::idp_json(&statuses),
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    stdout.flush()?;
    Ok(Outcome::Success)
}
