//! Execution models: ways to run a workload's tasks. One file per model, one [`ModelKind`]
//! variant each, one match arm in [`ModelSpec::build`].
//!
//! Every model is written `NAME[:N]` on the command line; N is its concurrency (threads in a
//! pool, the async in-flight limit).

pub mod gil;
pub mod gil_threads;
pub mod process_pool;
pub mod rayon_pool;
pub mod sequential;
pub mod thread_pool;
pub mod tokio_async;

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::measure::{Meter, Recorder};
use crate::workload::Workload;

/// The kinds of execution model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelKind {
    /// One task after another on one thread, blocking client.
    Sequential,
    /// A fixed pool of N OS threads pulling tasks from a shared counter, blocking client.
    Threads,
    /// tokio, one event loop on one thread (the analogue of one asyncio loop).
    Async,
    /// tokio's multi-thread runtime (one worker per core).
    AsyncMt,
    /// N child processes of this binary, fed tasks one at a time over pipes.
    Processes,
    /// N OS threads bound by an emulated interpreter lock (what a GIL does).
    GilThreads,
    /// rayon's work-stealing pool of N threads.
    Rayon,
}

impl ModelKind {
    pub const ALL: [ModelKind; 7] = [
        ModelKind::Sequential,
        ModelKind::Threads,
        ModelKind::Async,
        ModelKind::AsyncMt,
        ModelKind::Processes,
        ModelKind::GilThreads,
        ModelKind::Rayon,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Sequential => "sequential",
            ModelKind::Threads => "threads",
            ModelKind::Async => "async",
            ModelKind::AsyncMt => "async-mt",
            ModelKind::Processes => "processes",
            ModelKind::GilThreads => "gil-threads",
            ModelKind::Rayon => "rayon",
        }
    }

    /// Whether N is a pool size that `--workers` fills in (rather than an optional limit).
    pub fn takes_workers(self) -> bool {
        matches!(self, ModelKind::Threads | ModelKind::Processes | ModelKind::GilThreads | ModelKind::Rayon)
    }

    /// Whether the model runs tasks on OS threads of this process (and so is bounded by the
    /// system's thread limit).
    pub fn uses_threads(self) -> bool {
        matches!(self, ModelKind::Threads | ModelKind::GilThreads | ModelKind::Rayon)
    }

    pub fn is_async(self) -> bool {
        matches!(self, ModelKind::Async | ModelKind::AsyncMt)
    }
}

/// A model as written on the command line: `threads:50`, `async`, `async:100`, `sequential`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct ModelSpec {
    pub kind: ModelKind,
    /// Concurrency: pool size for `threads`, in-flight limit for `async` (none: unlimited).
    pub n: Option<usize>,
}

pub const MODEL_HELP: &str =
    "sequential, threads[:N], async[:N], async-mt[:N], processes[:N], gil-threads[:N], rayon[:N]";

/// What building a model may need beyond its spec.
#[derive(Debug, Clone)]
pub struct ModelEnv {
    /// The program a `processes` pool starts as workers (`concbench worker`); this program when
    /// `None`.
    pub worker_exe: Option<PathBuf>,
    /// The interpreter lock's switch interval for `gil-threads`.
    pub switch_interval: Duration,
}

impl Default for ModelEnv {
    fn default() -> Self {
        ModelEnv { worker_exe: None, switch_interval: gil::DEFAULT_SWITCH_INTERVAL }
    }
}

/// Most concurrency any model accepts (threads are further bounded by the OS, checked in `plan`).
pub const MAX_CONCURRENCY: usize = 1_000_000;

impl ModelSpec {
    pub fn new(kind: ModelKind, n: Option<usize>) -> Self {
        ModelSpec { kind, n }
    }

    /// Fills N from `--workers` for models that need a pool size and were named without one.
    pub fn with_default_workers(self, workers: usize) -> Self {
        match self.n {
            None if self.kind.takes_workers() => ModelSpec { n: Some(workers), ..self },
            _ => self,
        }
    }

    /// Tasks this model runs at once when given `tasks` of them.
    pub fn concurrency(&self, tasks: usize) -> usize {
        match self.kind {
            ModelKind::Sequential => 1,
            _ => self.n.unwrap_or(tasks).min(tasks).max(1),
        }
    }

    /// Builds the model.
    pub fn build(&self, env: &ModelEnv) -> Box<dyn Model> {
        let n = self.n.unwrap_or(1);
        match self.kind {
            ModelKind::Sequential => Box::new(sequential::Sequential),
            ModelKind::Threads => Box::new(thread_pool::ThreadPool { threads: n }),
            ModelKind::Async => Box::new(tokio_async::TokioAsync { multi_thread: false, limit: self.n }),
            ModelKind::AsyncMt => Box::new(tokio_async::TokioAsync { multi_thread: true, limit: self.n }),
            ModelKind::Processes => Box::new(process_pool::ProcessPool { processes: n, exe: env.worker_exe.clone() }),
            ModelKind::GilThreads => {
                Box::new(gil_threads::GilThreads { threads: n, switch_interval: env.switch_interval })
            }
            ModelKind::Rayon => Box::new(rayon_pool::Rayon { threads: n }),
        }
    }
}

impl fmt::Display for ModelSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.n {
            Some(n) if self.kind != ModelKind::Sequential => write!(f, "{}:{n}", self.kind.name()),
            _ => f.write_str(self.kind.name()),
        }
    }
}

impl FromStr for ModelKind {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        match name {
            "sync" => Ok(ModelKind::Sequential),
            _ => ModelKind::ALL
                .iter()
                .copied()
                .find(|k| k.name() == name)
                .ok_or_else(|| format!("unknown model '{name}' (accepted: {MODEL_HELP})")),
        }
    }
}

