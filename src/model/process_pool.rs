//! `processes:N`: N real child processes of this binary (`concbench worker`), each rebuilding the
//! workload from its serialised spec and fed task ids one at a time over a pipe, like Python's
//! `ProcessPoolExecutor`. Worker k runs task k first (so all N provably work when there are at
//! least N tasks), then all pull from one shared counter. Starting the processes is part of the
//! measured run, as it is in the source. Each worker reports its start-up time, CPU time, peak
//! heap and peak RSS back; a worker that dies is an error naming the task it was running.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use serde::{Deserialize, Serialize};

use super::{ExecutionFacts, Job, Model};
use crate::measure::Meter;
use crate::workload::{ErrorKind, TaskError, TaskOutcome, WorkloadSpec};

pub struct ProcessPool {
    pub processes: usize,
    pub exe: Option<PathBuf>,
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

/// A worker's own resource use over its whole life.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerUsage {
    pub cpu_user_ns: u64,
    pub cpu_sys_ns: u64,
    pub heap_peak_bytes: Option<u64>,
    pub rss_peak_bytes: Option<u64>,
}

/// One worker process, as the report states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerFigures {
    pub pid: u32,
    /// From spawning the process to its "ready".
    pub startup_ns: u64,
    pub tasks: usize,
    pub usage: WorkerUsage,
}

/// The pool's workers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolStats {
    pub workers: Vec<WorkerFigures>,
}

impl PoolStats {
    pub fn cpu_ns(&self) -> u64 {
        self.workers.iter().map(|w| w.usage.cpu_user_ns + w.usage.cpu_sys_ns).sum()
    }
    pub fn heap_peak_bytes_sum(&self) -> Option<u64> {
        self.workers.iter().map(|w| w.usage.heap_peak_bytes).sum()
    }
    pub fn rss_peak_bytes_sum(&self) -> Option<u64> {
        self.workers.iter().map(|w| w.usage.rss_peak_bytes).sum()
    }
    pub fn startup_mean(&self) -> Option<Duration> {
        let n = self.workers.len() as u64;
        (n > 0).then(|| Duration::from_nanos(self.workers.iter().map(|w| w.startup_ns).sum::<u64>() / n))
    }
}

struct Worker {
    child: Child,
    stdin: Option<BufWriter<ChildStdin>>,
    stdout: BufReader<ChildStdout>,
    pid: u32,
    line: String,
}

impl Worker {
    fn spawn(exe: &PathBuf, spec: &WorkloadSpec) -> anyhow::Result<(Worker, Duration)> {
        let t0 = Instant::now();
        let mut child = Command::new(exe)
            .arg("worker")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting a worker process ({} worker)", exe.display()))?;
        let pid = child.id();
        let mut stdin = BufWriter::new(child.stdin.take().expect("stdin is piped"));
        let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        serde_json::to_writer(&mut stdin, &WorkerInit { spec: spec.clone() })?;
        stdin.write_all(b"\n")?;
        stdin.flush()?;
        let mut worker = Worker { child, stdin: Some(stdin), stdout, pid, line: String::new() };
        match worker.read()? {
            FromWorker::Ready { .. } => Ok((worker, t0.elapsed())),
            other => bail!("worker process {pid} said {other:?} instead of ready"),
        }
    }

    fn read(&mut self) -> anyhow::Result<FromWorker> {
        self.line.clear();
        if self.stdout.read_line(&mut self.line)? == 0 {
            let status = self.child.wait().map(|s| s.to_string()).unwrap_or_else(|e| e.to_string());
            return Err(anyhow!("worker process {} exited ({status})", self.pid));
        }
        serde_json::from_str(&self.line).with_context(|| format!("worker process {} said {:?}", self.pid, self.line))
    }

    fn run(&mut self, task: usize) -> anyhow::Result<Result<TaskOutcome, TaskError>> {
        let stdin = self.stdin.as_mut().expect("open until finish");
        writeln!(stdin, "{task}")
            .and_then(|_| stdin.flush())
            .map_err(|e| anyhow!("worker process {}: {e}", self.pid))?;
        match self.read()? {
            FromWorker::Result(report) if report.task == task => Ok(report.into_result()),
            other => bail!("worker process {} answered {other:?} to task {task}", self.pid),
        }
    }

    /// Closes its input and collects its usage report.
    fn finish(mut self) -> anyhow::Result<WorkerUsage> {
        drop(self.stdin.take());
        let usage = match self.read()? {
            FromWorker::Done(usage) => usage,
            other => bail!("worker process {} said {other:?} instead of done", self.pid),
        };
        self.child.wait()?;
        Ok(usage)
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if self.stdin.is_some() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// One parent thread: drives its worker through its first task, then the shared queue.
fn drive(
    exe: &PathBuf,
    spec: &WorkloadSpec,
    job: &Job,
    first: usize,
    next: &AtomicUsize,
    broken: &AtomicBool,
) -> anyhow::Result<WorkerFigures> {
    let (mut worker, startup) = Worker::spawn(exe, spec)?;
    let mut done = 0;
    let mut task = first;
    while task < job.tasks.end && !broken.load(Ordering::Relaxed) && !crate::interrupt::requested() {
        let t0 = Instant::now();
        let result = worker.run(task).with_context(|| format!("while running task {task}"))?;
        job.recorder.record(t0, result);
        done += 1;
        task = next.fetch_add(1, Ordering::Relaxed);
    }
    let pid = worker.pid;
    let usage = worker.finish()?;
    Ok(WorkerFigures { pid, startup_ns: startup.as_nanos() as u64, tasks: done, usage })
}

impl Model for ProcessPool {
    fn execute(&self, job: &Job, meter: &mut Meter) -> anyhow::Result<ExecutionFacts> {
        let spec = job.spec.as_ref().context("the processes model needs a serialisable workload")?;
        let exe = match &self.exe {
            Some(exe) => exe.clone(),
            None => crate::worker::self_exe()?,
        };
        let n = self.processes.min(job.tasks.len()).max(1);
        let next = AtomicUsize::new(job.tasks.start + n);
        let broken = AtomicBool::new(false);
        let results = Mutex::new(Vec::with_capacity(n));
        meter.start();
        std::thread::scope(|scope| {
            for k in 0..n {
                let (exe, next, broken, results) = (&exe, &next, &broken, &results);
                scope.spawn(move || {
                    let r = drive(exe, spec, job, job.tasks.start + k, next, broken);
                    if r.is_err() {
                        broken.store(true, Ordering::Relaxed);
                    }
                    results.lock().unwrap_or_else(|p| p.into_inner()).push(r);
                });
            }
        });
        meter.stop();
        let mut workers = Vec::with_capacity(n);
        for r in results.into_inner().unwrap_or_else(|p| p.into_inner()) {
            workers.push(r?);
        }
        workers.sort_by_key(|w| w.pid);
        Ok(ExecutionFacts {
            threads_started: n,
            peak_tasks_in_flight: n,
            peak_in_workload: Some(n),
            processes: Some(PoolStats { workers }),
            ..ExecutionFacts::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
