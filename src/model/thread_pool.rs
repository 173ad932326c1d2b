//! `threads:N`: a fixed pool of N OS threads pulling task ids from a shared counter, each running
//! its tasks with the blocking client. Like Python's `ThreadPoolExecutor`, it never starts more
//! threads than there are tasks. Starting and joining the threads is part of the measured run.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use super::{ExecutionFacts, Job, Model, Occupancy};
use crate::measure::Meter;
use crate::workload::TaskCx;

pub struct ThreadPool {
    pub threads: usize,
}

fn worker(job: &Job, next: &AtomicUsize, occupancy: &Occupancy) {
    loop {
        let task = next.fetch_add(1, Ordering::Relaxed);
        if task >= job.tasks.end || crate::interrupt::requested() {
            return;
        }
        let _inside = occupancy.enter();
        let t0 = Instant::now();
        let result = job.workload.run_blocking(task, &TaskCx::FREE);
        job.recorder.record(t0, result);
    }
}

impl Model for ThreadPool {
    fn execute(&self, job: &Job, meter: &mut Meter) -> anyhow::Result<ExecutionFacts> {
        let wanted = self.threads.min(job.tasks.len()).max(1);
        let next = AtomicUsize::new(job.tasks.start);
        let occupancy = Occupancy::default();
        meter.start();
        let started = super::run_threads(wanted, "pool", |_| worker(job, &next, &occupancy));
        meter.stop();
        let started = started?;
        Ok(ExecutionFacts {
            threads_started: started,
            peak_tasks_in_flight: started,
            peak_in_workload: Some(occupancy.peak()),
            ..ExecutionFacts::default()
        })
    }
}
