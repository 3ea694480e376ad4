//! A local emulator of the Seqera Platform API (axum): its world, its rules and its fault knobs.
//! It shares nothing with the client but the wire format, and both are checked against the
//! official spec (`tests/fixtures/seqera-api/`). See docs/emulator.md.
//!
//! This crate root owns the library API that roster (the `roster emulator` command and the
//! `--sandbox` flag), the tests and the benches use ([`parse_world`], [`load_world`], [`start`],
//! [`Handle`], [`run`]). It depends on nothing of roster's: the compiler enforces that the
//! emulator shares nothing with the client but the wire format. It must not parse command lines
//! or decide whether to use colour (roster does, and passes a [`RunConfig`]).
//!
//! Layout: [`world`] (the world and state file format), `loc` and `error` (located values and
//! located world-file errors), `store` (the indexed live state, loading and saving it), `rules`
//! (the platform's rules), [`dto`] (the wire format), `http` (errors, extractors, pagination),
//! `routes` (operation table, middleware, handlers), `faults` (seeded failures, rate limit,
//! stats), [`clock`] (the time the fault windows read) and `state` (atomic state writes).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::sync::oneshot;

pub mod basespace;
pub mod clock;
pub mod dto;
mod error;
mod faults;
mod http;
mod loc;
mod routes;
mod rules;
mod state;
mod store;
pub mod world;

pub use clock::{Clock, ManualClock, SystemClock};
pub use faults::Stats;
pub use routes::OPERATIONS;
pub use world::{Loc, Problem, ProblemKind, World, WorldError, load_world, parse_world};

use faults::{FaultGen, RateLimiter};
use store::Store;

/// The fault knobs, the state file and the clock. The default is a faithful, fault-free
/// emulator without persistence, on the real clock.
#[derive(Debug, Clone)]
pub struct Options {
    /// Delay every Seqera API answer by this many milliseconds.
    pub latency_ms: u64,
    /// Answer 429 past this many requests per one-second window per token (0 = off).
    pub rate_limit: u32,
    /// Answer 503 to this share (0.0–1.0) of Seqera API requests, chosen by a seeded generator.
    pub fail_rate: f64,
    /// Seed of the fault generator.
    pub seed: u64,
    /// For this many milliseconds after a role update, list endpoints show the previous role.
    pub stale_reads_ms: u64,
    /// Write the world here after every successful write; load it on start if it exists.
    pub state: Option<PathBuf>,
    /// What the rate-limit and stale-reads windows read the time from (a [`ManualClock`] in
    /// tests that advance it).
    pub clock: Arc<dyn Clock>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            latency_ms: 0,
            rate_limit: 0,
            fail_rate: 0.0,
            seed: 0,
            stale_reads_ms: 0,
            state: None,
            clock: Arc::new(SystemClock),
        }
    }
}

/// What [`run`] serves: where, from which world file, with which knobs, and how to report a bad
/// world file.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Address to listen on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// The world file. Read and checked even when `options.state` names an existing state
    /// file, which is then served instead.
    pub world: PathBuf,
    pub options: Options,
    /// Render a bad world file's report in colour (on stderr).
    pub color: bool,
}

/// Everything a request may touch: the store behind one mutex, the knobs and the counters.
pub(crate) struct App {
    store: Mutex<Store>,
    opts: Options,
    faults: FaultGen,
    limiter: RateLimiter,
    stats: Mutex<Stats>,
    /// Serializes state file writes, so that the file always holds the latest snapshot.
    persist_lock: Mutex<()>,
    /// The BaseSpace regions (read-only).
    basespace: basespace::BaseSpace,
    /// BaseSpace requests answered with an error, numbering their `RequestId`s.
    basespace_errors: std::sync::atomic::AtomicU64,
}

impl App {
    fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn record(&self, op: &str, status: u16, wrote: bool) {
        self.stats
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .record(op, status, wrote);
    }

    fn stats(&self) -> Stats {
        self.stats.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn reset_stats(&self) {
        *self.stats.lock().unwrap_or_else(|e| e.into_inner()) = Stats::default();
    }

    fn snapshot(&self) -> World {
        let mut world = self.lock().to_world();
        world.basespace = self.basespace.to_world();
        world
    }

    /// The next BaseSpace error's request number.
    fn basespace_requests(&self) -> u64 {
        self.basespace_errors
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1
    }

    /// Write the state file, if there is one (off the async threads).
    async fn persist(self: &Arc<Self>) -> std::io::Result<()> {
        if self.opts.state.is_none() {
            return Ok(());
        }
        let app = Arc::clone(self);
        tokio::task::spawn_blocking(move || app.persist_now())
            .await
            .map_err(std::io::Error::other)?
    }

    fn persist_now(&self) -> std::io::Result<()> {
        let Some(path) = &self.opts.state else {
            return Ok(());
        };
        let _order = self.persist_lock.lock().unwrap_or_else(|e| e.into_inner());
        let text = self.snapshot().to_yaml();
        state::write_atomic(path, &text)
    }
}

/// A running emulator. Dropping it stops the server (without waiting); [`Handle::shutdown`]
/// stops it and waits.
///
/// The server runs on its own thread with its own runtime, so it keeps answering while the
/// caller blocks (a test that runs the `roster` binary synchronously inside `#[tokio::test]`).
pub struct Handle {
    /// The address it listens on (the real port when asked for port 0).
    pub addr: SocketAddr,
    app: Arc<App>,
    stop: Option<oneshot::Sender<()>>,
    done: Option<oneshot::Receiver<()>>,
}

impl Handle {
    /// `http://HOST:PORT`, the API base URL (the Seqera API is served at the root, as on Cloud).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The request counts, as `GET /_emulator/stats` returns them.
    pub fn stats(&self) -> Stats {
        self.app.stats()
    }

