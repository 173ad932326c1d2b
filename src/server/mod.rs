//! The embedded mock API: a slow HTTP endpoint with a latency you choose, an optional cap on the
//! requests it works on at once, and `/stats` so the client's figures can be checked against it.
//!
//! Routes:
//! - `GET /api/items/{id}`: a small JSON body after a delay drawn from the latency profile;
//!   `POST`, `PUT` and `PATCH` answer with the size of the body they sent, after the same delay;
//! - `GET /stats`: counters since the last reset ([`StatsSnapshot`]);
//! - `POST /stats/reset`: zero the counters (peaks restart from what is in flight now); the one
//!   route that changes state, so it needs `Authorization: Bearer <secret>` ([`AdminToken`]): a
//!   refusal is answered 401 and counted (`admin_refused`, never reset);
//! - `GET /health`: `ok`.
//!
//! The last three are admin routes: a connection is counted (in `connections_accepted`, and
//! towards `--close-after`) at its first request to any other path, so the runner's own preflight,
//! resets and reads never count as connections of the client under test.
//!
//! Experiment commands run it as a child process of the same binary ([`child`]), so the client's
//! memory and CPU figures never include the server's; tests may run it in-process ([`InProcess`]).

pub mod child;
pub mod faults;
pub mod latency;
pub mod timer;

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hdrhistogram::Histogram;
use serde::Serialize;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{Semaphore, watch};

use crate::record::{FaultCounts, MicrosHistogram, ServerConfig, ServerProcess, StatsSnapshot};
pub use faults::{Draw, Fault};
pub use latency::Sample;

/// Listen backlog requested; the kernel caps it at `net.core.somaxconn`.
pub const LISTEN_BACKLOG: u32 = 65_535;

/// How long a request waits at the barrier for the others before giving up.
const BARRIER_TIMEOUT: Duration = Duration::from_secs(30);

/// Counters, all since the last reset (the baselines are what the process had used by then).
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
    errors_500: AtomicU64,
    errors_503: AtomicU64,
    rate_limited: AtomicU64,
    stalled: AtomicU64,
    resets: AtomicU64,
    slow_bodies: AtomicU64,
    bad_requests: AtomicU64,
    heap_at_reset: AtomicU64,
    inflight_at_reset: AtomicU64,
    admin_refused: AtomicU64,
    cpu_user_us_at_reset: AtomicU64,
    cpu_sys_us_at_reset: AtomicU64,
    /// Applied − asked latency of every answer, in microseconds.
    excess_us: MicrosRecorder,
    /// From an answer's release by the timer to its handler running again, in microseconds.
    resume_lag_us: MicrosRecorder,
}

/// Durations in microseconds, up to a minute, 3 significant figures.
struct MicrosRecorder(Mutex<Histogram<u64>>);

impl Default for MicrosRecorder {
    fn default() -> Self {
        MicrosRecorder(Mutex::new(Histogram::new_with_bounds(1, 60_000_000, 3).expect("static bounds are valid")))
    }
}

impl MicrosRecorder {
    fn lock(&self) -> std::sync::MutexGuard<'_, Histogram<u64>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn record(&self, d: Duration) {
        self.lock().saturating_record(d.as_micros() as u64);
    }

    /// Its buckets, when it holds any.
    fn buckets(&self) -> Option<MicrosHistogram> {
        let h = self.lock();
        (!h.is_empty()).then(|| MicrosHistogram::of(&h))
    }
}

impl Stats {
    /// Counts one answer's latency: asked `want`, released by the timer after `applied`, its
    /// handler running again `lag` after that.
    fn applied(&self, want: Duration, applied: Duration, lag: Duration) {
        self.latency_requested_us_total.fetch_add(want.as_micros() as u64, Relaxed);
        let applied_us = applied.as_micros() as u64;
        self.latency_applied_us_total.fetch_add(applied_us, Relaxed);
        self.latency_applied_us_min.fetch_min(applied_us, Relaxed);
        self.latency_applied_us_max.fetch_max(applied_us, Relaxed);
        self.excess_us.record(applied.saturating_sub(want));
        self.resume_lag_us.record(lag);
    }
}

