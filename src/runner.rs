//! Runs an experiment's matrix: for every cell (model × setting), a fresh workload, one measured
//! run, the server's counters for that run. The report grows cell by cell, and the observer sees
//! it after every cell (to save it, so an interruption loses nothing).

mod split;

use std::sync::Arc;

use anyhow::Context;
use hdrhistogram::Histogram;

use crate::analysis;
use crate::analysis::figures::summarize_cell;
use crate::error::Error;
use crate::interrupt::Stop;
use crate::measure::{Meter, OpenTally, Recorder};
use crate::model::arrivals::ArrivalTimes;
use crate::model::dispatch::Released;
use crate::model::{Job, ModelEnv, OpenPlan};
use crate::plan::split::Split;
use crate::plan::{CpuPlan, IoPlan, RatesPlan, SPARE_FILES, ScalePlan, SuitePlan, TargetPlan};
use crate::record::{
    Arrivals, Cell, CellInterpreter, CellStatus, ClientConfig, CpuExperiment, EmbeddedMode, Experiment, Interpreter,
    IoExperiment, LatencyDistribution, LatencySummary, ModelSpec, OpenRun, PySettings, PyTaskSettings, RatesExperiment,
    Report, RunRecord, SCHEMA_VERSION, ScaleExperiment, Tenth, cell_keys, timestamp_now,
};
use crate::segment::TaskSet;
use crate::target::Target;
use crate::workload::WorkloadSpec;
use crate::workload::io::IoWorkload;
use crate::workload::io::RequestPlan;

/// Sees the run as it goes.
pub trait Observer {
    /// The target is up and answered its preflight (not called for CPU work).
    fn target_ready(&mut self, _target: &Target) {}
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

/// A started target with the workload that runs against it.
pub struct Session {
    target: Target,
    spec: WorkloadSpec,
}

impl Session {
    /// Raises the open-files limit for `max_connections`, starts the target and checks it with
    /// one preflight request. Every failure here is exit code 2: nothing was measured.
    pub fn start(
        target: &TargetPlan,
        requests: &RequestPlan,
        client: &ClientConfig,
        max_connections: usize,
        task: Option<&PyTaskSettings>,
    ) -> anyhow::Result<Self> {
        // The client holds up to max_connections sockets; the embedded API as many again, in this
        // process when it runs in-process, else in its own (which inherits the raised limit).
        let in_process =
            matches!(target, TargetPlan::Embedded { server, .. } if server.mode == EmbeddedMode::InProcess);
        let needed = max_connections as u64 * if in_process { 2 } else { 1 } + SPARE_FILES;
        let limit = crate::env::raise_open_files(needed).unwrap_or(0);
        if limit < needed {
            return Err(Error::Usage(format!(
                "up to {max_connections} connections at once need {needed} open files, but the limit is {limit}: raise it (ulimit -n) or lower the concurrency"
            ))
            .into());
        }
        let target = Target::start(target).map_err(|e| Error::Preflight(format!("{e:#}")))?;
        let io = requests.spec(target.url(), client).map_err(|e| Error::Usage(format!("--urls-file: {e}")))?;
        let url = target.preflight_url();
        // A host that does not resolve fails here, before anything ran.
        let workload = IoWorkload::new(&io, 1).map_err(|e| Error::Preflight(format!("{e:#}")))?;
        if target.embedded_base().is_none() && !requests.preflight_get() {
            let origin = target.url().origin_text();
            workload
                .connect_check()
                .map_err(|e| Error::Preflight(format!("connecting to {origin} failed ({}): {}", e.kind, e.message)))?;
            return Ok(Session { target, spec: WorkloadSpec::Io(io) });
        }
        match workload.preflight(&url) {
            Ok(answer) if client.ok_status.contains(answer.head.status) => {}
            // A server error or a rate limit may pass: the run counts such answers.
            Ok(answer) if answer.head.status == 429 || answer.head.status >= 500 => {
                let status = answer.head.status;
                eprintln!(
                    "warning: preflight GET {url} answered HTTP {status}; running anyway, failures will be counted"
                );
            }
            Ok(answer) => {
                let (status, location) = (answer.head.status, answer.head.location.unwrap_or_default());
                let location = if location.is_empty() { location } else { format!(" (Location: {location})") };
                return Err(Error::Preflight(format!(
                    "preflight GET {url} answered HTTP {status}{location}, not one of --ok-status {}",
                    client.ok_status
                ))
                .into());
            }
            Err(e) => {
                return Err(Error::Preflight(format!("preflight GET {url} failed ({}): {}", e.kind, e.message)).into());
            }
        }
        let spec = match task {
            None => WorkloadSpec::Io(io),
            Some(task) => WorkloadSpec::PyTask {
                task: task.clone(),
                api_url: Some(target.embedded_base().map_or_else(|| target.url().as_str().to_string(), str::to_string)),
            },
        };
        Ok(Session { target, spec })
    }

