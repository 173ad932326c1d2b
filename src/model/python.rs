//! `py-sequential`, `py-threads:N`, `py-async[:N]`, `py-processes:N`: the source's own stack in a
//! real CPython interpreter (`crate::python`). The driver runs the tasks with the model's executor
//! (that is what is measured) and measures the run itself around the same span the Rust models
//! measure: wall time (perf_counter), CPU (getrusage, SELF; CHILDREN once a pool is joined),
//! heap (tracemalloc). concbench frames the run with its meter, reads the driver's peak RSS from
//! outside (`clear_refs`, `VmHWM`), and records every task's result through the job's recorder,
//! so tallies and latency histograms are the Rust models' own. A stop asks the driver to hand out
//! no more tasks, then kills it after a grace.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};

use super::{Job, Model, ModelEnv};
use crate::measure::{Meter, process};
use crate::protocol::{
    DriverCpu, DriverFigures, DriverHttp, DriverRun, DriverTask, DriverWorkload, FromDriver, PyExecutor, TaskFlavour,
    ToDriver,
};
use crate::python::{Driver, Runtime};
use crate::record::{
    ExecutionFacts, HeapUse, Measured, PoolStats, PyRunFacts, PyTaskSettings, WorkerFigures, WorkerUsage,
};
use crate::workload::io::USER_AGENT;
use crate::workload::{IoSpec, WorkloadSpec};

/// How long a stopped driver may take to finish its tasks in flight before it is killed.
const STOP_GRACE: Duration = Duration::from_secs(2);

/// How often the wait for a run's end looks at the stop token.
const POLL: Duration = Duration::from_millis(50);

/// A py model: its executor, its N, the interpreter it runs in.
pub struct PyModel {
    pub executor: PyExecutor,
    pub n: Option<usize>,
    pub runtime: Option<Arc<Runtime>>,
    pub tracemalloc: bool,
    pub switch_interval: Duration,
}

impl PyModel {
    pub fn new(executor: PyExecutor, n: Option<usize>, env: &ModelEnv) -> Self {
        PyModel {
            executor,
            n,
            runtime: env.interpreter.and_then(|i| env.python.get(i).cloned()),
            tracemalloc: env.py_tracemalloc,
            switch_interval: env.switch_interval,
        }
    }
}

/// Run numbers, unique within this process (echoed by the driver).
fn next_run() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Model for PyModel {
    fn execute(&self, job: &Job, meter: &mut Meter) -> anyhow::Result<ExecutionFacts> {
        if job.is_open() {
            bail!("the py models run closed loops only: the driver has no arrival schedule (--rate)");
        }
        let runtime = self.runtime.as_ref().context("a py model needs an interpreter (--python)")?;
        let spec = job.spec.as_ref().context("a py model needs a serialisable workload")?;
        let run = DriverRun {
            run: next_run(),
            model: self.executor,
            n: self.n,
            first: job.tasks.first,
            end: job.tasks.end,
            step: job.tasks.step,
            workload: driver_workload(spec, self.executor)?,
            tracemalloc: self.tracemalloc,
            switch_interval_s: self.switch_interval.as_secs_f64(),
        };
        let mut slot = runtime.driver()?;
        let driver = slot.as_mut().expect("started by Runtime::driver");
        let pid = driver.pid();
        let rss_reset = process::reset_peak_rss_of(pid);
        let rss_start = process::rss_of(pid).map(|r| r.current_bytes);
        meter.start();
        let t0 = Instant::now();
        let mut exchange = || -> anyhow::Result<_> {
            driver.send(&ToDriver::Run(run.clone()))?;
            let figures = wait_done(driver, job, run.run)?;
            let parent_wall = t0.elapsed();
            meter.stop();
            let rss_peak = process::rss_of(pid).map(|r| r.peak_bytes);
            driver.send(&ToDriver::Collect(run.run))?;
            collect(driver, job, run.run)?;
            Ok((figures, parent_wall, rss_peak))
        };
        let (figures, parent_wall, rss_peak) = match exchange() {
            Ok(done) => done,
            Err(e) => {
                // A driver that failed mid-exchange (gone, out of step, not stopping) is not
                // handed to the next run: the next one starts afresh.
                meter.stop();
                Runtime::reset(&mut slot);
                return Err(e);
            }
        };
        if let Some(broken) = &figures.broken {
            bail!("{broken}");
        }
        meter.record(measured(&figures, rss_peak, rss_start, rss_reset));
        Ok(facts(&figures, self, parent_wall))
    }
}

/// Waits for the run's figures; a stop is passed on, and a driver that does not end within the
/// grace is an error (the caller kills it).
fn wait_done(driver: &mut Driver, job: &Job, run: u64) -> anyhow::Result<DriverFigures> {
    let mut stopped_at: Option<Instant> = None;
    loop {
        if job.stop.requested() && stopped_at.is_none() {
            driver.send(&ToDriver::Stop)?;
            stopped_at = Some(Instant::now());
        }
        if stopped_at.is_some_and(|t| t.elapsed() > STOP_GRACE) {
            bail!("the Python driver did not stop within {STOP_GRACE:?}: killed");
        }
        match driver.receive(POLL)? {
            None => {}
            Some(FromDriver::Done(f)) if f.run == run => return Ok(f),
            Some(FromDriver::Failed { run: r, message }) if r == run => bail!("{message}"),
            Some(other) => bail!("the Python driver said {other:?} during run {run}"),
        }
    }
}

