//! A split run's segments, analysed (see `crate::merge`): when each started against the aligned
//! start, how their times spread in every cell (the slowest named, the straggler cost: the
//! slowest segment's time over the mean), and for the CPU job, what all the segments' workers
//! made of all their cores. Pure functions over the records.

use std::collections::BTreeSet;
use std::time::Duration;

use super::figures::Figures;
use crate::record::{Cell, Concurrency, Experiment, Report, SegmentInfo, SegmentPart};

/// How many segments a merged cell's runs were made of (1 for a run of one piece).
pub fn segments_of(cell: &Cell) -> usize {
    cell.runs.first().and_then(|r| r.raw.as_ref()).map_or(1, |r| r.parts.len().max(1))
}

/// Below this share of one core, a one-at-a-time model's merged segments waited for cores.
pub const CONTENDED_SHARE: f64 = 0.8;

/// For a merged one-at-a-time cell of CPU work: the share of one core its segments kept busy
/// (their CPU time over their summed wall time), when below [`CONTENDED_SHARE`]. Such segments ran
/// beside each other (or other work) on shared cores, so their summed time is not what one worker
/// alone takes: no speed-up can be measured against it. `None` for a run of one piece.
pub fn contended(cell: &Cell) -> Option<f64> {
    if segments_of(cell) < 2 || cell.model.kind.info().concurrency != Concurrency::One {
        return None;
    }
    let parts = cell.runs.iter().filter_map(|r| r.raw.as_ref()).flat_map(|r| &r.parts);
    let (cpu, wall) = parts.fold((0u64, 0u64), |(c, w), p| (c + p.cpu_ns, w + p.wall_ns));
    let share = cpu as f64 / wall.max(1) as f64;
    (wall > 0 && share < CONTENDED_SHARE).then_some(share)
}

/// Workers a cell's model ran with over all its segments: one-at-a-time models are still one.
/// A runtime sized to the machine (`async-mt`) is given the cores of all the hosts already, so it
/// is not multiplied again.
pub fn workers_in_all(cell: &Cell, per_segment: usize) -> usize {
    let info = cell.model.kind.info();
    if info.concurrency == Concurrency::One || info.cpu_parallelism == crate::record::CpuParallelism::Cores {
        per_segment
    } else {
        per_segment * segments_of(cell)
    }
}

/// One segment of a merged report.
#[derive(Debug, Clone)]
pub struct SegmentRow<'a> {
    pub info: &'a SegmentInfo,
    /// Its first start after the aligned start (its clock's offset, as far as it shows).
    pub lateness: Option<i64>,
    /// From its first run's start to its last run's end.
    pub span: Option<Duration>,
}

/// How a cell's segments' times spread in its median run.
#[derive(Debug, Clone)]
pub struct Spread<'a> {
    pub experiment: &'static str,
    pub cell: &'a Cell,
    pub fastest: Duration,
    pub slowest: Duration,
    /// The slowest segment.
    pub straggler: usize,
    /// The slowest segment's time over the mean: what waiting for it cost.
    pub straggler_cost: f64,
}

/// The segments of a merged report.
#[derive(Debug, Clone)]
pub struct SegmentsAnalysis<'a> {
    pub rows: Vec<SegmentRow<'a>>,
    pub hosts: usize,
    pub start_at_unix_ns: Option<u64>,
    /// The latest first start minus the earliest.
    pub start_spread: Option<Duration>,
    pub spreads: Vec<Spread<'a>>,
}

fn spread<'a>(experiment: &'static str, cell: &'a Cell) -> Option<Spread<'a>> {
    let parts: &[SegmentPart] = &Figures::of(cell)?.run.raw.as_ref()?.parts;
    let walls: Vec<u64> = parts.iter().map(|p| p.wall_ns).collect();
    let (slow_i, &slow) = walls.iter().enumerate().max_by_key(|(_, w)| **w)?;
    let mean = walls.iter().sum::<u64>() as f64 / walls.len() as f64;
    Some(Spread {
        experiment,
        cell,
        fastest: Duration::from_nanos(*walls.iter().min()?),
        slowest: Duration::from_nanos(slow),
        straggler: parts[slow_i].segment,
        straggler_cost: if mean > 0.0 { slow as f64 / mean } else { 1.0 },
    })
}

