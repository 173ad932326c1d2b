//! Sections 4 and 5: CPU-bound work under every model, its speed-ups against sequential and the
//! theoretical maximum, and the evidence of why a GIL makes threads slower than sequential.

use std::time::Duration;

use super::figures::{Figures, Judged, time_ratio};
use super::stats::RatioStat;
use crate::record::{Cell, CellInterpreter, CpuExperiment, GilStats, Hold, ModelKind, PoolStats};

/// One model's row of section 4.
#[derive(Debug, Clone)]
pub struct CpuRow<'a> {
    pub figures: Figures<'a>,
    pub kind: ModelKind,
    /// The model's concurrency (workers, processes; 1 for sequential and async).
    pub n: usize,
    /// min(cores, n): the most speed-up the model could reach.
    pub theoretical: usize,
    /// The one-at-a-time run its speed-up is measured against: `sequential` for a Rust model,
    /// `py-sequential` in the same interpreter for a py model.
    pub baseline: Option<&'a Cell>,
    /// The baseline's time / this time, paired by repetition.
    pub speedup: Option<Judged<'a>>,
    /// speedup / theoretical.
    pub efficiency: Option<f64>,
    /// The serial fraction the speed-up implies on `theoretical` cores (Karp–Flatt).
    pub serial_fraction: Option<f64>,
    /// CPU time of the run, worker processes included.
    pub cpu: Duration,
    /// CPU time over wall time: how many cores the run kept busy.
    pub cores_used: f64,
    /// Whether its counts summed to the reference checksum in every run (`Some(false)` if any
    /// complete run's did not; `None`: no mismatch, but some run did not complete all tasks).
    pub checksum_ok: Option<bool>,
}

impl CpuRow<'_> {
    /// The speed-up over its baseline when it is stated (not withheld for failures).
    pub fn stated_speedup(&self) -> Option<RatioStat> {
        self.speedup.and_then(|s| s.ratio)
    }

    pub fn gil(&self) -> Option<&GilStats> {
        self.figures.run.facts.gil.as_ref()
    }
    pub fn pool(&self) -> Option<&PoolStats> {
        self.figures.run.facts.processes.as_ref()
    }

    /// The interpreter a py model ran in.
    pub fn interpreter(&self) -> Option<&CellInterpreter> {
        self.figures.cell.interpreter.as_ref()
    }

    /// The lock its threads ran under (`None` for a model that is not threads).
    pub fn lock(&self) -> Option<Lock> {
        match self.kind {
            ModelKind::GilThreads => Some(Lock::Emulated),
            ModelKind::Threads => Some(Lock::None),
            ModelKind::PyThreads if self.gil_on_in_every_run() => Some(Lock::Real),
            ModelKind::PyThreads => Some(Lock::FreeThreaded),
            _ => None,
        }
    }

    /// Whether the interpreter's GIL was on at the end of every run (a free-threaded build turns it
    /// back on for an extension not declared safe), as the interpreter said before the runs when
    /// no run says.
    fn gil_on_in_every_run(&self) -> bool {
        let said = self.interpreter().is_some_and(|i| i.gil);
        self.figures.cell.runs.iter().all(|r| r.facts.python.as_ref().map_or(said, |p| p.gil_enabled))
    }
}

/// The lock threads run CPU work under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// concbench's emulated interpreter lock (`gil-threads`).
    Emulated,
    /// CPython's GIL (`py-threads` on a GIL build).
    Real,
    /// None: a free-threaded CPython build with its GIL off.
    FreeThreaded,
    /// None: Rust threads.
    None,
}

/// `fast` against `slow`: how many times faster (below 1: slower), paired by repetition.
#[derive(Debug, Clone)]
pub struct HeadToHead<'r, 'a> {
    pub fast: &'r CpuRow<'a>,
    pub slow: &'r CpuRow<'a>,
    pub ratio: Judged<'a>,
    /// Whether the reports state it (see [`CpuAnalysis::head_to_head`]).
    pub stated: bool,
}

/// `a`'s time against `b`'s for the same work in another runtime: CPython against Rust, or one
/// interpreter against another.
#[derive(Debug, Clone)]
pub struct Versus<'r, 'a> {
    pub a: &'r CpuRow<'a>,
    pub b: &'r CpuRow<'a>,
    /// a's time / b's time.
    pub ratio: Judged<'a>,
}

