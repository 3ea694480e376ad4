//! The peers' patterns, against the same emulator: the Terraform provider's read and a
//! seqerakit-style apply.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::world::{Sizes, role, user, ws_users};

/// A GET on loopback with the bench token; a 429 waits a second and tries again (as the
/// provider's and seqerakit's HTTP clients do).
pub async fn get(
    http: &reqwest::Client,
    url: &str,
    calls: &std::sync::atomic::AtomicU64,
) -> anyhow::Result<serde_json::Value> {
    loop {
        calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let r = http.get(url).bearer_auth("bench-token").send().await?;
        if r.status().as_u16() == 429 {
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        return Ok(r.json().await?);
    }
}

pub async fn ids(base: &str, http: &reqwest::Client) -> anyhow::Result<(i64, Vec<(String, i64)>)> {
    let c = std::sync::atomic::AtomicU64::new(0);
    let orgs = get(http, &format!("{base}/orgs"), &c).await?;
    let org = orgs["organizations"][0]["orgId"]
        .as_i64()
        .ok_or_else(|| anyhow::anyhow!("no org"))?;
    let ws = get(http, &format!("{base}/orgs/{org}/workspaces"), &c).await?;
    let ws = ws["workspaces"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|w| Some((w["name"].as_str()?.to_string(), w["id"].as_i64()?)))
        .collect();
    Ok((org, ws))
}

/// The Terraform provider's read: one resource per declared participant, each refreshed by
/// scanning its workspace's participant listing page by page (max 100) until it is found; ten
/// resources at a time (Terraform's default parallelism).
pub fn terraform_read(
    rt: &tokio::runtime::Runtime,
    base: &str,
    s: &Sizes,
) -> anyhow::Result<(u64, Duration)> {
    let http = reqwest::Client::new();
    rt.block_on(async {
        let (org, ws) = ids(base, &http).await?;
        let calls = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let permits = Arc::new(tokio::sync::Semaphore::new(10));
        let t = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for (name, wid) in ws {
            let w: usize = name.trim_start_matches("ws-").parse()?;
            for u in ws_users(s, w) {
                let (http, calls, permits, base) =
                    (http.clone(), calls.clone(), permits.clone(), base.to_string());
                let email = user(u);
                tasks.spawn(async move {
                    let _p = permits.acquire().await?;
                    let mut offset = 0;
                    loop {
                        let page = get(
                            &http,
                            &format!("{base}/orgs/{org}/workspaces/{wid}/participants?max=100&offset={offset}"),
                            &calls,
                        )
                        .await?;
                        let ps = page["participants"].as_array().cloned().unwrap_or_default();
                        if ps.iter().any(|p| p["email"] == email.as_str()) || ps.len() < 100 {
                            return anyhow::Ok(());
                        }
                        offset += ps.len();
                    }
                });
            }
        }
        while let Some(r) = tasks.join_next().await {
            r??;
        }
        Ok((calls.load(std::sync::atomic::Ordering::Relaxed), t.elapsed()))
    })
}

/// A seqerakit-style apply: for every declared participant, one after another, a lookup of the
/// user among the org's members (`search`) and a write that sets it (add, which answers that it
/// exists, then a role update when the role differs: counted as one write, as seqerakit issues
/// one `tw` command per item).
pub fn seqerakit_apply(
    rt: &tokio::runtime::Runtime,
    base: &str,
    s: &Sizes,
) -> anyhow::Result<(u64, Duration)> {
    let http = reqwest::Client::new();
    rt.block_on(async {
        let (org, ws) = ids(base, &http).await?;
        let calls = std::sync::atomic::AtomicU64::new(0);
        let t = Instant::now();
        for (name, wid) in ws {
            let w: usize = name.trim_start_matches("ws-").parse()?;
            for (i, u) in ws_users(s, w).into_iter().enumerate() {
                let email = user(u);
                get(
                    &http,
                    &format!("{base}/orgs/{org}/members?search={email}&max=100"),
                    &calls,
                )
                .await?;
                loop {
                    calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let r = http
                        .put(format!(
                            "{base}/orgs/{org}/workspaces/{wid}/participants/add"
                        ))
                        .bearer_auth("bench-token")
                        .json(
                            &serde_json::json!({"userNameOrEmail": email, "role": role(s, w, i).0}),
                        )
                        .send()
                        .await?;
                    if r.status().as_u16() == 429 {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                    break;
                }
            }
        }
        Ok((
            calls.load(std::sync::atomic::Ordering::Relaxed),
            t.elapsed(),
        ))
    })
}
