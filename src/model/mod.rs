//! Execution models: ways to run a workload's tasks. A kind is described once, in
//! `record::model` ([`ModelKind::ALL`]); what runs it is one file here and one arm in [`build`].
//!
//! Every model pulls its tasks from the one queue of its [`Job`] and runs them through the job's
//! loops ([`Job::run_tasks`], [`Job::run_tasks_async`]), which record every outcome and honour the
//! stop token the job was handed: no model counts tasks or checks for Ctrl-C on its own. Whether
//! the queue is closed (the next task as soon as a worker is free) or open (tickets released at
//! their due times by a generator, `--rate`) is the job's business: every model runs either.

pub mod arrivals;
pub mod dispatch;
pub mod gil;
pub mod gil_threads;
pub mod process_pool;
pub mod python;
pub mod rayon_pool;
pub mod sequential;
pub mod thread_pool;
pub mod tokio_async;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::interrupt::Stop;
use crate::measure::{Meter, Recorder};
use crate::protocol::PyExecutor;
use crate::record::{ExecutionFacts, ModelKind, ModelSpec, TaskError, TaskOutcome};
use crate::segment::TaskSet;
use crate::workload::{TaskCx, Workload, WorkloadSpec};
use dispatch::{Closed, Dispatcher, Released};
pub use dispatch::{OpenPlan, Ticket};

/// What building a model may need beyond its spec.
#[derive(Debug, Clone)]
pub struct ModelEnv {
    /// The program a `processes` pool starts as workers (`concbench worker`); this program when
    /// `None`.
    pub worker_exe: Option<PathBuf>,
    /// The interpreter lock's switch interval for `gil-threads` (and CPython's
    /// `sys.setswitchinterval` for the py models).
    pub switch_interval: Duration,
    /// The interpreters the py models run in (`--python`), in order.
    pub python: Vec<Arc<crate::python::Runtime>>,
    /// The one a py model built now runs in (an index into `python`).
    pub interpreter: Option<usize>,
    /// The py models trace their heap with `tracemalloc`.
    pub py_tracemalloc: bool,
}

impl Default for ModelEnv {
    fn default() -> Self {
        ModelEnv {
            worker_exe: None,
            switch_interval: gil::DEFAULT_SWITCH_INTERVAL,
            python: Vec::new(),
            interpreter: None,
            py_tracemalloc: true,
        }
    }
}

impl ModelEnv {
    /// The same, with py models running in the interpreter at `path` (as `--python` gave it).
    pub fn in_interpreter(&self, path: Option<&str>) -> ModelEnv {
        let interpreter = path.and_then(|p| self.python.iter().position(|r| r.info().path == p));
        ModelEnv { interpreter, ..self.clone() }
    }
}

/// Builds the model of `spec`: the one place where kinds meet their implementations.
pub fn build(spec: &ModelSpec, env: &ModelEnv) -> Box<dyn Model> {
    let n = spec.n.unwrap_or(1);
    match spec.kind {
        ModelKind::Sequential => Box::new(sequential::Sequential),
        ModelKind::Threads => Box::new(thread_pool::ThreadPool { threads: n }),
        ModelKind::Async => Box::new(tokio_async::TokioAsync { multi_thread: false, limit: spec.n }),
        ModelKind::AsyncMt => Box::new(tokio_async::TokioAsync { multi_thread: true, limit: spec.n }),
        ModelKind::Processes => Box::new(process_pool::ProcessPool { processes: n, exe: env.worker_exe.clone() }),
        ModelKind::GilThreads => Box::new(gil_threads::GilThreads { threads: n, switch_interval: env.switch_interval }),
        ModelKind::Rayon => Box::new(rayon_pool::Rayon { threads: n }),
        ModelKind::PySequential => Box::new(python::PyModel::new(PyExecutor::Sequential, None, env)),
        ModelKind::PyThreads => Box::new(python::PyModel::new(PyExecutor::Threads, Some(n), env)),
        ModelKind::PyAsync => Box::new(python::PyModel::new(PyExecutor::Async, spec.n, env)),
        ModelKind::PyProcesses => Box::new(python::PyModel::new(PyExecutor::Processes, Some(n), env)),
    }
}

