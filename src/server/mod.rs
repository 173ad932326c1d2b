//! The embedded mock API: a slow HTTP endpoint with a latency you choose, an optional cap on the
//! requests it works on at once, and `/stats` so the client's figures can be checked against it.
//!
//! Routes:
//! - `GET /api/items/{id}`: a small JSON body after a delay drawn from the latency profile;
//! - `GET /stats`: counters since the last reset ([`StatsSnapshot`]);
//! - `POST /stats/reset`: zero the counters (peaks restart from what is in flight now);
//! - `GET /health`: `ok`.
//!
//! Experiment commands run it as a child process of the same binary ([`child`]), so the client's
//! memory and CPU figures never include the server's; tests may run it in-process ([`InProcess`]).

pub mod child;
pub mod latency;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{Semaphore, watch};

pub use latency::LatencyProfile;

/// Listen backlog requested; the kernel caps it at `net.core.somaxconn`.
pub const LISTEN_BACKLOG: u32 = 65_535;

/// How long a request waits at the barrier for the others before giving up.
const BARRIER_TIMEOUT: Duration = Duration::from_secs(30);

/// How the mock API behaves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerConfig {
    pub latency: LatencyProfile,
    /// At most this many requests are worked on at once; the rest queue (a throttled API).
    pub max_inflight: Option<usize>,
    /// Seed of the latency draws.
    pub seed: u64,
    /// Testing aid: hold each request until this many have arrived, so "all N were in flight
    /// together" is true by construction rather than by scheduler luck.
    pub barrier: Option<usize>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            latency: LatencyProfile::Fixed(Duration::from_millis(100)),
            max_inflight: None,
            seed: 42,
            barrier: None,
        }
    }
}

/// Counters, all since the last reset.
#[derive(Default)]
struct Stats {
    requests: AtomicU64,
    responses: AtomicU64,
    inflight: AtomicU64,
    peak_inflight: AtomicU64,
    waiting: AtomicU64,
    peak_waiting: AtomicU64,
    queued: AtomicU64,
    queue_wait_us_total: AtomicU64,
    queue_wait_us_max: AtomicU64,
    connections: AtomicU64,
    accept_errors: AtomicU64,
    latency_requested_us_total: AtomicU64,
    latency_applied_us_total: AtomicU64,
    latency_applied_us_min: AtomicU64,
    latency_applied_us_max: AtomicU64,
}

/// What the server saw, as served by `GET /stats`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatsSnapshot {
    /// Requests to `/api/items/{id}` that arrived.
    pub requests: u64,
    /// Of those, answered.
    pub responses: u64,
    pub inflight_now: u64,
    /// Most requests worked on at once (holding a slot, sleeping their latency).
    pub peak_inflight: u64,
    /// Most requests waiting for a slot at once (only with a cap).
    pub peak_waiting: u64,
    /// Requests that had to wait for a slot.
    pub queued_requests: u64,
    pub queue_wait_us_total: u64,
    pub queue_wait_us_max: u64,
    /// TCP connections accepted (one per request without keep-alive).
    pub connections_accepted: u64,
    pub accept_errors: u64,
    pub latency_requested_us_total: u64,
    /// Latency the server really slept (timers are coarse: this is what to believe).
    pub latency_applied_us_total: u64,
    pub latency_applied_us_min: Option<u64>,
    pub latency_applied_us_max: Option<u64>,
    pub max_inflight_cap: Option<u64>,
    pub latency_profile: String,
    pub process: ServerProcess,
}

/// The server process's own resource use (cumulative since it started).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerProcess {
    pub pid: u32,
    pub cpu_user_us: u64,
    pub cpu_sys_us: u64,
    pub rss_bytes: Option<u64>,
    pub rss_peak_bytes: Option<u64>,
}

impl StatsSnapshot {
    /// Mean latency applied per answered request, in microseconds.
    pub fn applied_latency_mean_us(&self) -> Option<f64> {
        (self.responses > 0).then(|| self.latency_applied_us_total as f64 / self.responses as f64)
    }
    pub fn requested_latency_mean_us(&self) -> Option<f64> {
        (self.responses > 0).then(|| self.latency_requested_us_total as f64 / self.responses as f64)
    }
}

