//! The GitHub Action (`action.yml`) and the example workflows (`examples/github/`), run step by
//! step as GitHub runs them: each `run:` script written to a file and run with `bash --noprofile
//! --norc -e FILE` (no pipefail unless the script sets it), with the files and variables a step
//! gets (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH, GITHUB_STEP_SUMMARY, RUNNER_TEMP, …), the
//! `${{ }}` expressions of `env:` and `with:` substituted, a stand-in `gh` that records what it is
//! asked, and the emulator as the platform. A workflow step that `uses:` this action runs the
//! action's own steps; other `uses:` steps (checkout, cache, artifacts) are skipped.
//!
//! Asserts which steps go red: a missing token, a guard-rail refusal, a partly failed apply, a
//! plan error, a roster that exits 101; and green ones for success and for changes present.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::{Platform, git, manifest_dir};

/// The endpoint the example Settings and workflows name; tests swap in the emulator's.
const BIOCOMMONS_ENDPOINT: &str = "https://seqera.services.biocommons.org.au/api";

fn git_out(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .expect("git");
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn write_exe(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A git repository on `main` holding `files`, with `origin/main` pointing at it.
fn repo(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "config"]);
    git(
        dir.path(),
        &["update-ref", "refs/remotes/origin/main", "main"],
    );
    dir
}

/// The biocommons example as a repository, its endpoint swapped for the emulator's; its token
/// variable stays `BIOCOMMONS_TOWER_TOKEN`, as the workflows set it.
fn biocommons_repo(endpoint: &str) -> tempfile::TempDir {
    let src = manifest_dir().join("examples/biocommons");
    let files: Vec<(String, String)> = roster::config::load::find_files(&src)
        .unwrap()
        .into_iter()
        .map(|f| {
            let rel = f.strip_prefix(&src).unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&f)
                .unwrap()
                .replace(BIOCOMMONS_ENDPOINT, endpoint);
            (rel, text)
        })
        .collect();
    let settings = &files.iter().find(|(r, _)| r == "roster.yaml").unwrap().1;
    assert!(
        settings.contains("tokenEnv: BIOCOMMONS_TOWER_TOKEN"),
        "{settings}"
    );
    let files: Vec<(&str, String)> = files.iter().map(|(r, t)| (r.as_str(), t.clone())).collect();
    repo(&files)
}

fn biocommons_world() -> String {
    std::fs::read_to_string(manifest_dir().join("examples/biocommons/.roster/sandbox.world.yaml"))
        .unwrap()
}

/// A small lab: `admin` owns org `lab`; the world also has `extra` members.
fn lab_world(extra: &[&str]) -> String {
    let mut w = String::from(
        "users:\n  - {email: admin@lab.org, userName: admin, token: lab-token}\n  - {email: bob@lab.org, userName: bob}\n  - {email: erin@lab.org, userName: erin}\n",
    );
    for e in extra {
        w.push_str(&format!(
            "  - {{email: {e}, userName: {}}}\n",
            e.split('@').next().unwrap()
        ));
    }
    w.push_str("organizations:\n  - name: lab\n    members:\n      - {email: admin@lab.org, role: owner}\n      - {email: bob@lab.org}\n");
    for e in extra {
        w.push_str(&format!("      - {{email: {e}}}\n"));
    }
    w
}

fn lab_settings(endpoint: &str) -> String {
    format!(
        "kind: Settings\nplatforms:\n  lab:\n    endpoint: {endpoint}\n    tokenEnv: BIOCOMMONS_TOWER_TOKEN\npolicy:\n  maxRemovalFraction: 0.25\n"
    )
}

// --- The runner ------------------------------------------------------------------------------

/// One step as it ran.
#[derive(Debug)]
struct StepRun {
    name: String,
    code: i32,
    output: String,
}

/// A job as it ran: its steps (up to the first red one), what `gh` was asked, and the summary.
#[derive(Debug)]
struct JobRun {
    steps: Vec<StepRun>,
    gh: String,
    bodies: Vec<String>,
    summary: String,
    outputs: BTreeMap<String, String>,
}

impl JobRun {
    fn green(&self) -> bool {
        self.steps.iter().all(|s| s.code == 0)
    }
    fn red_step(&self) -> &StepRun {
        self.steps
            .iter()
            .find(|s| s.code != 0)
            .unwrap_or_else(|| panic!("no red step:\n{}", self.log()))
    }
    fn log(&self) -> String {
        self.steps
            .iter()
            .map(|s| format!("--- {} (exit {})\n{}", s.name, s.code, s.output))
            .collect::<Vec<_>>()
            .join("\n")
            + &format!("\n--- gh\n{}\n--- summary\n{}", self.gh, self.summary)
    }
    fn assert_green(&self) {
        assert!(self.green(), "expected a green job:\n{}", self.log());
    }
    /// The job is red, in the step that runs roster, with roster's exit status.
    fn assert_red(&self, code: i32) {
        let red = self.red_step();
        assert!(
            red.name.starts_with("Run roster"),
            "the wrong step went red:\n{}",
            self.log()
        );
        assert_eq!(red.code, code, "{}", self.log());
    }
    fn all_bodies(&self) -> String {
        self.bodies.join("\n---\n")
    }
}

/// Where and how a job runs: the GitHub context, secrets, and stand-ins.
struct Runner {
    home: tempfile::TempDir,
    github: BTreeMap<&'static str, String>,
    secrets: BTreeMap<&'static str, String>,
    /// Variables of the runner's own environment (ROSTER_BINARY, ROSTER_RELEASE_URL, …).
    runner_env: BTreeMap<String, String>,
    /// Replacements applied to workflow-level `env:` values (the example's endpoint → emulator).
    env_replace: Vec<(String, String)>,
}

/// The `github.*` keys the scripts may use; any other is a mistake in the action.
const GITHUB_KEYS: &[&str] = &[
    "token",
    "action_ref",
    "action_repository",
    "repository",
    "event_name",
    "base_ref",
    "event.pull_request.number",
    "event.before",
    "sha",
    "server_url",
    "run_id",
];