    pub fn target(&self) -> &Target {
        &self.target
    }
}

/// How long the runner watches what other processes do before the first run.
pub const QUIET_WINDOW: std::time::Duration = std::time::Duration::from_millis(200);

fn new_report() -> Report {
    let mut environment = crate::env::detect();
    environment.others_before = crate::measure::system::others_during(QUIET_WINDOW);
    Report {
        schema_version: SCHEMA_VERSION,
        tool: crate::env::tool(),
        started_at: timestamp_now(),
        finished_at: None,
        complete: false,
        environment,
        experiments: Vec::new(),
        segments: None,
    }
}

/// Adds the interpreters of `env` to the report's environment (as they are now: a driver's hello
/// completes what the probe said), each once.
fn note_interpreters(report: &mut Report, env: &ModelEnv) {
    for info in env.python.iter().map(|r| r.info()) {
        let known: &mut Vec<Interpreter> = &mut report.environment.python;
        match known.iter_mut().find(|k| k.path == info.path && k.venv == info.venv) {
            Some(k) => *k = info,
            None => known.push(info),
        }
    }
}

/// An experiment's cells, pending: one per model, a py model's once per interpreter.
fn pending_cells(
    models: &[ModelSpec],
    python: Option<&PySettings>,
    tasks_per_run: impl Fn(&ModelSpec) -> usize,
    total: usize,
) -> Vec<Cell> {
    cell_keys(models, python)
        .into_iter()
        .map(|(m, i)| Cell::pending(m, tasks_per_run(&m), total).in_interpreter(i))
        .collect()
}

/// What runs the cells of one experiment: the workload as data, the target whose counters frame
/// every run, the models' environment, and the stop token.
struct Bench<'a> {
    spec: &'a WorkloadSpec,
    target: Option<&'a Target>,
    env: &'a ModelEnv,
    stop: &'a Stop,
    /// The segment this process runs of a split run (the whole run otherwise).
    split: &'a Split,
}

