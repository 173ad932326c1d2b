//! `gil-threads:N`: N OS threads that may run workload code only while holding one emulated
//! interpreter lock (see [`super::gil`]): what Python's threads do under the GIL. Blocking I/O
//! runs without the lock, so on the `io` workload they overlap their requests like Python threads.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::gil::{Gil, GilThread};
use super::{ExecutionFacts, Job, Model};
use crate::measure::Meter;
use crate::workload::TaskCx;

pub struct GilThreads {
    pub threads: usize,
    pub switch_interval: Duration,
}

fn worker(job: &Job, next: &AtomicUsize, gil: &Gil, id: usize) {
    gil.take(id);
    let me = GilThread { gil, id };
    let cx = TaskCx::with_lock(&me);
    loop {
        let task = next.fetch_add(1, Ordering::Relaxed);
        if task >= job.tasks.end || crate::interrupt::requested() {
            break;
        }
        let t0 = Instant::now();
        let result = job.workload.run_blocking(task, &cx);
        job.recorder.record(t0, result);
    }
    gil.drop_lock(id, false);
}

impl Model for GilThreads {
    fn execute(&self, job: &Job, meter: &mut Meter) -> anyhow::Result<ExecutionFacts> {
        let wanted = self.threads.min(job.tasks.len()).max(1);
        let next = AtomicUsize::new(job.tasks.start);
        let gil = Gil::new(self.switch_interval);
        meter.start();
        let started = super::run_threads(wanted, "gil", |id| worker(job, &next, &gil, id));
        meter.stop();
        let started = started?;
        let stats = gil.stats();
        Ok(ExecutionFacts {
            threads_started: started,
            peak_tasks_in_flight: started,
            peak_in_workload: Some(stats.peak_inside),
            gil: Some(stats),
            ..ExecutionFacts::default()
        })
    }
}
