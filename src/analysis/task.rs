//! The user's own task (`concbench task`): every py model's time against py-sequential in the
//! same interpreter, its efficiency over the tasks it ran at once, the cores it kept busy, the
//! memory each worker cost, and what bounds it, read from what was measured: CPU under the GIL,
//! CPU on every core, waiting on I/O, the workers' start-up.

use std::time::Duration;

use super::figures::{Figures, Judged, time_ratio};
use super::ratio;
use crate::record::{Cell, IoExperiment, ModelKind};

/// Cores used (CPU over wall time) up to this is one core's worth.
pub const ONE_CORE: f64 = 1.25;
/// A model this close to its concurrency times py-sequential's speed scaled as it could.
pub const SCALED: f64 = 0.8;
/// Below this many cores busy, the tasks mostly waited.
pub const WAITING: f64 = 0.5;
/// Workers whose start-up takes this share of the run are held back by it.
pub const STARTUP_SHARE: f64 = 0.25;
/// A client using this share of its cores is bound by them.
pub const ALL_CORES: f64 = 0.8;

/// What bounds a model's run of the task, with the evidence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// One task at a time, by design: what the others are measured against.
    OneAtATime { cores_used: f64 },
    /// Within [`SCALED`] of `n` times py-sequential's speed: its tasks overlapped as they could.
    Scaled { n: usize },
    /// Its workers' start-up took `share` of the run (`startup_ms` each on average).
    StartUp { startup_ms: f64, share: f64 },
    /// Threads under the GIL, or the one event loop, kept one core's worth busy: the tasks'
    /// Python code ran one at a time.
    Gil { cores_used: f64, event_loop: bool },
    /// Every core was busy: the task's CPU work is what limits it on this machine.
    AllCores { cores_used: f64, cores: usize },
    /// Little CPU: the tasks mostly waited (on the API, or on whatever they call).
    Waiting { cores_used: f64 },
    /// None of the above.
    Unexplained { cores_used: f64 },
}

/// One model's row.
#[derive(Debug, Clone)]
pub struct TaskRow<'a> {
    pub figures: Figures<'a>,
    /// Tasks it ran at once (its pool, its limit, or all for an unlimited py-async).
    pub n: usize,
    /// py-sequential in the same interpreter.
    pub baseline: Option<&'a Cell>,
    /// The baseline's time / this time.
    pub speedup: Option<Judged<'a>>,
    /// speedup / n.
    pub efficiency: Option<f64>,
    /// CPU, worker processes included.
    pub cpu: Duration,
    /// CPU over wall time.
    pub cores_used: f64,
    /// What one more worker cost: a py-processes worker's own peak RSS; a py-threads thread's
    /// share of the heap above py-sequential's (tracemalloc's, the driver's).
    pub memory_per_worker: Option<PerWorker>,
    pub bound: Bound,
}

/// What one worker cost in memory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PerWorker {
    /// A worker process's own peak resident memory.
    Rss(f64),
    /// A thread's share of the traced heap above one-at-a-time's.
    Heap(f64),
}

/// The whole analysis.
#[derive(Debug, Clone)]
pub struct TaskAnalysis<'a> {
    pub rows: Vec<TaskRow<'a>>,
    pub cores: usize,
    /// Whether every model that completed all its tasks returned the same sum (`None`: fewer
    /// than two could be compared), and the sum.
    pub checksum: Option<(bool, u64)>,
}

pub fn analyse(exp: &IoExperiment, cores: usize) -> TaskAnalysis<'_> {
    let rows = exp.cells.iter().filter_map(|c| row(exp, c, cores)).collect();
    // Every run of a task runs all its tasks: one length, so the sum is always known.
    let checksum = super::checksums_agree(&exp.cells).and_then(|(same, sum)| Some((same, sum?)));
    TaskAnalysis { rows, cores, checksum }
}