/// Runs every cell of the report's last experiment by its schedule (warm-ups first, then
/// `runs` rounds, each cell once per round, interleaved or shuffled), saving after every run.
/// A cell that fails as a whole is not run again.
fn run_schedule(report: &mut Report, bench: &Bench, observer: &mut dyn Observer) -> anyhow::Result<()> {
    let experiment = report.experiments.last().expect("an experiment to run");
    let cells = experiment.cells().len();
    let order = experiment.schedule().order(cells);
    let arrivals = experiment.arrivals().cloned();
    let all_tasks = experiment.task_count();
    let mut merged: Vec<Merged> = vec![Merged::default(); cells];
    let steps_before: usize = report
        .experiments
        .iter()
        .rev()
        .skip(1)
        .map(|e| e.cells().len() * (e.schedule().runs + e.schedule().warmup))
        .sum();
    for (step, &(round, index, warmup)) in order.iter().enumerate() {
        split::wait_for_slot(bench.split, steps_before + step, bench.stop);
        if bench.stop.requested() {
            break;
        }
        let experiment = report.experiments.last_mut().expect("an experiment to run");
        let cell = experiment.cell_mut(index);
        if matches!(cell.status, CellStatus::Failed { .. }) {
            continue;
        }
        let (model, tasks, interpreter) = (cell.model, cell.tasks_per_run, cell.interpreter.clone());
        let open = cell.offered_per_s.zip(arrivals.as_ref()).map(|(rate, a)| open_plan(rate, a, bench.target));
        observer.cell_started(step, order.len(), &model, tasks);
        let ids = if bench.split.is_split() { bench.split.part().tasks(0..all_tasks) } else { TaskSet::from(0..tasks) };
        let outcome = run_once(&model, interpreter.as_ref(), ids, bench, round, open)
            .unwrap_or_else(|e| RunOutcome { failure: Some(format!("{e:#}")), ..RunOutcome::default() });
        split::note_run(report, outcome.record.as_ref(), warmup);
        let interrupted = bench.stop.requested();
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
            merged[index].add(outcome.histograms)?;
            merged[index].fill(cell);
            cell.summary = summarize_cell(cell);
        }
        note_interpreters(report, bench.env);
        observer.cell_finished(report)?;
        if interrupted {
            // It finished all its tasks before the signal reached it: kept, and the last run.
            break;
        }
    }
    Ok(())
}

/// The latency histograms of one run, or of a cell's runs merged: of the successes, and in an
/// open model their corrected latency and the generator's lateness.
#[derive(Clone, Default)]
struct Merged {
    ok: Option<Histogram<u64>>,
    corrected: Option<Histogram<u64>>,
    lateness: Option<Histogram<u64>>,
}

impl Merged {
    /// Adds a run's histograms.
    fn add(&mut self, run: Merged) -> anyhow::Result<()> {
        for (slot, h) in
            [(&mut self.ok, run.ok), (&mut self.corrected, run.corrected), (&mut self.lateness, run.lateness)]
        {
            match (slot, h) {
                (Some(m), Some(h)) => m.add(&h).context("merging latency histograms")?,
                (slot, Some(h)) => *slot = Some(h),
                (_, None) => {}
            }
        }
        Ok(())
    }

    /// The cell's distributions over its runs.
    fn fill(&self, cell: &mut Cell) {
        let of = |h: &Option<Histogram<u64>>| h.as_ref().and_then(LatencyDistribution::of);
        (cell.latency_ok, cell.corrected_latency, cell.lateness) =
            (of(&self.ok), of(&self.corrected), of(&self.lateness));
    }
}

/// The open queue of a cell offered `rate` requests per second: its arrival times, its bound,
/// and the requests expected in flight when the embedded API's latency says (Little's law).
fn open_plan(rate: f64, arrivals: &Arrivals, target: Option<&Target>) -> OpenPlan {
    let latency = target.and_then(|t| Some(t.info().embedded?.config.latency.typical()));
    OpenPlan {
        times: ArrivalTimes { rate_per_s: rate, process: arrivals.process, seed: arrivals.seed },
        max_queue: arrivals.max_queue,
        in_flight: latency.map(|l| crate::record::open::little_in_flight(rate, l)),
    }
}

fn finish(report: &mut Report, stop: &Stop) {
    report.complete = !stop.requested();
    report.finished_at = Some(timestamp_now());
    report.environment.load_average_end = crate::env::load_average();
}

/// The `io` experiment of a plan, its cells pending.
fn io_experiment(plan: &IoPlan, target: &Target) -> Experiment {
    let s = &plan.settings;
    let rate = s.open.as_ref().map(|o| o.rate_per_s);
    let share = |n| plan.split.part().share(n);
    let cells = pending_cells(&s.models, s.python.as_ref(), |m| share(s.tasks_per_run(m)), share(s.requests));
    Experiment::Io(IoExperiment {
        cells: cells.into_iter().map(|c| c.at_rate(rate)).collect(),
        settings: s.clone(),
        target: target.info(),
    })
}

