//! Per-task outcomes of one run: counts by kind and latency histograms (successes and failures kept
//! apart). Models share one [`Recorder`]; it is allocated before the measured window opens, so its
//! histograms do not count as the model's heap.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

use crate::record::ErrorTally;
use crate::record::{ErrorKind, TaskError, TaskOutcome};

/// Latencies are recorded in microseconds, from 1 µs to one hour, to 3 significant figures.
const HIST_MAX_US: u64 = 3_600_000_000;

fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, HIST_MAX_US, 3).expect("static histogram bounds are valid")
}

/// Everything recorded in one run.
#[derive(Debug, Clone)]
pub struct Tally {
    pub ok: u64,
    pub failed: u64,
    /// Tries beyond the first, over all tasks.
    pub retries: u64,
    /// Successes that needed a retry.
    pub ok_after_retry: u64,
    /// Sum of the successful tasks' values (body bytes for I/O): a checksum across models.
    pub value_sum: u64,
    pub errors: BTreeMap<ErrorKind, ErrorTally>,
    pub ok_latency: Histogram<u64>,
    pub failed_latency: Histogram<u64>,
    /// When each task started, in microseconds after the recorder was made: shows how long the
    /// model took to get its tasks going (thread start-up, connection set-up).
    pub starts: Histogram<u64>,
}

impl Tally {
    /// Time from the first task's start until `n` tasks had started: how long the model took to
    /// reach a concurrency of `n`. `None` without tasks.
    pub fn ramp_up(&self, n: usize) -> Option<Duration> {
        let total = self.starts.len();
        if total == 0 {
            return None;
        }
        let q = (n.max(1) as f64 / total as f64).min(1.0);
        Some(Duration::from_micros(self.starts.value_at_quantile(q).saturating_sub(self.starts.min())))
    }
}

/// Thread-safe sink for task outcomes.
pub struct Recorder {
    epoch: Instant,
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
            epoch: Instant::now(),
            tally: Mutex::new(Tally {
                ok: 0,
                failed: 0,
                retries: 0,
                ok_after_retry: 0,
                value_sum: 0,
                errors: BTreeMap::new(),
                ok_latency: new_histogram(),
                failed_latency: new_histogram(),
                starts: new_histogram(),
            }),
        }
    }

    /// Records one task that started at `started` and ended now, with its result.
    pub fn record(&self, started: Instant, result: Result<TaskOutcome, TaskError>) {
        self.record_timed(started.saturating_duration_since(self.epoch), started.elapsed(), result);
    }

    /// Records one task timed elsewhere (a child process's clock): it started `start` after a
    /// common origin and took `elapsed`. Start times only ever count relative to each other.
    pub fn record_timed(&self, start: Duration, elapsed: Duration, result: Result<TaskOutcome, TaskError>) {
        let start_us = (start.as_micros() as u64).clamp(1, HIST_MAX_US);
        let us = (elapsed.as_micros() as u64).clamp(1, HIST_MAX_US);
        let mut t = self.tally.lock().unwrap_or_else(|p| p.into_inner());
        t.starts.saturating_record(start_us);
        match result {
            Ok(outcome) => {
                t.ok += 1;
                t.retries += u64::from(outcome.attempts.saturating_sub(1));
                t.ok_after_retry += u64::from(outcome.attempts > 1);
                t.value_sum = t.value_sum.wrapping_add(outcome.value);
                t.ok_latency.saturating_record(us);
            }
            Err(e) => {
                t.failed += 1;
                t.retries += u64::from(e.attempts.saturating_sub(1));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::LatencySummary;

    #[test]
    fn successes_and_failures_are_kept_apart() {
        let r = Recorder::new();
        let ago = |ms: u64| Instant::now() - Duration::from_millis(ms);
        r.record(ago(100), Ok(TaskOutcome::new(10)));
        r.record(ago(120), Ok(TaskOutcome::new(5)));
        let err = |kind, m: &str| TaskError::new(kind, m);
        r.record(ago(2000), Err(err(ErrorKind::Timeout, "first")));
        r.record(ago(3000), Err(err(ErrorKind::Timeout, "second")));
        r.record(ago(1), Err(err(ErrorKind::Status(503), "503")));
        assert_eq!(r.done(), 5);
        let t = r.finish();
        assert_eq!((t.ok, t.failed, t.value_sum), (2, 3, 15));
        assert_eq!(t.errors[&ErrorKind::Timeout], ErrorTally { count: 2, example: "first".into() });
        assert_eq!(t.errors[&ErrorKind::Status(503)].count, 1);
        let ok = LatencySummary::of(&t.ok_latency).unwrap();
        assert_eq!(ok.count, 2);
        assert!(ok.max_us < 200_000 && ok.min_us > 99_000, "{ok:?}");
        assert_eq!(LatencySummary::of(&t.failed_latency).unwrap().count, 3);
        assert!(LatencySummary::of(&new_histogram()).is_none());
    }

    #[test]
    fn ramp_up_is_the_time_to_reach_a_concurrency() {
        let r = Recorder::new();
        let t0 = r.epoch;
        for ms in [0u64, 10, 20, 30, 400, 410] {
            r.record(t0 + Duration::from_millis(ms), Ok(TaskOutcome::new(1)));
        }
        let t = r.finish();
        let ramp = |n| t.ramp_up(n).unwrap().as_millis();
        assert!((29..=31).contains(&ramp(4)), "{}", ramp(4));
        assert_eq!(ramp(1), 0);
        assert!((405..=411).contains(&ramp(6)), "{}", ramp(6));
    }
}
