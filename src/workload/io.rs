//! The I/O-bound workload: task `i` is one HTTP GET of the URL template with `{i}` replaced by `i`.
//!
//! Blocking models use `ureq` (one shared agent, a connection pool sized to the model's
//! concurrency); async models use `reqwest` (hyper). Both speak HTTP/1.1, use rustls with the same
//! crypto provider (ring), ignore proxy variables, follow redirects, never retry, and read the
//! whole body. Status 4xx/5xx counts as a failure.

use std::io::Read;
use std::sync::Once;
use std::time::Duration;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::{BoxFuture, ErrorKind, TaskCx, TaskError, TaskOutcome, Workload, burn_cpu};

/// Input buffer per blocking-client connection (ureq's default is 128 KiB: it would dominate the
/// heap figures of a thread pool, so it is set here and reported).
pub const BLOCKING_INPUT_BUFFER_BYTES: usize = 16 * 1024;
/// Output buffer per blocking-client connection (ureq's default is 128 KiB).
pub const BLOCKING_OUTPUT_BUFFER_BYTES: usize = 8 * 1024;

const USER_AGENT: &str = concat!("concbench/", env!("CARGO_PKG_VERSION"));

/// A URL with an optional `{i}` placeholder for the task index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct UrlTemplate {
    text: String,
}

impl UrlTemplate {
    /// Checks that the template renders to an absolute `http` or `https` URL with a host.
    pub fn parse(text: &str) -> Result<Self, String> {
        let template = UrlTemplate { text: text.trim().to_string() };
        let sample = template.render(0);
        let url = reqwest::Url::parse(&sample)
            .map_err(|e| format!("'{text}' is not a URL ({e}); write e.g. http://host:8080/items/{{i}}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("'{text}': scheme '{}' is not supported (use http or https)", url.scheme()));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(format!("'{text}' has no host"));
        }
        Ok(template)
    }

    /// The URL of task `i`.
    pub fn render(&self, i: usize) -> String {
        self.text.replace("{i}", &i.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl From<UrlTemplate> for String {
    fn from(t: UrlTemplate) -> String {
        t.text
    }
}

impl TryFrom<String> for UrlTemplate {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        UrlTemplate::parse(&s)
    }
}

/// An HTTP header to send with every request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub name: String,
    pub value: String,
}

impl std::str::FromStr for Header {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (name, value) = s.split_once(':').ok_or_else(|| format!("'{s}' is not a header: write 'Name: value'"))?;
        let (name, value) = (name.trim(), value.trim());
        reqwest::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("'{name}' is not a valid header name"))?;
        reqwest::header::HeaderValue::from_str(value)
            .map_err(|_| format!("the value of header '{name}' has characters HTTP does not allow"))?;
        Ok(Header { name: name.into(), value: value.into() })
    }
}

/// The I/O workload, as data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IoSpec {
    pub url: UrlTemplate,
    #[serde(default)]
    pub headers: Vec<Header>,
    /// Reuse connections (HTTP keep-alive). Off: every request opens and closes its own.
    pub keep_alive: bool,
    /// Whole-request timeout.
    #[serde(rename = "timeout_ms", with = "crate::units::serde_ms")]
    pub timeout: Duration,
    #[serde(rename = "connect_timeout_ms", with = "crate::units::serde_ms")]
    pub connect_timeout: Duration,
    /// CPU time charged to every request, half before sending and half after the answer, the
    /// way an interpreted client spends it building the request and parsing the response
    /// (under `gil-threads` it is spent holding the interpreter lock).
    #[serde(rename = "interp_cost_ms", with = "crate::units::serde_ms", default)]
    pub interp_cost: Duration,
    /// Tries after the first for a retryable failure (timeout, connection, 429, 5xx); 0: none.
    #[serde(default)]
    pub retries: u32,
    /// First backoff before a retry; it doubles each time, with jitter, and a Retry-After from
    /// the server takes its place.
    #[serde(rename = "retry_backoff_ms", with = "crate::units::serde_ms", default)]
    pub retry_backoff: Duration,
}

/// The longest wait between two tries.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);