impl Runner {
    fn new(event: &str) -> Runner {
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(home.path().join("bin")).unwrap();
        std::fs::create_dir_all(home.path().join("gh")).unwrap();
        std::fs::create_dir_all(home.path().join("tmp")).unwrap();
        write_exe(&home.path().join("bin/gh"), FAKE_GH);
        let mut github: BTreeMap<&'static str, String> = [
            ("token", "gh-test-token".to_string()),
            ("action_ref", "v1".to_string()),
            ("action_repository", "biocommons/roster".to_string()),
            ("repository", "example/config".to_string()),
            ("event_name", event.to_string()),
            ("server_url", "https://github.example".to_string()),
            ("run_id", "42".to_string()),
        ]
        .into_iter()
        .collect();
        if event == "pull_request" {
            github.insert("base_ref", "main".into());
            github.insert("event.pull_request.number", "7".into());
        }
        let mut runner_env = BTreeMap::new();
        runner_env.insert(
            "ROSTER_BINARY".to_string(),
            env!("CARGO_BIN_EXE_roster").to_string(),
        );
        // The one clock, fixed: no access review of the example is due on this day.
        runner_env.insert("ROSTER_NOW".to_string(), "2026-09-01".to_string());
        Runner {
            home,
            github,
            secrets: BTreeMap::new(),
            runner_env,
            env_replace: Vec::new(),
        }
    }

    fn for_platform(event: &str, p: &Platform) -> Runner {
        let mut r = Runner::new(event);
        r.secrets.insert("BIOCOMMONS_TOWER_TOKEN", p.token.clone());
        r.env_replace
            .push((BIOCOMMONS_ENDPOINT.to_string(), p.url()));
        r
    }

    /// The pull request merged as this commit (`number`), and the bodies of its comments, as the
    /// stand-in `gh` answers for `expect-digest: auto`.
    /// A manual run of a workflow (`workflow_dispatch`): no merge, no reviewed plan.
    fn manual(p: &Platform) -> Runner {
        let mut r = Runner::for_platform("workflow_dispatch", p);
        r.github.insert("event.before", String::new());
        r.github.insert("sha", "manual-sha".to_string());
        r
    }

    fn merged_from(&mut self, number: &str, comments: &str, before: &str) {
        std::fs::write(self.home.path().join("gh/pulls"), format!("{number}\n")).unwrap();
        std::fs::write(self.home.path().join("gh/reviewed"), comments).unwrap();
        self.github.insert("event.before", before.to_string());
        self.github.insert("sha", "merge-sha".to_string());
    }

    /// What the stand-in `gh` answers to a listing of the PR's comments ("ID FIRST-LINE" lines,
    /// as the action's `--jq` makes them) and of open issues (numbers).
    fn gh_answers(&self, comments: &str, issues: &str) {
        std::fs::write(self.home.path().join("gh/comments"), comments).unwrap();
        std::fs::write(self.home.path().join("gh/issues"), issues).unwrap();
    }

    /// The open reminder issue (its number) the stand-in `gh` finds by title.
    fn gh_reminders(&self, numbers: &str) {
        std::fs::write(self.home.path().join("gh/reminders"), numbers).unwrap();
    }

    /// Fix the clock roster reads (`ROSTER_NOW`), as a test must.
    fn at(mut self, now: &str) -> Runner {
        self.runner_env
            .insert("ROSTER_NOW".to_string(), now.to_string());
        self
    }

    fn expr(&self, e: &str, ctx: &Ctx) -> String {
        let e = e.trim();
        if let Some(k) = e.strip_prefix("inputs.") {
            return ctx
                .inputs
                .get(k)
                .unwrap_or_else(|| panic!("no input {k}"))
                .clone();
        }
        if let Some(k) = e.strip_prefix("github.") {
            assert!(
                GITHUB_KEYS.contains(&k),
                "the test does not model github.{k}"
            );
            return self.github.get(k).cloned().unwrap_or_default();
        }
        if let Some(k) = e.strip_prefix("secrets.") {
            return self.secrets.get(k).cloned().unwrap_or_default();
        }
        if let Some(k) = e.strip_prefix("env.") {
            return ctx.env.get(k).cloned().unwrap_or_default();
        }
        if let Some(k) = e.strip_prefix("runner.") {
            return match k {
                "os" => "Linux".to_string(),
                "arch" => match std::env::consts::ARCH {
                    "aarch64" => "ARM64".to_string(),
                    _ => "X64".to_string(),
                },
                "tool_cache" => self.home.path().join("toolcache").display().to_string(),
                _ => panic!("the test does not model runner.{k}"),
            };
        }
        if let Some(rest) = e.strip_prefix("steps.") {
            let (id, key) = rest
                .split_once(".outputs.")
                .unwrap_or_else(|| panic!("unsupported expression {e}"));
            return ctx
                .outputs
                .get(id)
                .and_then(|o| o.get(key))
                .cloned()
                .unwrap_or_default();
        }
        panic!("the test cannot evaluate ${{{{ {e} }}}}: keep the action's expressions simple");
    }

    fn subst(&self, text: &str, ctx: &Ctx) -> String {
        let re = regex::Regex::new(r"\$\{\{(.*?)\}\}").unwrap();
        re.replace_all(text, |c: &regex::Captures<'_>| self.expr(&c[1], ctx))
            .to_string()
    }

    /// Run one `run:` script as GitHub does; returns its exit status and output.
    fn run_script(
        &self,
        name: &str,
        script: &str,
        env: &BTreeMap<String, String>,
        cwd: &Path,
        action: bool,
    ) -> StepRun {
        let h = self.home.path();
        let file = h.join("tmp/step.sh");
        std::fs::write(&file, script).unwrap();
        let output = h.join("tmp/output");
        std::fs::write(&output, "").unwrap();
        let path_file = h.join("tmp/path");
        let extra_path = std::fs::read_to_string(&path_file).unwrap_or_default();
        let mut path: Vec<String> = extra_path.lines().rev().map(str::to_string).collect();
        path.push(h.join("bin").display().to_string());
        path.push(std::env::var("PATH").unwrap_or_default());
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-e"])
            .arg(&file)
            .current_dir(cwd)
            .env_clear()
            .env("PATH", path.join(":"))
            .env("HOME", std::env::var("HOME").unwrap_or_default())
            .env("CI", "true")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_WORKSPACE", cwd)
            .env("GITHUB_OUTPUT", &output)
            .env("GITHUB_ENV", h.join("tmp/env"))
            .env("GITHUB_PATH", &path_file)
            .env("GITHUB_STEP_SUMMARY", h.join("summary"))
            .env("GITHUB_REPOSITORY", &self.github["repository"])
            .env("RUNNER_TEMP", h.join("tmp"))
            .env("RUNNER_OS", "Linux")
            .env("GH_LOG", h.join("gh/log"))
            .env("GH_STATE", h.join("gh"))
            .envs(&self.runner_env)
            .envs(env);
        if action {
            cmd.env("GITHUB_ACTION_PATH", manifest_dir());
        }
        let out = cmd.output().unwrap();
        StepRun {
            name: name.to_string(),
            code: out.status.code().unwrap_or(128 + 9),
            output: format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        }
    }

    /// Run the steps of the action with `with` (inputs), under `env`.
    fn run_action(
        &self,
        with: &BTreeMap<String, String>,
        env: &BTreeMap<String, String>,
        cwd: &Path,
        steps: &mut Vec<StepRun>,
    ) -> BTreeMap<String, String> {
        let action = load_yaml(&manifest_dir().join("action.yml"));
        let mut ctx = Ctx {
            env: env.clone(),
            ..Ctx::default()
        };
        for (k, spec) in action["inputs"].as_object().unwrap() {
            let v = match with.get(k) {
                Some(v) => v.clone(),
                None => {
                    assert!(spec["required"] != true, "required input {k} not given");
                    spec["default"].as_str().unwrap_or("").to_string()
                }
            };
            let v = self.subst(&v, &ctx);
            ctx.inputs.insert(k.clone(), v);
        }
        for k in with.keys() {
            assert!(ctx.inputs.contains_key(k), "the action has no input {k}");
        }
        assert_eq!(action["runs"]["using"], "composite");
        for step in action["runs"]["steps"].as_array().unwrap() {
            let Some(script) = step["run"].as_str() else {
                continue; // actions/cache: nothing to emulate
            };
            assert!(
                step["if"].is_null(),
                "the test does not model `if:` on run steps"
            );
            assert_eq!(step["shell"], "bash", "every run step names its shell");
            assert!(
                script.starts_with("set -euo pipefail\n"),
                "every run step starts with set -euo pipefail"
            );
            let mut step_env = ctx.env.clone();
            step_env.extend(read_env_file(&self.home.path().join("tmp/env")));
            for (k, v) in step["env"].as_object().into_iter().flatten() {
                step_env.insert(k.clone(), self.subst(v.as_str().unwrap(), &ctx));
            }
            let name = self.subst(step["name"].as_str().unwrap_or("run"), &ctx);
            let run = self.run_script(&name, script, &step_env, cwd, true);
            let outputs = read_env_file(&self.home.path().join("tmp/output"));
            if let Some(id) = step["id"].as_str() {
                ctx.outputs.insert(id.to_string(), outputs);
            }
            let red = run.code != 0;
            steps.push(run);
            if red {
                break;
            }
        }
        ctx.outputs.get("run").cloned().unwrap_or_default()
    }

    /// Run a workflow's one job: its `run:` steps, and this action where it is used.
    fn run_workflow(&self, file: &str, cwd: &Path) -> JobRun {
        let wf = load_yaml(&manifest_dir().join("examples/github").join(file));
        let mut env = BTreeMap::new();
        for (k, v) in wf["env"].as_object().into_iter().flatten() {
            let mut v = v.as_str().unwrap().to_string();
            for (from, to) in &self.env_replace {
                v = v.replace(from, to);
            }
            env.insert(k.clone(), v);
        }
        let jobs = wf["jobs"].as_object().unwrap();
        assert_eq!(jobs.len(), 1, "{file}: one job");
        let job = jobs.values().next().unwrap();
        let mut steps = Vec::new();
        let mut outputs = BTreeMap::new();
        let mut used_action = false;
        for step in job["steps"].as_array().unwrap() {
            if steps.iter().any(|s: &StepRun| s.code != 0) {
                break;
            }
            let ctx = Ctx {
                env: env.clone(),
                ..Ctx::default()
            };
            let mut step_env = env.clone();
            for (k, v) in step["env"].as_object().into_iter().flatten() {
                step_env.insert(k.clone(), self.subst(v.as_str().unwrap(), &ctx));
            }
            if let Some(uses) = step["uses"].as_str() {
                if uses == "./" || uses.starts_with("biocommons/roster@") {
                    let with: BTreeMap<String, String> = step["with"]
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(k, v)| {
                            let v = match v {
                                Value::String(s) => s.clone(),
                                other => other.to_string(),
                            };
                            (k.clone(), self.subst(&v, &ctx))
                        })
                        .collect();
                    outputs = self.run_action(&with, &step_env, cwd, &mut steps);
                    used_action = true;
                }
                continue;
            }
            let script = step["run"].as_str().expect("a step runs or uses");
            assert!(
                step["if"].is_null(),
                "{file}: `if:` on a run step is not modelled"
            );
            let name = step["name"].as_str().unwrap_or("run");
            steps.push(self.run_script(name, script, &step_env, cwd, false));
        }
        assert!(used_action, "{file} does not use the action");
        self.finish(steps, outputs)
    }

    /// Run the action alone, as a workflow step `uses: biocommons/roster@v1` with `with`.
    fn action(&self, with: &[(&str, &str)], cwd: &Path) -> JobRun {
        let with: BTreeMap<String, String> = with
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut steps = Vec::new();
        let outputs = self.run_action(&with, &BTreeMap::new(), cwd, &mut steps);
        self.finish(steps, outputs)
    }

    fn finish(&self, steps: Vec<StepRun>, outputs: BTreeMap<String, String>) -> JobRun {
        let h = self.home.path();
        let mut bodies: Vec<(PathBuf, String)> = std::fs::read_dir(h.join("gh"))
            .unwrap()
            .filter_map(|e| {
                let p = e.unwrap().path();
                let name = p.file_name().unwrap().to_string_lossy().to_string();
                name.starts_with("body.")
                    .then(|| (p.clone(), std::fs::read_to_string(&p).unwrap()))
            })
            .collect();
        bodies.sort();
        JobRun {
            steps,
            gh: std::fs::read_to_string(h.join("gh/log")).unwrap_or_default(),
            bodies: bodies.into_iter().map(|(_, b)| b).collect(),
            summary: std::fs::read_to_string(h.join("summary")).unwrap_or_default(),
            outputs,
        }
    }
}