struct Shared {
    cfg: ServerConfig,
    /// Applies every request's latency (one thread for all of them).
    timer: timer::Timer,
    admin: AdminToken,
    stats: Stats,
    slots: Option<Semaphore>,
    arrivals: watch::Sender<usize>,
    bucket: Option<faults::Bucket>,
    /// Connections counted since the server started; resets never touch it. What `close_after`
    /// counts.
    connections_since_start: AtomicU64,
    /// The listening socket while it is open, so that the connection that reaches `close_after`
    /// closes it before it is answered (the accept loop takes it out before dropping the socket).
    listener: Mutex<Option<RawFd>>,
}

/// The admin routes: requests to them never count a connection.
fn is_admin(path: &str) -> bool {
    matches!(path, "/health" | "/stats" | "/stats/reset")
}

/// CPU time the process has used, in microseconds (user, system).
fn cpu_us() -> (u64, u64) {
    let usage = crate::measure::process::usage(crate::measure::process::Who::SelfProcess);
    (usage.user.as_micros() as u64, usage.sys.as_micros() as u64)
}

impl Shared {
    /// Counts the connection (once, at its first request to a path that is not an admin route).
    /// False when `close_after` connections were counted before it: it is then closed unanswered.
    fn admit(&self, counted: &AtomicBool, path: &str) -> bool {
        if is_admin(path) || counted.swap(true, Relaxed) {
            return true;
        }
        let n = self.connections_since_start.fetch_add(1, Relaxed) + 1;
        if let Some(limit) = self.cfg.faults.close_after {
            if n > limit {
                return false;
            }
            if n == limit {
                self.close_listener();
            }
        }
        self.stats.connections.fetch_add(1, Relaxed);
        true
    }

    /// Stops listening for good: later connections are refused.
    fn close_listener(&self) {
        if let Some(fd) = self.listener.lock().unwrap_or_else(PoisonError::into_inner).take() {
            // Linux takes a listening socket out of LISTEN on shutdown (pending connections are
            // reset, new ones refused) and wakes the accept loop, which then drops the socket.
            // SAFETY: the descriptor is the listener's, open while it is in `self.listener`.
            unsafe { libc::shutdown(fd, libc::SHUT_RD) };
        }
    }

    fn listener_closed(&self) -> bool {
        self.listener.lock().unwrap_or_else(PoisonError::into_inner).is_none()
    }

    /// Counts a 4xx answer as a bad request (429 is the rate limit's, counted as such).
    fn count_answer(&self, status: StatusCode) {
        if status.is_client_error() && status != StatusCode::TOO_MANY_REQUESTS {
            self.stats.bad_requests.fetch_add(1, Relaxed);
        }
    }