impl IoSpec {
    /// How long to wait before try `attempt + 1` of `task` after `err`; `None`: give up.
    /// Exponential backoff with "equal jitter" (half fixed, half random, seeded by task and
    /// attempt so a run can be reproduced), or the server's Retry-After when it sent one.
    pub fn retry_wait(&self, task: usize, attempt: u32, err: &TaskError) -> Option<Duration> {
        if attempt >= self.retries || !err.retryable() {
            return None;
        }
        if let Some(after) = err.retry_after {
            return Some(after.min(MAX_BACKOFF));
        }
        let full = self.retry_backoff.saturating_mul(1u32 << attempt.min(20)).min(MAX_BACKOFF);
        let draw = crate::seed::derive(0x5E7_12A7, ((task as u64) << 8) | attempt as u64);
        let jitter = (draw % 1_000_000) as f64 / 1e6;
        Some(full.mul_f64(0.5 + 0.5 * jitter))
    }
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
    client: reqwest::Client,
}

impl IoWorkload {
    pub fn new(spec: &IoSpec, concurrency: usize) -> anyhow::Result<Self> {
        install_crypto_provider();
        let idle = if spec.keep_alive { concurrency.max(1) } else { 0 };
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .user_agent(USER_AGENT)
            .timeout_global(Some(spec.timeout))
            .timeout_connect(Some(spec.connect_timeout))
            .max_idle_connections(idle)
            .max_idle_connections_per_host(idle)
            .input_buffer_size(BLOCKING_INPUT_BUFFER_BYTES)
            .output_buffer_size(BLOCKING_OUTPUT_BUFFER_BYTES)
            .max_response_header_size(BLOCKING_INPUT_BUFFER_BYTES)
            .tls_config(ureq::tls::TlsConfig::builder().root_certs(ureq::tls::RootCerts::PlatformVerifier).build())
            .build()
            .new_agent();

        let mut headers = reqwest::header::HeaderMap::new();
        for h in &spec.headers {
            headers.append(
                reqwest::header::HeaderName::from_bytes(h.name.as_bytes())?,
                reqwest::header::HeaderValue::from_str(&h.value)?,
            );
        }
        if !spec.keep_alive {
            headers.insert(reqwest::header::CONNECTION, reqwest::header::HeaderValue::from_static("close"));
        }
        let client = reqwest::Client::builder()
            .http1_only()
            .no_proxy()
            .retry(reqwest::retry::never())
            .user_agent(USER_AGENT)
            .default_headers(headers)
            .timeout(spec.timeout)
            .connect_timeout(spec.connect_timeout)
            .pool_max_idle_per_host(if spec.keep_alive { usize::MAX } else { 0 })
            .build()
            .context("building the async HTTP client")?;
        Ok(IoWorkload { spec: spec.clone(), agent, client })
    }
}

/// The server's Retry-After, when it is a number of seconds.
fn retry_after(value: Option<&str>) -> Option<Duration> {
    value?.trim().parse::<u64>().ok().map(Duration::from_secs)
}

impl IoWorkload {
    /// The blocking request itself: send, read the whole body.
    fn get_blocking(&self, task: usize, attempt: u32) -> Result<(u16, u64, Option<Duration>), TaskError> {
        let url = self.spec.url.render(task);
        let mut request = self.agent.get(&url).header(crate::server::ATTEMPT_HEADER, attempt.to_string());
        for h in &self.spec.headers {
            request = request.header(&h.name, &h.value);
        }
        if !self.spec.keep_alive {
            request = request.header("connection", "close");
        }
        let mut response = request.call().map_err(classify_ureq)?;
        let status = response.status().as_u16();
        let after = retry_after(response.headers().get("retry-after").and_then(|v| v.to_str().ok()));
        let mut reader = response.body_mut().as_reader();
        let bytes = std::io::copy(&mut reader, &mut std::io::sink())
            .map_err(|e| TaskError::new(classify_io(&e).unwrap_or(ErrorKind::Body), e.to_string()))?;
        Ok((status, bytes, after))
    }

