//! Runs an experiment's matrix: for every cell (model × setting), a fresh workload, one measured
//! run, the server's counters for that run. The report grows cell by cell, and the observer sees
//! it after every cell (to save it, so an interruption loses nothing).

use std::sync::Arc;

use anyhow::Context;
use hdrhistogram::Histogram;

use crate::Error;
use crate::analysis;
use crate::analysis::figures::summarize_cell;
use crate::env::{Environment, Tool};
use crate::measure::{LatencySummary, Meter, Recorder};
use crate::model::{Job, ModelEnv, ModelSpec};
use crate::plan::{ClientPlan, CpuPlan, IoPlan, ScalePlan, SuitePlan, TargetPlan};
use crate::report::{
    BufferSizes, Cell, CellStatus, ClientSettings, CpuExperiment, CpuSettings, Experiment, IoExperiment, IoSettings,
    LatencyDistribution, Report, RunRecord, SCHEMA_VERSION, ScaleExperiment, ScaleSettings, timestamp_now,
};
use crate::target::Target;
use crate::workload::io::{BLOCKING_INPUT_BUFFER_BYTES, BLOCKING_OUTPUT_BUFFER_BYTES, IoWorkload};
use crate::workload::{IoSpec, WorkloadSpec};

/// Sees the run as it goes.
pub trait Observer {
    /// An experiment (`io`, `scale`, `cpu`) of `steps` runs begins.
    fn phase_started(&mut self, _name: &str, _steps: usize) {}
    /// Run `step` of `of` is about to run `tasks` tasks of `model`.
    fn cell_started(&mut self, _step: usize, _of: usize, _model: &ModelSpec, _tasks: usize) {}
    /// A run was added to the report (everything measured so far is in it).
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
        // The client holds up to max_connections sockets; the embedded API as many again, in this
        // process when it runs in-process, else in its own (which inherits the raised limit).
        let in_process = matches!(target, TargetPlan::Embedded { mode: crate::cli::EmbeddedMode::InProcess, .. });
        let needed = max_connections as u64 * if in_process { 2 } else { 1 } + SPARE_FILES;
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
            retries: client.retries,
            retry_backoff: client.retry_backoff,
            prewarm: client.prewarm,
        };
        let url = target.preflight_url();
        let workload = IoWorkload::new(&io, 1).context("building the HTTP clients")?;
        match workload.preflight(&url) {
            Ok(status) if status < 400 => {}
            // A server error or a rate limit may pass: the run counts such answers.
            Ok(status) if status == 429 || status >= 500 => {
                eprintln!(
                    "warning: preflight GET {url} answered HTTP {status}; running anyway, failures will be counted"
                );
            }
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
            async_client: "concbench's HTTP/1.1 client (tokio + httparse)".into(),
            blocking_buffer_bytes: BufferSizes {
                input: BLOCKING_INPUT_BUFFER_BYTES,
                output: BLOCKING_OUTPUT_BUFFER_BYTES,
            },
            interp_cost_ms: io.interp_cost.as_secs_f64() * 1e3,
            switch_interval_ms: self.env.switch_interval.as_secs_f64() * 1e3,
            retries: io.retries,
            retry_backoff_ms: io.retry_backoff.as_secs_f64() * 1e3,
            prewarm: io.prewarm && io.keep_alive,
        }
    }

    /// The workload and model environment the session runs cells with.
    fn job(&self) -> (&WorkloadSpec, Option<&Target>, &ModelEnv) {
        (&self.spec, Some(&self.target), &self.env)
    }
}

fn new_report() -> Report {
    Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool::current(),
        started_at: timestamp_now(),
        finished_at: None,
        complete: false,
        environment: Environment::detect(),
        experiments: Vec::new(),
    }
}

