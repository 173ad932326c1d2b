//! The I/O-bound workload: task `i` is one HTTP GET of the URL template with `{i}` replaced by `i`.
//!
//! Every model sends it with concbench's HTTP/1.1 client ([`super::http`]): blocking models over
//! blocking sockets, async models over tokio, one implementation of the protocol, the connection
//! policy (reuse, resend) and the classification of failures under both, so a model never fails
//! where another passes for a difference of clients. Both use rustls with the ring provider and
//! the platform's trust store (plus the CA certificates of [`http::EXTRA_CA_ENV`], if set), ignore
//! proxy variables, do not follow redirects, retry only when told to, and read the whole body.
//! An answer counts as success when its status is in `--ok-status` (2xx by default).

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::http::blocking::Blocking;
use super::http::nonblocking::Nonblocking;
use super::http::proto::{Answer, RequestHead};
use super::http::{self, Client, Endpoint, Failure, Phase, Request, Settings};
use super::url::{Header, UrlList, UrlTemplate};
use super::{BoxFuture, TaskCx, Workload, burn_cpu};
use crate::record::{ClientConfig, Method};
use crate::record::{ErrorKind, StatusSet, TaskError, TaskOutcome};

/// Receive buffer per blocking-client connection (it grows for a larger head).
pub const BLOCKING_INPUT_BUFFER_BYTES: usize = http::blocking::INPUT_BUFFER_BYTES;
/// Send buffer per blocking-client connection.
pub const BLOCKING_OUTPUT_BUFFER_BYTES: usize = http::blocking::OUTPUT_BUFFER_BYTES;

/// The User-Agent every client sends (unless a header given replaces it).
pub const USER_AGENT: &str = concat!("concbench/", env!("CARGO_PKG_VERSION"));

/// The I/O workload, as data: where to send, what every request carries (the extra headers, the
/// method and body), and how the clients behave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IoSpec {
    pub url: UrlTemplate,
    #[serde(default)]
    pub headers: Vec<Header>,
    /// URLs cycled in place of `url` (`--urls-file`): request `i` goes to `urls[i % len]`, every
    /// one of `url`'s origin.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<UrlTemplate>,
    #[serde(default)]
    pub method: Method,
    /// Sent with every request (with its `Content-Length`); such a request is never sent twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Vec<u8>>,
    #[serde(flatten)]
    pub client: ClientConfig,
}

impl IoSpec {
    /// GETs of `url` with `headers`, no body.
    pub fn get(url: UrlTemplate, headers: Vec<Header>, client: ClientConfig) -> Self {
        IoSpec { url, headers, urls: Vec::new(), method: Method::Get, body: None, client }
    }

    /// The URL of task `task`'s request.
    pub fn url_of(&self, task: usize) -> &UrlTemplate {
        match self.urls.len() {
            0 => &self.url,
            n => &self.urls[task % n],
        }
    }
}

/// What every request of a run sends beyond the target's URL, as the plan has it: the extra
/// headers (values included: they are sent, never recorded), the method and body, and the URLs of
/// `--urls-file` (resolved on the target's origin once it is known).
#[derive(Debug, Clone, Default)]
pub struct RequestPlan {
    pub headers: Vec<Header>,
    pub method: Method,
    pub body: Option<Vec<u8>>,
    pub urls: Option<UrlList>,
}

impl RequestPlan {
    /// The workload of these requests to `url` (the target's), with `client`.
    pub fn spec(&self, url: &UrlTemplate, client: &ClientConfig) -> Result<IoSpec, String> {
        let urls = match &self.urls {
            Some(list) => list.resolve(url.origin_text())?,
            None => Vec::new(),
        };
        let (method, body) = (self.method, self.body.clone());
        Ok(IoSpec { urls, method, body, ..IoSpec::get(url.clone(), self.headers.clone(), client.clone()) })
    }

    /// Whether the target may be sent a GET of its first URL to check it before the run (a
    /// request of another method could change something there: then only a connection is made).
    pub fn preflight_get(&self) -> bool {
        self.method == Method::Get
    }
}

/// The blocking client, as the report names it.
pub const BLOCKING_CLIENT: &str = "concbench's HTTP/1.1 client over std blocking sockets and rustls";
/// The async client, as the report names it.
pub const ASYNC_CLIENT: &str = "the same HTTP/1.1 client over tokio and tokio-rustls";

/// The longest wait between two tries.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// How long to wait before try `attempt + 1` of `task` after `err`; `None`: give up.
/// Exponential backoff with "equal jitter" (half fixed, half random, seeded by task and attempt
/// so a run can be reproduced), or the server's Retry-After when it sent one.
pub fn retry_wait(client: &ClientConfig, task: usize, attempt: u32, err: &TaskError) -> Option<Duration> {
    if attempt >= client.retries || !err.retryable() {
        return None;
    }
    if let Some(after) = err.retry_after {
        return Some(after.min(MAX_BACKOFF));
    }
    let full = client.retry_backoff.saturating_mul(1u32 << attempt.min(20)).min(MAX_BACKOFF);
    let draw = crate::seed::derive(0x5E7_12A7, ((task as u64) << 8) | attempt as u64);
    let jitter = (draw % 1_000_000) as f64 / 1e6;
    Some(full.mul_f64(0.5 + 0.5 * jitter))
}

/// The I/O workload with its two clients built, sharing one resolved endpoint.
pub struct IoWorkload {
    spec: IoSpec,
    blocking: Client<Blocking>,
    nonblocking: Client<Nonblocking>,
}

