//! Workloads: what a model executes `n` times (task ids `0..n`). Built from a serialisable
//! [`WorkloadSpec`], so a worker process can rebuild the very same workload.

pub mod io;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use io::{IoSpec, UrlTemplate};

/// A boxed, sendable future borrowing the workload.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a successful task yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskOutcome {
    /// A figure every model must agree on when summed (body bytes for I/O).
    pub value: u64,
}

/// Why a task failed, as a kind a report can count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ErrorKind {
    /// No answer within the per-request (or connect) timeout.
    Timeout,
    /// The connection could not be made (refused, unreachable, DNS).
    Connect,
    /// The connection broke while the request or response was under way.
    Reset,
    /// The server answered with an error status (4xx or 5xx).
    Status(u16),
    /// The response body could not be read.
    Body,
    /// Anything else (TLS, protocol).
    Other,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Timeout => f.write_str("timeout"),
            ErrorKind::Connect => f.write_str("connect"),
            ErrorKind::Reset => f.write_str("reset"),
            ErrorKind::Status(code) => write!(f, "http_{code}"),
            ErrorKind::Body => f.write_str("body"),
            ErrorKind::Other => f.write_str("other"),
        }
    }
}

/// A failed task: its kind, and the message of the error behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskError {
    pub kind: ErrorKind,
    pub message: String,
}

impl TaskError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        TaskError { kind, message: message.into() }
    }
}

/// A unit of work that a model executes `n` times.
pub trait Workload: Send + Sync {
    /// Runs task `task` on the calling thread, blocking it until done.
    fn run_blocking(&self, task: usize) -> Result<TaskOutcome, TaskError>;
    /// Runs task `task` as a future on the caller's async runtime.
    fn run_async(&self, task: usize) -> BoxFuture<'_, Result<TaskOutcome, TaskError>>;
}

/// What a workload is, as data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WorkloadSpec {
    /// HTTP GET requests to a URL template.
    Io(IoSpec),
}

impl WorkloadSpec {
    /// Builds a fresh workload (fresh clients, empty connection pools) for a model that runs up to
    /// `concurrency` tasks at once.
    pub fn build(&self, concurrency: usize) -> anyhow::Result<Arc<dyn Workload>> {
        match self {
            WorkloadSpec::Io(spec) => Ok(Arc::new(io::IoWorkload::new(spec, concurrency)?)),
        }
    }
}