/// Runs every cell of the report's last experiment by its schedule (warm-ups first, then
/// `runs` rounds, each cell once per round, interleaved or shuffled), saving after every run.
/// A cell that fails as a whole is not run again.
fn run_schedule(
    report: &mut Report,
    spec: &WorkloadSpec,
    target: Option<&Target>,
    env: &ModelEnv,
    observer: &mut dyn Observer,
) -> anyhow::Result<()> {
    let experiment = report.experiments.last().expect("an experiment to run");
    let cells = experiment.cells().len();
    let order = experiment.schedule().order(cells);
    let mut merged: Vec<Option<Histogram<u64>>> = vec![None; cells];
    for (step, &(round, index, warmup)) in order.iter().enumerate() {
        if crate::interrupt::requested() {
            break;
        }
        let experiment = report.experiments.last_mut().expect("an experiment to run");
        let cell = experiment.cell_mut(index);
        if matches!(cell.status, CellStatus::Failed { .. }) {
            continue;
        }
        let (model, tasks) = (cell.model, cell.tasks_per_run);
        observer.cell_started(step, order.len(), &model, tasks);
        let outcome = run_once(&model, spec, tasks, target, env, round).unwrap_or_else(|e| RunOutcome {
            record: None,
            failure: Some(format!("{e:#}")),
            latency_ok: None,
        });
        let interrupted = crate::interrupt::requested();
        let whole = outcome.record.as_ref().is_some_and(|r| r.ok + r.failed == r.tasks as u64);
        if interrupted && !(whole && outcome.failure.is_none()) {
            // The run was cut short: not a measurement of the model.
            break;
        }
        let cell = report.experiments.last_mut().expect("an experiment to run").cell_mut(index);
        if let Some(reason) = outcome.failure {
            cell.status = CellStatus::Failed { reason };
        } else if cell.status == CellStatus::Pending {
            cell.status = CellStatus::Ok;
        }
        if warmup {
            cell.warmup_runs += 1;
        } else if let Some(record) = outcome.record.filter(|_| !matches!(cell.status, CellStatus::Failed { .. })) {
            // A run in which the model failed as a whole is not a measurement of it: its time
            // and counts stay out of the figures; the runs before it are kept.
            cell.runs.push(record);
            if let Some(h) = outcome.latency_ok {
                match &mut merged[index] {
                    Some(m) => m.add(&h).context("merging latency histograms")?,
                    slot => *slot = Some(h),
                }
            }
            cell.latency_ok = merged[index].as_ref().and_then(LatencyDistribution::of);
            cell.summary = summarize_cell(cell);
        }
        observer.cell_finished(report)?;
        if interrupted {
            // It finished all its tasks before the signal reached it: kept, and the last run.
            break;
        }
    }
    Ok(())
}

fn finish(report: &mut Report) {
    report.complete = !crate::interrupt::requested();
    report.finished_at = Some(timestamp_now());
    report.environment.load_average_end = crate::env::load_average();
}

/// The `io` experiment of a plan, its cells pending.
fn io_experiment(plan: &IoPlan, session: &Session) -> Experiment {
    Experiment::Io(IoExperiment {
        settings: IoSettings {
            requests: plan.requests,
            sync_sample: plan.sync_sample,
            workers: plan.workers,
            models: plan.models.clone(),
            client: session.client_settings(),
            schedule: plan.schedule,
        },
        target: session.target().info(),
        cells: plan.models.iter().map(|m| Cell::pending(*m, plan.tasks_per_run(m), plan.requests)).collect(),
    })
}

/// The `scale` experiment of a plan: the baseline, then every setting, lowest first.
fn scale_experiment(plan: &ScalePlan, session: &Session) -> Experiment {
    let cell = |m: ModelSpec| Cell::pending(m, plan.requests, plan.requests);
    Experiment::Scale(ScaleExperiment {
        settings: ScaleSettings {
            requests: plan.requests,
            model: plan.model,
            settings: plan.settings.clone(),
            baseline: plan.baseline,
            knee_gain_per_doubling: plan.knee_gain,
            client: session.client_settings(),
            schedule: plan.schedule,
        },
        target: session.target().info(),
        baseline: plan.baseline.map(|b| Box::new(cell(b))),
        points: plan.points().into_iter().map(cell).collect(),
    })
}

/// The `cpu` experiment of a plan.
fn cpu_experiment(plan: &CpuPlan) -> Experiment {
    let sizes: Vec<u64> = (0..plan.tasks).map(|i| plan.spec.size(i)).collect();
    Experiment::Cpu(CpuExperiment {
        settings: CpuSettings {
            tasks: plan.tasks,
            range: plan.spec.range,
            seed: plan.spec.seed,
            kernel: plan.spec.kernel,
            workers: plan.workers,
            models: plan.models.clone(),
            switch_interval_ms: plan.env.switch_interval.as_secs_f64() * 1e3,
            schedule: plan.schedule,
        },
        reference_counts: crate::workload::cpu::reference_counts(&sizes),
        task_sizes: sizes,
        cells: plan.models.iter().map(|m| Cell::pending(*m, plan.tasks, plan.tasks)).collect(),
    })
}

/// Adds `experiment` to the report and runs its schedule.
fn run_experiment(
    report: &mut Report,
    experiment: Experiment,
    spec: &WorkloadSpec,
    target: Option<&Target>,
    env: &ModelEnv,
    observer: &mut dyn Observer,
) -> anyhow::Result<()> {
    let steps = experiment.cells().len() * (experiment.schedule().runs + experiment.schedule().warmup);
    observer.phase_started(experiment.kind_name(), steps);
    report.experiments.push(experiment);
    run_schedule(report, spec, target, env, observer)
}