impl FromStr for ModelSpec {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (name, n) = match text.trim().split_once(':') {
            Some((name, n)) => (name.trim(), Some(n.trim())),
            None => (text.trim(), None),
        };
        let kind: ModelKind = name.parse()?;
        let n = match n {
            None => None,
            Some(n) => {
                let v = crate::units::parse_count(n).map_err(|e| format!("model '{text}': {e}"))?;
                if v == 0 {
                    return Err(format!("model '{text}': N must be at least 1"));
                }
                if v > MAX_CONCURRENCY as u64 {
                    return Err(format!("model '{text}': N must be at most {MAX_CONCURRENCY}"));
                }
                Some(v as usize)
            }
        };
        if kind == ModelKind::Sequential && n.is_some_and(|n| n != 1) {
            return Err(format!("model '{text}': sequential runs one task at a time and takes no N"));
        }
        Ok(ModelSpec { kind, n: if kind == ModelKind::Sequential { None } else { n } })
    }
}

impl From<ModelSpec> for String {
    fn from(m: ModelSpec) -> String {
        m.to_string()
    }
}

impl TryFrom<String> for ModelSpec {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

/// One run's work: which tasks of which workload, and where their outcomes go.
pub struct Job {
    pub workload: Arc<dyn Workload>,
    /// The workload as data, for models that rebuild it elsewhere (worker processes).
    pub spec: Option<crate::workload::WorkloadSpec>,
    pub tasks: Range<usize>,
    pub recorder: Arc<Recorder>,
}

/// Facts a model reports about how it ran (beyond the recorder's per-task outcomes).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExecutionFacts {
    /// OS threads the model started for the run (pool workers, runtime workers).
    pub threads_started: usize,
    /// Most tasks the model had under way at once, by its own count.
    pub peak_tasks_in_flight: usize,
    /// Most threads running workload code at the same moment (under a GIL: 1); `None` where
    /// the model cannot count it (tasks spread over a multi-thread async runtime).
    #[serde(default)]
    pub peak_in_workload: Option<usize>,
    /// The interpreter lock's counters (`gil-threads`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gil: Option<gil::GilStats>,
    /// The worker processes' own figures (`processes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processes: Option<process_pool::PoolStats>,
}

/// Counts threads inside workload code at once, and the most ever.
#[derive(Default)]
pub struct Occupancy {
    now: AtomicUsize,
    peak: AtomicUsize,
}

/// Leaves the [`Occupancy`] when dropped.
pub struct Inside<'a>(&'a Occupancy);

impl Occupancy {
    pub fn enter(&self) -> Inside<'_> {
        let now = self.now.fetch_add(1, Relaxed) + 1;
        self.peak.fetch_max(now, Relaxed);
        Inside(self)
    }

    pub fn peak(&self) -> usize {
        self.peak.load(Relaxed)
    }
}

impl Drop for Inside<'_> {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Relaxed);
    }
}

/// One way to execute tasks.
pub trait Model: Send + Sync {
    /// Runs every task of `job`, opening `meter` when the first task may start and stopping it
    /// after the last one finished. An `Err` means the model failed as a whole (it could not
    /// start its threads, say); a failed task is recorded, not returned.
    fn execute(&self, job: &Job, meter: &mut Meter) -> anyhow::Result<ExecutionFacts>;
}

/// Starts `wanted` threads named `{name}-{k}` in a scope, each running `work(k)`, and waits for
/// them all. Returns how many started, or why not all could (those that did have finished).
pub(crate) fn run_threads(wanted: usize, name: &str, work: impl Fn(usize) + Sync) -> anyhow::Result<usize> {
    let (started, spawn_error) = std::thread::scope(|scope| {
        let mut started = 0;
        for k in 0..wanted {
            let work = &work;
            let spawned = std::thread::Builder::new().name(format!("{name}-{k}")).spawn_scoped(scope, move || work(k));
            match spawned {
                Ok(_) => started += 1,
                Err(e) => return (started, Some(e)),
            }
        }
        (started, None)
    });
    match spawn_error {
        Some(e) => anyhow::bail!("could start only {started} of {wanted} threads: {e}"),
        None => Ok(started),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_display() {
        for (text, shown) in [
            ("sequential", "sequential"),
            ("sync", "sequential"),
            ("sequential:1", "sequential"),
            ("threads:50", "threads:50"),
            ("threads", "threads"),
            ("async", "async"),
            ("async:100", "async:100"),
            ("async-mt", "async-mt"),
            ("threads:1k", "threads:1000"),
        ] {
            let m: ModelSpec = text.parse().unwrap();
            assert_eq!(m.to_string(), shown);
            assert_eq!(shown.parse::<ModelSpec>().unwrap(), m);
        }
    }

    #[test]
    fn bad_specs_say_what_is_accepted() {
        for bad in ["", "thread", "threads:0", "threads:-1", "threads:x", "async:", "sequential:4", "threads:99999999"]
        {
            let err = bad.parse::<ModelSpec>().unwrap_err();
            assert!(!err.contains('\n'), "{bad}: {err}");
        }
        assert!("fibers".parse::<ModelSpec>().unwrap_err().contains(MODEL_HELP));
    }

    #[test]
    fn workers_fill_pool_sizes_only() {
        let t: ModelSpec = "threads".parse().unwrap();
        assert_eq!(t.with_default_workers(8).to_string(), "threads:8");
        let a: ModelSpec = "async".parse().unwrap();
        assert_eq!(a.with_default_workers(8).to_string(), "async");
        assert_eq!(a.concurrency(200), 200);
        assert_eq!("async:10".parse::<ModelSpec>().unwrap().concurrency(200), 10);
        assert_eq!("threads:1000".parse::<ModelSpec>().unwrap().concurrency(200), 200);
    }
}
