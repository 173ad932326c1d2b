//! Execution models as the records name them: every kind described once ([`ModelInfo`]), and a
//! model as written on the command line ([`ModelSpec`], `NAME[:N]`). What runs a kind lives in
//! `model`; this is what every layer may know about it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The kinds of execution model. Each is described once, in [`ModelKind::ALL`]'s [`ModelInfo`].
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
    /// CPython: one task after another (`requests`, without a Session unless keep-alive).
    PySequential,
    /// CPython: `concurrent.futures.ThreadPoolExecutor(N)` (`requests`, a Session per thread).
    PyThreads,
    /// CPython: one asyncio event loop, `asyncio.gather` over all tasks (aiohttp); N is the
    /// connector's limit.
    PyAsync,
    /// CPython: `concurrent.futures.ProcessPoolExecutor(N)`.
    PyProcesses,
}

/// What runs a kind's tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runtime {
    /// This program (Rust).
    Rust,
    /// A CPython interpreter, in a child process (`--python`).
    Python,
}

/// What the N of `NAME[:N]` means for a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Concurrency {
    /// One task at a time: no N.
    One,
    /// N is a pool size (threads, processes); `--workers` fills it when omitted.
    Pool,
    /// N is an optional cap on tasks in flight; without it, all tasks at once.
    Limit,
}

/// How many CPU-bound tasks a kind can run at the same moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CpuParallelism {
    /// One (one thread, or one event loop).
    One,
    /// N (its pool), at most the task count. Threads under an interpreter lock count as N: the
    /// lock, not the model, is what keeps them from it, and the report shows that.
    N,
    /// One per core (a runtime sized to the machine).
    Cores,
}

/// A kind of model, described once: every layer asks this rather than matching on kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelInfo {
    pub kind: ModelKind,
    /// As written on the command line.
    pub name: &'static str,
    pub concurrency: Concurrency,
    /// Whether it runs tasks on OS threads of this process (bounded by the system's thread limit).
    pub os_threads: bool,
    /// Whether it runs tasks in child processes (bounded by the process limit).
    pub child_processes: bool,
    /// Whether tasks run as futures on an event loop (the async family).
    pub event_loop: bool,
    pub cpu_parallelism: CpuParallelism,
    /// What runs its tasks.
    pub runtime: Runtime,
    /// The key of its label in the text catalogues (`model-KEY`).
    pub label: &'static str,
    /// Its line for `--help` (after `NAME[:N]`; `\n` continues it, indented).
    pub help: &'static str,
}

impl ModelKind {
    /// Every kind, in the order help texts list them.
    pub const ALL: [ModelInfo; 11] = [
        ModelInfo {
            help: "one request after another (blocking client)",
            ..info(ModelKind::Sequential, "sequential", Concurrency::One, false, CpuParallelism::One)
        },
        ModelInfo {
            help: "a pool of N OS threads (blocking client); N from --workers when omitted",
            ..info(ModelKind::Threads, "threads", Concurrency::Pool, true, CpuParallelism::N)
        },
        ModelInfo {
            event_loop: true,
            help: "tokio, one event loop on one thread; N caps requests in flight (default: all)",
            ..info(ModelKind::Async, "async", Concurrency::Limit, false, CpuParallelism::One)
        },
        ModelInfo {
            event_loop: true,
            help: "tokio's multi-thread runtime, one worker per core",
            ..info(ModelKind::AsyncMt, "async-mt", Concurrency::Limit, true, CpuParallelism::Cores)
        },
        ModelInfo {
            child_processes: true,
            help: "N child processes of this binary, fed tasks over pipes (a blocking client each)",
            ..info(ModelKind::Processes, "processes", Concurrency::Pool, false, CpuParallelism::N)
        },
        ModelInfo {
            help: "N threads bound by an emulated interpreter lock (a GIL); --interp-cost 2ms charges\n\
                   each request the CPU an interpreted client spends, holding the lock",
            ..info(ModelKind::GilThreads, "gil-threads", Concurrency::Pool, true, CpuParallelism::N)
        },
        ModelInfo {
            help: "a rayon work-stealing pool of N threads; N from --workers when omitted",
            ..info(ModelKind::Rayon, "rayon", Concurrency::Pool, true, CpuParallelism::N)
        },
        ModelInfo {
            help: "CPython, one task after another (requests; --sync-sample applies)",
            ..py(ModelKind::PySequential, "py-sequential", Concurrency::One, CpuParallelism::One)
        },
        ModelInfo {
            os_threads: true,
            help: "CPython's ThreadPoolExecutor(N) (requests, a Session per thread with keep-alive)",
            ..py(ModelKind::PyThreads, "py-threads", Concurrency::Pool, CpuParallelism::N)
        },
        ModelInfo {
            event_loop: true,
            help: "CPython, one asyncio loop, asyncio.gather over all tasks (aiohttp); N is the\n\
                   connector's limit (default: none; the source kept aiohttp's 100)",
            ..py(ModelKind::PyAsync, "py-async", Concurrency::Limit, CpuParallelism::One)
        },
        ModelInfo {
            child_processes: true,
            help: "CPython's ProcessPoolExecutor(N), the platform's start method",
            ..py(ModelKind::PyProcesses, "py-processes", Concurrency::Pool, CpuParallelism::N)
        },
    ];

