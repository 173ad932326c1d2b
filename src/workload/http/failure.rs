//! The HTTP client's failures, between its request flow ([`super::Client`]) and the records'
//! [`ErrorKind`]: [`Failure`] says what happened and where, the same in both transports, and
//! [`classify`] is the one function that turns it into the kind a report counts. The resend
//! policy reads it too ([`Failure::stale`]).

use std::fmt;
use std::io;
use std::time::Duration;

use crate::record::{ErrorKind, TaskError};

/// Where in a request something went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Opening the connection (TCP, TLS).
    Connect,
    /// Writing the request.
    Sending,
    /// Waiting for the first byte of the answer.
    Waiting,
    /// Reading the answer's head.
    Head,
    /// Reading its body.
    Body,
}

impl Phase {
    fn during(self) -> &'static str {
        match self {
            Phase::Connect => "connecting",
            Phase::Sending => "sending the request",
            Phase::Waiting => "before any answer",
            Phase::Head => "in the middle of the response head",
            Phase::Body => "in the middle of the body",
        }
    }
}

/// A failed request, as either client saw it.
#[derive(Debug)]
pub enum Failure {
    /// The TCP connection could not be made.
    Connect(io::Error),
    /// The TLS handshake failed.
    Tls(io::Error),
    /// The time allowed ran out: the connect timeout (`Phase::Connect`) or the whole-request one.
    Timeout { phase: Phase, limit: Duration },
    /// Reading or writing failed.
    Io { phase: Phase, error: io::Error },
    /// The server closed the connection.
    Closed(Phase),
    /// The answer's head is not valid HTTP/1.1.
    Protocol(String),
    /// The body breaks its framing.
    Body(String),
    /// A final answer whose status does not count as success (`--ok-status`).
    Status(u16),
}

/// Whether an I/O error is a timer running out (a blocking socket's timeout is `WouldBlock`).
pub fn timed_out(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock)
}

/// Whether an I/O error is the connection breaking under the request.
fn broke(e: &io::Error) -> bool {
    use io::ErrorKind as K;
    matches!(e.kind(), K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof)
}

/// The kind a report counts `failure` as: the same fault gives the same kind in both clients.
pub fn classify(failure: &Failure) -> ErrorKind {
    match failure {
        Failure::Connect(e) | Failure::Tls(e) if timed_out(e) => ErrorKind::Timeout,
        Failure::Connect(_) => ErrorKind::Connect,
        Failure::Tls(_) => ErrorKind::Other,
        Failure::Timeout { .. } => ErrorKind::Timeout,
        Failure::Io { error, .. } if timed_out(error) => ErrorKind::Timeout,
        // rustls reports a corrupt or undecryptable record as invalid data.
        Failure::Io { error, .. } if error.kind() == io::ErrorKind::InvalidData => ErrorKind::Other,
        Failure::Io { .. } | Failure::Closed(_) => ErrorKind::Reset,
        Failure::Protocol(_) => ErrorKind::Protocol,
        Failure::Body(_) => ErrorKind::Body,
        Failure::Status(code) => ErrorKind::Status(*code),
    }
}

impl Failure {
    /// Whether the connection was found closed before any byte of an answer: on a reused idle
    /// connection, the one failure the clients resend (once, on a fresh connection).
    pub fn stale(&self) -> bool {
        match self {
            Failure::Closed(phase) => matches!(phase, Phase::Sending | Phase::Waiting),
            Failure::Io { phase: Phase::Sending | Phase::Waiting, error } => broke(error),
            _ => false,
        }
    }

    /// The failure of an I/O error in `phase`; past the deadline, any error is the timeout.
    pub fn io(phase: Phase, error: io::Error, late: bool, limit: Duration) -> Failure {
        if late || timed_out(&error) { Failure::Timeout { phase, limit } } else { Failure::Io { phase, error } }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Connect(e) => write!(f, "connect: {e}"),
            Failure::Tls(e) => write!(f, "TLS: {e}"),
            Failure::Timeout { phase: Phase::Connect, limit } => write!(f, "connect timed out after {limit:?}"),
            Failure::Timeout { limit, .. } => write!(f, "no complete answer within {limit:?}"),
            Failure::Io { phase, error } => write!(f, "connection broke {}: {error}", phase.during()),
            Failure::Closed(phase) => write!(f, "connection closed {}", phase.during()),
            Failure::Protocol(e) => write!(f, "not HTTP/1.1: {e}"),
            Failure::Body(e) => write!(f, "bad body: {e}"),
            Failure::Status(code) => write!(f, "HTTP status {code}"),
        }
    }
}

impl From<Failure> for TaskError {
    fn from(f: Failure) -> TaskError {
        TaskError::new(classify(&f), f.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failure_has_one_kind() {
        let e = |kind: io::ErrorKind| io::Error::from(kind);
        let limit = Duration::from_secs(1);
        use io::ErrorKind as K;
        let table: Vec<(Failure, &str, bool)> = vec![
            (Failure::Connect(e(K::ConnectionRefused)), "connect", false),
            (Failure::Connect(e(K::HostUnreachable)), "connect", false),
            (Failure::Connect(e(K::TimedOut)), "timeout", false),
            (Failure::Tls(e(K::InvalidData)), "other", false),
            (Failure::Tls(e(K::WouldBlock)), "timeout", false),
            (Failure::Timeout { phase: Phase::Connect, limit }, "timeout", false),
            (Failure::Timeout { phase: Phase::Waiting, limit }, "timeout", false),
            (Failure::Timeout { phase: Phase::Body, limit }, "timeout", false),
            (Failure::Io { phase: Phase::Sending, error: e(K::BrokenPipe) }, "reset", true),
            (Failure::Io { phase: Phase::Waiting, error: e(K::ConnectionReset) }, "reset", true),
            (Failure::Io { phase: Phase::Waiting, error: e(K::UnexpectedEof) }, "reset", true),
            (Failure::Io { phase: Phase::Waiting, error: e(K::WouldBlock) }, "timeout", false),
            (Failure::Io { phase: Phase::Head, error: e(K::ConnectionReset) }, "reset", false),
            (Failure::Io { phase: Phase::Body, error: e(K::ConnectionReset) }, "reset", false),
            (Failure::Io { phase: Phase::Body, error: e(K::TimedOut) }, "timeout", false),
            (Failure::Io { phase: Phase::Body, error: e(K::InvalidData) }, "other", false),
            (Failure::Io { phase: Phase::Body, error: e(K::Other) }, "reset", false),
            (Failure::Closed(Phase::Sending), "reset", true),
            (Failure::Closed(Phase::Waiting), "reset", true),
            (Failure::Closed(Phase::Head), "reset", false),
            (Failure::Closed(Phase::Body), "reset", false),
            (Failure::Protocol("more than one Content-Length".into()), "protocol", false),
            (Failure::Body("bad chunk size line".into()), "body", false),
            (Failure::Status(503), "http_503", false),
            (Failure::Status(302), "http_302", false),
            (Failure::Status(101), "http_101", false),
        ];
        for (failure, kind, stale) in &table {
            assert_eq!(classify(failure).to_string(), *kind, "{failure:?}");
            assert_eq!(failure.stale(), *stale, "{failure:?}");
            assert!(!failure.to_string().contains('\n'));
        }
        assert!(matches!(Failure::io(Phase::Body, e(K::Other), true, limit), Failure::Timeout { .. }));
        let task: TaskError = Failure::Closed(Phase::Body).into();
        assert_eq!(
            (task.kind, task.message.as_str()),
            (ErrorKind::Reset, "connection closed in the middle of the body")
        );
    }
}