struct Shared {
    cfg: ServerConfig,
    stats: Stats,
    slots: Option<Semaphore>,
    arrivals: watch::Sender<usize>,
}

impl Shared {
    fn snapshot(&self) -> StatsSnapshot {
        let s = &self.stats;
        let usage = crate::measure::process::usage(crate::measure::process::Who::SelfProcess);
        let rss = crate::measure::process::rss();
        let min = s.latency_applied_us_min.load(Relaxed);
        let responses = s.responses.load(Relaxed);
        StatsSnapshot {
            requests: s.requests.load(Relaxed),
            responses,
            inflight_now: s.inflight.load(Relaxed),
            peak_inflight: s.peak_inflight.load(Relaxed),
            peak_waiting: s.peak_waiting.load(Relaxed),
            queued_requests: s.queued.load(Relaxed),
            queue_wait_us_total: s.queue_wait_us_total.load(Relaxed),
            queue_wait_us_max: s.queue_wait_us_max.load(Relaxed),
            connections_accepted: s.connections.load(Relaxed),
            accept_errors: s.accept_errors.load(Relaxed),
            latency_requested_us_total: s.latency_requested_us_total.load(Relaxed),
            latency_applied_us_total: s.latency_applied_us_total.load(Relaxed),
            latency_applied_us_min: (responses > 0 && min != u64::MAX).then_some(min),
            latency_applied_us_max: (responses > 0).then(|| s.latency_applied_us_max.load(Relaxed)),
            max_inflight_cap: self.cfg.max_inflight.map(|c| c as u64),
            latency_profile: self.cfg.latency.to_string(),
            process: ServerProcess {
                pid: std::process::id(),
                cpu_user_us: usage.user.as_micros() as u64,
                cpu_sys_us: usage.sys.as_micros() as u64,
                rss_bytes: rss.map(|r| r.current_bytes),
                rss_peak_bytes: rss.map(|r| r.peak_bytes),
            },
        }
    }

    fn reset(&self) {
        let s = &self.stats;
        for counter in [
            &s.requests,
            &s.responses,
            &s.queued,
            &s.queue_wait_us_total,
            &s.queue_wait_us_max,
            &s.connections,
            &s.accept_errors,
            &s.latency_requested_us_total,
            &s.latency_applied_us_total,
            &s.latency_applied_us_max,
        ] {
            counter.store(0, Relaxed);
        }
        s.latency_applied_us_min.store(u64::MAX, Relaxed);
        s.peak_inflight.store(s.inflight.load(Relaxed), Relaxed);
        s.peak_waiting.store(s.waiting.load(Relaxed), Relaxed);
        self.arrivals.send_replace(0);
    }
}

/// Increments a gauge and its peak; decrements it when dropped (also when the request is cancelled).
struct Gauge<'a> {
    value: &'a AtomicU64,
}

impl<'a> Gauge<'a> {
    fn enter(value: &'a AtomicU64, peak: &AtomicU64) -> Self {
        let now = value.fetch_add(1, Relaxed) + 1;
        peak.fetch_max(now, Relaxed);
        Gauge { value }
    }
}

impl Drop for Gauge<'_> {
    fn drop(&mut self) {
        self.value.fetch_sub(1, Relaxed);
    }
}

#[derive(Serialize)]
struct Item {
    id: u64,
    name: String,
    price_cents: u64,
}

