//! The one protocol between concbench and its child processes: one JSON object per line. The
//! parent configures a child with a first line (a worker gets its workload, the embedded API its
//! configuration), then a worker reads task ids and answers each with a result line, and reports
//! its own usage when its input ends. Shared by the `processes` model, the `worker` command, the
//! embedded API's child process and the CPython driver (`python/driver.py`, which speaks it on an
//! inherited descriptor: [`ToDriver`], [`FromDriver`]).

use std::io::{self, BufRead, Write};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::record::{ErrorKind, Interpreter, Kernel, ServerConfig, TaskError, TaskOutcome, WorkerUsage};
use crate::workload::WorkloadSpec;

/// Writes `msg` as one line and flushes.
pub fn send(out: &mut impl Write, msg: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, msg)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Reads one message into `line` (a buffer kept by the caller); `Ok(None)` at the end of input.
pub fn receive<T: DeserializeOwned>(input: &mut impl BufRead, line: &mut String) -> io::Result<Option<T>> {
    line.clear();
    if input.read_line(line)? == 0 {
        return Ok(None);
    }
    serde_json::from_str(line)
        .map(Some)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{e} in {:?}", line.trim_end())))
}

/// The line the parent sends its embedded API (`serve --config-stdin`): how to behave, and the
/// secret its `POST /stats/reset` needs (on stdin, never in argv, where any local user could read
/// it; and never in the report, which records only `config`).
#[derive(Debug, Serialize, Deserialize)]
pub struct ServerInit {
    pub config: ServerConfig,
    pub admin_token: String,
}

/// The first line the parent sends a worker.
#[derive(Debug, Serialize, Deserialize)]
pub struct WorkerInit {
    pub spec: WorkloadSpec,
}

/// What a worker says, one JSON object per line.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FromWorker {
    Ready { pid: u32 },
    Result(TaskReport),
    Done(WorkerUsage),
}

/// A task's result as a worker reports it: everything the parent's recorder counts, so a task run
/// in a worker is counted exactly as one run in the parent (value or error, and the tries it took).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskReport {
    pub task: usize,
    pub value: Option<u64>,
    /// The error's kind (as [`ErrorKind`] displays it) and message.
    pub error: Option<(String, String)>,
    /// Tries the task took (1: first try).
    #[serde(default = "one")]
    pub attempts: u32,
    /// The server's Retry-After on the last failed try, in nanoseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ns: Option<u64>,
}

fn one() -> u32 {
    1
}

/// What concbench says to a CPython driver, one JSON object per line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToDriver {
    /// Run one model over some tasks, measuring it.
    Run(DriverRun),
    /// The run's figures were read (and its peak RSS, from outside): send its task results.
    Collect(u64),
    /// Hand out no more tasks (Ctrl-C).
    Stop,
}

/// One measured run, as a driver is told it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriverRun {
    /// Its number, echoed in the answers.
    pub run: u64,
    pub model: PyExecutor,
    /// Pool size (threads, processes) or aiohttp's connector limit (`None`: no limit).
    pub n: Option<usize>,
    /// Task ids `first..end`, every `step`-th (a segment's share; 1: all of them).
    pub first: usize,
    pub end: usize,
    #[serde(default = "step_one", skip_serializing_if = "is_step_one")]
    pub step: usize,
    pub workload: DriverWorkload,
    /// Trace the heap with `tracemalloc` (reset between runs).
    pub tracemalloc: bool,
    /// `sys.setswitchinterval`.
    pub switch_interval_s: f64,
}

fn step_one() -> usize {
    1
}

fn is_step_one(step: &usize) -> bool {
    *step == 1
}

/// How a driver runs the tasks of a run: the executors of the py models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PyExecutor {
    Sequential,
    Threads,
    Async,
    Processes,
}

/// What a task does in Python.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DriverWorkload {
    /// GET the URL (requests or aiohttp), as the Rust clients do.
    Http(DriverHttp),
    /// Count primes by trial division, sizes by SplitMix64.
    Cpu(DriverCpu),
    /// Call the user's function.
    Task(DriverTask),
}

/// The HTTP workload in the driver: the same URL rendering, headers and retries as the Rust clients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriverHttp {
    /// `scheme://authority`.
    pub origin: String,
    /// The path and query, split at each `{i}`.
    pub path_pieces: Vec<String>,
    /// Extra headers (name, value).
    pub headers: Vec<(String, String)>,
    pub user_agent: String,
    pub keep_alive: bool,
    pub timeout_s: f64,
    pub connect_timeout_s: f64,
    pub retries: u32,
    pub retry_backoff_s: f64,
}