/// The `scale` experiment of a plan: the baseline, then every setting, lowest first.
fn scale_experiment(plan: &ScalePlan, target: &Target) -> Experiment {
    let s = &plan.settings;
    // One interpreter at most (the plan checks it): a model is one cell.
    let share = plan.split.part().share(s.requests);
    let cells = |models: &[ModelSpec]| pending_cells(models, s.python.as_ref(), |_| share, share);
    Experiment::Scale(ScaleExperiment {
        baseline: cells(&s.baseline.into_iter().collect::<Vec<_>>()).pop().map(Box::new),
        points: cells(&s.points()),
        settings: s.clone(),
        target: target.info(),
    })
}

/// The `cpu` experiment of a plan.
fn cpu_experiment(plan: &CpuPlan) -> Experiment {
    let s = &plan.settings;
    let ids = plan.split.part().tasks(0..s.tasks);
    let sizes: Vec<u64> = ids.iter().map(|i| s.spec.size(i)).collect();
    Experiment::Cpu(CpuExperiment {
        reference_counts: crate::workload::cpu::reference_counts(&sizes),
        task_sizes: sizes,
        cells: pending_cells(&s.models, s.python.as_ref(), |_| ids.len(), ids.len()),
        settings: s.clone(),
    })
}

/// Adds `experiment` to the report and runs its schedule.
fn run_experiment(
    report: &mut Report,
    experiment: Experiment,
    bench: &Bench,
    observer: &mut dyn Observer,
) -> anyhow::Result<()> {
    let steps = experiment.cells().len() * (experiment.schedule().runs + experiment.schedule().warmup);
    observer.phase_started(experiment.kind_name(), steps);
    report.experiments.push(experiment);
    note_interpreters(report, bench.env);
    run_schedule(report, bench, observer)
}

/// Runs an `io` plan: every model against one target.
pub fn run_io(plan: &IoPlan, observer: &mut dyn Observer, stop: &Stop) -> anyhow::Result<Report> {
    let s = &plan.settings;
    let session =
        Session::start(&plan.target, &plan.requests, &s.client.config, plan.max_connections(), s.task.as_ref())?;
    observer.target_ready(&session.target);
    let bench = Bench { spec: &session.spec, target: Some(&session.target), env: &plan.env, stop, split: &plan.split };
    one_experiment(io_experiment(plan, &session.target), &bench, observer)
}

/// Runs a `scale` plan: the baseline and every setting of the swept model.
pub fn run_scale(plan: &ScalePlan, observer: &mut dyn Observer, stop: &Stop) -> anyhow::Result<Report> {
    let s = &plan.settings;
    let session =
        Session::start(&plan.target, &plan.requests, &s.client.config, plan.max_connections(), s.task.as_ref())?;
    observer.target_ready(&session.target);
    let bench = Bench { spec: &session.spec, target: Some(&session.target), env: &plan.env, stop, split: &plan.split };
    one_experiment(scale_experiment(plan, &session.target), &bench, observer)
}

/// The capacity sweep of a plan: every model at every rate, model by model, lowest rate first.
fn rates_experiment(plan: &RatesPlan, target: &Target) -> Experiment {
    let s = &plan.settings;
    let points: Vec<(f64, usize)> = s.rates_per_s.iter().copied().zip(plan.tasks.iter().copied()).collect();
    let cells = s
        .models
        .iter()
        .flat_map(|&m| points.iter().map(move |&(rate, n)| Cell::pending(m, n, n).at_rate(Some(rate))))
        .collect();
    Experiment::Rates(RatesExperiment { settings: s.clone(), target: target.info(), cells })
}