fn row<'a>(exp: &'a IoExperiment, cell: &'a Cell, cores: usize) -> Option<TaskRow<'a>> {
    let figures = Figures::of(cell)?;
    let n = cell.model.concurrency(exp.settings.requests);
    let baseline = exp
        .cells
        .iter()
        .find(|c| c.model.kind == ModelKind::PySequential && c.interpreter == cell.interpreter && !c.runs.is_empty());
    let speedup = baseline.and_then(|b| time_ratio(b, cell, exp.settings.min_success));
    let cpu = figures.cpu_with_workers();
    let cores_used = ratio(cpu.as_secs_f64(), figures.wall.as_secs_f64()).unwrap_or(0.0);
    let memory_per_worker = per_worker(&figures, baseline, n);
    let stated = speedup.and_then(|s| s.ratio).map(|s| s.point);
    let mut row = TaskRow {
        n,
        baseline,
        speedup,
        efficiency: stated.map(|s| s / n as f64),
        cpu,
        cores_used,
        memory_per_worker,
        bound: Bound::Unexplained { cores_used },
        figures,
    };
    row.bound = bound(&row, stated, cores);
    Some(row)
}

/// What one more worker cost: a process's own peak RSS, or a thread's share of the heap above
/// the one-at-a-time run's.
fn per_worker(figures: &Figures, baseline: Option<&Cell>, n: usize) -> Option<PerWorker> {
    match figures.cell.model.kind {
        ModelKind::PyProcesses => {
            let pool = figures.run.facts.processes.as_ref()?;
            let rss = pool.rss_peak_bytes_sum()? as f64;
            Some(PerWorker::Rss(rss / pool.workers.len().max(1) as f64))
        }
        ModelKind::PyThreads => {
            let base = Figures::of(baseline?)?.heap_peak_bytes()? as f64;
            let heap = figures.heap_peak_bytes()? as f64;
            Some(PerWorker::Heap((heap - base).max(0.0) / n.max(1) as f64))
        }
        _ => None,
    }
}

/// What bounds a row, read in a fixed order from its evidence.
fn bound(r: &TaskRow, speedup: Option<f64>, cores: usize) -> Bound {
    let cores_used = r.cores_used;
    let kind = r.figures.cell.model.kind;
    if kind == ModelKind::PySequential {
        return Bound::OneAtATime { cores_used };
    }
    if speedup.is_some_and(|s| s >= SCALED * r.n as f64) {
        return Bound::Scaled { n: r.n };
    }
    if let Some(pool) = r.figures.run.facts.processes.as_ref()
        && let Some(startup) = pool.startup_mean()
        && let Some(share) = ratio(startup.as_secs_f64(), r.figures.wall.as_secs_f64())
        && share >= STARTUP_SHARE
    {
        return Bound::StartUp { startup_ms: startup.as_secs_f64() * 1e3, share };
    }
    let gil_on = r.figures.cell.runs.iter().all(|run| run.facts.python.as_ref().is_some_and(|p| p.gil_enabled));
    let one_thread = kind == ModelKind::PyAsync || (kind == ModelKind::PyThreads && gil_on);
    if one_thread && (1.0 - WAITING..=ONE_CORE).contains(&cores_used) {
        return Bound::Gil { cores_used, event_loop: kind == ModelKind::PyAsync };
    }
    if cores_used >= ALL_CORES * cores as f64 {
        return Bound::AllCores { cores_used, cores };
    }
    if cores_used < WAITING {
        return Bound::Waiting { cores_used };
    }
    Bound::Unexplained { cores_used }
}

impl TaskAnalysis<'_> {
    /// The fastest model whose time is comparable (its tasks succeeded often enough).
    pub fn fastest(&self) -> Option<&TaskRow<'_>> {
        self.rows
            .iter()
            .filter(|r| r.speedup.is_some_and(|s| s.ratio.is_some()))
            .min_by(|a, b| a.figures.total_time.cmp(&b.figures.total_time))
    }
}
