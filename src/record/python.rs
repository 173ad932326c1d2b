//! The CPython side as the records state it: each interpreter a run used (for the environment
//! block and, in short, on every py cell), the py models' settings, what a py run reports about
//! itself beyond the shared figures, and the user's own task (`concbench task`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// An interpreter as the environment block records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interpreter {
    /// As given with `--python`.
    #[serde(default)]
    pub path: String,
    /// Its real path (`sys.executable` of the base interpreter).
    pub executable: String,
    /// `cpython`.
    pub implementation: String,
    /// `3.13.5`.
    pub version: String,
    /// The version with `t` for a free-threaded build: `3.13.5t`.
    pub tag: String,
    /// `SOABI`, e.g. `cpython-313t-x86_64-linux-gnu`.
    pub abi: String,
    /// Built with `--disable-gil`.
    pub free_threaded_build: bool,
    /// `sys._is_gil_enabled()` (true where it does not exist), read after the driver's imports: a
    /// free-threaded build turns the GIL back on when it loads an extension not declared safe.
    pub gil_enabled: bool,
    /// `multiprocessing`'s start method (`fork`, `spawn`, `forkserver`), which py-processes uses.
    pub start_method: String,
    /// `platform.python_build()` and `python_compiler()`.
    pub build: String,
    pub compiler: String,
    /// The private environment (aiohttp, requests) the I/O models ran in, when one was needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venv: Option<String>,
    /// Versions of the HTTP clients imported (`aiohttp`, `requests`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub clients: BTreeMap<String, String>,
    /// What tracemalloc costs there: an allocation-heavy loop's time traced over untraced
    /// (measured once, when its driver started).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracemalloc_slowdown: Option<f64>,
}

impl Interpreter {
    /// In short, as every py cell carries it.
    pub fn short(&self) -> CellInterpreter {
        CellInterpreter { path: self.path.clone(), version: self.tag.clone(), gil: self.gil_enabled }
    }
}

/// The interpreter a py cell ran in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CellInterpreter {
    pub path: String,
    /// `3.11.7`, or `3.13.5t` for a free-threaded build.
    pub version: String,
    /// Whether the GIL was on.
    pub gil: bool,
}

impl CellInterpreter {
    /// `3.13.5t, no GIL`.
    pub fn label(&self) -> String {
        format!("{}, {}", self.version, if self.gil { "GIL" } else { "no GIL" })
    }
}

/// How the py models of an experiment ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PySettings {
    /// The interpreters, in `--python` order: every py model runs once in each.
    pub interpreters: Vec<CellInterpreter>,
    /// `tracemalloc` traced the driver's heap (the heap columns; `--py-tracemalloc off` for clean
    /// timings).
    pub tracemalloc: bool,
    /// What the clients' timeouts bound (they differ from the Rust clients').
    pub timeouts: String,
    /// Models left out, each with why (a flavour the task lacks, an interpreter missing in
    /// `suite`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<Skipped>,
}

/// A model (or a section's py rows) not run, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub model: String,
    pub reason: String,
}

/// What `--timeout` and `--connect-timeout` bound in the Python clients.
pub const PY_TIMEOUTS: &str = "aiohttp: --timeout is ClientTimeout.total (the whole request, connection, \
headers and body), --connect-timeout its sock_connect; requests: --connect-timeout bounds connecting, \
--timeout each wait for bytes from the server (not the whole request)";

/// What a py run reports about itself, beyond the figures every model has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PyRunFacts {
    /// `sys._is_gil_enabled()` at the end of the run (a task's imports may have turned it on).
    pub gil_enabled: bool,
    pub tracemalloc: bool,
    /// py-processes: the pool's start method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_method: Option<String>,
    /// CPU of the waited-for children (py-processes' workers, once the pool is joined), exact.
    pub children_cpu_user_ns: u64,
    pub children_cpu_sys_ns: u64,
    /// Wall time of the run as concbench saw it from outside (command sent to figures received).
    pub parent_wall_ns: u64,
    /// py-async: aiohttp's connector limit (0: unlimited).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_limit: Option<usize>,
}

/// The user's own Python task (`concbench task`): what each task id calls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PyTaskSettings {
    /// The plain function (`FILE.py:func` or `module:func`), for py-sequential, py-threads and
    /// py-processes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_task: Option<String>,
    /// The `async def` one, for py-async (and, awaited one after another, py-sequential when
    /// there is no plain one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub async_task: Option<String>,
    /// Each call's bound (`--task-timeout`).
    #[serde(rename = "task_timeout_ms", with = "crate::units::serde_ms_opt", default)]
    pub task_timeout: Option<std::time::Duration>,
}
