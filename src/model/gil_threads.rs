//! `gil-threads:N`: N OS threads that may run workload code only while holding one emulated
//! interpreter lock (see [`super::gil`]): what Python's threads do under the GIL. Blocking I/O
//! runs without the lock, so on the `io` workload they overlap their requests like Python threads.

use std::time::Duration;

use super::gil::{Gil, GilThread};
use super::{Job, Model};
use crate::measure::Meter;
use crate::record::ExecutionFacts;
use crate::workload::TaskCx;

pub struct GilThreads {
    pub threads: usize,
    pub switch_interval: Duration,
}

impl Model for GilThreads {
    fn execute(&self, job: &Job, meter: &mut Meter) -> anyhow::Result<ExecutionFacts> {
        let wanted = self.threads.min(job.len()).max(1);
        let gil = Gil::new(self.switch_interval);
        job.start(meter)?;
        let started = super::run_threads(wanted, "gil", |id| {
            gil.take(id);
            let me = GilThread { gil: &gil, id };
            job.run_tasks(&TaskCx::with_lock(&me), None);
            gil.drop_lock(id, false);
        });
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
