//! Per-task outcomes of one run: counts by kind and latency histograms (successes and failures kept
//! apart). Models share one [`Recorder`]; it is allocated before the measured window opens, so its
//! histograms do not count as the model's heap.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

use crate::record::ErrorTally;
use crate::record::{ErrorKind, TaskError, TaskOutcome};

use crate::record::server::{HIST_MAX_US, micros_histogram as new_histogram};

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
    /// An open model's figures (see `record::open`); `None` in a closed loop.
    pub open: Option<OpenTally>,
}

/// When an open model's request was due and when the generator released it (see `record::open`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Release {
    pub due: Instant,
    pub dispatched: Instant,
}

/// An open model's figures of one run, recorded per request.
#[derive(Debug, Clone)]
pub struct OpenTally {
    /// The run's task ids, for its tenths.
    pub tasks: Range<usize>,
    /// done − due of the successes, in microseconds.
    pub corrected: Histogram<u64>,
    /// sent − dispatched of every request a worker took, in microseconds.
    pub queue: Histogram<u64>,
    /// Per tenth of the tasks (by id): successes, and the sums of their corrected latency and
    /// service time in microseconds.
    pub tenths: [(u64, f64, f64); 10],
    /// Requests dropped because the queue was full.
    pub dropped: u64,
    /// When the first and the last success ended.
    pub answers: Option<(Instant, Instant)>,
}

impl OpenTally {
    fn new(tasks: Range<usize>) -> Self {
        let (corrected, queue) = (new_histogram(), new_histogram());
        OpenTally { tasks, corrected, queue, tenths: [(0, 0.0, 0.0); 10], dropped: 0, answers: None }
    }

    /// Successes per second from the first answer to the last: the model's pace once it
    /// answers, free of the wait for the first answer and of the run's ramp. `None` below two.
    pub fn achieved_per_s(&self, ok: u64) -> Option<f64> {
        let (first, last) = self.answers?;
        let span = last.saturating_duration_since(first).as_secs_f64();
        (ok >= 2 && span > 0.0).then(|| (ok - 1) as f64 / span)
    }

    /// The tenth task `task` belongs to.
    fn tenth(&self, task: usize) -> usize {
        let n = self.tasks.len().max(1);
        (task.saturating_sub(self.tasks.start) * 10 / n).min(9)
    }
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

/// Microseconds, for a histogram (at least 1, at most its bound).
pub fn micros(d: Duration) -> u64 {
    (d.as_micros() as u64).clamp(1, HIST_MAX_US)
}

impl Tally {
    fn new(open: Option<OpenTally>) -> Self {
        Tally {
            ok: 0,
            failed: 0,
            retries: 0,
            ok_after_retry: 0,
            value_sum: 0,
            errors: BTreeMap::new(),
            ok_latency: new_histogram(),
            failed_latency: new_histogram(),
            starts: new_histogram(),
            open,
        }
    }

    /// Counts one task that started `start` after the epoch and took `elapsed`; whether it
    /// succeeded.
    fn add(&mut self, start: Duration, elapsed: Duration, result: Result<TaskOutcome, TaskError>) -> bool {
        self.starts.saturating_record(micros(start));
        match result {
            Ok(outcome) => {
                self.ok += 1;
                self.retries += u64::from(outcome.attempts.saturating_sub(1));
                self.ok_after_retry += u64::from(outcome.attempts > 1);
                self.value_sum = self.value_sum.wrapping_add(outcome.value);
                self.ok_latency.saturating_record(micros(elapsed));
                true
            }
            Err(e) => {
                self.failed += 1;
                self.retries += u64::from(e.attempts.saturating_sub(1));
                self.failed_latency.saturating_record(micros(elapsed));
                self.count_error(e);
                false
            }
        }
    }

    fn count_error(&mut self, e: TaskError) {
        self.errors.entry(e.kind).and_modify(|x| x.count += 1).or_insert(ErrorTally { count: 1, example: e.message });
    }
}

impl Recorder {
    pub fn new() -> Self {
        Recorder { epoch: Instant::now(), tally: Mutex::new(Tally::new(None)) }
    }

    /// A recorder of an open model's run of `tasks`: it also keeps their corrected latency, their
    /// wait in the queue and their tenths.
    pub fn open(tasks: Range<usize>) -> Self {
        Recorder { epoch: Instant::now(), tally: Mutex::new(Tally::new(Some(OpenTally::new(tasks)))) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Tally> {
        self.tally.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records one task that started at `started` and ended now, with its result.
    pub fn record(&self, started: Instant, result: Result<TaskOutcome, TaskError>) {
        self.record_timed(started.saturating_duration_since(self.epoch), started.elapsed(), result);
    }

    /// Records one task timed elsewhere (a child process's clock): it started `start` after a
    /// common origin and took `elapsed`. Start times only ever count relative to each other.
    pub fn record_timed(&self, start: Duration, elapsed: Duration, result: Result<TaskOutcome, TaskError>) {
        self.lock().add(start, elapsed, result);
    }

    /// Records an open model's task `task`, released by the generator as `release`, taken by a
    /// worker at `sent` and ended now.
    pub fn record_released(
        &self,
        task: usize,
        release: Release,
        sent: Instant,
        result: Result<TaskOutcome, TaskError>,
    ) {
        let done = Instant::now();
        let service = done.saturating_duration_since(sent);
        let corrected = done.saturating_duration_since(release.due);
        let mut t = self.lock();
        let ok = t.add(sent.saturating_duration_since(self.epoch), service, result);
        if let Some(open) = t.open.as_mut() {
            open.queue.saturating_record(micros(sent.saturating_duration_since(release.dispatched)));
            if ok {
                open.answers =
                    Some(open.answers.map_or((done, done), |(first, last)| (first.min(done), last.max(done))));
                open.corrected.saturating_record(micros(corrected));
                let tenth = &mut open.tenths[open.tenth(task)];
                tenth.0 += 1;
                tenth.1 += corrected.as_secs_f64() * 1e6;
                tenth.2 += service.as_secs_f64() * 1e6;
            }
        }
    }

    /// Records an open model's request that was due while its queue was full: never sent, a
    /// failure of kind `dropped`.
    pub fn record_dropped(&self) {
        let mut t = self.lock();
        t.failed += 1;
        t.count_error(TaskError::new(ErrorKind::Dropped, "due while the queue was full (--max-queue)"));
        if let Some(open) = t.open.as_mut() {
            open.dropped += 1;
        }
    }

    /// Tasks recorded so far (for progress).
    pub fn done(&self) -> u64 {
        let t = self.lock();
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
