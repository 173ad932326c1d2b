//! `rayon:N`: rayon's work-stealing pool of N threads runs the tasks, pulled from the job's queue
//! through `par_bridge` (so a stop is honoured between tasks, as in every model).

use std::time::Instant;

use anyhow::Context;
use rayon::prelude::*;

use super::{Job, Model, Occupancy};
use crate::measure::Meter;
use crate::record::ExecutionFacts;
use crate::workload::TaskCx;

pub struct Rayon {
    pub threads: usize,
}

impl Model for Rayon {
    fn execute(&self, job: &Job, meter: &mut Meter) -> anyhow::Result<ExecutionFacts> {
        let threads = self.threads.max(1);
        let occupancy = Occupancy::default();
        job.start(meter)?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("rayon-{i}"))
            .build()
            .context("starting the rayon pool")?;
        pool.install(|| {
            std::iter::from_fn(|| job.next_task()).par_bridge().for_each(|ticket| {
                let _inside = occupancy.enter();
                let sent = Instant::now();
                let result = job.workload.run_blocking(ticket.task, &TaskCx::FREE);
                job.record(&ticket, sent, result);
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
