//! Facts a model reports about how it ran, beyond the per-task outcomes: threads started, peak
//! concurrency, the interpreter lock's counters, the worker processes' own figures.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Facts a model reports about how it ran (beyond the recorder's per-task outcomes).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExecutionFacts {
    /// OS threads the model started for the run (pool workers, runtime workers).
    pub threads_started: usize,
    /// Most tasks the model had under way at once, by its own count.
    pub peak_tasks_in_flight: usize,
    /// Most threads running workload code at the same moment (under a GIL: 1); `None` where
    /// the model cannot count it (tasks spread over a multi-thread async runtime).
    #[serde(default)]
    pub peak_in_workload: Option<usize>,
    /// The interpreter lock's counters (`gil-threads`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gil: Option<GilStats>,
    /// The worker processes' own figures (`processes`, `py-processes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processes: Option<PoolStats>,
    /// What a py run reports about itself (the py models).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub python: Option<super::python::PyRunFacts>,
}

/// One stretch of time a thread held the lock, in microseconds since the lock was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold {
    pub thread: usize,
    pub start_us: u64,
    pub end_us: u64,
}

/// What the lock saw during a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GilStats {
    pub switch_interval_ns: u64,
    pub acquisitions: u64,
    /// Times the lock passed to a different thread than its last holder.
    pub handovers: u64,
    /// Drops forced by a waiting thread's request (the rest: blocking I/O, thread exit).
    pub forced_drops: u64,
    /// Time threads spent waiting for the lock, summed over threads.
    pub wait_ns_total: u64,
    /// Most threads ever holding the lock at once, counted where they run workload code (outside
    /// the lock's own mutex); 1 when the lock works.
    pub peak_inside: usize,
    /// The first holds of the run, for a timeline.
    pub timeline: Vec<Hold>,
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