    fn snapshot(&self) -> StatsSnapshot {
        let s = &self.stats;
        let (user_us, sys_us) = cpu_us();
        let rss = crate::measure::process::rss();
        let heap = crate::measure::alloc::snapshot();
        let min = s.latency_applied_us_min.load(Relaxed);
        let responses = s.responses.load(Relaxed);
        StatsSnapshot {
            requests: s.requests.load(Relaxed),
            responses,
            inflight_now: s.inflight.load(Relaxed),
            peak_inflight: s.peak_inflight.load(Relaxed),
            inflight_at_reset: s.inflight_at_reset.load(Relaxed),
            admin_refused: s.admin_refused.load(Relaxed),
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
            faults: FaultCounts {
                errors_500: s.errors_500.load(Relaxed),
                errors_503: s.errors_503.load(Relaxed),
                rate_limited: s.rate_limited.load(Relaxed),
                stalled: s.stalled.load(Relaxed),
                resets: s.resets.load(Relaxed),
                slow_bodies: s.slow_bodies.load(Relaxed),
                bad_requests: s.bad_requests.load(Relaxed),
            },
            process: ServerProcess {
                pid: std::process::id(),
                cpu_user_us: user_us.saturating_sub(s.cpu_user_us_at_reset.load(Relaxed)),
                cpu_sys_us: sys_us.saturating_sub(s.cpu_sys_us_at_reset.load(Relaxed)),
                rss_bytes: rss.map(|r| r.current_bytes),
                rss_peak_bytes: rss.map(|r| r.peak_bytes),
                heap_current_bytes: heap.map(|h| h.current_bytes as u64),
                heap_at_reset_bytes: heap.map(|_| s.heap_at_reset.load(Relaxed)),
            },
            latency_excess: s.excess_us.buckets(),
            resume_lag: s.resume_lag_us.buckets(),
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
            &s.errors_500,
            &s.errors_503,
            &s.rate_limited,
            &s.stalled,
            &s.resets,
            &s.slow_bodies,
            &s.bad_requests,
        ] {
            counter.store(0, Relaxed);
        }
        s.excess_us.lock().reset();
        s.resume_lag_us.lock().reset();
        let heap = crate::measure::alloc::snapshot().map_or(0, |h| h.current_bytes as u64);
        s.heap_at_reset.store(heap, Relaxed);
        let (user_us, sys_us) = cpu_us();
        s.cpu_user_us_at_reset.store(user_us, Relaxed);
        s.cpu_sys_us_at_reset.store(sys_us, Relaxed);
        // Where the kernel refuses, the peak stays "since the process started" (see ServerProcess).
        crate::measure::process::reset_peak_rss();
        s.latency_applied_us_min.store(u64::MAX, Relaxed);
        let inflight = s.inflight.load(Relaxed);
        s.inflight_at_reset.store(inflight, Relaxed);
        s.peak_inflight.store(inflight, Relaxed);
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

/// The answer to a request with a body (POST, PUT, PATCH): how much of it arrived.
#[derive(Serialize)]
struct Received {
    id: u64,
    received_bytes: u64,
}

/// Bytes of a request's body, read to its end (and dropped).
async fn body_bytes(body: axum::body::Body) -> Result<u64, axum::Error> {
    use futures_util::StreamExt as _;
    let mut stream = body.into_data_stream();
    let mut n = 0;
    while let Some(chunk) = stream.next().await {
        n += chunk?.len() as u64;
    }
    Ok(n)
}

pub use crate::workload::url::ATTEMPT_HEADER;

/// Pieces a slow body is sent in.
const SLOW_BODY_PIECES: usize = 10;

fn counter(s: &Stats, fault: Fault) -> Option<&AtomicU64> {
    match fault {
        Fault::Error(500) => Some(&s.errors_500),
        Fault::Error(_) => Some(&s.errors_503),
        Fault::Stall => Some(&s.stalled),
        Fault::Reset => Some(&s.resets),
        Fault::SlowBody => Some(&s.slow_bodies),
        Fault::None => None,
    }
}

/// `GET /api/items/{id}` (and `POST`, `PUT`, `PATCH`, answered with the size of the body they
/// sent, read whole first). A request whose id, query or body does not parse is answered 400
/// before it counts as a request (the 400 counts as a bad request, see [`Shared::count_answer`]).
async fn item(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<u64>,
    Query(query): Query<HashMap<String, String>>,
    request: Request,
) -> Response {
    let (request, body) = request.into_parts();
    let received = match body_bytes(body).await {
        Ok(n) => (request.method != axum::http::Method::GET).then_some(n),
        Err(e) => return (StatusCode::BAD_REQUEST, format!("unreadable body: {e}\n")).into_response(),
    };
    let s = &shared.stats;
    let faults = if query.is_empty() {
        std::borrow::Cow::Borrowed(&shared.cfg.faults)
    } else {
        match shared.cfg.faults.with_query(&query) {
            Ok(f) => std::borrow::Cow::Owned(f),
            Err(e) => return (StatusCode::BAD_REQUEST, format!("{e}\n")).into_response(),
        }
    };
    s.requests.fetch_add(1, Relaxed);
    if let Some(bucket) = &shared.bucket
        && let Err(wait) = bucket.take()
    {
        s.rate_limited.fetch_add(1, Relaxed);
        let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
        return (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, seconds.to_string())], "rate limited\n")
            .into_response();
    }
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
    let attempt = request.headers.get(ATTEMPT_HEADER).and_then(|v| v.to_str().ok()?.parse().ok()).unwrap_or(0);
    let fault = faults.draw(shared.cfg.seed, id, attempt);
    if let Some(c) = counter(s, fault) {
        c.fetch_add(1, Relaxed);
    }
    if fault == Fault::Stall {
        std::future::pending::<()>().await;
    }
    let want = shared.cfg.latency.sample(shared.cfg.seed, id);
    let t0 = Instant::now();
    let released = if want.is_zero() { t0 } else { shared.timer.sleep_until(t0 + want).await };
    s.applied(want, released - t0, released.elapsed());
    s.responses.fetch_add(1, Relaxed);
    if let Fault::Error(code) = fault {
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return (status, "injected error\n").into_response();
    }
    let body = match received {
        Some(received_bytes) => serde_json::to_vec(&Received { id, received_bytes }),
        None => serde_json::to_vec(&Item {
            id,
            name: format!("item-{id}"),
            price_cents: crate::seed::derive(shared.cfg.seed, id) % 100_000,
        }),
    };
    let body = body.unwrap_or_default();
    match fault {
        Fault::Reset => streamed(body, Duration::ZERO, true),
        Fault::SlowBody => streamed(body, faults.slow_body, false),
        _ => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
    }
}