/// Runs a capacity sweep: every model at every offered rate against one target.
pub fn run_rates(plan: &RatesPlan, observer: &mut dyn Observer, stop: &Stop) -> anyhow::Result<Report> {
    let session = Session::start(&plan.target, &plan.requests, &plan.settings.client.config, plan.connections, None)?;
    observer.target_ready(&session.target);
    // A capacity sweep is never split (its plan refuses --segment and --start-at): it runs whole.
    let whole = Split::default();
    let bench = Bench { spec: &session.spec, target: Some(&session.target), env: &plan.env, stop, split: &whole };
    one_experiment(rates_experiment(plan, &session.target), &bench, observer)
}

/// Runs a `cpu` plan: every model on the prime-counting tasks; no target.
pub fn run_cpu(plan: &CpuPlan, observer: &mut dyn Observer, stop: &Stop) -> anyhow::Result<Report> {
    let spec = WorkloadSpec::Cpu(plan.settings.spec.clone());
    let bench = Bench { spec: &spec, target: None, env: &plan.env, stop, split: &plan.split };
    one_experiment(cpu_experiment(plan), &bench, observer)
}

/// A report of one experiment.
fn one_experiment(experiment: Experiment, bench: &Bench, observer: &mut dyn Observer) -> anyhow::Result<Report> {
    let mut report = new_report();
    report.segments = split::segments(bench.split, split::preflight_tries(bench.target, bench.spec));
    run_experiment(&mut report, experiment, bench, observer)?;
    finish(&mut report, bench.stop);
    Ok(report)
}

/// Runs the whole suite: `io` and the sweeps against one started target (started for the one
/// that holds the most connections, with the first's settings), then `cpu`.
pub fn run_suite(plan: &SuitePlan, observer: &mut dyn Observer, stop: &Stop) -> anyhow::Result<Report> {
    let mut report = new_report();
    report.segments = split::segments(&plan.split, 0);
    let io = plan.io.iter().map(|p| (&p.target, &p.requests, &p.settings.client.config, p.max_connections()));
    let scale = plan.scale.iter().map(|p| (&p.target, &p.requests, &p.settings.client.config, p.max_connections()));
    let http: Vec<_> = io.chain(scale).collect();
    if let (Some(&(target, requests, client, _)), Some(max)) = (http.first(), http.iter().map(|h| h.3).max()) {
        let session = Session::start(target, requests, client, max, None)?;
        observer.target_ready(&session.target);
        let bench = |env| Bench { spec: &session.spec, target: Some(&session.target), env, stop, split: &plan.split };
        if let Some(io) = &plan.io {
            run_experiment(&mut report, io_experiment(io, &session.target), &bench(&io.env), observer)?;
        }
        for scale in plan.scale.iter().take_while(|_| !stop.requested()) {
            run_experiment(&mut report, scale_experiment(scale, &session.target), &bench(&scale.env), observer)?;
        }
    }
    if let Some(cpu) = plan.cpu.as_ref().filter(|_| !stop.requested()) {
        let spec = WorkloadSpec::Cpu(cpu.settings.spec.clone());
        let bench = Bench { spec: &spec, target: None, env: &cpu.env, stop, split: &plan.split };
        run_experiment(&mut report, cpu_experiment(cpu), &bench, observer)?;
    }
    finish(&mut report, stop);
    Ok(report)
}

/// What one run left behind.
#[derive(Default)]
struct RunOutcome {
    record: Option<RunRecord>,
    /// Why the model failed as a whole, if it did.
    failure: Option<String>,
    histograms: Merged,
}