    /// Zero the request counts.
    pub fn reset_stats(&self) {
        self.app.reset_stats();
    }

    /// The live state as a world with every id (what the state file holds).
    pub fn world(&self) -> World {
        self.app.snapshot()
    }

    /// Stop serving and wait for the server to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(done) = self.done.take() {
            let _ = done.await;
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Start serving `world` on `listen` (use port 0 for a free port). When `opts.state` names an
/// existing file, that file is loaded instead of `world`; when it names a missing one, it is
/// written at once.
pub async fn start(world: World, opts: Options, listen: SocketAddr) -> Result<Handle> {
    start_inner(world, opts, listen, true).await
}

async fn start_inner(
    world: World,
    opts: Options,
    listen: SocketAddr,
    load_state: bool,
) -> Result<Handle> {
    let world = match &opts.state {
        Some(path) if load_state && path.exists() => {
            let path = path.clone();
            tokio::task::spawn_blocking(move || load_world(&path))
                .await
                .context("loading the state file")??
        }
        _ => world,
    };
    if !(0.0..=1.0).contains(&opts.fail_rate) {
        anyhow::bail!(
            "the fail rate must be between 0 and 1 (got {})",
            opts.fail_rate
        );
    }
    let stale = Duration::from_millis(opts.stale_reads_ms);
    let store = Store::build(&world)
        .map_err(|problems| {
            let first = problems
                .first()
                .map(|p| p.message.clone())
                .unwrap_or_default();
            anyhow::anyhow!("invalid world: {first}")
        })?
        .with_stale_reads(stale, Arc::clone(&opts.clock));
    let app = Arc::new(App {
        store: Mutex::new(store),
        faults: FaultGen::new(opts.fail_rate, opts.seed),
        limiter: RateLimiter::new(opts.rate_limit, Arc::clone(&opts.clock)),
        stats: Mutex::new(Stats::default()),
        persist_lock: Mutex::new(()),
        basespace: basespace::BaseSpace::build(world.basespace.as_ref()),
        basespace_errors: std::sync::atomic::AtomicU64::new(0),
        opts,
    });
    if let Some(path) = &app.opts.state
        && !path.exists()
    {
        let a = Arc::clone(&app);
        tokio::task::spawn_blocking(move || a.persist_now())
            .await?
            .with_context(|| format!("writing the state file {}", path.display()))?;
    }
    let listener = std::net::TcpListener::bind(listen)
        .with_context(|| format!("cannot listen on {listen}"))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let router = routes::router(Arc::clone(&app));
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let (done_tx, done_rx) = oneshot::channel::<()>();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("roster-emulator")
        .enable_all()
        .build()
        .context("starting the emulator's runtime")?;
    std::thread::Builder::new()
        .name("roster-emulator".into())
        .spawn(move || {
            runtime.block_on(async move {
                let served = match tokio::net::TcpListener::from_std(listener) {
                    Ok(listener) => axum::serve(listener, router)
                        .with_graceful_shutdown(async {
                            let _ = stop_rx.await;
                        })
                        .await
                        .map_err(anyhow::Error::from),
                    Err(e) => Err(e.into()),
                };
                if let Err(e) = served {
                    tracing::error!("emulator server failed: {e}");
                }
            });
            let _ = done_tx.send(());
        })
        .context("starting the emulator's thread")?;
    Ok(Handle {
        addr,
        app,
        stop: Some(stop_tx),
        done: Some(done_rx),
    })
}

/// `roster emulator`: load the world, serve, print `listening on http://HOST:PORT`, and stop
/// on SIGINT or SIGTERM. A bad world file's located report goes to stderr (in colour when
/// `config.color`), and the error is returned.
pub fn run(config: RunConfig) -> Result<()> {
    let RunConfig {
        listen,
        world,
        options: opts,
        color,
    } = config;
    if !(0.0..=1.0).contains(&opts.fail_rate) {
        anyhow::bail!(
            "the fail rate must be between 0 and 1 (got {})",
            opts.fail_rate
        );
    }
    let load = |path: &std::path::Path| {
        load_world(path).map_err(|e| {
            eprint!("{}", e.render(color));
            anyhow::Error::new(e)
        })
    };
    // The world file is read and checked even when a state file is used instead, so that a
    // broken world is reported at once rather than after the state file is removed.
    let mut world = load(&world)?;
    if let Some(state) = opts.state.as_deref().filter(|p| p.exists()) {
        world = load(state)?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        // Handlers first: a signal that arrives once the line is printed must stop us cleanly.
        let stop = stop_signals()?;
        let handle = start_inner(world, opts, listen, false).await?;
        {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            writeln!(out, "listening on {}", handle.base_url())?;
            out.flush()?;
        }
        stop.await;
        handle.shutdown().await;
        Ok(())
    })
}

/// Install the SIGINT and SIGTERM handlers now; the returned future ends at the first signal.
#[cfg(unix)]
fn stop_signals() -> Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut int = signal(SignalKind::interrupt()).context("installing a SIGINT handler")?;
    let mut term = signal(SignalKind::terminate()).context("installing a SIGTERM handler")?;
    Ok(async move {
        tokio::select! {
            _ = int.recv() => {}
            _ = term.recv() => {}
        }
    })
}

#[cfg(not(unix))]
fn stop_signals() -> Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