/// The whole analysis.
#[derive(Debug, Clone)]
pub struct CpuAnalysis<'a> {
    pub rows: Vec<CpuRow<'a>>,
    pub sequential: Option<CpuRow<'a>>,
    pub cores: usize,
    pub expected_checksum: u64,
    /// The share of tasks a model had to complete to be compared.
    pub min_success: f64,
    /// Merged one-at-a-time cells whose segments kept less than a core busy, with that share:
    /// nothing is measured against them.
    pub contended: Vec<(&'a Cell, f64)>,
}

/// Whether every complete run of `cell` counted `expected` primes in all (see [`CpuRow`]).
fn checksum(cell: &Cell, expected: u64) -> Option<bool> {
    let complete = |r: &&crate::record::RunRecord| r.failed == 0 && r.ok as usize == r.tasks;
    if cell.runs.iter().filter(complete).any(|r| r.value_sum != expected) {
        Some(false)
    } else {
        cell.runs.iter().all(|r| complete(&r)).then_some(true)
    }
}

/// The one-at-a-time cell `cell` is measured against: `sequential` for a Rust model,
/// `py-sequential` in the same interpreter for a py model.
fn baseline_of<'a>(exp: &'a CpuExperiment, cell: &Cell) -> Option<&'a Cell> {
    let kind = if cell.model.kind.is_python() { ModelKind::PySequential } else { ModelKind::Sequential };
    exp.cells.iter().find(|c| c.model.kind == kind && c.interpreter == cell.interpreter && !c.runs.is_empty())
}

fn row<'a>(exp: &'a CpuExperiment, cell: &'a Cell, cores: usize) -> Option<CpuRow<'a>> {
    let figures = Figures::of(cell)?;
    // A merged split run's model ran in every segment.
    let n = super::segments::workers_in_all(cell, cell.model.cpu_parallelism(exp.settings.tasks, cores));
    let theoretical = n.min(cores).max(1);
    // A merged baseline whose segments waited for cores is no baseline (see `contended`).
    let baseline = baseline_of(exp, cell).filter(|b| super::segments::contended(b).is_none());
    let speedup = baseline.and_then(|b| time_ratio(b, cell, exp.settings.min_success));
    let stated = speedup.and_then(|s| s.ratio);
    let cpu = figures.cpu_with_workers();
    Some(CpuRow {
        kind: cell.model.kind,
        n,
        theoretical,
        baseline,
        speedup,
        efficiency: stated.map(|s| s.point / theoretical as f64),
        serial_fraction: stated.and_then(|s| super::scaling::serial_fraction(s.point, theoretical)),
        cpu,
        cores_used: super::ratio(cpu.as_secs_f64(), figures.wall.as_secs_f64()).unwrap_or(0.0),
        checksum_ok: checksum(cell, exp.expected_checksum()),
        figures,
    })
}

pub fn analyse(exp: &CpuExperiment, cores: usize) -> CpuAnalysis<'_> {
    let rows: Vec<CpuRow> = exp.cells.iter().filter_map(|cell| row(exp, cell, cores)).collect();
    let sequential = rows.iter().find(|r| r.kind == ModelKind::Sequential).cloned();
    let (expected_checksum, min_success) = (exp.expected_checksum(), exp.settings.min_success);
    let contended = exp.cells.iter().filter_map(|c| super::segments::contended(c).map(|share| (c, share))).collect();
    CpuAnalysis { rows, sequential, cores, expected_checksum, min_success, contended }
}