#[derive(Default)]
struct Ctx {
    inputs: BTreeMap<String, String>,
    env: BTreeMap<String, String>,
    outputs: BTreeMap<String, BTreeMap<String, String>>,
}

fn load_yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `KEY=VALUE` lines (GITHUB_OUTPUT, GITHUB_ENV).
fn read_env_file(path: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The stand-in GitHub CLI: logs each call, keeps every body it is given, and answers listings
/// from $GH_STATE/comments, $GH_STATE/issues and (the reminder issue, by its title)
/// $GH_STATE/reminders.
const FAKE_GH: &str = r#"#!/usr/bin/env bash
printf '%s\n' "$*" >> "$GH_LOG"
n=0
prev=
for a in "$@"; do
  n=$((n + 1))
  case "$a" in body=@*) cp "${a#body=@}" "$GH_STATE/body.$(date +%s%N)";; esac
  if [ "$prev" = "--body-file" ]; then cp "$a" "$GH_STATE/body.$(date +%s%N)"; fi
  prev=$a
done
case "$1 $2" in
  "api repos/"*) case "$*" in
      *"-X "*) ;;
      *"/pulls"*) cat "$GH_STATE/pulls" 2>/dev/null ;;
      *roster-plan-digest*) cat "$GH_STATE/reviewed" 2>/dev/null ;;
      *comments*) cat "$GH_STATE/comments" 2>/dev/null ;;
    esac ;;
  "issue list") case "$*" in
      *"expires soon"*) cat "$GH_STATE/reminders" 2>/dev/null ;;
      *) cat "$GH_STATE/issues" 2>/dev/null ;;
    esac ;;
esac
exit 0
"#;

// --- The example workflows ------------------------------------------------------------------

#[test]
fn the_example_workflows_run_the_loop_through_the_action() {
    let p = Platform::start(&biocommons_world());
    let repo = biocommons_repo(&p.url());

    // A pull request that changes one workspace file: changes present, the check is green.
    git(repo.path(), &["checkout", "-q", "-b", "pr"]);
    let ws = repo.path().join("workspaces/proteomics.yaml");
    let text = std::fs::read_to_string(&ws).unwrap().replace(
        "  - user: sofia.rossi@csiro.au\n    role: launch",
        "  - user: sofia.rossi@csiro.au\n    role: maintain",
    );
    std::fs::write(&ws, text).unwrap();
    git(
        repo.path(),
        &["commit", "-qam", "sofia maintains proteomics"],
    );
    let pr = Runner::for_platform("pull_request", &p);
    let run = pr.run_workflow("roster-pr.yml", repo.path());
    run.assert_green();
    assert_eq!(
        run.outputs["exit-code"],
        "2",
        "changes present: {}",
        run.log()
    );
    assert!(
        run.gh
            .contains("api -X POST repos/example/config/issues/7/comments"),
        "{}",
        run.log()
    );
    let body = run.all_bodies();
    assert!(body.starts_with("<!-- roster-plan 1 -->"), "{body}");
    assert!(body.contains("launch → maintain"), "{body}");
    assert!(
        run.summary.contains("sofia.rossi@csiro.au"),
        "{}",
        run.summary
    );
    assert_eq!(p.writes(), 0, "a pull request writes nothing");

    // Merged: apply makes the platform match what the pull request's plan showed (its digest,
    // read from the comment), and the audit log is there for the artifact.
    git(repo.path(), &["checkout", "-q", "main"]);
    let before = git_out(repo.path(), &["rev-parse", "HEAD"]);
    git(repo.path(), &["merge", "-q", "pr"]);
    let mut apply = Runner::for_platform("push", &p);
    apply.merged_from("7", &body, &before);
    let run = apply.run_workflow("roster-apply.yml", repo.path());
    run.assert_green();
    assert!(
        run.gh
            .contains("api repos/example/config/commits/merge-sha/pulls"),
        "the reviewed plan was looked up: {}",
        run.log()
    );
    assert!(run.summary.contains("Apply complete"), "{}", run.log());
    assert!(p.writes() > 0);
    assert!(repo.path().join("roster-audit.jsonl").exists());

    // Drift that was there before the pull request was not in its plan, so the merge left it
    // alone ("apply what was reviewed"); a manual run of the workflow applies everything.
    assert!(
        !run.log().contains("former.postdoc@uq.edu.au"),
        "{}",
        run.log()
    );
    let manual = Runner::manual(&p);
    let run = manual.run_workflow("roster-apply.yml", repo.path());
    run.assert_green();
    assert!(
        run.log().contains("former.postdoc@uq.edu.au"),
        "{}",
        run.log()
    );

    // The schedule: no drift, no issue.
    let drift = Runner::for_platform("schedule", &p);
    let run = drift.run_workflow("roster-drift.yml", repo.path());
    run.assert_green();
    assert!(run.gh.contains("issue list"), "{}", run.log());
    assert!(!run.gh.contains("issue create"), "{}", run.log());

    // Someone adds a member by hand: the drift issue opens with the plan, and the run is green.
    let org_id = p.handle.world().organizations[0].id.as_ref().unwrap().value;
    let status = p.api(
        "PUT",
        &format!("/orgs/{org_id}/members/add"),
        serde_json::json!({"user": "visitor@partner.edu.au"}),
    );
    assert_eq!(status, 200);
    let drift = Runner::for_platform("schedule", &p);
    let run = drift.run_workflow("roster-drift.yml", repo.path());
    run.assert_green();
    assert_eq!(run.outputs["exit-code"], "2");
    assert!(
        run.gh.contains("issue create --repo example/config --title roster: the platform has drifted from the config"),
        "{}",
        run.log()
    );
    assert!(
        run.all_bodies().contains("visitor@partner.edu.au"),
        "{}",
        run.log()
    );

    // The next day it is still there: the same issue is updated, not a second one opened.
    let drift = Runner::for_platform("schedule", &p);
    drift.gh_answers("", "12\n");
    let run = drift.run_workflow("roster-drift.yml", repo.path());
    run.assert_green();
    assert!(
        run.gh
            .contains("issue edit 12 --repo example/config --body-file"),
        "{}",
        run.log()
    );
    assert!(!run.gh.contains("issue create"), "{}", run.log());

    // Resolved by an apply: the issue is closed.
    let apply = Runner::manual(&p);
    apply
        .run_workflow("roster-apply.yml", repo.path())
        .assert_green();
    let drift = Runner::for_platform("schedule", &p);
    drift.gh_answers("", "12\n");
    let run = drift.run_workflow("roster-drift.yml", repo.path());
    run.assert_green();
    assert!(run.gh.contains("issue close 12"), "{}", run.log());
}

