//! Sections 4 and 5: CPU-bound work under every model, its speed-ups against sequential and the
//! theoretical maximum, and the evidence of why a GIL makes threads slower than sequential.

use std::time::Duration;

use super::figures::{Figures, Judged, time_ratio};
use super::stats::RatioStat;
use crate::record::{CpuExperiment, GilStats, Hold, ModelKind, PoolStats};

/// One model's row of section 4.
#[derive(Debug, Clone)]
pub struct CpuRow<'a> {
    pub figures: Figures<'a>,
    pub kind: ModelKind,
    /// The model's concurrency (workers, processes; 1 for sequential and async).
    pub n: usize,
    /// min(cores, n): the most speed-up the model could reach.
    pub theoretical: usize,
    /// Sequential time / this time, paired by repetition.
    pub speedup: Option<Judged>,
    /// speedup / theoretical.
    pub efficiency: Option<f64>,
    /// The serial fraction the speed-up implies on `theoretical` cores (Karp–Flatt).
    pub serial_fraction: Option<f64>,
    /// CPU time of the run, worker processes included.
    pub cpu: Duration,
    /// Whether its counts summed to the reference checksum in every run (`Some(false)` if any
    /// complete run's did not; `None`: no mismatch, but some run did not complete all tasks).
    pub checksum_ok: Option<bool>,
}

impl CpuRow<'_> {
    /// The speed-up over sequential when it is stated (not withheld for failures).
    pub fn stated_speedup(&self) -> Option<RatioStat> {
        self.speedup.and_then(|s| s.ratio)
    }

    pub fn gil(&self) -> Option<&GilStats> {
        self.figures.run.facts.gil.as_ref()
    }
    pub fn pool(&self) -> Option<&PoolStats> {
        self.figures.run.facts.processes.as_ref()
    }
}

/// `fast` against `slow`: how many times faster (below 1: slower), paired by repetition.
#[derive(Debug, Clone)]
pub struct HeadToHead<'r, 'a> {
    pub fast: &'r CpuRow<'a>,
    pub slow: &'r CpuRow<'a>,
    pub ratio: Judged,
    /// Whether the reports state it (see [`CpuAnalysis::head_to_head`]).
    pub stated: bool,
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
}

/// Whether every complete run of `cell` counted `expected` primes in all (see [`CpuRow`]).
fn checksum(cell: &crate::record::Cell, expected: u64) -> Option<bool> {
    let complete = |r: &&crate::record::RunRecord| r.failed == 0 && r.ok as usize == r.tasks;
    if cell.runs.iter().filter(complete).any(|r| r.value_sum != expected) {
        Some(false)
    } else {
        cell.runs.iter().all(|r| complete(&r)).then_some(true)
    }
}

pub fn analyse(exp: &CpuExperiment, cores: usize) -> CpuAnalysis<'_> {
    let expected_checksum = exp.expected_checksum();
    let base = exp.cells.iter().find(|c| c.model.kind == ModelKind::Sequential && !c.runs.is_empty());
    let rows: Vec<CpuRow> = exp
        .cells
        .iter()
        .filter_map(|cell| {
            let figures = Figures::of(cell)?;
            let kind = cell.model.kind;
            // A merged split run's model ran in every segment.
            let n = super::segments::workers_in_all(cell, cell.model.cpu_parallelism(exp.settings.tasks, cores));
            let theoretical = n.min(cores).max(1);
            let speedup = base.and_then(|b| time_ratio(b, cell, exp.settings.min_success));
            let stated = speedup.and_then(|s| s.ratio);
            let children = figures.run.facts.processes.as_ref().map_or(0, PoolStats::cpu_ns);
            let cpu = figures.cpu() + Duration::from_nanos(children);
            Some(CpuRow {
                figures,
                kind,
                n,
                theoretical,
                speedup,
                efficiency: stated.map(|s| s.point / theoretical as f64),
                serial_fraction: stated.and_then(|s| super::scaling::serial_fraction(s.point, theoretical)),
                cpu,
                checksum_ok: checksum(cell, expected_checksum),
            })
        })
        .collect();
    let sequential = rows.iter().find(|r| r.kind == ModelKind::Sequential).cloned();
    CpuAnalysis { rows, sequential, cores, expected_checksum, min_success: exp.settings.min_success }
}

impl<'a> CpuAnalysis<'a> {
    pub fn first(&self, kind: ModelKind) -> Option<&CpuRow<'a>> {
        self.rows.iter().find(|r| r.kind == kind)
    }

    /// The head-to-head comparisons, each with whether the reports state it: processes and free
    /// threads against gil-threads always (the source's point), processes against threads only
    /// when the difference is beyond the noise. JSON carries them all.
    pub fn head_to_head(&self) -> Vec<HeadToHead<'_, 'a>> {
        use ModelKind::{GilThreads, Processes, Threads};
        [(Processes, GilThreads), (Threads, GilThreads), (Processes, Threads)]
            .into_iter()
            .filter_map(|(fast, slow)| {
                let ratio = self.faster(fast, slow)?;
                let significant = ratio.ratio.and_then(|r| r.significant()) == Some(true);
                let stated = slow == GilThreads || significant || ratio.ratio.is_none();
                Some(HeadToHead { fast: self.first(fast)?, slow: self.first(slow)?, ratio, stated })
            })
            .collect()
    }

    /// How many times faster `a` was than `b`, paired by repetition.
    pub fn faster(&self, a: ModelKind, b: ModelKind) -> Option<Judged> {
        let (a, b) = (self.first(a)?, self.first(b)?);
        time_ratio(b.figures.cell, a.figures.cell, self.min_success)
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
