//! Runs an experiment's matrix: for every cell (model × setting), a fresh workload, one measured
//! run, the server's counters for that run. The report grows cell by cell, and the observer sees
//! it after every cell (to save it, so an interruption loses nothing).

use std::sync::Arc;

use anyhow::Context;

use crate::Error;
use crate::analysis;
use crate::env::{Environment, Tool};
use crate::measure::{LatencySummary, Meter, Recorder};
use crate::model::{Job, ModelEnv, ModelSpec};
use crate::plan::{ClientPlan, CpuPlan, IoPlan, ScalePlan, TargetPlan};
use crate::report::{
    BufferSizes, Cell, CellStatus, ClientSettings, CpuExperiment, CpuSettings, Experiment, IoExperiment, IoSettings,
    Report, RunRecord, SCHEMA_VERSION, ScaleExperiment, ScaleSettings, timestamp_now,
};
use crate::target::Target;
use crate::workload::io::{BLOCKING_INPUT_BUFFER_BYTES, BLOCKING_OUTPUT_BUFFER_BYTES, IoWorkload};
use crate::workload::{IoSpec, WorkloadSpec};

/// Sees the run as it goes.
pub trait Observer {
    /// A cell is about to run `tasks` tasks.
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

/// A started target with the workload that runs against it.
pub struct Session {
    target: Target,
    spec: WorkloadSpec,
    env: ModelEnv,
}

impl Session {
    /// Raises the open-files limit for `max_connections`, starts the target and checks it with
    /// one preflight request. Every failure here is exit code 2: nothing was measured.
    pub fn start(
        target: &TargetPlan,
        client: &ClientPlan,
        max_connections: usize,
        env: ModelEnv,
    ) -> anyhow::Result<Self> {
        // The client holds up to max_connections sockets; the embedded API (which inherits the
        // limit) as many again.
        let needed = max_connections as u64 * 2 + SPARE_FILES;
        let limit = crate::env::raise_open_files(needed).unwrap_or(0);
        if limit < needed {
            return Err(Error::Usage(format!(
                "up to {max_connections} connections at once need {needed} open files, but the limit is {limit}: raise it (ulimit -n) or lower the concurrency"
            ))
            .into());
        }
        let target = Target::start(target).map_err(|e| Error::Preflight(format!("{e:#}")))?;
        let io = IoSpec {
            url: target.url().clone(),
            headers: client.headers.clone(),
            keep_alive: client.keep_alive,
            timeout: client.timeout,
            connect_timeout: client.connect_timeout,
            interp_cost: client.interp_cost,
        };
        let url = target.preflight_url();
        let workload = IoWorkload::new(&io, 1).context("building the HTTP clients")?;
        match workload.preflight(&url) {
            Ok(status) if status < 400 => {}
            Ok(status) => return Err(Error::Preflight(format!("preflight GET {url} answered HTTP {status}")).into()),
            Err(e) => {
                return Err(Error::Preflight(format!("preflight GET {url} failed ({}): {}", e.kind, e.message)).into());
            }
        }
        Ok(Session { target, spec: WorkloadSpec::Io(io), env })
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    /// How the clients are set up, as the report states it.
    pub fn client_settings(&self) -> ClientSettings {
        let WorkloadSpec::Io(io) = &self.spec else { unreachable!("a session runs the io workload") };
        ClientSettings {
            keep_alive: io.keep_alive,
            timeout_ms: io.timeout.as_secs_f64() * 1e3,
            connect_timeout_ms: io.connect_timeout.as_secs_f64() * 1e3,
            header_names: io.headers.iter().map(|h| h.name.clone()).collect(),
            blocking_client: "ureq 3 (blocking)".into(),
            async_client: "reqwest 0.13 (hyper 1, tokio)".into(),
            blocking_buffer_bytes: BufferSizes {
                input: BLOCKING_INPUT_BUFFER_BYTES,
                output: BLOCKING_OUTPUT_BUFFER_BYTES,
            },
            interp_cost_ms: io.interp_cost.as_secs_f64() * 1e3,
            switch_interval_ms: self.env.switch_interval.as_secs_f64() * 1e3,
        }
    }

    /// Runs one model once against the target.
    pub fn run_cell(&self, model: &ModelSpec, tasks: usize, tasks_total: usize) -> Cell {
        run_cell(model, &self.spec, tasks, tasks_total, Some(&self.target), &self.env)
    }
}

/// Runs one model once. A model that fails as a whole yields a failed cell with whatever it
/// measured; it never stops the other cells.
pub fn run_cell(
    model: &ModelSpec,
    spec: &WorkloadSpec,
    tasks: usize,
    tasks_total: usize,
    target: Option<&Target>,
    env: &ModelEnv,
) -> Cell {
    let (run, status) = match run_once(model, spec, tasks, target, env) {
        Ok((run, None)) => (run, CellStatus::Ok),
        Ok((run, Some(reason))) => (run, CellStatus::Failed { reason }),
        Err(e) => (None, CellStatus::Failed { reason: format!("{e:#}") }),
    };
    Cell { model: *model, tasks_total, tasks_per_run: tasks, status, runs: run.into_iter().collect() }
}

fn new_report(experiment: Experiment) -> Report {
    Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool::current(),
        started_at: timestamp_now(),
        finished_at: None,
        complete: false,
        environment: Environment::detect(),
        experiments: vec![experiment],
    }
}

fn finish(report: &mut Report) {
    report.complete = true;
    report.finished_at = Some(timestamp_now());
    report.environment.load_average_end = crate::env::load_average();
}

/// Runs an `io` plan: every model once against one target.
pub fn run_io(plan: &IoPlan, observer: &mut dyn Observer) -> anyhow::Result<Report> {
    let session = Session::start(&plan.target, &plan.client, plan.max_connections(), plan.env.clone())?;
    let mut report = new_report(Experiment::Io(IoExperiment {
        settings: IoSettings {
            requests: plan.requests,
            sync_sample: plan.sync_sample,
            workers: plan.workers,
            models: plan.models.clone(),
            client: session.client_settings(),
        },
        target: session.target().info(),
        cells: Vec::new(),
    }));
    for (index, model) in plan.models.iter().enumerate() {
        let tasks = plan.tasks_per_run(model);
        observer.cell_started(index, plan.models.len(), model, tasks);
        let cell = session.run_cell(model, tasks, plan.requests);
        match report.experiments.last_mut() {
            Some(Experiment::Io(io)) => io.cells.push(cell),
            _ => unreachable!("the report holds the io experiment"),
        }
        observer.cell_finished(&report)?;
    }
    finish(&mut report);
    Ok(report)
}

/// Runs a `scale` plan: the baseline, then every setting of the swept model, lowest first.
pub fn run_scale(plan: &ScalePlan, observer: &mut dyn Observer) -> anyhow::Result<Report> {
    let session = Session::start(&plan.target, &plan.client, plan.max_connections(), plan.env.clone())?;
    let mut report = new_report(Experiment::Scale(ScaleExperiment {
        settings: ScaleSettings {
            requests: plan.requests,
            model: plan.model,
            settings: plan.settings.clone(),
            baseline: plan.baseline,
            knee_gain_per_doubling: plan.knee_gain,
            client: session.client_settings(),
        },
        target: session.target().info(),
        baseline: None,
        points: Vec::new(),
    }));
    let cells: Vec<(bool, ModelSpec)> =
        plan.baseline.iter().map(|b| (true, *b)).chain(plan.points().into_iter().map(|p| (false, p))).collect();
    for (index, (is_baseline, model)) in cells.iter().enumerate() {
        observer.cell_started(index, cells.len(), model, plan.requests);
        let cell = session.run_cell(model, plan.requests, plan.requests);
        match report.experiments.last_mut() {
            Some(Experiment::Scale(s)) if *is_baseline => s.baseline = Some(cell),
            Some(Experiment::Scale(s)) => s.points.push(cell),
            _ => unreachable!("the report holds the scale experiment"),
        }
        observer.cell_finished(&report)?;
    }
    finish(&mut report);
    Ok(report)
}

/// Runs a `cpu` plan: every model on the prime-counting tasks; no target.
pub fn run_cpu(plan: &CpuPlan, observer: &mut dyn Observer) -> anyhow::Result<Report> {
    let spec = WorkloadSpec::Cpu(plan.spec.clone());
    let sizes: Vec<u64> = (0..plan.tasks).map(|i| plan.spec.size(i)).collect();
    let mut report = new_report(Experiment::Cpu(CpuExperiment {
        settings: CpuSettings {
            tasks: plan.tasks,
            range: plan.spec.range,
            seed: plan.spec.seed,
            kernel: plan.spec.kernel,
            workers: plan.workers,
            models: plan.models.clone(),
            switch_interval_ms: plan.env.switch_interval.as_secs_f64() * 1e3,
        },
        reference_counts: crate::workload::cpu::reference_counts(&sizes),
        task_sizes: sizes,
        cells: Vec::new(),
    }));
    for (index, model) in plan.models.iter().enumerate() {
        observer.cell_started(index, plan.models.len(), model, plan.tasks);
        let cell = run_cell(model, &spec, plan.tasks, plan.tasks, None, &plan.env);
        match report.experiments.last_mut() {
            Some(Experiment::Cpu(c)) => c.cells.push(cell),
            _ => unreachable!("the report holds the cpu experiment"),
        }
        observer.cell_finished(&report)?;
    }
    finish(&mut report);
    Ok(report)
}

type RunResult = (Option<RunRecord>, Option<String>);

fn run_once(
    model: &ModelSpec,
    spec: &WorkloadSpec,
    tasks: usize,
    target: Option<&Target>,
    env: &ModelEnv,
) -> anyhow::Result<RunResult> {
    if let Some(target) = target {
        target.reset_stats()?;
    }
    let workload = spec.build(model.concurrency(tasks))?;
    let recorder = Arc::new(Recorder::new());
    let job = Job { workload, spec: Some(spec.clone()), tasks: 0..tasks, recorder: recorder.clone() };
    let mut meter = Meter::new();
    let executed = model.build(env).execute(&job, &mut meter);
    drop(job);
    let measured = meter.finish();
    let tally =
        Arc::try_unwrap(recorder).map(Recorder::finish).map_err(|_| anyhow::anyhow!("a task outlived its run"))?;
    let server = target.and_then(|t| t.stats().unwrap_or(None));
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
        ramp_up_ns: tally.ramp_up(model.concurrency(tasks)).map(|d| d.as_nanos() as u64),
        facts,
        server,
    });
    Ok((run, failure))
}

/// Whether anything failed: a request, a task, or a model as a whole.
pub fn any_failed(report: &Report) -> bool {
    report.experiments.iter().flat_map(|e| e.cells()).any(|c| c.status != CellStatus::Ok || analysis::failed(c) > 0)
}
