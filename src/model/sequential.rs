//! `sequential`: one task after another on the calling thread, with the blocking client.

use super::{Job, Model};
use crate::measure::Meter;
use crate::record::ExecutionFacts;
use crate::workload::TaskCx;

pub struct Sequential;

impl Model for Sequential {
    fn execute(&self, job: &Job, meter: &mut Meter) -> anyhow::Result<ExecutionFacts> {
        job.start(meter)?;
        job.run_tasks(&TaskCx::FREE, None);
        meter.stop();
        let one = 1.min(job.len());
        Ok(ExecutionFacts { peak_tasks_in_flight: one, peak_in_workload: Some(one), ..ExecutionFacts::default() })
    }
}
