//! Per-task outcomes of one run: counts by kind and latency histograms (successes and failures kept
//! apart). Models share one [`Recorder`]; it is allocated before the measured window opens, so its
//! histograms do not count as the model's heap.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use crate::workload::{ErrorKind, TaskError, TaskOutcome};

/// Latencies are recorded in microseconds, from 1 µs to one hour, to 3 significant figures.
const HIST_MAX_US: u64 = 3_600_000_000;

fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, HIST_MAX_US, 3).expect("static histogram bounds are valid")
}

/// Failures of one kind: how many, and the first message seen (so a user can see what broke).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorTally {
    pub count: u64,
    pub example: String,
}

/// Everything recorded in one run.
#[derive(Debug, Clone)]
pub struct Tally {
    pub ok: u64,
    pub failed: u64,
    /// Sum of the successful tasks' values (body bytes for I/O): a checksum across models.
    pub value_sum: u64,
    pub errors: BTreeMap<ErrorKind, ErrorTally>,
    pub ok_latency: Histogram<u64>,
    pub failed_latency: Histogram<u64>,
}

/// Thread-safe sink for task outcomes.
pub struct Recorder {
    tally: Mutex<Tally>,
}

impl Default for Recorder {
    fn default() -> Self {
        Self::new()
    }
}

impl Recorder {
    pub fn new() -> Self {
        Recorder {
            tally: Mutex::new(Tally {
                ok: 0,
                failed: 0,
                value_sum: 0,
                errors: BTreeMap::new(),
                ok_latency: new_histogram(),
                failed_latency: new_histogram(),
            }),
        }
    }

    /// Records one task: how long it took and how it ended.
    pub fn record(&self, elapsed: Duration, result: Result<TaskOutcome, TaskError>) {
        let us = (elapsed.as_micros() as u64).clamp(1, HIST_MAX_US);
        let mut t = self.tally.lock().unwrap_or_else(|p| p.into_inner());
        match result {
            Ok(outcome) => {
                t.ok += 1;
                t.value_sum = t.value_sum.wrapping_add(outcome.value);
                t.ok_latency.saturating_record(us);
            }
            Err(e) => {
                t.failed += 1;
                t.failed_latency.saturating_record(us);
                t.errors
                    .entry(e.kind)
                    .and_modify(|x| x.count += 1)
                    .or_insert(ErrorTally { count: 1, example: e.message });
            }
        }
    }

    /// Tasks recorded so far (for progress).
    pub fn done(&self) -> u64 {
        let t = self.tally.lock().unwrap_or_else(|p| p.into_inner());
        t.ok + t.failed
    }

    pub fn finish(self) -> Tally {
        self.tally.into_inner().unwrap_or_else(|p| p.into_inner())
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn successes_and_failures_are_kept_apart() {
        let r = Recorder::new();
        r.record(Duration::from_millis(100), Ok(TaskOutcome { value: 10 }));
        r.record(Duration::from_millis(120), Ok(TaskOutcome { value: 5 }));
        let err = |kind, m: &str| TaskError { kind, message: m.into() };
        r.record(Duration::from_secs(2), Err(err(ErrorKind::Timeout, "first")));
        r.record(Duration::from_secs(3), Err(err(ErrorKind::Timeout, "second")));
        r.record(Duration::from_millis(1), Err(err(ErrorKind::Status(503), "503")));
        assert_eq!(r.done(), 5);
        let t = r.finish();
        assert_eq!((t.ok, t.failed, t.value_sum), (2, 3, 15));
        assert_eq!(t.errors[&ErrorKind::Timeout], ErrorTally { count: 2, example: "first".into() });
        assert_eq!(t.errors[&ErrorKind::Status(503)].count, 1);
        let ok = LatencySummary::of(&t.ok_latency).unwrap();
        assert_eq!(ok.count, 2);
        assert!(ok.max_us < 121_000 && ok.min_us > 99_000, "{ok:?}");
        assert_eq!(LatencySummary::of(&t.failed_latency).unwrap().count, 3);
        assert!(LatencySummary::of(&new_histogram()).is_none());
    }
}
