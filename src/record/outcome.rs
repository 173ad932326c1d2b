//! What a task left behind: success with its value, or a failure of a kind a report counts.
//! Every model and both HTTP clients speak these; the recorder counts them.

use std::fmt;

/// What a successful task yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskOutcome {
    /// A figure every model must agree on when summed (body bytes for I/O).
    pub value: u64,
    /// Tries it took (1: first try).
    pub attempts: u32,
}

impl TaskOutcome {
    /// Succeeded at the first try.
    pub fn new(value: u64) -> Self {
        TaskOutcome { value, attempts: 1 }
    }
}

/// Why a task failed, as a kind a report can count.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ErrorKind {
    /// No answer within the per-request (or connect) timeout.
    Timeout,
    /// The connection could not be made (refused, unreachable, DNS).
    Connect,
    /// The connection broke while the request or response was under way.
    Reset,
    /// The final answer's status is not one that counts as success (`--ok-status`, 2xx by
    /// default): a 4xx or 5xx, and also a 101 or a 3xx unless listed.
    Status(u16),
    /// The response body breaks its framing (a bad chunk).
    Body,
    /// The response head is not valid HTTP/1.1: malformed or over the size limit, a duplicate or
    /// bad Content-Length, garbage instead of an answer.
    Protocol,
    /// Anything else (TLS).
    Other,
    /// The user's Python task raised this exception type (`ValueError`, `mymodule.Oops`).
    Exception(String),
    /// An open model's request due while its queue was full (`--max-queue`): never sent.
    Dropped,
}

/// How an [`ErrorKind::Exception`] is written: `exception:ValueError`.
const EXCEPTION_PREFIX: &str = "exception:";

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Timeout => f.write_str("timeout"),
            ErrorKind::Connect => f.write_str("connect"),
            ErrorKind::Reset => f.write_str("reset"),
            ErrorKind::Status(code) => write!(f, "http_{code}"),
            ErrorKind::Body => f.write_str("body"),
            ErrorKind::Protocol => f.write_str("protocol"),
            ErrorKind::Other => f.write_str("other"),
            ErrorKind::Dropped => f.write_str("dropped"),
            ErrorKind::Exception(name) => write!(f, "{EXCEPTION_PREFIX}{name}"),
        }
    }
}

impl std::str::FromStr for ErrorKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "timeout" => ErrorKind::Timeout,
            "connect" => ErrorKind::Connect,
            "reset" => ErrorKind::Reset,
            "body" => ErrorKind::Body,
            "protocol" => ErrorKind::Protocol,
            "other" => ErrorKind::Other,
            "dropped" => ErrorKind::Dropped,
            _ => match (s.strip_prefix("http_").and_then(|c| c.parse().ok()), s.strip_prefix(EXCEPTION_PREFIX)) {
                (Some(code), _) => ErrorKind::Status(code),
                (None, Some(name)) if !name.is_empty() => ErrorKind::Exception(name.to_string()),
                _ => return Err(format!("unknown error kind '{s}'")),
            },
        })
    }
}

/// A failed task: its kind, and the message of the error behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskError {
    pub kind: ErrorKind,
    pub message: String,
    /// Tries it took before giving up.
    pub attempts: u32,
    /// How long the server asked to wait before trying again (Retry-After).
    pub retry_after: Option<std::time::Duration>,
}

impl TaskError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        TaskError { kind, message: message.into(), attempts: 1, retry_after: None }
    }

    /// Whether trying again may help: timeouts, broken or refused connections, 429 and 5xx.
    pub fn retryable(&self) -> bool {
        match self.kind {
            ErrorKind::Timeout | ErrorKind::Connect | ErrorKind::Reset | ErrorKind::Body => true,
            ErrorKind::Status(code) => code == 429 || code >= 500,
            ErrorKind::Protocol | ErrorKind::Other | ErrorKind::Exception(_) | ErrorKind::Dropped => false,
        }
    }
}
