//! What a measured window saw (wall time, heap, RSS, CPU), latency percentiles, failure tallies,
//! and a figure summarised over runs. Producers fill these in; analysis reads them.

use std::time::Duration;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// Wall time, memory and CPU of one measured window.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Measured {
    pub wall_ns: u64,
    /// Heap figures; `None` when the counting allocator is not installed (library use).
    pub heap: Option<HeapUse>,
    /// Peak resident set size during the window; `None` where `/proc` is missing.
    pub rss_peak_bytes: Option<u64>,
    /// Resident set size when the window opened, so the peak can be read as growth.
    pub rss_start_bytes: Option<u64>,
    /// False when the kernel refused to reset its peak: the peak then covers the whole process life.
    pub rss_peak_reset: bool,
    pub cpu_user_ns: u64,
    pub cpu_sys_ns: u64,
    pub voluntary_switches: u64,
    pub involuntary_switches: u64,
    /// CPU time the whole machine spent busy during the window (every process, this one
    /// included), from `/proc/stat`: what is left after this process, its server and its workers
    /// is what others took (see `analysis::machine`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_busy_ns: Option<u64>,
}

impl Measured {
    /// A window of 1 ns that saw nothing (for tests to fill in).
    #[cfg(test)]
    pub(crate) fn blank() -> Self {
        Measured {
            wall_ns: 1,
            heap: None,
            rss_peak_bytes: None,
            rss_start_bytes: None,
            rss_peak_reset: true,
            cpu_user_ns: 0,
            cpu_sys_ns: 0,
            voluntary_switches: 0,
            involuntary_switches: 0,
            system_busy_ns: None,
        }
    }

    pub fn wall(&self) -> Duration {
        Duration::from_nanos(self.wall_ns)
    }
    pub fn cpu(&self) -> Duration {
        Duration::from_nanos(self.cpu_user_ns + self.cpu_sys_ns)
    }
}

/// What a window saw: the analogue of `tracemalloc.get_traced_memory()` after `start()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeapUse {
    /// Highest live heap during the window, above the live heap at its start.
    pub peak_bytes: u64,
    /// Live heap at the end minus at the start (negative when the run freed more than it kept).
    pub current_bytes: i64,
    /// Allocations made during the window; `None` where they are not counted (tracemalloc, for
    /// the py models, traces bytes, not calls).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocations: Option<u64>,
}

/// CPU time other processes took over a window while concbench waited, from `/proc/stat`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OthersLoad {
    pub window_ms: f64,
    pub cpu_ms: f64,
}

impl OthersLoad {
    /// Cores' worth of CPU the others kept busy.
    pub fn cores(&self) -> f64 {
        if self.window_ms > 0.0 { self.cpu_ms / self.window_ms } else { 0.0 }
    }
}

/// Failures of one kind: how many, and the first message seen (so a user can see what broke).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorTally {
    pub count: u64,
    pub example: String,
}

/// Percentiles of a latency histogram, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LatencySummary {
    pub count: u64,
    pub min_us: u64,
    pub mean_us: f64,
    pub p50_us: u64,
    pub p90_us: u64,
    pub p99_us: u64,
    pub max_us: u64,
}

impl LatencySummary {
    /// `None` for an empty histogram.
    pub fn of(h: &Histogram<u64>) -> Option<Self> {
        (!h.is_empty()).then(|| LatencySummary {
            count: h.len(),
            min_us: h.min(),
            mean_us: h.mean(),
            p50_us: h.value_at_quantile(0.50),
            p90_us: h.value_at_quantile(0.90),
            p99_us: h.value_at_quantile(0.99),
            max_us: h.max(),
        })
    }
}

/// A figure measured over several runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub n: usize,
    pub median: f64,
    pub mean: f64,
    /// Sample standard deviation (0 for one run).
    pub sd: f64,
    pub min: f64,
    pub max: f64,
    /// 95 % distribution-free confidence interval of the median; `None` below 6 runs (see
    /// `analysis::stats`).
    pub ci95: Option<(f64, f64)>,
    /// Indices of runs flagged as outliers (not dropped).
    pub outliers: Vec<usize>,
}

impl Summary {
    /// sd / mean.
    pub fn cv(&self) -> f64 {
        if self.mean > 0.0 { self.sd / self.mean } else { 0.0 }
    }
}