/// The CPU workload in the driver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriverCpu {
    pub lo: u64,
    pub hi: u64,
    pub seed: u64,
    pub kernel: Kernel,
}

/// The user's function, as the driver loads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriverTask {
    /// `FILE.py:func` or `module:func`.
    pub spec: String,
    /// `sync` (called) or `async` (awaited).
    pub flavour: TaskFlavour,
    pub timeout_s: Option<f64>,
    /// The embedded API's URL, put in `CONCBENCH_API_URL`.
    pub api_url: Option<String>,
}

/// A task function's flavour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskFlavour {
    /// `def`.
    Sync,
    /// `async def`.
    Async,
}

/// What a driver says, one JSON object per line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FromDriver {
    /// Its first line: the interpreter it runs in.
    Hello(DriverHello),
    /// A run's figures, measured in the driver around the run's span.
    Done(DriverFigures),
    /// The model failed as a whole (the task could not be loaded, the pool broke).
    Failed { run: u64, message: String },
    /// One task's result, after [`ToDriver::Collect`].
    Result(DriverTaskResult),
    /// Every result of the run was sent.
    Collected { run: u64, results: usize },
}

/// The driver's first line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriverHello {
    pub pid: u32,
    #[serde(flatten)]
    pub interpreter: Interpreter,
}

/// A run's figures, as the driver measured them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriverFigures {
    pub run: u64,
    /// perf_counter around the span.
    pub wall_ns: u64,
    /// getrusage(RUSAGE_SELF) at the span's edges.
    pub cpu_user_ns: u64,
    pub cpu_sys_ns: u64,
    /// getrusage(RUSAGE_CHILDREN) at the span's edges (the pool's workers, once joined).
    pub children_cpu_user_ns: u64,
    pub children_cpu_sys_ns: u64,
    pub voluntary_switches: u64,
    pub involuntary_switches: u64,
    /// tracemalloc's peak above the traced heap at the start, and current minus start.
    pub heap: Option<DriverHeap>,
    pub gil_enabled: bool,
    /// The run was stopped before every task ran.
    pub stopped: bool,
    pub tasks_run: usize,
    pub threads_started: usize,
    pub peak_in_flight: usize,
    pub peak_in_workload: usize,
    #[serde(default)]
    pub start_method: Option<String>,
    /// py-processes: each worker.
    #[serde(default)]
    pub workers: Vec<DriverWorker>,
    /// The pool broke (a worker died): the model failed as a whole.
    #[serde(default)]
    pub broken: Option<String>,
}

/// tracemalloc's figures of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriverHeap {
    pub peak_bytes: u64,
    pub current_bytes: i64,
}

/// A py-processes worker, as the driver saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriverWorker {
    pub pid: u32,
    /// From the pool's creation to the worker's initializer.
    pub startup_ns: u64,
    pub tasks: usize,
    /// Its own getrusage at its last task.
    pub cpu_user_ns: u64,
    pub cpu_sys_ns: u64,
    /// Its VmHWM, read from outside before the pool shut down.
    pub rss_peak_bytes: Option<u64>,
}

/// One task's result, timed in the driver from the start of the run's span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriverTaskResult {
    #[serde(flatten)]
    pub report: TaskReport,
    pub start_ns: u64,
    pub end_ns: u64,
}

impl TaskReport {
    pub fn new(task: usize, result: &Result<TaskOutcome, TaskError>) -> Self {
        match result {
            Ok(o) => TaskReport { task, value: Some(o.value), error: None, attempts: o.attempts, retry_after_ns: None },
            Err(e) => TaskReport {
                task,
                value: None,
                error: Some((e.kind.to_string(), e.message.clone())),
                attempts: e.attempts,
                retry_after_ns: e.retry_after.map(|d| d.as_nanos().min(u128::from(u64::MAX)) as u64),
            },
        }
    }