    /// The async request itself.
    async fn get_async(&self, task: usize, attempt: u32) -> Result<(u16, u64, Option<Duration>), TaskError> {
        let url = self.spec.url.render(task);
        let mut response = self
            .client
            .get(url)
            .header(crate::server::ATTEMPT_HEADER, attempt.to_string())
            .send()
            .await
            .map_err(classify_reqwest)?;
        let status = response.status().as_u16();
        let after = retry_after(response.headers().get("retry-after").and_then(|v| v.to_str().ok()));
        let mut bytes = 0u64;
        while let Some(chunk) = response.chunk().await.map_err(classify_reqwest)? {
            bytes += chunk.len() as u64;
        }
        Ok((status, bytes, after))
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
        let half = self.spec.interp_cost / 2;
        burn_cpu(half, cx);
        let mut attempt = 0;
        let result = loop {
            let r = settle(cx.blocking(|| self.get_blocking(task, attempt)), attempt);
            match r.as_ref().err().and_then(|e| self.spec.retry_wait(task, attempt, e)) {
                Some(wait) => cx.blocking(|| std::thread::sleep(wait)),
                None => break r,
            }
            attempt += 1;
        };
        burn_cpu(self.spec.interp_cost - half, cx);
        result
    }

    fn run_async(&self, task: usize) -> BoxFuture<'_, Result<TaskOutcome, TaskError>> {
        Box::pin(async move {
            let half = self.spec.interp_cost / 2;
            burn_cpu(half, &TaskCx::FREE);
            let mut attempt = 0;
            let result = loop {
                let r = settle(self.get_async(task, attempt).await, attempt);
                match r.as_ref().err().and_then(|e| self.spec.retry_wait(task, attempt, e)) {
                    Some(wait) => tokio::time::sleep(wait).await,
                    None => break r,
                }
                attempt += 1;
            };
            burn_cpu(self.spec.interp_cost - half, &TaskCx::FREE);
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

fn classify_io(e: &std::io::Error) -> Option<ErrorKind> {
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

fn classify_ureq(e: ureq::Error) -> TaskError {
    let kind = match &e {
        ureq::Error::Timeout(_) => ErrorKind::Timeout,
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => ErrorKind::Connect,
        ureq::Error::Io(io) => classify_io(io).unwrap_or(ErrorKind::Other),
        _ => ErrorKind::Other,
    };
    TaskError::new(kind, e.to_string())
}

/// The message of an error and all its sources, joined by `: `.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn classify_reqwest(e: reqwest::Error) -> TaskError {
    let io_kind = || {
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            if let Some(io) = s.downcast_ref::<std::io::Error>() {
                return classify_io(io);
            }
            source = s.source();
        }
        None
    };
    let text = chain(&e);
    let kind = if e.is_timeout() {
        ErrorKind::Timeout
    } else if e.is_connect() {
        ErrorKind::Connect
    } else if let Some(kind) = io_kind() {
        kind
    } else if text.contains("connection closed before message completed") || text.contains("IncompleteMessage") {
        ErrorKind::Reset
    } else if e.is_body() || e.is_decode() {
        ErrorKind::Body
    } else {
        ErrorKind::Other
    };
    TaskError::new(kind, text)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_render_the_task_index() {
        let t = UrlTemplate::parse("http://localhost:8080/items/{i}?q={i}").unwrap();
        assert_eq!(t.render(7), "http://localhost:8080/items/7?q=7");
        let fixed = UrlTemplate::parse("https://example.com/x").unwrap();
        assert_eq!(fixed.render(3), "https://example.com/x");
    }

    #[test]
    fn bad_urls_are_refused_with_a_reason() {
        for bad in ["", "localhost:8080", "ftp://host/x", "http://", "/items/{i}", "http:// bad host/"] {
            let err = UrlTemplate::parse(bad).unwrap_err();
            assert!(!err.contains('\n'), "{bad}: {err}");
        }
    }

    #[test]
    fn headers_parse_name_and_value() {
        let h: Header = "X-Api-Key: abc 123".parse().unwrap();
        assert_eq!((h.name.as_str(), h.value.as_str()), ("X-Api-Key", "abc 123"));
        assert!("no colon".parse::<Header>().is_err());
        assert!("bad name: x".parse::<Header>().is_err());
    }
}