/// A JSON body sent in pieces over `spread`; with `cut`, the connection is closed half way.
fn streamed(body: Vec<u8>, spread: Duration, cut: bool) -> Response {
    let len = body.len();
    let pieces: Vec<Vec<u8>> = if cut {
        vec![body[..len / 2].to_vec()]
    } else {
        body.chunks(len.div_ceil(SLOW_BODY_PIECES).max(1)).map(<[u8]>::to_vec).collect()
    };
    let gap = spread / SLOW_BODY_PIECES as u32;
    let stream =
        futures_util::stream::unfold((pieces.into_iter(), cut, false), move |(mut it, cut, done)| async move {
            if done {
                return None;
            }
            match it.next() {
                Some(piece) => {
                    if !gap.is_zero() {
                        tokio::time::sleep(gap).await;
                    }
                    Some((Ok::<_, std::io::Error>(axum::body::Bytes::from(piece)), (it, cut, false)))
                }
                None if cut => {
                    // Pending once first, so hyper flushes the head and the half body: the cut
                    // comes after the answer began, as the fault promises, not before any byte.
                    tokio::task::yield_now().await;
                    Some((Err(std::io::Error::other("injected reset")), (it, cut, true)))
                }
                None => None,
            }
        });
    Response::builder()
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, len)
        .body(axum::body::Body::from_stream(stream))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

async fn stats(State(shared): State<Arc<Shared>>) -> Json<StatsSnapshot> {
    Json(shared.snapshot())
}

async fn reset(State(shared): State<Arc<Shared>>, headers: axum::http::HeaderMap) -> StatusCode {
    let given = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()?.strip_prefix("Bearer "));
    if !given.is_some_and(|g| shared.admin.matches(g)) {
        shared.stats.admin_refused.fetch_add(1, Relaxed);
        return StatusCode::UNAUTHORIZED;
    }
    shared.reset();
    StatusCode::NO_CONTENT
}

async fn not_found() -> impl IntoResponse {
    (StatusCode::NOT_FOUND, "not found: try GET /api/items/{id}, GET /stats, POST /stats/reset\n")
}

/// The listening socket: sets `TCP_NODELAY` on accepted connections and counts accept errors.
/// Once [`Shared::close_listener`] has run (`close_after`), it stops accepting for good.
struct Listener {
    inner: Option<TcpListener>,
    shared: Arc<Shared>,
}

impl Listener {
    fn new(inner: TcpListener, shared: Arc<Shared>) -> Self {
        *shared.listener.lock().unwrap_or_else(PoisonError::into_inner) = Some(inner.as_raw_fd());
        Listener { inner: Some(inner), shared }
    }

