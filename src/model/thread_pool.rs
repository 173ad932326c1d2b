//! `threads:N`: a fixed pool of N OS threads pulling task ids from the job's queue, each running
//! its tasks with the blocking client. Like Python's `ThreadPoolExecutor`, it never starts more
//! threads than there are tasks. Starting and joining the threads is part of the measured run.

use super::{Job, Model, Occupancy};
use crate::measure::Meter;
use crate::record::ExecutionFacts;
use crate::workload::TaskCx;

pub struct ThreadPool {
    pub threads: usize,
}

impl Model for ThreadPool {
    fn execute(&self, job: &Job, meter: &mut Meter) -> anyhow::Result<ExecutionFacts> {
        let wanted = self.threads.min(job.len()).max(1);
        let occupancy = Occupancy::default();
        job.start(meter)?;
        let started = super::run_threads(wanted, "pool", |_| {
            job.run_tasks(&TaskCx::FREE, Some(&occupancy));
        });
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