    /// The result as the worker had it.
    pub fn into_result(self) -> Result<TaskOutcome, TaskError> {
        let attempts = self.attempts.max(1);
        match (self.value, self.error) {
            (Some(value), _) => Ok(TaskOutcome { value, attempts }),
            (None, Some((kind, message))) => Err(TaskError {
                kind: kind.parse().unwrap_or(ErrorKind::Other),
                message,
                attempts,
                retry_after: self.retry_after_ns.map(Duration::from_nanos),
            }),
            (None, None) => {
                Err(TaskError { attempts, ..TaskError::new(ErrorKind::Other, "the worker returned nothing") })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufReader;

    /// A result crosses the pipe whole: value or error, tries and Retry-After.
    #[test]
    fn results_cross_the_worker_protocol_whole() {
        let results = [
            Ok(TaskOutcome { value: 7, attempts: 3 }),
            Err(TaskError {
                attempts: 4,
                retry_after: Some(Duration::from_secs(2)),
                ..TaskError::new(ErrorKind::Status(503), "HTTP status 503")
            }),
            Err(TaskError { attempts: 2, ..TaskError::new(ErrorKind::Timeout, "no answer") }),
        ];
        for result in results {
            let line = serde_json::to_string(&FromWorker::Result(TaskReport::new(5, &result))).unwrap();
            let FromWorker::Result(report) = serde_json::from_str(&line).unwrap() else { panic!("{line}") };
            assert_eq!(report.task, 5);
            assert_eq!(report.into_result(), result, "{line}");
        }
        // A line without the newer fields (an older worker) reads as one try.
        let old = r#"{"result":{"task":1,"value":9,"error":null}}"#;
        let FromWorker::Result(report) = serde_json::from_str(old).unwrap() else { panic!() };
        assert_eq!(report.into_result(), Ok(TaskOutcome::new(9)));
    }

    /// The shapes `python/driver.py` reads and writes (its side is Python: these lines are its).
    #[test]
    fn driver_messages_have_the_shapes_the_driver_speaks() {
        assert_eq!(serde_json::to_string(&ToDriver::Stop).unwrap(), r#""stop""#);
        assert_eq!(serde_json::to_string(&ToDriver::Collect(3)).unwrap(), r#"{"collect":3}"#);
        let failed =
            r#"{"result":{"task":4,"start_ns":10,"end_ns":25,"attempts":2,"error":["exception:mod.Oops","Oops: x"]}}"#;
        let FromDriver::Result(r) = serde_json::from_str(failed).unwrap() else { panic!("{failed}") };
        assert_eq!((r.start_ns, r.end_ns), (10, 25));
        let e = r.report.into_result().unwrap_err();
        assert_eq!((e.kind.clone(), e.attempts), (ErrorKind::Exception("mod.Oops".into()), 2));
        assert_eq!(e.kind.to_string().parse::<ErrorKind>(), Ok(e.kind), "an exception's kind reads back");
        let ok = r#"{"result":{"task":1,"start_ns":0,"end_ns":5,"attempts":1,"value":18446744073709551615}}"#;
        let FromDriver::Result(r) = serde_json::from_str(ok).unwrap() else { panic!("{ok}") };
        assert_eq!(r.report.into_result(), Ok(TaskOutcome::new(u64::MAX)), "a value mod 2^64 fits");
        let done = r#"{"done":{"run":7,"wall_ns":1,"cpu_user_ns":2,"cpu_sys_ns":3,"children_cpu_user_ns":0,
            "children_cpu_sys_ns":0,"voluntary_switches":4,"involuntary_switches":5,"heap":null,"gil_enabled":true,
            "stopped":false,"tasks_run":1,"threads_started":0,"peak_in_flight":1,"peak_in_workload":1}}"#;
        let FromDriver::Done(d) = serde_json::from_str(done).unwrap() else { panic!("{done}") };
        assert!(d.workers.is_empty() && d.broken.is_none() && d.start_method.is_none());
        assert!("exception:".parse::<ErrorKind>().is_err());
    }

    #[test]
    fn lines_frame_messages_and_end_cleanly() {
        let mut wire = Vec::new();
        send(&mut wire, &FromWorker::Ready { pid: 7 }).unwrap();
        send(&mut wire, &FromWorker::Done(WorkerUsage::default())).unwrap();
        let mut input = BufReader::new(&wire[..]);
        let mut line = String::new();
        assert!(matches!(receive(&mut input, &mut line).unwrap(), Some(FromWorker::Ready { pid: 7 })));
        assert!(matches!(receive(&mut input, &mut line).unwrap(), Some(FromWorker::Done(_))));
        assert!(receive::<FromWorker>(&mut input, &mut line).unwrap().is_none());
        let garbage = receive::<FromWorker>(&mut BufReader::new(&b"{oops\n"[..]), &mut line).unwrap_err();
        assert_eq!(garbage.kind(), io::ErrorKind::InvalidData);
    }
}