#[test]
fn every_workflow_names_the_biocommons_token_and_endpoint() {
    let settings =
        std::fs::read_to_string(manifest_dir().join("examples/biocommons/roster.yaml")).unwrap();
    assert!(settings.contains("tokenEnv: BIOCOMMONS_TOWER_TOKEN"));
    for file in [
        "roster-pr.yml",
        "roster-apply.yml",
        "roster-drift.yml",
        "roster-expire.yml",
    ] {
        let wf = load_yaml(&manifest_dir().join("examples/github").join(file));
        assert_eq!(
            wf["env"]["ROSTER_ALLOWED_ENDPOINTS"], BIOCOMMONS_ENDPOINT,
            "{file}"
        );
        let text =
            std::fs::read_to_string(manifest_dir().join("examples/github").join(file)).unwrap();
        assert!(text.contains("secrets.BIOCOMMONS_TOWER_TOKEN"), "{file}");
        assert!(text.contains("token-env: BIOCOMMONS_TOWER_TOKEN"), "{file}");
        assert!(
            !text.contains("TOWER_ACCESS_TOKEN"),
            "{file}: one token story"
        );
    }
    for doc in ["docs/gitops.md", "README.md"] {
        let text = std::fs::read_to_string(manifest_dir().join(doc)).unwrap();
        assert!(text.contains("BIOCOMMONS_TOWER_TOKEN"), "{doc}");
        assert!(text.contains("ROSTER_ALLOWED_ENDPOINTS"), "{doc}");
    }
}

// --- Red steps -------------------------------------------------------------------------------

#[test]
fn a_missing_token_is_a_red_step_and_the_error_is_in_the_comment() {
    let p = Platform::start(&biocommons_world());
    let repo = biocommons_repo(&p.url());
    git(repo.path(), &["checkout", "-q", "-b", "pr"]);
    let ws = repo.path().join("workspaces/training.yaml");
    let text = std::fs::read_to_string(&ws)
        .unwrap()
        .replace("fullName: Training and workshops", "fullName: Training");
    std::fs::write(&ws, text).unwrap();
    git(repo.path(), &["commit", "-qam", "rename"]);
    let mut pr = Runner::for_platform("pull_request", &p);
    pr.secrets.clear(); // a fork's pull request, or a secret never added
    let run = pr.run_workflow("roster-pr.yml", repo.path());
    run.assert_red(1);
    let body = run.all_bodies();
    assert!(body.starts_with("<!-- roster-plan 1 -->"), "{body}");
    assert!(body.contains("roster plan failed (exit 1)"), "{body}");
    assert!(body.contains("no access token"), "{body}");
    assert!(body.contains("BIOCOMMONS_TOWER_TOKEN"), "{body}");

    let apply = {
        let mut r = Runner::manual(&p);
        r.secrets.clear();
        r
    };
    apply
        .run_workflow("roster-apply.yml", repo.path())
        .assert_red(1);
    let drift = {
        let mut r = Runner::for_platform("schedule", &p);
        r.secrets.clear();
        r
    };
    let run = drift.run_workflow("roster-drift.yml", repo.path());
    run.assert_red(1);
    assert!(
        !run.gh.contains("issue close"),
        "an error is not 'no drift': {}",
        run.log()
    );
    assert_eq!(p.writes(), 0);
}

#[test]
fn a_guard_rail_refusal_is_red_for_plan_and_apply_and_opens_the_drift_issue() {
    let p = Platform::start(&lab_world(&["c@lab.org", "d@lab.org", "e@lab.org"]));
    // The config keeps 2 of 5 members: removing 60% of access breaks maxRemovalFraction 0.25.
    let repo = repo(&[
        ("roster.yaml", lab_settings(&p.url())),
        (
            "org.yaml",
            "kind: Organization\nname: lab\nplatform: lab\nmembers:\n  - {user: admin@lab.org, role: owner}\n  - user: bob@lab.org\n".into(),
        ),
    ]);
    let mut pr = Runner::for_platform("pull_request", &p);
    pr.github.remove("base_ref"); // plan everything, not what differs from the base
    // A stale plan comment from an earlier push is updated in place, not left behind.
    pr.gh_answers(
        "901 <!-- roster-plan 1 -->\n902 <!-- roster-plan 2 -->\n",
        "",
    );
    let run = pr.action(
        &[
            ("command", "plan"),
            ("token", &p.token),
            ("token-env", "BIOCOMMONS_TOWER_TOKEN"),
        ],
        repo.path(),
    );
    run.assert_red(1);
    assert!(
        run.gh
            .contains("api -X PATCH repos/example/config/issues/comments/901"),
        "{}",
        run.log()
    );
    assert!(
        run.gh
            .contains("api -X DELETE repos/example/config/issues/comments/902"),
        "{}",
        run.log()
    );
    let body = run.all_bodies();
    assert!(body.contains("refused"), "{body}");
    assert!(body.contains("--allow-mass-removal"), "{body}");
    assert!(
        body.contains("c@lab.org"),
        "the refused plan is shown: {body}"
    );

    // Deliberately overridden in the same pull request: validate and plan pass.
    let mut pr = Runner::for_platform("pull_request", &p);
    pr.github.remove("base_ref");
    let run = pr.action(
        &[
            ("command", "plan"),
            ("token", &p.token),
            ("token-env", "BIOCOMMONS_TOWER_TOKEN"),
            ("args", "--allow-mass-removal"),
        ],
        repo.path(),
    );
    run.assert_green();

    let apply = Runner::for_platform("push", &p);
    let run = apply.action(
        &[
            ("command", "apply"),
            ("token", &p.token),
            ("token-env", "BIOCOMMONS_TOWER_TOKEN"),
        ],
        repo.path(),
    );
    run.assert_red(1);
    assert_eq!(p.writes(), 0, "a refused apply writes nothing");

    // Drift: a refused plan is the biggest drift. The issue is opened, with the refusal.
    let drift = Runner::for_platform("schedule", &p);
    let run = drift.action(
        &[
            ("command", "drift"),
            ("token", &p.token),
            ("token-env", "BIOCOMMONS_TOWER_TOKEN"),
        ],
        repo.path(),
    );
    run.assert_red(1);
    assert!(
        run.gh.contains("issue create --repo example/config"),
        "{}",
        run.log()
    );
    let body = run.all_bodies();
    assert!(body.contains("refused by a guard rail"), "{body}");
    assert!(body.contains("--allow-mass-removal"), "{body}");
    assert!(body.contains("c@lab.org"), "{body}");
}