    async fn accept(&mut self) -> TcpStream {
        loop {
            let Some(inner) = &self.inner else { return std::future::pending().await };
            let accepted = inner.accept().await;
            if self.shared.cfg.faults.close_after.is_some() && self.shared.listener_closed() {
                // Shut by the last connection `close_after` allows (where the shutdown did not
                // stop the socket, this connection came in after it and is dropped too).
                self.inner = None;
                continue;
            }
            match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    return stream;
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
}

impl Drop for Listener {
    fn drop(&mut self) {
        // Before the socket closes: nothing may shut its descriptor once it can be reused.
        self.shared.listener.lock().unwrap_or_else(PoisonError::into_inner).take();
    }
}

/// Binds `addr` with a large listen backlog (see [`LISTEN_BACKLOG`]). Needs a tokio runtime.
pub fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Serves the mock API on `listener` until `shutdown` completes. Each connection is served by
/// hyper's HTTP/1 server with a header-read timeout and its default limits (oversized headers get
/// 431, unreadable requests 400).
pub async fn serve(
    listener: TcpListener,
    cfg: ServerConfig,
    admin: AdminToken,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (user_us, sys_us) = cpu_us();
    let shared = Arc::new(Shared {
        timer: timer::Timer::start()?,
        admin,
        slots: cfg.max_inflight.map(Semaphore::new),
        arrivals: watch::Sender::new(0),
        bucket: cfg.faults.rate_limit.map(faults::Bucket::new),
        stats: Stats {
            latency_applied_us_min: AtomicU64::new(u64::MAX),
            heap_at_reset: AtomicU64::new(crate::measure::alloc::snapshot().map_or(0, |h| h.current_bytes as u64)),
            cpu_user_us_at_reset: AtomicU64::new(user_us),
            cpu_sys_us_at_reset: AtomicU64::new(sys_us),
            ..Stats::default()
        },
        connections_since_start: AtomicU64::new(0),
        listener: Mutex::new(None),
        cfg,
    });
    let app = axum::Router::new()
        .route("/api/items/{id}", get(item).post(item).put(item).patch(item))
        .route("/stats", get(stats))
        .route("/stats/reset", post(reset))
        .route("/health", get(|| async { "ok\n" }))
        .fallback(not_found)
        .with_state(shared.clone());
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(shared.cfg.header_timeout);
    let http = Arc::new(http);
    let mut listener = Listener::new(listener, shared.clone());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            stream = listener.accept() => stream,
            _ = &mut shutdown => return Ok(()),
        };
        let router = hyper_util::service::TowerToHyperService::new(app.clone());
        let (shared, http) = (shared.clone(), http.clone());
        tokio::spawn(async move {
            let counted = AtomicBool::new(false);
            let service = hyper::service::service_fn(|request: hyper::Request<hyper::body::Incoming>| {
                let admitted = shared.admit(&counted, request.uri().path());
                let answer = admitted.then(|| hyper::service::Service::call(&router, request));
                let shared = &shared;
                async move {
                    // Past `close_after`: an error closes the connection without an answer.
                    let Some(answer) = answer else { return Err(std::io::Error::other("close_after reached")) };
                    let Ok(response) = answer.await;
                    shared.count_answer(response.status());
                    Ok(response)
                }
            });
            // A broken or cut-off connection ends here; the server goes on. A request hyper
            // cannot read never reaches the service: hyper answers it (400, 414, 431), count it.
            if let Err(e) = http.serve_connection(hyper_util::rt::TokioIo::new(stream), service).await
                && e.is_parse()
            {
                shared.stats.bad_requests.fetch_add(1, Relaxed);
            }
        });
    }
}

/// The secret `POST /stats/reset` needs (`Authorization: Bearer <secret>`): the one route that
/// changes the server's state, so another local process or a web page cannot reset the counters
/// under a run. The tool hands its child server the secret on stdin, never in argv.
#[derive(Clone, PartialEq, Eq)]
pub struct AdminToken(String);

impl AdminToken {
    /// A fresh random secret (128 bits from the OS).
    pub fn random() -> std::io::Result<Self> {
        let mut bytes = [0u8; 16];
        std::io::Read::read_exact(&mut std::fs::File::open("/dev/urandom")?, &mut bytes)?;
        Ok(AdminToken(bytes.iter().map(|b| format!("{b:02x}")).collect()))
    }

    /// A given secret (`serve --admin-token-file`); it must not be empty.
    pub fn new(secret: &str) -> Option<Self> {
        let secret = secret.trim();
        (!secret.is_empty() && secret.bytes().all(|b| b.is_ascii_graphic())).then(|| AdminToken(secret.to_string()))
    }

    pub fn secret(&self) -> &str {
        &self.0
    }

    /// Whether `given` is the secret, in time that does not depend on where they differ.
    fn matches(&self, given: &str) -> bool {
        let (a, b) = (self.0.as_bytes(), given.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminToken(..)")
    }
}

/// The mock API running on its own runtime, on threads of this process.
pub struct InProcess {
    addr: SocketAddr,
    admin: AdminToken,
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
        let admin = AdminToken::random()?;
        let secret = admin.clone();
        let thread = std::thread::Builder::new().name("concbench-server".into()).spawn(move || {
            let _ = rt.block_on(serve(listener, cfg, secret, async {
                let _ = stopped.await;
            }));
            rt.shutdown_background();
        })?;
        Ok(InProcess { addr, admin, stop: Some(stop), thread: Some(thread) })
    }

    /// The secret its `POST /stats/reset` needs.
    pub fn admin_token(&self) -> &AdminToken {
        &self.admin
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