/// Runs an `io` plan: every model against one target.
pub fn run_io(plan: &IoPlan, observer: &mut dyn Observer) -> anyhow::Result<Report> {
    let session = Session::start(&plan.target, &plan.client, plan.max_connections(), plan.env.clone())?;
    run_session(&session, io_experiment(plan, &session), observer)
}

/// Runs a `scale` plan: the baseline and every setting of the swept model.
pub fn run_scale(plan: &ScalePlan, observer: &mut dyn Observer) -> anyhow::Result<Report> {
    let session = Session::start(&plan.target, &plan.client, plan.max_connections(), plan.env.clone())?;
    run_session(&session, scale_experiment(plan, &session), observer)
}

/// A report of one experiment against a session's target.
fn run_session(session: &Session, experiment: Experiment, observer: &mut dyn Observer) -> anyhow::Result<Report> {
    let mut report = new_report();
    let (spec, target, env) = session.job();
    run_experiment(&mut report, experiment, spec, target, env, observer)?;
    finish(&mut report);
    Ok(report)
}

/// Runs a `cpu` plan: every model on the prime-counting tasks; no target.
pub fn run_cpu(plan: &CpuPlan, observer: &mut dyn Observer) -> anyhow::Result<Report> {
    let mut report = new_report();
    let spec = WorkloadSpec::Cpu(plan.spec.clone());
    run_experiment(&mut report, cpu_experiment(plan), &spec, None, &plan.env, observer)?;
    finish(&mut report);
    Ok(report)
}

/// Runs the whole suite: `io` and `scale` against one started target, then `cpu`.
pub fn run_suite(plan: &SuitePlan, observer: &mut dyn Observer) -> anyhow::Result<Report> {
    let mut report = new_report();
    let connections =
        [plan.io.as_ref().map(IoPlan::max_connections), plan.scale.as_ref().map(ScalePlan::max_connections)];
    if let Some(max) = connections.into_iter().flatten().max() {
        let (target, client, env) = match (&plan.io, &plan.scale) {
            (Some(io), _) => (&io.target, &io.client, &io.env),
            (None, Some(s)) => (&s.target, &s.client, &s.env),
            (None, None) => unreachable!("a connection count comes from io or scale"),
        };
        let session = Session::start(target, client, max, env.clone())?;
        let (spec, target, env) = session.job();
        if let Some(io) = &plan.io {
            run_experiment(&mut report, io_experiment(io, &session), spec, target, env, observer)?;
        }
        if let Some(scale) = plan.scale.as_ref().filter(|_| !crate::interrupt::requested()) {
            run_experiment(&mut report, scale_experiment(scale, &session), spec, target, env, observer)?;
        }
    }
    if let Some(cpu) = plan.cpu.as_ref().filter(|_| !crate::interrupt::requested()) {
        let spec = WorkloadSpec::Cpu(cpu.spec.clone());
        run_experiment(&mut report, cpu_experiment(cpu), &spec, None, &cpu.env, observer)?;
    }
    finish(&mut report);
    Ok(report)
}

/// What one run left behind.
struct RunOutcome {
    record: Option<RunRecord>,
    /// Why the model failed as a whole, if it did.
    failure: Option<String>,
    latency_ok: Option<Histogram<u64>>,
}

/// Runs `model` once: fresh workload (clients, pools), the server's counters reset before and
/// read after. An error here (the target's counters unreachable, a workload that cannot be built)
/// is the model failing as a whole: the caller records it as such.
fn run_once(
    model: &ModelSpec,
    spec: &WorkloadSpec,
    tasks: usize,
    target: Option<&Target>,
    env: &ModelEnv,
    round: usize,
) -> anyhow::Result<RunOutcome> {
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
    let record = measured.map(|measured| RunRecord {
        round,
        tasks,
        ok: tally.ok,
        failed: tally.failed,
        errors: tally.errors.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
        value_sum: tally.value_sum,
        measured,
        latency_ok: LatencySummary::of(&tally.ok_latency),
        latency_failed: LatencySummary::of(&tally.failed_latency),
        retries: tally.retries,
        ok_after_retry: tally.ok_after_retry,
        ramp_up_ns: tally.ramp_up(model.concurrency(tasks)).map(|d| d.as_nanos() as u64),
        facts,
        server,
    });
    let latency_ok = (!tally.ok_latency.is_empty()).then_some(tally.ok_latency);
    Ok(RunOutcome { record, failure, latency_ok })
}

/// Whether anything failed: a request, a task, or a model as a whole.
pub fn any_failed(report: &Report) -> bool {
    report
        .experiments
        .iter()
        .flat_map(|e| e.cells())
        .any(|c| matches!(c.status, CellStatus::Failed { .. }) || analysis::failed(c) > 0)
}