/// The one API every segment sent to, reconciled with what they sent: every try of every
/// measured run, and the tries no run records (preflights, warm-ups).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SharedServer {
    pub tries: u64,
    pub server_requests: u64,
    /// No try failed: the two must be equal (else the server may have counted fewer).
    pub exact: bool,
}

impl SharedServer {
    pub fn agrees(&self) -> bool {
        if self.exact { self.server_requests == self.tries } else { self.server_requests <= self.tries }
    }
}

/// The reconciliation of a merged report with its shared API's counters (`None` without them).
pub fn shared_server(report: &Report) -> Option<SharedServer> {
    let segments = report.segments.as_ref().filter(|s| s.merged)?;
    let server = segments.shared_server.as_ref()?;
    let runs: Vec<&crate::record::RunRecord> =
        report.experiments.iter().flat_map(|e| e.cells()).flat_map(|c| c.runs.iter()).collect();
    let unrecorded: u64 = segments.parts.iter().map(|p| p.unrecorded_tries).sum();
    let tries = runs.iter().map(|r| super::integrity::tries(r)).sum::<u64>() + unrecorded;
    let exact = runs.iter().all(|r| r.failed == 0 && r.retries == 0);
    Some(SharedServer { tries, server_requests: server.requests, exact })
}

/// `None` unless the report is a merge of segments.
pub fn analyse(report: &Report) -> Option<SegmentsAnalysis<'_>> {
    let segments = report.segments.as_ref().filter(|s| s.merged)?;
    let rows = segments
        .parts
        .iter()
        .map(|info| SegmentRow {
            info,
            lateness: info.start_lateness_ns(),
            span: info
                .first_start_unix_ns
                .zip(info.last_end_unix_ns)
                .map(|(s, e)| Duration::from_nanos(e.saturating_sub(s))),
        })
        .collect();
    let starts: Vec<u64> = segments.parts.iter().filter_map(|p| p.first_start_unix_ns).collect();
    let start_spread = (starts.len() == segments.parts.len() && !starts.is_empty())
        .then(|| Duration::from_nanos(starts.iter().max().unwrap_or(&0) - starts.iter().min().unwrap_or(&0)));
    let spreads = report
        .experiments
        .iter()
        .flat_map(|e: &Experiment| e.cells().into_iter().filter_map(move |c| spread(e.kind_name(), c)))
        .collect();
    Some(SegmentsAnalysis {
        rows,
        hosts: segments.parts.iter().map(|p| p.host.as_str()).collect::<BTreeSet<_>>().len(),
        start_at_unix_ns: segments.parts.first().and_then(|p| p.start_at_unix_ns),
        start_spread,
        spreads,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{CellStatus, ModelSpec, RawHistograms, RawRun, RunRecord};

    /// A cell of `model` whose one run was merged from segments of (CPU ms, wall ms).
    fn merged(model: &str, parts: &[(u64, u64)]) -> Cell {
        let mut c = Cell::pending(model.parse::<ModelSpec>().unwrap(), 10, 10);
        c.status = CellStatus::Ok;
        let parts = parts
            .iter()
            .enumerate()
            .map(|(segment, &(cpu, wall))| SegmentPart {
                segment,
                started_unix_ns: 0,
                wall_ns: wall * 1_000_000,
                tasks: 5,
                ok: 5,
                failed: 0,
                cpu_ns: cpu * 1_000_000,
            })
            .collect();
        let raw = RawRun { started_unix_ns: 0, histograms: RawHistograms::default(), parts };
        c.runs.push(RunRecord { raw: Some(raw), ..RunRecord::blank(10, 10) });
        c
    }

    #[test]
    fn a_merged_baseline_that_waited_for_cores_is_contended() {
        // Two segments each kept half a core busy: they shared one.
        assert_eq!(contended(&merged("sequential", &[(100, 200), (100, 200)])), Some(0.5));
        // Alone on their cores, they kept one busy each.
        assert_eq!(contended(&merged("sequential", &[(195, 200), (200, 200)])), None);
        // A run of one piece, and a pool (its own concurrency), are never judged so.
        assert_eq!(contended(&merged("sequential", &[(100, 200)])), None);
        assert_eq!(contended(&merged("processes:2", &[(100, 200), (100, 200)])), None);
    }
}