impl<'a> CpuAnalysis<'a> {
    pub fn first(&self, kind: ModelKind) -> Option<&CpuRow<'a>> {
        self.rows.iter().find(|r| r.kind == kind)
    }

    /// The row of `kind` run in `interpreter` (`None`: a Rust model).
    pub fn of(&self, kind: ModelKind, interpreter: Option<&CellInterpreter>) -> Option<&CpuRow<'a>> {
        self.rows.iter().find(|r| r.kind == kind && r.interpreter() == interpreter)
    }

    /// Every row of `kind`, one per interpreter for a py model.
    pub fn all(&self, kind: ModelKind) -> impl Iterator<Item = &CpuRow<'a>> {
        self.rows.iter().filter(move |r| r.kind == kind)
    }

    /// The head-to-head comparisons, each with whether the reports state it: processes and free
    /// threads against gil-threads always (the source's point), processes against threads only
    /// when the difference is beyond the noise; in each interpreter, py-processes against
    /// py-threads always (the source's "multiprocess is 6.6x faster than multithread"). JSON
    /// carries them all.
    pub fn head_to_head(&self) -> Vec<HeadToHead<'_, 'a>> {
        use ModelKind::{GilThreads, Processes, PyProcesses, PyThreads, Threads};
        let rust = [(Processes, GilThreads), (Threads, GilThreads), (Processes, Threads)].into_iter().filter_map(
            |(fast, slow)| {
                let h = self.versus(self.first(fast)?, self.first(slow)?)?;
                let significant = h.ratio.ratio.and_then(|r| r.significant()) == Some(true);
                Some(HeadToHead { stated: slow == GilThreads || significant || h.ratio.ratio.is_none(), ..h })
            },
        );
        let py = self.all(PyProcesses).filter_map(|p| self.versus(p, self.of(PyThreads, p.interpreter())?));
        rust.chain(py).collect()
    }

    /// How many times faster `fast` was than `slow`, paired by repetition (stated).
    fn versus<'r>(&'r self, fast: &'r CpuRow<'a>, slow: &'r CpuRow<'a>) -> Option<HeadToHead<'r, 'a>> {
        let ratio = time_ratio(slow.figures.cell, fast.figures.cell, self.min_success)?;
        Some(HeadToHead { fast, slow, ratio, stated: true })
    }

    /// How many times faster `a` was than `b`, paired by repetition.
    pub fn faster(&self, a: ModelKind, b: ModelKind) -> Option<Judged<'a>> {
        let (a, b) = (self.first(a)?, self.first(b)?);
        time_ratio(b.figures.cell, a.figures.cell, self.min_success)
    }

    /// The same one-at-a-time work in two runtimes: each interpreter's `py-sequential` against
    /// Rust's `sequential`, and against the first interpreter's.
    pub fn runtimes(&self) -> Vec<Versus<'_, 'a>> {
        let py: Vec<&CpuRow<'a>> = self.all(ModelKind::PySequential).collect();
        let against_rust = self.sequential.as_ref().into_iter().flat_map(|s| py.iter().map(move |p| (*p, s)));
        let against_first = py.first().into_iter().flat_map(|first| py[1..].iter().map(move |p| (*p, *first)));
        against_rust
            .chain(against_first)
            .filter_map(|(a, b)| {
                let ratio = time_ratio(a.figures.cell, b.figures.cell, self.min_success)?;
                Some(Versus { a, b, ratio })
            })
            .collect()
    }

    /// The threads of every kind that ran, with the lock they ran under: section 5's table of the
    /// emulated lock, the real one and none.
    pub fn locks(&self) -> Vec<(&CpuRow<'a>, Lock)> {
        self.rows.iter().filter_map(|r| Some((r, r.lock()?))).collect()
    }

    /// Whether every model's complete runs returned the reference checksum (runs that did not
    /// complete all their tasks are not checked: their failures are reported instead).
    pub fn checksums_ok(&self) -> bool {
        self.rows.iter().all(|r| r.checksum_ok != Some(false))
    }
}

/// One row of a timeline: for each slice, whether the thread held the lock for at least half of it.
pub fn timeline(holds: &[Hold], threads: usize, slice: Duration, slices: usize) -> Vec<Vec<bool>> {
    let Some(start) = holds.iter().map(|h| h.start_us).min() else { return Vec::new() };
    let slice_us = slice.as_micros().max(1) as u64;
    (0..threads)
        .map(|t| {
            (0..slices as u64)
                .map(|i| {
                    let (from, to) = (start + i * slice_us, start + (i + 1) * slice_us);
                    let held: u64 = holds
                        .iter()
                        .filter(|h| h.thread == t)
                        .map(|h| h.end_us.min(to).saturating_sub(h.start_us.max(from)))
                        .sum();
                    held * 2 >= slice_us
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timeline_marks_who_held_each_slice() {
        let holds = [
            Hold { thread: 0, start_us: 100, end_us: 5_100 },
            Hold { thread: 1, start_us: 5_100, end_us: 10_100 },
            Hold { thread: 0, start_us: 10_100, end_us: 12_000 },
        ];
        let rows = timeline(&holds, 2, Duration::from_millis(5), 3);
        assert_eq!(rows, vec![vec![true, false, false], vec![false, true, false]]);
        assert!(timeline(&[], 2, Duration::from_millis(5), 3).is_empty());
    }
}
