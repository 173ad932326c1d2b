//! `rayon:N`: rayon's work-stealing pool of N threads runs the tasks as a parallel iterator.

use std::time::Instant;

use anyhow::Context;
use rayon::prelude::*;

use super::{ExecutionFacts, Job, Model, Occupancy};
use crate::measure::Meter;
use crate::workload::TaskCx;

pub struct Rayon {
    pub threads: usize,
}

impl Model for Rayon {
    fn execute(&self, job: &Job, meter: &mut Meter) -> anyhow::Result<ExecutionFacts> {
        let threads = self.threads.max(1);
        let occupancy = Occupancy::default();
        meter.start();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("rayon-{i}"))
            .build()
            .context("starting the rayon pool")?;
        pool.install(|| {
            job.tasks.clone().into_par_iter().for_each(|task| {
                if crate::interrupt::requested() {
                    return;
                }
                let _inside = occupancy.enter();
                let t0 = Instant::now();
                let result = job.workload.run_blocking(task, &TaskCx::FREE);
                job.recorder.record(t0, result);
            })
        });
        drop(pool);
        meter.stop();
        Ok(ExecutionFacts {
            threads_started: threads,
            peak_tasks_in_flight: occupancy.peak(),
            peak_in_workload: Some(occupancy.peak()),
            ..ExecutionFacts::default()
        })
    }
}