#[test]
fn a_partly_failed_apply_is_a_red_step() {
    let p = Platform::start(&lab_world(&[]));
    // A custom role the platform does not define: that participant fails with 400, the rest goes.
    let repo = repo(&[
        ("roster.yaml", lab_settings(&p.url())),
        (
            "c.yaml",
            "kind: Organization\nname: lab\nplatform: lab\ncustomRoles: [ghost-role]\nmembers:\n  - {user: admin@lab.org, role: owner}\n  - user: bob@lab.org\n  - user: erin@lab.org\n---\nkind: Workspace\norg: lab\nname: new-ws\nparticipants:\n  - {user: bob@lab.org, role: ghost-role}\n  - {user: erin@lab.org, role: view}\n".into(),
        ),
    ]);
    let apply = Runner::for_platform("push", &p);
    let run = apply.action(
        &[
            ("command", "apply"),
            ("token", &p.token),
            ("token-env", "BIOCOMMONS_TOWER_TOKEN"),
        ],
        repo.path(),
    );
    run.assert_red(1);
    assert!(p.writes() > 0, "the independent changes went through");
    assert!(
        run.summary.contains("roster apply failed (exit 1)"),
        "{}",
        run.summary
    );
    assert!(run.summary.contains("failed:"), "{}", run.summary);
    assert!(repo.path().join("roster-audit.jsonl").exists());
}

#[test]
fn a_plan_error_is_red_and_replaces_the_stale_comment() {
    let p = Platform::start(&biocommons_world());
    let repo = biocommons_repo(&p.url());
    // An invalid config: validate fails, and the comment says why instead of going stale.
    git(repo.path(), &["checkout", "-q", "-b", "pr"]);
    let ws = repo.path().join("workspaces/proteomics.yaml");
    let text = std::fs::read_to_string(&ws)
        .unwrap()
        .replace("role: launch", "role: launcher");
    std::fs::write(&ws, text).unwrap();
    git(repo.path(), &["commit", "-qam", "a typo"]);
    let pr = Runner::for_platform("pull_request", &p);
    pr.gh_answers("555 <!-- roster-plan 1 -->\n", "");
    let run = pr.run_workflow("roster-pr.yml", repo.path());
    run.assert_red(1);
    assert!(
        run.gh
            .contains("api -X PATCH repos/example/config/issues/comments/555"),
        "{}",
        run.log()
    );
    let body = run.all_bodies();
    assert!(body.contains("the config is invalid"), "{body}");
    assert!(body.contains("launcher"), "{body}");
    assert!(body.contains("workspaces/proteomics.yaml"), "{body}");
    assert!(
        run.summary.contains("the config is invalid"),
        "{}",
        run.summary
    );

    // A token the platform rejects: the plan itself fails (planned in full, so the token is used).
    git(repo.path(), &["checkout", "-q", "main"]);
    let mut pr = Runner::for_platform("pull_request", &p);
    pr.github.remove("base_ref");
    let run = pr.action(
        &[
            ("command", "plan"),
            ("token", "wrong"),
            ("token-env", "BIOCOMMONS_TOWER_TOKEN"),
        ],
        repo.path(),
    );
    run.assert_red(1);
    let body = run.all_bodies();
    assert!(body.contains("token rejected"), "{body}");
    assert!(!body.contains("wrong"), "the token is never shown: {body}");
}

#[test]
fn a_roster_that_panics_or_is_killed_fails_every_command() {
    let p = Platform::start(&biocommons_world());
    let repo = biocommons_repo(&p.url());
    for code in [101, 137] {
        let fake = tempfile::tempdir().unwrap();
        let bin = fake.path().join("roster");
        write_exe(
            &bin,
            &format!(
                "#!/usr/bin/env bash\nif [ \"$1\" = --version ]; then echo 'roster 0.0.0'; exit 0; fi\necho 'thread main panicked' >&2\nexit {code}\n"
            ),
        );
        for (command, event) in [
            ("validate", "pull_request"),
            ("plan", "pull_request"),
            ("apply", "push"),
            ("drift", "schedule"),
            ("expire", "schedule"),
        ] {
            let mut r = Runner::for_platform(event, &p);
            r.runner_env
                .insert("ROSTER_BINARY".into(), bin.display().to_string());
            let run = r.action(&[("command", command), ("token", &p.token)], repo.path());
            run.assert_red(code);
            if command == "plan" {
                assert!(
                    run.all_bodies().contains(&format!(" {code}")),
                    "{}",
                    run.log()
                );
            }
            if command == "drift" {
                assert!(!run.gh.contains("issue close"), "{}", run.log());
            }
        }
    }
}