/// One run's work: which tasks of which workload, where their outcomes go, and when to stop.
/// Cheap to clone (an async model moves a clone into each of its tasks); every clone shares one
/// queue of tasks.
///
/// The queue is closed (a counter: a worker takes the next task as soon as it is free, today's
/// "N workers, each sends the next request when the last one ended") or open ([`Job::open`]: a
/// generator releases tickets at their due times, see [`dispatch`]). Every model runs either
/// through the same calls: [`Job::start`], [`Job::next_ticket`] (or [`Job::next_ticket_async`]),
/// [`Job::record`], or the loops built on them ([`Job::run_tasks`], [`Job::run_tasks_async`]).
#[derive(Clone)]
pub struct Job {
    pub workload: Arc<dyn Workload>,
    /// The workload as data, for models that rebuild it elsewhere (worker processes).
    pub spec: Option<Arc<WorkloadSpec>>,
    /// The task ids of the run: `0..n`, or a segment's share of them (see `crate::segment`).
    pub tasks: TaskSet,
    pub recorder: Arc<Recorder>,
    pub stop: Stop,
    queue: Arc<Queue>,
}

/// Connections an open job without a known latency expects to hold at once, at most.
pub const OPEN_IN_FLIGHT: usize = 1024;

/// Where a job's tasks come from.
enum Queue {
    /// How many tasks were handed out: the next is the task set's `k`-th, for whoever asks.
    Closed(AtomicUsize),
    /// Tickets released at their due times.
    Open(Arc<Dispatcher>),
}

impl Job {
    pub fn new(
        workload: Arc<dyn Workload>,
        spec: Option<WorkloadSpec>,
        tasks: impl Into<TaskSet>,
        recorder: Arc<Recorder>,
        stop: Stop,
    ) -> Self {
        let tasks = tasks.into();
        let queue = Arc::new(Queue::Closed(AtomicUsize::new(0)));
        Job { workload, spec: spec.map(Arc::new), tasks, recorder, stop, queue }
    }

    /// The same job with its tasks arriving as `plan` says: an open model.
    pub fn open(self, plan: OpenPlan) -> Self {
        let queue = Arc::new(Queue::Open(Arc::new(Dispatcher::new(plan, self.tasks))));
        Job { queue, ..self }
    }

    pub fn is_open(&self) -> bool {
        matches!(*self.queue, Queue::Open(_))
    }