/// Runs `model` once: fresh workload (clients, pools), the server's counters reset before and
/// read after; its tasks arrive as `open` says, or in a closed loop. An error here (the target's
/// counters unreachable, a workload that cannot be built) is the model failing as a whole: the
/// caller records it as such.
fn run_once(
    model: &ModelSpec,
    interpreter: Option<&CellInterpreter>,
    ids: TaskSet,
    bench: &Bench,
    round: usize,
    open: Option<OpenPlan>,
) -> anyhow::Result<RunOutcome> {
    if let Some(target) = bench.target {
        target.reset_stats()?;
    }
    let tasks = ids.len();
    let workload = bench.spec.build(model.concurrency(tasks))?;
    let recorder = Arc::new(if open.is_some() { Recorder::open(0..ids.end) } else { Recorder::new() });
    let mut job = Job::new(workload, Some(bench.spec.clone()), ids, recorder.clone(), bench.stop.clone());
    if let Some(plan) = open {
        job = job.open(plan);
    }
    let mut meter = Meter::new();
    let env = bench.env.in_interpreter(interpreter.map(|i| i.path.as_str()));
    let executed = crate::model::build(model, &env).execute(&job, &mut meter);
    let released = job.finish();
    drop(job);
    let meter_started = meter.started_at();
    let measured = meter.finish();
    let mut tally =
        Arc::try_unwrap(recorder).map(Recorder::finish).map_err(|_| anyhow::anyhow!("a task outlived its run"))?;
    let server = bench.target.and_then(|t| t.stats().unwrap_or(None));
    let (facts, failure) = match executed {
        Ok(facts) => (facts, None),
        Err(e) => (Default::default(), Some(format!("{e:#}"))),
    };
    let raw = bench.split.is_split().then(|| split::raw_run(meter_started, &tally, released.as_ref())).flatten();
    let share = bench.split.part().count as f64;
    let opened =
        open.zip(tally.open.take()).map(|(plan, o)| open_run(plan.times.rate_per_s / share, o, tally.ok, released));
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
        open: opened.as_ref().map(|(run, _)| run.clone()),
        raw,
    });
    let open = opened.map(|(_, h)| h).unwrap_or_default();
    let ok = (!tally.ok_latency.is_empty()).then_some(tally.ok_latency);
    Ok(RunOutcome { record, failure, histograms: Merged { ok, ..open } })
}

/// An open run's figures from the recorder's tally and what the generator did, with its
/// corrected-latency and lateness histograms (to merge over the cell's runs; `ok` is left out).
fn open_run(rate: f64, o: OpenTally, ok: u64, released: Option<Released>) -> (OpenRun, Merged) {
    let tenths = o
        .tenths
        .iter()
        .map(|&(ok, corrected_us, service_us)| {
            let mean = |sum: f64| if ok > 0 { sum / ok as f64 } else { 0.0 };
            Tenth { ok, corrected_mean_us: mean(corrected_us), service_mean_us: mean(service_us) }
        })
        .collect();
    let lateness = released.as_ref().map(|r| r.lateness.clone());
    let run = OpenRun {
        offered_per_s: rate,
        achieved_per_s: o.achieved_per_s(ok),
        scheduled: released.as_ref().map_or(o.tasks.len() as u64, |r| r.scheduled),
        released: released.as_ref().map_or(0, |r| r.released),
        dropped: o.dropped,
        queue_peak: released.as_ref().map_or(0, |r| r.queue_peak),
        lateness: lateness.as_ref().and_then(LatencySummary::of),
        queue: LatencySummary::of(&o.queue),
        corrected: LatencySummary::of(&o.corrected),
        tenths,
    };
    let corrected = (!o.corrected.is_empty()).then_some(o.corrected);
    (run, Merged { ok: None, corrected, lateness: lateness.filter(|h| !h.is_empty()) })
}

/// Whether anything failed: a request, a task, a model as a whole, or the reconciliation of the
/// server's counters with the client's (see `analysis::integrity`).
pub fn any_failed(report: &Report) -> bool {
    let cells = report.experiments.iter().flat_map(|e| e.cells());
    cells.into_iter().any(|c| matches!(c.status, CellStatus::Failed { .. }) || analysis::failed(c) > 0)
        || !analysis::integrity::report_findings(report).is_empty()
}