async fn item(State(shared): State<Arc<Shared>>, Path(id): Path<u64>) -> Json<Item> {
    let s = &shared.stats;
    s.requests.fetch_add(1, Relaxed);
    let _slot = match &shared.slots {
        None => None,
        Some(slots) => Some(match slots.try_acquire() {
            Ok(permit) => permit,
            Err(_) => {
                s.queued.fetch_add(1, Relaxed);
                let _waiting = Gauge::enter(&s.waiting, &s.peak_waiting);
                let t0 = Instant::now();
                let permit = slots.acquire().await.expect("the semaphore is never closed");
                let waited = t0.elapsed().as_micros() as u64;
                s.queue_wait_us_total.fetch_add(waited, Relaxed);
                s.queue_wait_us_max.fetch_max(waited, Relaxed);
                permit
            }
        }),
    };
    let _inflight = Gauge::enter(&s.inflight, &s.peak_inflight);
    if let Some(n) = shared.cfg.barrier {
        let mut arrivals = shared.arrivals.subscribe();
        shared.arrivals.send_modify(|a| *a += 1);
        let _ = tokio::time::timeout(BARRIER_TIMEOUT, arrivals.wait_for(|&a| a >= n)).await;
    }
    let want = shared.cfg.latency.sample(shared.cfg.seed, id);
    let t0 = Instant::now();
    if !want.is_zero() {
        tokio::time::sleep(want).await;
    }
    let applied = t0.elapsed().as_micros() as u64;
    s.latency_requested_us_total.fetch_add(want.as_micros() as u64, Relaxed);
    s.latency_applied_us_total.fetch_add(applied, Relaxed);
    s.latency_applied_us_min.fetch_min(applied, Relaxed);
    s.latency_applied_us_max.fetch_max(applied, Relaxed);
    s.responses.fetch_add(1, Relaxed);
    Json(Item { id, name: format!("item-{id}"), price_cents: crate::seed::derive(shared.cfg.seed, id) % 100_000 })
}

async fn stats(State(shared): State<Arc<Shared>>) -> Json<StatsSnapshot> {
    Json(shared.snapshot())
}

async fn reset(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.reset();
    StatusCode::NO_CONTENT
}

async fn not_found() -> impl IntoResponse {
    (StatusCode::NOT_FOUND, "not found: try GET /api/items/{id}, GET /stats, POST /stats/reset\n")
}

/// A TCP listener that counts accepted connections and sets `TCP_NODELAY` on them.
struct CountingListener {
    inner: TcpListener,
    shared: Arc<Shared>,
}

impl axum::serve::Listener for CountingListener {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    let _ = stream.set_nodelay(true);
                    self.shared.stats.connections.fetch_add(1, Relaxed);
                    return (stream, addr);
                }
                Err(_) => {
                    // Out of file descriptors or a connection aborted before accept: count it,
                    // back off briefly, keep serving.
                    self.shared.stats.accept_errors.fetch_add(1, Relaxed);
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// Binds `addr` with a large listen backlog (see [`LISTEN_BACKLOG`]). Needs a tokio runtime.
pub fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Serves the mock API on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    cfg: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let shared = Arc::new(Shared {
        slots: cfg.max_inflight.map(Semaphore::new),
        arrivals: watch::Sender::new(0),
        stats: Stats { latency_applied_us_min: AtomicU64::new(u64::MAX), ..Stats::default() },
        cfg,
    });
    let app = axum::Router::new()
        .route("/api/items/{id}", get(item))
        .route("/stats", get(stats))
        .route("/stats/reset", post(reset))
        .route("/health", get(|| async { "ok\n" }))
        .fallback(not_found)
        .with_state(shared.clone());
    let listener = CountingListener { inner: listener, shared };
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

/// The mock API running on its own runtime, on threads of this process.
pub struct InProcess {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl InProcess {
    /// Binds `addr` (port 0 picks a free one) and serves on `threads` worker threads.
    pub fn start(cfg: ServerConfig, addr: SocketAddr, threads: usize) -> std::io::Result<Self> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads.max(1))
            .thread_name("concbench-server")
            .enable_all()
            .build()?;
        let listener = rt.block_on(async { bind(addr) })?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new().name("concbench-server".into()).spawn(move || {
            rt.block_on(async move {
                tokio::select! {
                    _ = serve(listener, cfg, std::future::pending()) => {}
                    _ = stopped => {}
                }
            });
            rt.shutdown_background();
        })?;
        Ok(InProcess { addr, stop: Some(stop), thread: Some(thread) })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for InProcess {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