    /// Tasks the run is made of.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// The most tasks that can be under way at once: all of them in a closed queue, about rate ×
    /// latency in an open one (when the latency is known; else at most [`OPEN_IN_FLIGHT`]). What a
    /// model without a limit opens connections ahead for.
    pub fn in_flight(&self) -> usize {
        match &*self.queue {
            Queue::Closed(_) => self.len(),
            Queue::Open(d) => d.plan().in_flight.unwrap_or(OPEN_IN_FLIGHT).min(self.len()),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Opens the measured window when the first task may start; an open job's arrival clock
    /// starts with it.
    pub fn start(&self, meter: &mut Meter) -> anyhow::Result<()> {
        meter.start();
        if let Queue::Open(d) = &*self.queue {
            d.start(self.recorder.clone(), self.stop.clone()).context("starting the arrival generator")?;
        }
        Ok(())
    }

    /// The next task on a free thread (see [`Job::next_ticket`]).
    pub fn next_task(&self) -> Option<Ticket> {
        self.next_ticket(&TaskCx::FREE)
    }

    /// The next task to run: `None` once every task was handed out, or a stop was asked for. In
    /// an open job it waits for the next ticket's release, without the interpreter lock of `cx`.
    pub fn next_ticket(&self, cx: &TaskCx) -> Option<Ticket> {
        if self.stop.requested() {
            return None;
        }
        match &*self.queue {
            Queue::Closed(next) => {
                let task = self.tasks.nth(next.fetch_add(1, Relaxed))?;
                Some(Ticket { task, release: None })
            }
            Queue::Open(d) => match d.take() {
                Ok(Some(ticket)) => Some(ticket),
                Ok(None) => cx.blocking(|| d.wait(&self.stop)),
                Err(Closed) => None,
            },
        }
    }

    /// The same, awaited on the caller's event loop.
    pub async fn next_ticket_async(&self) -> Option<Ticket> {
        match &*self.queue {
            Queue::Open(d) if !self.stop.requested() => d.next().await,
            _ => self.next_task(),
        }
    }

    /// Records the outcome of `ticket`, whose task a worker took at `sent` and which ended now.
    pub fn record(&self, ticket: &Ticket, sent: Instant, result: Result<TaskOutcome, TaskError>) {
        match ticket.release {
            Some(release) => self.recorder.record_released(ticket.task, release, sent, result),
            None => self.recorder.record(sent, result),
        }
    }

    /// Records the outcome of a task timed elsewhere (a child interpreter's clock): it started
    /// `start` after the run's origin and took `elapsed`.
    pub fn record_timed(&self, start: Duration, elapsed: Duration, result: Result<TaskOutcome, TaskError>) {
        self.recorder.record_timed(start, elapsed, result);
    }

    /// What an open job's generator did (it is stopped if it still runs); `None` for a closed
    /// job, or one never started.
    pub fn finish(&self) -> Option<Released> {
        match &*self.queue {
            Queue::Open(d) => d.finish(),
            Queue::Closed(_) => None,
        }
    }

    /// The loop of every blocking worker: takes tasks until none are left, runs each on this
    /// thread with `cx` (inside `occupancy` when given), records its outcome. Returns how many it
    /// ran.
    pub fn run_tasks(&self, cx: &TaskCx, occupancy: Option<&Occupancy>) -> usize {
        let mut done = 0;
        while let Some(ticket) = self.next_ticket(cx) {
            let _inside = occupancy.map(Occupancy::enter);
            let sent = Instant::now();
            let result = self.workload.run_blocking(ticket.task, cx);
            self.record(&ticket, sent, result);
            done += 1;
        }
        done
    }

    /// The same loop as a future on the caller's event loop.
    pub async fn run_tasks_async(&self) -> usize {
        let mut done = 0;
        while let Some(ticket) = self.next_ticket_async().await {
            self.run_ticket_async(ticket).await;
            done += 1;
        }
        done
    }

    /// Runs one ticket's task as a future and records its outcome.
    pub async fn run_ticket_async(&self, ticket: Ticket) {
        let sent = Instant::now();
        let result = self.workload.run_async(ticket.task).await;
        self.record(&ticket, sent, result);
    }
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
    use crate::record::TaskOutcome;

    struct Count;
    impl Workload for Count {
        fn run_blocking(&self, task: usize, _: &TaskCx) -> Result<TaskOutcome, crate::record::TaskError> {
            Ok(TaskOutcome::new(task as u64))
        }
        fn run_async(
            &self,
            task: usize,
        ) -> crate::workload::BoxFuture<'_, Result<TaskOutcome, crate::record::TaskError>> {
            Box::pin(async move { Ok(TaskOutcome::new(task as u64)) })
        }
    }

    #[test]
    fn the_queue_hands_out_every_task_once_and_stops_when_told() {
        let stop = Stop::new();
        let job = Job::new(Arc::new(Count), None, 3..8, Arc::new(Recorder::new()), stop.clone());
        let other = job.clone();
        let task = |t: Option<Ticket>| t.map(|t| t.task);
        assert_eq!((task(job.next_task()), task(other.next_task())), (Some(3), Some(4)), "clones share one queue");
        assert_eq!(job.run_tasks(&TaskCx::FREE, None), 3);
        assert_eq!(job.next_task(), None);
        let job = Job::new(Arc::new(Count), None, 0..100, Arc::new(Recorder::new()), stop.clone());
        stop.request();
        assert_eq!(job.run_tasks(&TaskCx::FREE, None), 0, "a stop ends the loop before the next task");
    }

    #[test]
    fn a_segments_queue_hands_out_its_share_of_the_ids() {
        let tasks = crate::segment::Segment::new(1, 3).unwrap().tasks(0..10);
        let job = Job::new(Arc::new(Count), None, tasks, Arc::new(Recorder::new()), Stop::new());
        let ids: Vec<usize> = std::iter::from_fn(|| job.next_task().map(|t| t.task)).collect();
        assert_eq!((ids, job.len()), (vec![1, 4, 7], 3));
    }
}