impl IoWorkload {
    /// Resolves the target and builds both clients, each keeping up to `concurrency` idle
    /// connections.
    pub fn new(spec: &IoSpec, concurrency: usize) -> anyhow::Result<Self> {
        let c = &spec.client;
        let endpoint = Arc::new(Endpoint::new(spec.url.origin()).context("setting up the HTTP clients")?);
        let headers: Vec<(String, String)> = spec.headers.iter().map(|h| (h.name.clone(), h.value.clone())).collect();
        let body = spec.body.as_deref().map(Arc::<[u8]>::from);
        let head = RequestHead::new(&endpoint.origin, USER_AGENT, &headers, c.keep_alive).with(spec.method, body);
        let settings = Settings {
            keep_alive: c.keep_alive,
            timeout: c.timeout,
            connect_timeout: c.connect_timeout,
            max_idle: concurrency,
        };
        Ok(IoWorkload {
            spec: spec.clone(),
            blocking: Client::new(Blocking, endpoint.clone(), head.clone(), settings.clone()),
            nonblocking: Client::new(Nonblocking, endpoint, head, settings),
        })
    }

    /// Try `attempt` (none: the preflight) of task `task`, due within `--timeout` from now.
    fn request(&self, task: usize, attempt: Option<u32>) -> Request<'_> {
        let deadline = Instant::now() + self.spec.client.timeout;
        Request { url: self.spec.url_of(task), task, attempt, location: false, deadline }
    }

    /// The blocking request, on the calling thread.
    fn get_blocking(&self, task: usize, attempt: u32) -> Result<Answer, Failure> {
        http::run_blocking(self.blocking.exchange(&self.request(task, Some(attempt))))
    }

    /// The async request, under one timer for the whole of it.
    async fn get_async(&self, task: usize, attempt: u32) -> Result<Answer, Failure> {
        let limit = self.spec.client.timeout;
        let request = self.request(task, Some(attempt));
        tokio::time::timeout(limit, self.nonblocking.exchange(&request))
            .await
            .unwrap_or(Err(Failure::Timeout { phase: Phase::Waiting, limit }))
    }

    /// One request to `url` (of this workload's origin) outside any measurement, to check that
    /// the target answers before a run starts: no attempt header, so it is no task's try.
    pub fn preflight(&self, url: &str) -> Result<Answer, TaskError> {
        let url = UrlTemplate::parse(url).map_err(|e| TaskError::new(ErrorKind::Other, e))?;
        let request = Request { url: &url, location: true, ..self.request(0, None) };
        http::run_blocking(self.blocking.exchange(&request)).map_err(TaskError::from)
    }

    /// Opens one connection to the target and closes it, outside any measurement: the check of a
    /// target a preflight request must not be sent to (see [`RequestPlan::preflight_get`]).
    pub fn connect_check(&self) -> Result<(), TaskError> {
        http::run_blocking(self.blocking.probe(Instant::now() + self.spec.client.connect_timeout))
            .map_err(TaskError::from)
    }
}

/// A try's answer as a task's outcome (its status judged by `ok`), with the try count.
fn settle(r: Result<Answer, Failure>, ok: &StatusSet, attempt: u32) -> Result<TaskOutcome, TaskError> {
    let mut r = match r {
        Ok(a) if ok.contains(a.head.status) => Ok(TaskOutcome::new(a.body_bytes)),
        Ok(a) => Err(TaskError { retry_after: a.head.retry_after, ..Failure::Status(a.head.status).into() }),
        Err(f) => Err(f.into()),
    };
    match &mut r {
        Ok(o) => o.attempts = attempt + 1,
        Err(e) => e.attempts = attempt + 1,
    }
    r
}

impl Workload for IoWorkload {
    fn run_blocking(&self, task: usize, cx: &TaskCx) -> Result<TaskOutcome, TaskError> {
        let half = self.spec.client.interp_cost / 2;
        burn_cpu(half, cx);
        let mut attempt = 0;
        let result = loop {
            let r = settle(cx.blocking(|| self.get_blocking(task, attempt)), &self.spec.client.ok_status, attempt);
            match r.as_ref().err().and_then(|e| retry_wait(&self.spec.client, task, attempt, e)) {
                Some(wait) => cx.blocking(|| std::thread::sleep(wait)),
                None => break r,
            }
            attempt += 1;
        };
        burn_cpu(self.spec.client.interp_cost - half, cx);
        result
    }

    fn prewarm(&self, connections: usize) -> BoxFuture<'_, Result<(), TaskError>> {
        Box::pin(async move {
            if self.spec.client.prewarm && self.spec.client.keep_alive {
                self.nonblocking.prewarm(connections).await.map_err(TaskError::from)?;
            }
            Ok(())
        })
    }

    fn run_async(&self, task: usize) -> BoxFuture<'_, Result<TaskOutcome, TaskError>> {
        Box::pin(async move {
            let half = self.spec.client.interp_cost / 2;
            burn_cpu(half, &TaskCx::FREE);
            let mut attempt = 0;
            let result = loop {
                let r = settle(self.get_async(task, attempt).await, &self.spec.client.ok_status, attempt);
                match r.as_ref().err().and_then(|e| retry_wait(&self.spec.client, task, attempt, e)) {
                    Some(wait) => tokio::time::sleep(wait).await,
                    None => break r,
                }
                attempt += 1;
            };
            burn_cpu(self.spec.client.interp_cost - half, &TaskCx::FREE);
            result
        })
    }
}