    /// Its description.
    pub fn info(self) -> &'static ModelInfo {
        Self::ALL.iter().find(|i| i.kind == self).expect("every kind is described in ModelKind::ALL")
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// Whether N is a pool size that `--workers` fills in (rather than an optional limit).
    pub fn takes_workers(self) -> bool {
        self.info().concurrency == Concurrency::Pool
    }

    /// Whether the model runs tasks on OS threads of this process.
    pub fn uses_threads(self) -> bool {
        self.info().os_threads
    }

    pub fn is_async(self) -> bool {
        self.info().event_loop
    }

    /// Whether a CPython interpreter runs it (`--python`).
    pub fn is_python(self) -> bool {
        self.info().runtime == Runtime::Python
    }
}

/// A description with the usual defaults: label = name, no child processes, no event loop.
const fn info(
    kind: ModelKind,
    name: &'static str,
    concurrency: Concurrency,
    os_threads: bool,
    cpu_parallelism: CpuParallelism,
) -> ModelInfo {
    ModelInfo {
        kind,
        name,
        concurrency,
        os_threads,
        child_processes: false,
        event_loop: false,
        cpu_parallelism,
        runtime: Runtime::Rust,
        label: name,
        help: "",
    }
}

/// A kind run by CPython in a child interpreter, with [`info`]'s other defaults.
const fn py(kind: ModelKind, name: &'static str, concurrency: Concurrency, cpu: CpuParallelism) -> ModelInfo {
    ModelInfo { runtime: Runtime::Python, ..info(kind, name, concurrency, false, cpu) }
}

/// Every model spec form, for help texts and errors: `sequential, threads[:N], async[:N], ...`.
pub fn model_help() -> String {
    ModelKind::ALL
        .iter()
        .map(|i| if i.concurrency == Concurrency::One { i.name.to_string() } else { format!("{}[:N]", i.name) })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The models for `--help`: each spec form and its line, aligned.
pub fn models_help() -> String {
    let form = |i: &ModelInfo| match i.concurrency {
        Concurrency::One => i.name.to_string(),
        Concurrency::Pool => format!("{}:N", i.name),
        Concurrency::Limit => format!("{}[:N]", i.name),
    };
    let width = ModelKind::ALL.iter().map(|i| form(i).len()).max().unwrap_or(0) + 2;
    let indent = format!("\n{}", " ".repeat(width + 2));
    ModelKind::ALL.iter().map(|i| format!("  {:<width$}{}\n", form(i), i.help.replace('\n', &indent))).collect()
}

/// A model as written on the command line: `threads:50`, `async`, `async:100`, `sequential`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct ModelSpec {
    pub kind: ModelKind,
    /// Concurrency: pool size for `threads`, in-flight limit for `async` (none: unlimited).
    pub n: Option<usize>,
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
        match self.kind.info().concurrency {
            Concurrency::One => 1,
            _ => self.n.unwrap_or(tasks).min(tasks).max(1),
        }
    }

    /// CPU-bound tasks it can run at the same moment on `cores` cores, given `tasks` of them.
    pub fn cpu_parallelism(&self, tasks: usize, cores: usize) -> usize {
        match self.kind.info().cpu_parallelism {
            CpuParallelism::One => 1,
            CpuParallelism::Cores => cores.max(1),
            CpuParallelism::N => self.n.unwrap_or(1).min(tasks).max(1),
        }
    }
}

impl fmt::Display for ModelSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.n {
            Some(n) if self.kind.info().concurrency != Concurrency::One => write!(f, "{}:{n}", self.kind.name()),
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
                .find(|i| i.name == name)
                .map(|i| i.kind)
                .ok_or_else(|| format!("unknown model '{name}' (accepted: {})", model_help())),
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
        let one = kind.info().concurrency == Concurrency::One;
        if one && n.is_some_and(|n| n != 1) {
            return Err(format!("model '{text}': {} runs one task at a time and takes no N", kind.name()));
        }
        Ok(ModelSpec { kind, n: if one { None } else { n } })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_described_once() {
        for (i, info) in ModelKind::ALL.iter().enumerate() {
            assert_eq!(info.kind.info(), info);
            assert!(ModelKind::ALL[..i].iter().all(|o| o.kind != info.kind && o.name != info.name), "{info:?}");
            assert_eq!(info.name.parse::<ModelKind>(), Ok(info.kind));
        }
    }

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
            ("py-threads:50", "py-threads:50"),
            ("py-async", "py-async"),
            ("py-sequential", "py-sequential"),
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
        assert!("fibers".parse::<ModelSpec>().unwrap_err().contains(&model_help()));
        assert_eq!(
            model_help(),
            "sequential, threads[:N], async[:N], async-mt[:N], processes[:N], gil-threads[:N], rayon[:N], \
             py-sequential, py-threads[:N], py-async[:N], py-processes[:N]"
        );
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

    #[test]
    fn cpu_parallelism_follows_the_kind() {
        let p = |s: &str, tasks, cores| s.parse::<ModelSpec>().unwrap().cpu_parallelism(tasks, cores);
        assert_eq!(p("async:50", 100, 2), 1);
        assert_eq!(p("threads:12", 100, 2), 12);
        assert_eq!(p("processes:12", 4, 2), 4);
        assert_eq!(p("async-mt", 100, 2), 2);
        assert_eq!(p("gil-threads:4", 100, 2), 4, "what it was given: the lock is what the report shows");
    }
}