#[test]
fn validate_takes_the_plan_overrides_and_no_changes_is_green() {
    let p = Platform::start(&lab_world(&[]));
    let repo = repo(&[
        ("roster.yaml", format!("{}  allowedEmailDomains: [lab.org]\n", lab_settings(&p.url()))),
        (
            "org.yaml",
            "kind: Organization\nname: lab\nplatform: lab\nmembers:\n  - {user: admin@lab.org, role: owner}\n  - user: bob@lab.org\n".into(),
        ),
    ]);
    let r = Runner::for_platform("push", &p);
    let run = r.action(&[("command", "validate")], repo.path());
    run.assert_green();
    let run = r.action(
        &[
            ("command", "drift"),
            ("token", &p.token),
            ("token-env", "BIOCOMMONS_TOWER_TOKEN"),
        ],
        repo.path(),
    );
    run.assert_green();
    assert_eq!(run.outputs["exit-code"], "0");

    // A member outside the allowed domains fails validate, unless overridden.
    let org = "kind: Organization\nname: lab\nplatform: lab\nmembers:\n  - {user: admin@lab.org, role: owner}\n  - user: bob@lab.org\n  - user: guest@elsewhere.com\n";
    std::fs::write(repo.path().join("org.yaml"), org).unwrap();
    let out = crate::support::roster()
        .args(["validate", repo.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = crate::support::roster()
        .args([
            "validate",
            repo.path().to_str().unwrap(),
            "--allow-any-domain",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("allowed by --allow-any-domain"), "{err}");
    assert!(err.contains("with 1 warning"), "{err}");
    let run = r.action(
        &[("command", "validate"), ("args", "--allow-any-domain")],
        repo.path(),
    );
    run.assert_green();
}

// --- Install -------------------------------------------------------------------------------

/// A release directory as the release workflow lays it out, for the runner's target.
fn fake_release(dir: &Path, version: &str, target: &str, tamper: bool) {
    let stage = dir.join("stage");
    let name = format!("roster-{version}-{target}");
    std::fs::create_dir_all(stage.join(&name)).unwrap();
    std::fs::copy(
        env!("CARGO_BIN_EXE_roster"),
        stage.join(&name).join("roster"),
    )
    .unwrap();
    let rel = dir.join(version);
    std::fs::create_dir_all(&rel).unwrap();
    let tarball = rel.join(format!("{name}.tar.gz"));
    let st = Command::new("tar")
        .arg("-czf")
        .arg(&tarball)
        .arg("-C")
        .arg(&stage)
        .arg(&name)
        .status()
        .unwrap();
    assert!(st.success());
    let out = Command::new("sha256sum").arg(&tarball).output().unwrap();
    let mut sum = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    if tamper {
        sum = "0".repeat(64);
    }
    std::fs::write(
        rel.join(format!("{name}.tar.gz.sha256")),
        format!("{sum}  {name}.tar.gz\n"),
    )
    .unwrap();
}

fn target() -> &'static str {
    match std::env::consts::ARCH {
        "aarch64" => "aarch64-unknown-linux-musl",
        _ => "x86_64-unknown-linux-musl",
    }
}

#[test]
fn the_install_verifies_the_release_checksum_and_builds_when_there_is_no_release() {
    let version = format!("v{}", env!("CARGO_PKG_VERSION"));
    let releases = tempfile::tempdir().unwrap();
    let repo = repo(&[("roster.yaml", "kind: Settings\n".into())]);
    let installer = |releases: &Path| {
        let mut r = Runner::new("push");
        r.runner_env.remove("ROSTER_BINARY");
        r.runner_env.insert(
            "ROSTER_RELEASE_URL".into(),
            format!("file://{}", releases.display()),
        );
        r
    };

    // No release yet: the action builds its own checkout with cargo (a stand-in here).
    let r = installer(releases.path());
    write_exe(
        &r.home.path().join("bin/cargo"),
        &format!(
            "#!/usr/bin/env bash\nprintf '%s\\n' \"$*\" > \"$GH_STATE/cargo\"\nroot=\nwhile [ $# -gt 0 ]; do [ \"$1\" = --root ] && root=$2; shift; done\nmkdir -p \"$root/bin\" && cp '{}' \"$root/bin/roster\"\n",
            env!("CARGO_BIN_EXE_roster")
        ),
    );
    let run = r.action(&[("command", "validate")], repo.path());
    run.assert_green();
    let cargo = std::fs::read_to_string(r.home.path().join("gh/cargo")).unwrap();
    assert!(cargo.starts_with("install --locked --path "), "{cargo}");
    assert!(run.log().contains("No release"), "{}", run.log());

    // A release: downloaded, its SHA-256 checked, and installed; no build.
    fake_release(releases.path(), &version, target(), false);
    let r = installer(releases.path());
    let run = r.action(&[("command", "validate")], repo.path());
    run.assert_green();
    assert!(run.log().contains("SHA-256 verified"), "{}", run.log());
    // The next run of the same runner finds it in the (tool) cache.
    let run2 = r.action(&[("command", "validate")], repo.path());
    run2.assert_green();
    assert!(run2.log().contains("from the cache"), "{}", run2.log());

    // A checksum that does not match fails the install; nothing is run.
    let bad = tempfile::tempdir().unwrap();
    fake_release(bad.path(), &version, target(), true);
    let r = installer(bad.path());
    let run = r.action(&[("command", "validate")], repo.path());
    assert!(!run.green());
    assert_eq!(run.red_step().name, "Install roster", "{}", run.log());
    assert!(run.log().contains("checksum mismatch"), "{}", run.log());
}

#[test]
fn a_merge_that_would_apply_something_not_in_its_reviewed_plan_is_refused() {
    let p = Platform::start(&biocommons_world());
    let repo = biocommons_repo(&p.url());
    git(repo.path(), &["checkout", "-q", "-b", "pr"]);
    let ws = repo.path().join("workspaces/proteomics.yaml");
    let text = std::fs::read_to_string(&ws).unwrap().replace(
        "  - user: sofia.rossi@csiro.au\n    role: launch",
        "  - user: sofia.rossi@csiro.au\n    role: maintain",
    );
    std::fs::write(&ws, text).unwrap();
    git(
        repo.path(),
        &["commit", "-qam", "sofia maintains proteomics"],
    );
    let pr = Runner::for_platform("pull_request", &p);
    let run = pr.run_workflow("roster-pr.yml", repo.path());
    run.assert_green();
    let body = run.all_bodies();
    assert!(body.contains("roster-plan-digest: "), "{body}");

    // After review, someone changes the proteomics workspace by hand: merging would now apply
    // a plan nobody reviewed.
    let world = p.handle.world();
    let org = &world.organizations[0];
    let org_id = org.id.as_ref().unwrap().value;
    let ws_id = org
        .workspaces
        .iter()
        .find(|w| w.name.value == "proteomics")
        .and_then(|w| w.id.as_ref())
        .unwrap()
        .value;
    let status = p.api(
        "PUT",
        &format!("/orgs/{org_id}/workspaces/{ws_id}/participants/add"),
        serde_json::json!({"userNameOrEmail": "mei.chen@garvan.org.au"}),
    );
    assert_eq!(status, 200);
    p.reset_stats();

    git(repo.path(), &["checkout", "-q", "main"]);
    let before = git_out(repo.path(), &["rev-parse", "HEAD"]);
    git(repo.path(), &["merge", "-q", "pr"]);
    let mut apply = Runner::for_platform("push", &p);
    apply.merged_from("7", &body, &before);
    let run = apply.run_workflow("roster-apply.yml", repo.path());
    run.assert_red(1);
    assert!(
        run.log().contains("differs from the reviewed one"),
        "{}",
        run.log()
    );
    assert_eq!(p.writes(), 0, "nothing is written");
}

// --- Access reviews ---------------------------------------------------------------------------

const GENOMICS_TITLE: &str = "roster: access review of workspace biocommons/genomics is due";
const TRAINING_TITLE: &str = "roster: access review of workspace biocommons/training is due";

#[test]
fn the_drift_job_opens_one_issue_per_overdue_review_with_its_access_matrix_and_closes_it_when_reviewed()
 {
    let p = Platform::start(&biocommons_world());
    let repo = biocommons_repo(&p.url());
    // A second review, never recorded: due at once.
    let training = repo.path().join("workspaces/training.yaml");
    let text = std::fs::read_to_string(&training).unwrap()
        + "review:\n  every: 30d\n  owners: [trainer@biocommons.org.au]\n";
    std::fs::write(&training, text).unwrap();
    git(repo.path(), &["commit", "-qam", "review training monthly"]);

    // On 2026-12-01 the genomics review (every 90d, last 2026-06-15) and training's are due;
    // the organization's (every 180d, last 2026-09-01) is not.
    let mut drift = Runner::for_platform("schedule", &p);
    drift
        .runner_env
        .insert("ROSTER_NOW".into(), "2026-12-01".into());
    let run = drift.run_workflow("roster-drift.yml", repo.path());
    run.assert_green();
    let created: Vec<&str> = run
        .gh
        .lines()
        .filter(|l| l.starts_with("issue create") && l.contains("access review"))
        .collect();
    assert_eq!(created.len(), 2, "{}", run.log());
    assert!(
        run.gh.contains(&format!(
            "issue create --repo example/config --title {GENOMICS_TITLE}"
        )),
        "{}",
        run.log()
    );
    assert!(
        run.gh.contains(&format!(
            "issue create --repo example/config --title {TRAINING_TITLE}"
        )),
        "{}",
        run.log()
    );
    assert!(!run.gh.contains("review of organization"), "{}", run.log());
    let genomics = run
        .bodies
        .iter()
        .find(|b| b.starts_with("<!-- roster-review: biocommons/genomics -->"))
        .unwrap_or_else(|| panic!("no genomics body:\n{}", run.all_bodies()));
    assert!(
        genomics.contains("## Access review overdue: workspace biocommons/genomics"),
        "{genomics}"
    );
    assert!(
        genomics.contains("due 2026-09-13, 79 days ago"),
        "{genomics}"
    );
    assert!(
        genomics.contains("**Reviewers:** jane.doe\\@uq.edu.au"),
        "{genomics}"
    );
    assert!(genomics.contains("`reviewedOn: 2026-12-01`"), "{genomics}");
    // The access matrix of that workspace: its people, and only its column.
    assert!(genomics.contains("## Access matrix"), "{genomics}");
    assert!(
        genomics.contains("| person | org role | genomics | teams |"),
        "{genomics}"
    );
    assert!(
        genomics.contains("| liam.oconnor\\@wehi.edu.au | member | maintain |"),
        "{genomics}"
    );
    assert!(
        !genomics.contains("student01"),
        "not a genomics participant: {genomics}"
    );
    assert!(
        run.summary.contains("Access review overdue"),
        "{}",
        run.summary
    );

    // The next day both are still due: the same issues are updated, none opened.
    let mut drift = Runner::for_platform("schedule", &p);
    drift
        .runner_env
        .insert("ROSTER_NOW".into(), "2026-12-02".into());
    drift.gh_answers("", &format!("21\t{GENOMICS_TITLE}\n22\t{TRAINING_TITLE}\n"));
    let run = drift.run_workflow("roster-drift.yml", repo.path());
    run.assert_green();
    assert!(
        run.gh
            .contains("issue edit 21 --repo example/config --body-file"),
        "{}",
        run.log()
    );
    assert!(
        run.gh
            .contains("issue edit 22 --repo example/config --body-file"),
        "{}",
        run.log()
    );
    assert!(
        !run.gh
            .lines()
            .any(|l| l.starts_with("issue create") && l.contains("access review")),
        "{}",
        run.log()
    );
    assert!(!run.gh.contains("issue close 2"), "{}", run.log());

    // The genomics review is recorded by a merged pull request: its issue closes, training's stays.
    let ws = repo.path().join("workspaces/genomics.yaml");
    let text = std::fs::read_to_string(&ws)
        .unwrap()
        .replace("reviewedOn: 2026-06-15", "reviewedOn: 2026-12-02");
    std::fs::write(&ws, text).unwrap();
    git(repo.path(), &["commit", "-qam", "genomics access reviewed"]);
    let run = drift.run_workflow("roster-drift.yml", repo.path());
    run.assert_green();
    assert!(
        run.gh
            .contains("issue close 21 --repo example/config --comment Reviewed"),
        "{}",
        run.log()
    );
    assert!(!run.gh.contains("issue close 22"), "{}", run.log());
}

#[test]
fn the_review_command_needs_no_token_and_a_review_recorded_in_the_future_is_red() {
    let repo = biocommons_repo("https://seqera.services.biocommons.org.au/api");
    let mut r = Runner::new("schedule");
    r.runner_env
        .insert("ROSTER_NOW".into(), "2026-12-01".into());
    let run = r.action(&[("command", "review")], repo.path());
    run.assert_green();
    assert_eq!(run.outputs["exit-code"], "2", "{}", run.log());
    assert!(
        run.gh.contains(&format!(
            "issue create --repo example/config --title {GENOMICS_TITLE}"
        )),
        "{}",
        run.log()
    );

    // Nothing overdue: nothing opened, and an open review issue closes.
    let r = Runner::new("schedule");
    r.gh_answers("", &format!("21\t{GENOMICS_TITLE}\n"));
    let run = r.action(&[("command", "review")], repo.path());
    run.assert_green();
    assert_eq!(run.outputs["exit-code"], "0", "{}", run.log());
    assert!(!run.gh.contains("issue create"), "{}", run.log());
    assert!(run.gh.contains("issue close 21"), "{}", run.log());
    assert!(
        run.summary.contains("No access review is overdue."),
        "{}",
        run.summary
    );

    let org = repo.path().join("organization.yaml");
    let text = std::fs::read_to_string(&org)
        .unwrap()
        .replace("reviewedOn: 2026-09-01", "reviewedOn: 2027-09-01");
    std::fs::write(&org, text).unwrap();
    let run = Runner::new("schedule").action(&[("command", "review")], repo.path());
    run.assert_red(1);
    assert!(
        run.log().contains("reviewedOn 2027-09-01 is in the future"),
        "{}",
        run.log()
    );
    assert!(
        !run.gh.contains("issue "),
        "nothing is touched on error: {}",
        run.log()
    );
}

#[test]
fn manual_basespace_steps_open_one_checklist_issue_and_the_step_stays_green() {
    let world = format!(
        "{}basespace:\n  regions:\n    - name: use1\n      users:\n        - {{email: admin@lab.org, token: bs-action-token}}\n      workgroups:\n        - {{name: lab-seq, members: [admin@lab.org]}}\n",
        lab_world(&[])
    );
    let p = Platform::start(&world);
    let settings = format!(
        "{}  illumina:\n    type: basespace\n    regions:\n      use1: {{endpoint: {}/basespace/use1, tokenEnv: BS_TOKEN}}\n",
        lab_settings(&p.url()).replace("policy:\n  maxRemovalFraction: 0.25\n", ""),
        p.url()
    );
    let org = "kind: Organization\nname: lab\nplatform: lab\nmembers:\n  - {user: admin@lab.org, role: owner}\n  - user: bob@lab.org\n".to_string();
    let wg = "kind: BaseSpaceWorkgroup\nname: lab-seq\nplatform: illumina\ntier: professional\nadmins: [admin@lab.org]\nusers:\n  - user: bob@lab.org\n".to_string();
    let repo = repo(&[
        ("roster.yaml", settings),
        ("org.yaml", org),
        ("wg.yaml", wg),
    ]);
    let mut apply = Runner::for_platform("push", &p);
    apply
        .runner_env
        .insert("BS_TOKEN".to_string(), "bs-action-token".to_string());
    let with = [
        ("command", "apply"),
        ("token", p.token.as_str()),
        ("token-env", "BIOCOMMONS_TOWER_TOKEN"),
    ];
    let run = apply.action(&with, repo.path());
    run.assert_green();
    assert_eq!(
        run.outputs.get("exit-code").map(String::as_str),
        Some("3"),
        "{}",
        run.log()
    );
    assert!(
        run.log()
            .contains("::warning::roster apply: manual BaseSpace steps are pending")
    );
    assert!(
        run.gh.contains(
            "issue create --repo example/config --title roster: manual BaseSpace steps pending"
        ),
        "{}",
        run.log()
    );
    let body = run.all_bodies();
    assert!(
        body.contains("### BaseSpace: 2 manual steps pending"),
        "{body}"
    );
    assert!(
        body.contains("- [ ] Open the USERS tab and select Invite"),
        "{body}"
    );
    assert!(
        run.summary
            .contains("manual BaseSpace steps pending (exit 3)"),
        "{}",
        run.summary
    );
    assert!(
        !run.log().contains("bs-action-token"),
        "the token is never printed"
    );

    // Someone did the steps and committed the confirmed ledger: the next apply closes the issue.
    let ledger = "entries:\n  - {at: \"2026-12-01T00:00:00Z\", by: admin@lab.org, platform: illumina, workgroup: lab-seq, user: admin@lab.org, step: invite, role: admin}\n  - {at: \"2026-12-01T00:00:00Z\", by: admin@lab.org, platform: illumina, workgroup: lab-seq, user: bob@lab.org, step: invite, role: user, sequenceHub: [use1]}\n";
    std::fs::create_dir_all(repo.path().join(".roster")).unwrap();
    std::fs::write(repo.path().join(".roster/basespace-ledger.yaml"), ledger).unwrap();
    let mut again = Runner::for_platform("push", &p);
    again
        .runner_env
        .insert("BS_TOKEN".to_string(), "bs-action-token".to_string());
    again.gh_answers("", "17\n");
    let run = again.action(&with, repo.path());
    run.assert_green();
    assert_eq!(
        run.outputs.get("exit-code").map(String::as_str),
        Some("0"),
        "{}",
        run.log()
    );
    assert!(
        run.gh.contains("issue close 17 --repo example/config"),
        "{}",
        run.log()
    );
}

// --- Access that ends ------------------------------------------------------------------------

/// The lab world with erin a member too (and `extra` members).
fn lab_world_with_erin(extra: &[&str]) -> String {
    lab_world(extra).replace(
        "      - {email: bob@lab.org}\n",
        "      - {email: bob@lab.org}\n      - {email: erin@lab.org}\n",
    )
}

/// Lab's config: bob's membership ends on 2030-01-20, erin's on 2030-01-01.
fn lab_with_ends(endpoint: &str) -> tempfile::TempDir {
    repo(&[
        ("roster.yaml", lab_settings(endpoint)),
        (
            "org.yaml",
            "kind: Organization\nname: lab\nplatform: lab\nmembers:\n  - {user: admin@lab.org, role: owner}\n  - {user: bob@lab.org, expires: 2030-01-20, reason: visiting fellowship}\n  - {user: erin@lab.org, expires: 2030-01-01, reason: summer school}\n".into(),
        ),
    ])
}

#[test]
fn the_drift_check_keeps_one_reminder_issue_of_grants_that_expire_soon() {
    let p = Platform::start(&lab_world_with_erin(&[]));
    let repo = lab_with_ends(&p.url());
    let with = [
        ("command", "drift"),
        ("token", p.token.as_str()),
        ("token-env", "BIOCOMMONS_TOWER_TOKEN"),
    ];
    // 2029-12-25: erin's and bob's ends are more than 14 days away, but erin's is 7 days away.
    let r = Runner::for_platform("schedule", &p).at("2029-12-25");
    let run = r.action(&with, repo.path());
    run.assert_green();
    assert_eq!(run.outputs["exit-code"], "0", "no drift: {}", run.log());
    assert!(
        run.gh.contains(
            "issue create --repo example/config --title roster: access expires soon --body-file"
        ),
        "{}",
        run.log()
    );
    let body = run.all_bodies();
    assert!(
        body.contains("`org/lab/member/user:erin@lab.org` (member): summer school"),
        "{body}"
    );
    assert!(
        !body.contains("bob@lab.org"),
        "bob's end is 26 days away: {body}"
    );
    assert!(
        !run.gh.contains("--title roster: the platform has drifted"),
        "the reminder is not the drift issue: {}",
        run.log()
    );

    // The next day: the same reminder issue is updated.
    let r = Runner::for_platform("schedule", &p).at("2029-12-26");
    r.gh_reminders("21\n");
    let run = r.action(&with, repo.path());
    run.assert_green();
    assert!(
        run.gh
            .contains("issue edit 21 --repo example/config --body-file"),
        "{}",
        run.log()
    );
    assert!(!run.gh.contains("issue create"), "{}", run.log());

    // After both ends: the grants are drift (plan removes them) and nothing expires soon, so
    // the drift issue opens and the reminder closes.
    let r = Runner::for_platform("schedule", &p).at("2030-02-15");
    r.gh_reminders("21\n");
    let run = r.action(&with, repo.path());
    run.assert_green();
    assert_eq!(run.outputs["exit-code"], "2", "{}", run.log());
    assert!(
        run.gh.contains(
            "issue create --repo example/config --title roster: the platform has drifted"
        ),
        "{}",
        run.log()
    );
    assert!(
        run.gh.contains("issue close 21 --repo example/config"),
        "{}",
        run.log()
    );
    assert!(
        run.all_bodies()
            .contains("expired on 2030-01-20 (visiting fellowship)"),
        "{}",
        run.log()
    );

    // An empty window turns the reminder off.
    let r = Runner::for_platform("schedule", &p).at("2029-12-25");
    let mut with_off = with.to_vec();
    with_off.push(("expiry-window", ""));
    let run = r.action(&with_off, repo.path());
    run.assert_green();
    assert!(!run.gh.contains("expires soon"), "{}", run.log());
    assert_eq!(p.writes(), 0, "drift checks write nothing");
}

#[test]
fn the_expire_command_removes_only_expired_grants_on_a_schedule() {
    // The platform also has drift: stray@lab.org, whom nobody declared.
    let p = Platform::start(&lab_world_with_erin(&["stray@lab.org"]));
    let repo = lab_with_ends(&p.url());
    let with = [
        ("command", "expire"),
        ("token", p.token.as_str()),
        ("token-env", "BIOCOMMONS_TOWER_TOKEN"),
    ];
    // Nothing has ended yet: green, nothing written.
    let run = Runner::for_platform("schedule", &p)
        .at("2029-12-01")
        .action(&with, repo.path());
    run.assert_green();
    assert_eq!(p.writes(), 0, "{}", run.log());

    // Erin's membership has ended: it alone is removed; stray stays for the apply workflow.
    let run = Runner::for_platform("schedule", &p)
        .at("2030-01-10")
        .action(&with, repo.path());
    run.assert_green();
    assert_eq!(p.writes(), 1, "{}", run.log());
    assert!(
        run.summary.contains("roster apply --expired-only"),
        "{}",
        run.log()
    );
    assert!(
        run.summary.contains("Apply complete: 1 applied"),
        "{}",
        run.log()
    );
    let audit = std::fs::read_to_string(repo.path().join("roster-audit.jsonl")).unwrap();
    assert!(
        audit.contains(r#""address":"org/lab/member/user:erin@lab.org""#),
        "{audit}"
    );
    assert!(
        audit.contains(r#""reason":"expired on 2030-01-01 (summer school)""#),
        "{audit}"
    );
    let world = p.handle.world();
    let members: Vec<String> = world.organizations[0]
        .members
        .iter()
        .map(|m| m.email.value.clone())
        .collect();
    assert!(
        members.contains(&"stray@lab.org".to_string()),
        "{members:?}"
    );
    assert!(
        !members.contains(&"erin@lab.org".to_string()),
        "{members:?}"
    );
}

#[test]
fn the_example_expire_workflow_ends_the_example_collaborator_on_time() {
    let p = Platform::start(&biocommons_world());
    let repo = biocommons_repo(&p.url());
    // Before r.singh's end (2036-06-30): the example's drift is left alone; nothing is written.
    let r = Runner::for_platform("schedule", &p).at("2036-06-29");
    r.run_workflow("roster-expire.yml", repo.path())
        .assert_green();
    assert_eq!(p.writes(), 0);
    let r = Runner::for_platform("schedule", &p).at("2036-07-01");
    let run = r.run_workflow("roster-expire.yml", repo.path());
    run.assert_green();
    assert_eq!(p.writes(), 1, "{}", run.log());
    assert!(
        run.log()
            .contains("org/biocommons/workspace/proteomics/participant/user:r.singh@monash.edu.au"),
        "{}",
        run.log()
    );
    assert!(
        run.log().contains("Held back"),
        "the example's drift is held back: {}",
        run.log()
    );
}

#[test]
fn the_expire_command_publishes_the_removal_of_an_expired_basespace_user_and_stays_green() {
    let world = format!(
        "{}basespace:\n  regions:\n    - name: use1\n      users:\n        - {{email: admin@lab.org, token: bs-action-token}}\n      workgroups:\n        - {{name: lab-seq, members: [admin@lab.org]}}\n",
        lab_world(&[])
    );
    let p = Platform::start(&world);
    let settings = format!(
        "{}  illumina:\n    type: basespace\n    regions:\n      use1: {{endpoint: {}/basespace/use1, tokenEnv: BS_TOKEN}}\n",
        lab_settings(&p.url()).replace("policy:\n  maxRemovalFraction: 0.25\n", ""),
        p.url()
    );
    let org = "kind: Organization\nname: lab\nplatform: lab\nmembers:\n  - {user: admin@lab.org, role: owner}\n  - user: bob@lab.org\n".to_string();
    let wg = "kind: BaseSpaceWorkgroup\nname: lab-seq\nplatform: illumina\ntier: professional\nadmins: [admin@lab.org]\nusers:\n  - {user: bob@lab.org, expires: 2030-01-01, reason: summer school}\n".to_string();
    let ledger = "entries:\n  - {at: \"2029-12-01T00:00:00Z\", by: admin@lab.org, platform: illumina, workgroup: lab-seq, user: admin@lab.org, step: invite, role: admin}\n  - {at: \"2029-12-01T00:00:00Z\", by: admin@lab.org, platform: illumina, workgroup: lab-seq, user: bob@lab.org, step: invite, role: user, sequenceHub: [use1]}\n".to_string();
    let repo = repo(&[
        ("roster.yaml", settings),
        ("org.yaml", org),
        ("wg.yaml", wg),
        (".roster/basespace-ledger.yaml", ledger),
    ]);
    let with = [
        ("command", "expire"),
        ("token", p.token.as_str()),
        ("token-env", "BIOCOMMONS_TOWER_TOKEN"),
    ];
    let mut r = Runner::for_platform("schedule", &p).at("2030-01-10");
    r.runner_env
        .insert("BS_TOKEN".to_string(), "bs-action-token".to_string());
    let run = r.action(&with, repo.path());
    run.assert_green();
    assert_eq!(
        run.outputs.get("exit-code").map(String::as_str),
        Some("3"),
        "{}",
        run.log()
    );
    assert!(
        run.log().contains(
            "::warning::roster apply --expired-only: expired BaseSpace users must be removed"
        ),
        "{}",
        run.log()
    );
    assert!(
        run.summary
            .contains("manual BaseSpace removals pending (exit 3)"),
        "{}",
        run.summary
    );
    assert!(
        run.summary.contains("remove `bob@lab.org`"),
        "{}",
        run.summary
    );
    assert!(
        !run.gh.contains("issue create") && !run.gh.contains("issue close"),
        "the apply workflow's issue is left alone: {}",
        run.log()
    );
    assert_eq!(p.writes(), 0, "{}", run.log());
    assert!(!run.log().contains("bs-action-token"));
}
