//! `processes:N`: N real child processes of this binary (`concbench worker`), each rebuilding the
//! workload from its serialised spec and fed task ids one at a time over a pipe, like Python's
//! `ProcessPoolExecutor`. Worker k runs task k first (so all N provably work when there are at
//! least N tasks), then all pull from one shared counter. Starting the processes is part of the
//! measured run, as it is in the source. Each worker reports its start-up time, CPU time, peak
//! heap and peak RSS back; a worker that dies is an error naming the task it was running.

use std::io::{BufReader, BufWriter};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};

use super::{Job, Model, Ticket};
use crate::measure::Meter;
use crate::protocol::{self, FromWorker, WorkerInit};
use crate::record::{ExecutionFacts, PoolStats, TaskError, TaskOutcome, WorkerFigures, WorkerUsage};
use crate::workload::WorkloadSpec;

pub struct ProcessPool {
    pub processes: usize,
    pub exe: Option<PathBuf>,
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
        protocol::send(&mut stdin, &WorkerInit { spec: spec.clone() })?;
        let mut worker = Worker { child, stdin: Some(stdin), stdout, pid, line: String::new() };
        match worker.read()? {
            FromWorker::Ready { .. } => Ok((worker, t0.elapsed())),
            other => bail!("worker process {pid} said {other:?} instead of ready"),
        }
    }

    fn read(&mut self) -> anyhow::Result<FromWorker> {
        match protocol::receive(&mut self.stdout, &mut self.line) {
            Ok(Some(msg)) => Ok(msg),
            Ok(None) => {
                let status = self.child.wait().map(|s| s.to_string()).unwrap_or_else(|e| e.to_string());
                Err(anyhow!("worker process {} exited ({status})", self.pid))
            }
            Err(e) => Err(anyhow!("worker process {}: {e}", self.pid)),
        }
    }

    fn run(&mut self, task: usize) -> anyhow::Result<Result<TaskOutcome, TaskError>> {
        let stdin = self.stdin.as_mut().expect("open until finish");
        protocol::send(stdin, &task).map_err(|e| anyhow!("worker process {}: {e}", self.pid))?;
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

/// One parent thread: drives its worker through its first task (in a closed queue), then the
/// shared queue.
fn drive(
    exe: &PathBuf,
    spec: &WorkloadSpec,
    job: &Job,
    first: Option<Ticket>,
    broken: &AtomicBool,
) -> anyhow::Result<WorkerFigures> {
    let (mut worker, startup) = Worker::spawn(exe, spec)?;
    let mut done = 0;
    let mut ticket = first.or_else(|| job.next_task());
    while let Some(t) = ticket.filter(|_| !broken.load(Ordering::Relaxed)) {
        let sent = Instant::now();
        let result = worker.run(t.task).with_context(|| format!("while running task {}", t.task))?;
        job.record(&t, sent, result);
        done += 1;
        ticket = job.next_task();
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
            None => crate::env::self_exe()?,
        };
        let n = self.processes.min(job.len()).max(1);
        // Worker k runs the k-th task first, so all n provably work when there are n tasks; in an
        // open queue each takes the next ticket released once it is ready.
        let firsts: Vec<Option<Ticket>> = match job.is_open() {
            false => std::iter::from_fn(|| job.next_task()).take(n).map(Some).collect(),
            true => vec![None; n],
        };
        let n = firsts.len().max(1);
        let broken = AtomicBool::new(false);
        let results = Mutex::new(Vec::with_capacity(n));
        job.start(meter)?;
        std::thread::scope(|scope| {
            for &first in &firsts {
                let (exe, broken, results) = (&exe, &broken, &results);
                scope.spawn(move || {
                    let r = drive(exe, spec, job, first, broken);
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
