//! Runs an experiment's matrix: for every model, a fresh workload, one measured run, the server's
//! counters for that run; the report grows cell by cell and observers see it after every cell.

use std::sync::Arc;

use anyhow::Context;

use crate::Error;
use crate::analysis;
use crate::env::{Environment, Tool};
use crate::measure::{LatencySummary, Meter, Recorder};
use crate::model::{Job, ModelSpec};
use crate::plan::IoPlan;
use crate::report::{
    BufferSizes, Cell, CellStatus, Experiment, IoExperiment, IoSettings, Report, RunRecord, SCHEMA_VERSION,
    timestamp_now,
};
use crate::target::Target;
use crate::workload::io::{BLOCKING_INPUT_BUFFER_BYTES, BLOCKING_OUTPUT_BUFFER_BYTES, IoWorkload};
use crate::workload::{IoSpec, WorkloadSpec};

/// Sees the run as it goes.
pub trait Observer {
    /// A model is about to run `tasks` tasks.
    fn cell_started(&mut self, _index: usize, _of: usize, _model: &ModelSpec, _tasks: usize) {}
    /// A cell was added to the report (the report so far is complete up to it).
    fn cell_finished(&mut self, _report: &Report) -> anyhow::Result<()> {
        Ok(())
    }
}

/// An observer that does nothing.
pub struct Silent;
impl Observer for Silent {}

/// Descriptors kept free beyond the connections a model holds.
const SPARE_FILES: u64 = 256;

fn io_mut(report: &mut Report) -> &mut IoExperiment {
    match report.experiments.last_mut() {
        Some(Experiment::Io(io)) => io,
        _ => unreachable!("run_io pushes an io experiment first"),
    }
}

/// Runs an `io` plan: starts the target, checks it with one request, runs every model once.
pub fn run_io(plan: &IoPlan, observer: &mut dyn Observer) -> anyhow::Result<Report> {
    // The client holds up to max_connections sockets; the embedded API (which inherits the
    // limit) as many again.
    let needed = plan.max_connections() as u64 * 2 + SPARE_FILES;
    let limit = crate::env::raise_open_files(needed).unwrap_or(0);
    if limit < needed {
        return Err(Error::Usage(format!(
            "up to {} connections at once need {needed} open files, but the limit is {limit}: raise it (ulimit -n) or lower the concurrency",
            plan.max_connections()
        ))
        .into());
    }

    let target = Target::start(&plan.target).map_err(|e| Error::Preflight(format!("{e:#}")))?;
    let spec = WorkloadSpec::Io(IoSpec {
        url: target.url().clone(),
        headers: plan.client.headers.clone(),
        keep_alive: plan.client.keep_alive,
        timeout: plan.client.timeout,
        connect_timeout: plan.client.connect_timeout,
    });
    preflight(&spec, &target.preflight_url())?;

    let WorkloadSpec::Io(io_spec) = &spec;
    let mut report = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool::current(),
        started_at: timestamp_now(),
        finished_at: None,
        complete: false,
        environment: Environment::detect(),
        experiments: vec![Experiment::Io(IoExperiment {
            settings: IoSettings {
                requests: plan.requests,
                sync_sample: plan.sync_sample,
                workers: plan.workers,
                models: plan.models.clone(),
                keep_alive: io_spec.keep_alive,
                timeout_ms: io_spec.timeout.as_secs_f64() * 1e3,
                connect_timeout_ms: io_spec.connect_timeout.as_secs_f64() * 1e3,
                header_names: io_spec.headers.iter().map(|h| h.name.clone()).collect(),
                blocking_client: "ureq 3 (blocking)".into(),
                async_client: "reqwest 0.13 (hyper 1, tokio)".into(),
                blocking_buffer_bytes: BufferSizes {
                    input: BLOCKING_INPUT_BUFFER_BYTES,
                    output: BLOCKING_OUTPUT_BUFFER_BYTES,
                },
            },
            target: target.info(),
            cells: Vec::new(),
        })],
    };

    for (index, model) in plan.models.iter().enumerate() {
        let tasks = plan.tasks_per_run(model);
        observer.cell_started(index, plan.models.len(), model, tasks);
        let cell = run_cell(model, &spec, tasks, plan.requests, &target);
        io_mut(&mut report).cells.push(cell);
        observer.cell_finished(&report)?;
    }
    report.complete = true;
    report.finished_at = Some(timestamp_now());
    report.environment.load_average_end = crate::env::load_average();
    Ok(report)
}

/// One request before the run: the target must answer, and not with an error status.
fn preflight(spec: &WorkloadSpec, url: &str) -> anyhow::Result<()> {
    let WorkloadSpec::Io(io) = spec;
    let workload = IoWorkload::new(io, 1).context("building the HTTP clients")?;
    match workload.preflight(url) {
        Ok(status) if status < 400 => Ok(()),
        Ok(status) => Err(Error::Preflight(format!("preflight GET {url} answered HTTP {status}")).into()),
        Err(e) => Err(Error::Preflight(format!("preflight GET {url} failed ({}): {}", e.kind, e.message)).into()),
    }
}

/// Runs one model once. A model that fails as a whole yields a failed cell with whatever it
/// measured; it never stops the other models.
pub fn run_cell(model: &ModelSpec, spec: &WorkloadSpec, tasks: usize, tasks_total: usize, target: &Target) -> Cell {
    let (run, status) = match run_once(model, spec, tasks, target) {
        Ok((run, None)) => (run, CellStatus::Ok),
        Ok((run, Some(reason))) => (run, CellStatus::Failed { reason }),
        Err(e) => (None, CellStatus::Failed { reason: format!("{e:#}") }),
    };
    Cell { model: *model, tasks_total, tasks_per_run: tasks, status, runs: run.into_iter().collect() }
}

type RunResult = (Option<RunRecord>, Option<String>);

fn run_once(model: &ModelSpec, spec: &WorkloadSpec, tasks: usize, target: &Target) -> anyhow::Result<RunResult> {
    target.reset_stats()?;
    let workload = spec.build(model.concurrency(tasks))?;
    let recorder = Arc::new(Recorder::new());
    let job = Job { workload, tasks: 0..tasks, recorder: recorder.clone() };
    let mut meter = Meter::new();
    let executed = model.build().execute(&job, &mut meter);
    drop(job);
    let measured = meter.finish();
    let tally =
        Arc::try_unwrap(recorder).map(Recorder::finish).map_err(|_| anyhow::anyhow!("a task outlived its run"))?;
    let server = target.stats().unwrap_or(None);
    let (facts, failure) = match executed {
        Ok(facts) => (facts, None),
        Err(e) => (Default::default(), Some(format!("{e:#}"))),
    };
    let run = measured.map(|measured| RunRecord {
        tasks,
        ok: tally.ok,
        failed: tally.failed,
        errors: tally.errors.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
        value_sum: tally.value_sum,
        measured,
        latency_ok: LatencySummary::of(&tally.ok_latency),
        latency_failed: LatencySummary::of(&tally.failed_latency),
        facts,
        server,
    });
    Ok((run, failure))
}

/// Whether anything failed: a request, a task, or a model as a whole.
pub fn any_failed(report: &Report) -> bool {
    report.experiments.iter().any(|e| match e {
        Experiment::Io(io) => {
            analysis::io::failed_requests(io) > 0 || io.cells.iter().any(|c| c.status != CellStatus::Ok)
        }
    })
}
