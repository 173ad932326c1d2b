//! The I/O-bound workload: task `i` is one HTTP GET of the URL template with `{i}` replaced by `i`.
//!
//! Blocking models use `ureq` (one shared agent, a connection pool sized to the model's
//! concurrency); async models use concbench's own HTTP/1.1 client ([`super::client`]: requests
//! written straight to the socket, responses parsed with `httparse`). Both speak HTTP/1.1, use
//! rustls with the same crypto provider (ring) and the platform's trust store, ignore proxy
//! variables, do not follow redirects (a 3xx is an answer), retry only when told to, and read the
//! whole body. Status 4xx/5xx counts as a failure.

use std::io::Read;
use std::sync::Once;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::url::{Header, UrlTemplate};
use super::{BoxFuture, TaskCx, Workload, burn_cpu, client};
use crate::record::ClientConfig;
use crate::record::{ErrorKind, TaskError, TaskOutcome};

/// Input buffer per blocking-client connection (ureq's default is 128 KiB: it would dominate the
/// heap figures of a thread pool, so it is set here and reported).
pub const BLOCKING_INPUT_BUFFER_BYTES: usize = 16 * 1024;
/// Output buffer per blocking-client connection (ureq's default is 128 KiB).
pub const BLOCKING_OUTPUT_BUFFER_BYTES: usize = 8 * 1024;

/// The User-Agent every client sends (unless a header given replaces it).
pub const USER_AGENT: &str = concat!("concbench/", env!("CARGO_PKG_VERSION"));

/// The I/O workload, as data: where to send, the extra headers, and how the clients behave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IoSpec {
    pub url: UrlTemplate,
    #[serde(default)]
    pub headers: Vec<Header>,
    #[serde(flatten)]
    pub client: ClientConfig,
}

/// The blocking client, as the report names it.
pub const BLOCKING_CLIENT: &str = "ureq 3 (blocking)";
/// The async client, as the report names it.
pub const ASYNC_CLIENT: &str = "concbench's HTTP/1.1 client (tokio + httparse)";

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

/// One crypto provider (ring) for both clients, installed once per process.
fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Fails only if another provider was installed first, which is then used by both clients.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// The I/O workload with its two clients built.
pub struct IoWorkload {
    spec: IoSpec,
    agent: ureq::Agent,
    client: client::HttpClient,
}

impl IoWorkload {
    pub fn new(spec: &IoSpec, concurrency: usize) -> anyhow::Result<Self> {
        install_crypto_provider();
        let idle = if spec.client.keep_alive { concurrency.max(1) } else { 0 };
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(None)
            .user_agent(USER_AGENT)
            .timeout_global(Some(spec.client.timeout))
            .timeout_connect(Some(spec.client.connect_timeout))
            .max_idle_connections(idle)
            .max_idle_connections_per_host(idle)
            .input_buffer_size(BLOCKING_INPUT_BUFFER_BYTES)
            .output_buffer_size(BLOCKING_OUTPUT_BUFFER_BYTES)
            .max_response_header_size(BLOCKING_INPUT_BUFFER_BYTES)
            .tls_config(ureq::tls::TlsConfig::builder().root_certs(ureq::tls::RootCerts::PlatformVerifier).build())
            .build()
            .new_agent();

        // A header the user gives replaces the default of the same name (ureq does the same).
        let mut headers = Vec::with_capacity(spec.headers.len() + 1);
        if !spec.headers.iter().any(|h| h.name.eq_ignore_ascii_case("user-agent")) {
            headers.push(("User-Agent".to_string(), USER_AGENT.to_string()));
        }
        headers.extend(spec.headers.iter().map(|h| (h.name.clone(), h.value.clone())));
        let client = client::HttpClient::new(
            spec.url.origin(),
            &headers,
            spec.client.keep_alive,
            spec.client.timeout,
            spec.client.connect_timeout,
        )
        .context("building the async HTTP client")?;
        Ok(IoWorkload { spec: spec.clone(), agent, client })
    }
}

