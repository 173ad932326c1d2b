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

use super::{BoxFuture, ErrorKind, TaskCx, TaskError, TaskOutcome, Workload, burn_cpu, client};

/// Input buffer per blocking-client connection (ureq's default is 128 KiB: it would dominate the
/// heap figures of a thread pool, so it is set here and reported).
pub const BLOCKING_INPUT_BUFFER_BYTES: usize = 16 * 1024;
/// Output buffer per blocking-client connection (ureq's default is 128 KiB).
pub const BLOCKING_OUTPUT_BUFFER_BYTES: usize = 8 * 1024;

const USER_AGENT: &str = concat!("concbench/", env!("CARGO_PKG_VERSION"));

const PLACEHOLDER: &str = "{i}";

/// A URL with an optional `{i}` placeholder for the task index, in its path or query.
///
/// It is kept split: the origin part (`scheme://authority`, the same for every task) and the
/// path-and-query split at each `{i}`, so rendering a task's request target is one pass with no
/// search, written straight into the buffer that needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct UrlTemplate {
    /// As written (trimmed).
    text: String,
    /// `scheme://authority`.
    origin_len: usize,
    /// The path and query (origin-form, from `/`; no fragment), split at each `{i}`.
    path: Vec<String>,
}

impl UrlTemplate {
    /// Checks that the template renders to an absolute `http` or `https` URL with a host, and
    /// that `{i}` is in its path or query (every request goes to the same origin).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let after_scheme = text.find("://").map_or(0, |p| p + 3);
        let origin_len = text[after_scheme..].find(['/', '?', '#']).map_or(text.len(), |p| after_scheme + p);
        let (path, fragment) = text[origin_len..].split_once('#').unwrap_or((&text[origin_len..], ""));
        if text[..origin_len].contains(PLACEHOLDER) || fragment.contains(PLACEHOLDER) {
            return Err(format!("'{text}': {{i}} may only appear in the path or query"));
        }
        let path = if path.starts_with('/') { path.to_string() } else { format!("/{path}") };
        let template = UrlTemplate {
            text: text.to_string(),
            origin_len,
            path: path.split(PLACEHOLDER).map(str::to_string).collect(),
        };
        let url = url::Url::parse(&template.render(0))
            .map_err(|e| format!("'{text}' is not a URL ({e}); write e.g. http://host:8080/items/{{i}}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("'{text}': scheme '{}' is not supported (use http or https)", url.scheme()));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(format!("'{text}' has no host"));
        }
        Ok(template)
    }

    /// Writes the path and query of task `i` (origin-form: `/items/7?x=1`) to `out`.
    pub fn write_path(&self, i: usize, out: &mut Vec<u8>) {
        use std::io::Write as _;
        for (n, piece) in self.path.iter().enumerate() {
            if n > 0 {
                let _ = write!(out, "{i}");
            }
            out.extend_from_slice(piece.as_bytes());
        }
    }

    /// Bytes the path and query of any task take, at most.
    pub fn path_len_max(&self) -> usize {
        self.path.iter().map(String::len).sum::<usize>() + 20 * (self.path.len() - 1)
    }

    /// The URL of task `i` (without the fragment, which no request carries).
    pub fn render(&self, i: usize) -> String {
        let mut out = Vec::with_capacity(self.origin_len + self.path_len_max());
        out.extend_from_slice(&self.text.as_bytes()[..self.origin_len]);
        self.write_path(i, &mut out);
        String::from_utf8(out).expect("pieces of a str joined by digits")
    }

    /// The path and query of task `i` (origin-form: `/items/7?x=1`).
    #[cfg(test)]
    pub fn render_path(&self, i: usize) -> String {
        let mut out = Vec::with_capacity(self.path_len_max());
        self.write_path(i, &mut out);
        String::from_utf8(out).expect("pieces of a str joined by digits")
    }

    /// Scheme, host and port, shared by every task.
    pub fn origin(&self) -> client::Origin {
        let url = url::Url::parse(&self.render(0)).expect("checked by parse");
        client::Origin {
            https: url.scheme() == "https",
            host: url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']').to_string(),
            port: url.port_or_known_default().unwrap_or(80),
        }
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
        hyper::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("'{name}' is not a valid header name"))?;
        hyper::header::HeaderValue::from_str(value)
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
    /// Async models open their connections before the measured window, so it measures
    /// requests on open connections rather than connection set-up.
    #[serde(default)]
    pub prewarm: bool,
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
    client: client::HttpClient,
}

impl IoWorkload {
    pub fn new(spec: &IoSpec, concurrency: usize) -> anyhow::Result<Self> {
        install_crypto_provider();
        let idle = if spec.keep_alive { concurrency.max(1) } else { 0 };
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
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

        // A header the user gives replaces the default of the same name (ureq does the same).
        let mut headers = Vec::with_capacity(spec.headers.len() + 1);
        if !spec.headers.iter().any(|h| h.name.eq_ignore_ascii_case("user-agent")) {
            headers.push(("User-Agent".to_string(), USER_AGENT.to_string()));
        }
        headers.extend(spec.headers.iter().map(|h| (h.name.clone(), h.value.clone())));
        let client =
            client::HttpClient::new(spec.url.origin(), &headers, spec.keep_alive, spec.timeout, spec.connect_timeout)
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
            let mut request = self.agent.get(&url).header(crate::server::ATTEMPT_HEADER, attempt.to_string());
            for h in &self.spec.headers {
                request = request.header(&h.name, &h.value);
            }
            if !self.spec.keep_alive {
                request = request.header("connection", "close");
            }
            match timeout {
                Some(left) => request.config().timeout_global(Some(left)).build().call(),
                None => request.call(),
            }
        };
        let mut response = match send(None) {
            Err(ureq::Error::Io(e)) if self.spec.keep_alive && closed_before_answer(&e) => {
                let left = self.spec.timeout.saturating_sub(t0.elapsed());
                if left.is_zero() {
                    return Err(TaskError::new(
                        ErrorKind::Timeout,
                        format!("no answer within {:?}", self.spec.timeout),
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

    fn prewarm(&self, connections: usize) -> BoxFuture<'_, Result<(), TaskError>> {
        Box::pin(async move {
            if self.spec.prewarm && self.spec.keep_alive {
                self.client.prewarm(connections).await?;
            }
            Ok(())
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_render_the_task_index() {
        let t = UrlTemplate::parse("http://localhost:8080/items/{i}?q={i}").unwrap();
        assert_eq!(t.render(7), "http://localhost:8080/items/7?q=7");
        assert_eq!(t.render_path(7), "/items/7?q=7");
        assert_eq!(UrlTemplate::parse("http://h:1").unwrap().render_path(3), "/");
        assert_eq!(UrlTemplate::parse("http://h:1?x={i}#frag").unwrap().render_path(3), "/?x=3");
        assert_eq!(UrlTemplate::parse("http://h:1?x={i}#frag").unwrap().render(3), "http://h:1/?x=3");
        let v6 = UrlTemplate::parse("http://[::1]:8080/a/{i}/b{i}").unwrap();
        assert_eq!((v6.render(12), v6.render_path(0)), ("http://[::1]:8080/a/12/b12".into(), "/a/0/b0".into()));
        assert_eq!(v6.origin().host, "::1");
        assert!(v6.render_path(usize::MAX).len() <= v6.path_len_max());
        for bad in ["http://shard{i}.example.com/x", "http://h:{i}/x", "http://h/x#{i}"] {
            assert!(UrlTemplate::parse(bad).unwrap_err().contains("path or query"), "{bad}");
        }
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
