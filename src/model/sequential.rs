//! `sequential`: one task after another on the calling thread, with the blocking client.

use std::time::Instant;

use super::{ExecutionFacts, Job, Model};
use crate::measure::Meter;
use crate::workload::TaskCx;

pub struct Sequential;

impl Model for Sequential {
    fn execute(&self, job: &Job, meter: &mut Meter) -> anyhow::Result<ExecutionFacts> {
        meter.start();
        for task in job.tasks.clone() {
            if crate::interrupt::requested() {
                break;
            }
            let t0 = Instant::now();
            let result = job.workload.run_blocking(task, &TaskCx::FREE);
            job.recorder.record(t0, result);
        }
        meter.stop();
        let one = 1.min(job.tasks.len());
        Ok(ExecutionFacts { peak_tasks_in_flight: one, peak_in_workload: Some(one), ..ExecutionFacts::default() })
    }
}