impl IoWorkload {
    /// The blocking request itself: send, read the whole body.
    ///
    /// With keep-alive, a request the connection's close cut off before any answer (a server
    /// closing an idle connection just as the pool hands it out: ureq does not recover from that
    /// race) is sent once more, on a fresh connection, as the async client does; it is not a
    /// retry of the request, which never reached the server's application. Both sends share one
    /// `--timeout`: the second gets only the time the first left.
    fn get_blocking(&self, task: usize, attempt: u32) -> Result<(u16, u64, Option<Duration>), TaskError> {
        let url = self.spec.url.render(task);
        let t0 = Instant::now();
        let send = |timeout: Option<Duration>| {
            let mut request = self.agent.get(&url).header(super::url::ATTEMPT_HEADER, attempt.to_string());
            for h in &self.spec.headers {
                request = request.header(&h.name, &h.value);
            }
            if !self.spec.client.keep_alive {
                request = request.header("connection", "close");
            }
            match timeout {
                Some(left) => request.config().timeout_global(Some(left)).build().call(),
                None => request.call(),
            }
        };
        let mut response = match send(None) {
            Err(ureq::Error::Io(e)) if self.spec.client.keep_alive && closed_before_answer(&e) => {
                let left = self.spec.client.timeout.saturating_sub(t0.elapsed());
                if left.is_zero() {
                    return Err(TaskError::new(
                        ErrorKind::Timeout,
                        format!("no answer within {:?}", self.spec.client.timeout),
                    ));
                }
                send(Some(left))
            }
            r => r,
        }
        .map_err(classify_ureq)?;
        let status = response.status().as_u16();
        let after = response.headers().get("retry-after").and_then(|v| client::retry_after(v.as_bytes()));
        let mut reader = response.body_mut().as_reader();
        let bytes = std::io::copy(&mut reader, &mut std::io::sink())
            .map_err(|e| TaskError::new(classify_io(&e).unwrap_or(ErrorKind::Body), e.to_string()))?;
        Ok((status, bytes, after))
    }

    /// The async request itself.
    async fn get_async(&self, task: usize, attempt: u32) -> Result<(u16, u64, Option<Duration>), TaskError> {
        self.client.get(&self.spec.url, task, attempt).await
    }
}

/// A try's result as a task's outcome, with the try count.
fn settle(r: Result<(u16, u64, Option<Duration>), TaskError>, attempt: u32) -> Result<TaskOutcome, TaskError> {
    let mut r = r.and_then(|(status, bytes, after)| {
        status_outcome(status, bytes).map_err(|e| TaskError { retry_after: after, ..e })
    });
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
            let r = settle(cx.blocking(|| self.get_blocking(task, attempt)), attempt);
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
                self.client.prewarm(connections).await?;
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
                let r = settle(self.get_async(task, attempt).await, attempt);
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

fn status_outcome(status: u16, bytes: u64) -> Result<TaskOutcome, TaskError> {
    if status >= 400 {
        Err(TaskError::new(ErrorKind::Status(status), format!("HTTP status {status}")))
    } else {
        Ok(TaskOutcome::new(bytes))
    }
}

pub(crate) fn classify_io(e: &std::io::Error) -> Option<ErrorKind> {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::TimedOut | K::WouldBlock => Some(ErrorKind::Timeout),
        K::ConnectionRefused | K::AddrNotAvailable | K::HostUnreachable | K::NetworkUnreachable => {
            Some(ErrorKind::Connect)
        }
        K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof => Some(ErrorKind::Reset),
        _ => None,
    }
}

/// Whether a request failed because its connection closed before the answer began.
fn closed_before_answer(e: &std::io::Error) -> bool {
    use std::io::ErrorKind as K;
    matches!(e.kind(), K::UnexpectedEof | K::ConnectionReset | K::BrokenPipe)
}

fn classify_ureq(e: ureq::Error) -> TaskError {
    let kind = match &e {
        ureq::Error::Timeout(_) => ErrorKind::Timeout,
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => ErrorKind::Connect,
        ureq::Error::Io(io) => classify_io(io).unwrap_or(ErrorKind::Other),
        _ => ErrorKind::Other,
    };
    TaskError::new(kind, e.to_string())
}

impl IoWorkload {
    /// One request to `url` outside any measurement, to check that the target answers before a
    /// run starts. Returns the status.
    pub fn preflight(&self, url: &str) -> Result<u16, TaskError> {
        let mut request = self.agent.get(url);
        for h in &self.spec.headers {
            request = request.header(&h.name, &h.value);
        }
        let mut response = request.call().map_err(classify_ureq)?;
        let status = response.status().as_u16();
        let mut sink = Vec::new();
        let _ = response.body_mut().as_reader().take(1 << 20).read_to_end(&mut sink);
        Ok(status)
    }
}