/// Reads the run's task results into the job's recorder, until the driver says all were sent.
fn collect(driver: &mut Driver, job: &Job, run: u64) -> anyhow::Result<()> {
    let mut recorded = 0;
    loop {
        match driver.receive(Duration::from_secs(60))? {
            Some(FromDriver::Result(r)) => {
                let elapsed = Duration::from_nanos(r.end_ns.saturating_sub(r.start_ns));
                job.record_timed(Duration::from_nanos(r.start_ns), elapsed, r.report.into_result());
                recorded += 1;
            }
            Some(FromDriver::Collected { run: r, results }) if r == run => {
                if results != recorded {
                    bail!("the Python driver sent {recorded} results of the {results} it counted");
                }
                return Ok(());
            }
            Some(other) => bail!("the Python driver said {other:?} while sending results"),
            None => return Err(anyhow!("the Python driver sent no results within a minute")),
        }
    }
}

/// The workload as the driver runs it.
fn driver_workload(spec: &WorkloadSpec, executor: PyExecutor) -> anyhow::Result<DriverWorkload> {
    Ok(match spec {
        WorkloadSpec::Io(io) => DriverWorkload::Http(http(io)),
        WorkloadSpec::Cpu(cpu) => {
            DriverWorkload::Cpu(DriverCpu { lo: cpu.range.lo, hi: cpu.range.hi, seed: cpu.seed, kernel: cpu.kernel })
        }
        WorkloadSpec::PyTask { task, api_url } => DriverWorkload::Task(user_task(task, api_url, executor)?),
    })
}

fn http(io: &IoSpec) -> DriverHttp {
    DriverHttp {
        origin: io.url.origin_text().to_string(),
        path_pieces: io.url.path_pieces().to_vec(),
        headers: io.headers.iter().map(|h| (h.name.clone(), h.value.clone())).collect(),
        user_agent: USER_AGENT.to_string(),
        keep_alive: io.client.keep_alive,
        timeout_s: io.client.timeout.as_secs_f64(),
        connect_timeout_s: io.client.connect_timeout.as_secs_f64(),
        retries: io.client.retries,
        retry_backoff_s: io.client.retry_backoff.as_secs_f64(),
    }
}

/// The flavour of the user's task an executor runs: py-async awaits the `async def` one;
/// py-sequential calls the plain one, or awaits the async one task after task; the pools call
/// the plain one.
fn user_task(task: &PyTaskSettings, api_url: &Option<String>, executor: PyExecutor) -> anyhow::Result<DriverTask> {
    let (spec, flavour) = match executor {
        PyExecutor::Async => (task.async_task.clone(), TaskFlavour::Async),
        PyExecutor::Sequential if task.sync_task.is_none() => (task.async_task.clone(), TaskFlavour::Async),
        _ => (task.sync_task.clone(), TaskFlavour::Sync),
    };
    let spec = spec.with_context(|| format!("no {flavour:?} flavour of the task for {executor:?}"))?;
    Ok(DriverTask { spec, flavour, timeout_s: task.task_timeout.map(|d| d.as_secs_f64()), api_url: api_url.clone() })
}

/// The run's figures as every model reports them: the driver's, and the peak RSS read here.
fn measured(f: &DriverFigures, rss_peak: Option<u64>, rss_start: Option<u64>, rss_reset: bool) -> Measured {
    Measured {
        wall_ns: f.wall_ns,
        heap: f.heap.map(|h| HeapUse { peak_bytes: h.peak_bytes, current_bytes: h.current_bytes, allocations: None }),
        rss_peak_bytes: rss_peak,
        rss_start_bytes: rss_start,
        rss_peak_reset: rss_reset,
        cpu_user_ns: f.cpu_user_ns,
        cpu_sys_ns: f.cpu_sys_ns,
        voluntary_switches: f.voluntary_switches,
        involuntary_switches: f.involuntary_switches,
        system_busy_ns: None,
    }
}

fn facts(f: &DriverFigures, model: &PyModel, parent_wall: Duration) -> ExecutionFacts {
    let processes = (model.executor == PyExecutor::Processes).then(|| PoolStats {
        workers: f
            .workers
            .iter()
            .map(|w| WorkerFigures {
                pid: w.pid,
                startup_ns: w.startup_ns,
                tasks: w.tasks,
                usage: WorkerUsage {
                    cpu_user_ns: w.cpu_user_ns,
                    cpu_sys_ns: w.cpu_sys_ns,
                    heap_peak_bytes: None,
                    rss_peak_bytes: w.rss_peak_bytes,
                },
            })
            .collect(),
    });
    ExecutionFacts {
        threads_started: f.threads_started,
        peak_tasks_in_flight: f.peak_in_flight,
        peak_in_workload: Some(f.peak_in_workload),
        gil: None,
        processes,
        python: Some(PyRunFacts {
            gil_enabled: f.gil_enabled,
            tracemalloc: model.tracemalloc,
            start_method: f.start_method.clone(),
            children_cpu_user_ns: f.children_cpu_user_ns,
            children_cpu_sys_ns: f.children_cpu_sys_ns,
            parent_wall_ns: parent_wall.as_nanos() as u64,
            connector_limit: (model.executor == PyExecutor::Async).then(|| model.n.unwrap_or(0)),
        }),
    }
}
