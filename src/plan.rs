//! Arguments → a validated, typed plan. Every input check lives here and runs before any work
//! starts, so bad input ends with one line and exit code 2, and nothing is written.

pub mod file;
pub mod split;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::cli::{
    ArrivalArgs, ClientArgs, CpuArgs, IoArgs, ModelArgs, OnOff, OutputArgs, PyTaskArgs, PythonArgs, RunArgs, ScaleArgs,
    ServeArgs, TargetArgs, TaskArgs,
};
use crate::error::Error;
use crate::model::ModelEnv;
use crate::model::arrivals::ArrivalTimes;
use crate::protocol::TaskFlavour;
use crate::python::{Install, Runtime};
use crate::record::Concurrency;
use crate::record::python::PY_TIMEOUTS;
use crate::record::server::HEADER_READ_TIMEOUT;
use crate::record::{
    Arrivals, BufferSizes, ClientConfig, ClientSettings, CpuSettings, CpuSpec, EmbeddedInfo, EmbeddedMode, IoSettings,
    LATENESS_BOUND, LatencyProfile, MAX_CONCURRENCY, Method, ModelKind, ModelSpec, OpenLoad, PySettings,
    PyTaskSettings, RatesSettings, RequestSettings, ScaleSettings, Schedule, ServerConfig, Skipped,
};
use crate::render::Format;
use crate::text::Lang;
use crate::workload::io::RequestPlan;
use crate::workload::io::{ASYNC_CLIENT, BLOCKING_CLIENT, BLOCKING_INPUT_BUFFER_BYTES, BLOCKING_OUTPUT_BUFFER_BYTES};
use crate::workload::{UrlList, UrlTemplate};

mod suite;
pub use suite::{QUICK_SHARED_TASKS, SuitePlan};

/// Most retries per request.
pub const MAX_RETRIES: u64 = 20;

/// Most requests an `io` run accepts.
pub const MAX_REQUESTS: u64 = 10_000_000;

/// The target of an I/O experiment.
#[derive(Debug, Clone)]
pub enum TargetPlan {
    /// Start the mock API as `server` says (its configuration, where it runs, its threads): as a
    /// child process of `exe` (this program by default) or in this process.
    Embedded { server: EmbeddedInfo, exe: Option<PathBuf> },
    /// A real API.
    External { url: UrlTemplate },
}

/// Where results go.
#[derive(Debug, Clone)]
pub struct OutputPlan {
    /// What is printed on stdout at the end.
    pub stdout: Format,
    pub out_dir: Option<PathBuf>,
    /// Files written into `out_dir`.
    pub files: Vec<Format>,
    pub lang: Lang,
    pub progress: bool,
    pub color: bool,
}

/// A validated `io` experiment: its settings as the report will record them (models in run
/// order, each with its N resolved), the target, and what every request sends (the extra
/// headers' values included: they are sent, never recorded).
#[derive(Debug, Clone)]
pub struct IoPlan {
    pub settings: IoSettings,
    pub target: TargetPlan,
    pub requests: RequestPlan,
    pub env: ModelEnv,
    pub output: OutputPlan,
    /// The most connections an open model holds at once (Little's law: rate × latency);
    /// `None` in a closed loop (each model's concurrency).
    pub connections: Option<usize>,
    /// The segment of a split run this process runs (`--segment`), and its start.
    pub split: split::Split,
}

fn usage(message: String) -> Error {
    Error::Usage(message)
}

fn at_least_one(name: &str, v: u64) -> Result<u64, Error> {
    if v == 0 { Err(usage(format!("{name} must be at least 1"))) } else { Ok(v) }
}

/// Refuses thread or process counts the OS will not grant, naming the limit.
fn check_thread_limit(model: &ModelSpec, n: usize) -> Result<(), Error> {
    thread_limit_check(model, n, crate::env::thread_limit())
}

/// Refuses a model whose `n` threads (or `n` processes, each driven by a thread of this one),
/// plus 64 for the runtime's own, would pass `limit` (it counts both).
fn thread_limit_check(model: &ModelSpec, n: usize, limit: Option<(u64, &str)>) -> Result<(), Error> {
    let (tasks, needed, what) = if model.kind.info().child_processes {
        (2 * n as u64, format!("{n} processes and {n} threads to drive them"), "processes and threads")
    } else {
        (n as u64, format!("{n} threads"), "threads")
    };
    if let Some((limit, source)) = limit
        && tasks + 64 > limit
    {
        return Err(usage(format!(
            "{model} needs {needed}, but this machine allows at most {limit} {what} ({source})"
        )));
    }
    Ok(())
}

/// Every file a report folder of `formats` will hold: their files, and the charts' `.svg` files
/// when a format shows charts.
pub fn folder_files(formats: &[Format]) -> Vec<String> {
    let mut files: Vec<String> = formats.iter().map(|f| f.file_name().to_string()).collect();
    if formats.iter().any(|f| f.has_charts()) {
        files.extend(crate::render::charts::ALL_IDS.iter().map(|id| format!("{id}.svg")));
    }
    files
}

/// Checks, before any work, that the report folder can be written and that it would replace no
/// file of the user's: the folder must be a folder (or not exist yet, under a folder this user
/// may write in: a probe file is created there and removed), and without `--force` none of
/// `files` may exist in it. Nothing is left behind.
pub fn check_out_dir(dir: &std::path::Path, force: bool, files: &[String]) -> Result<(), Error> {
    if dir.exists() && !dir.is_dir() {
        return Err(usage(format!("--out {}: exists and is not a folder", dir.display())));
    }
    let existing = dir.ancestors().find(|a| a.as_os_str().is_empty() || a.exists()).unwrap_or(dir);
    let existing = if existing.as_os_str().is_empty() { std::path::Path::new(".") } else { existing };
    if !existing.is_dir() {
        return Err(usage(format!("--out {}: {} is not a folder", dir.display(), existing.display())));
    }
    let probe = existing.join(format!(".concbench-probe-{}", std::process::id()));
    match std::fs::File::create(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
        }
        Err(e) => {
            return Err(usage(format!("--out {}: cannot write in {}: {e}", dir.display(), existing.display())));
        }
    }
    let clashes: Vec<&str> = files.iter().map(String::as_str).filter(|f| dir.join(f).exists()).collect();
    if !clashes.is_empty() && !force {
        return Err(usage(format!(
            "--out {}: already holds {}; choose another folder or pass --force to replace",
            dir.display(),
            clashes.join(", ")
        )));
    }
    Ok(())
}

/// Whether stderr/stdout are terminals and colour is wanted.
fn is_terminal_stdout() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn is_terminal_stderr() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal()
}

/// The embedded API's configuration from its flags (named as the command spells them).
fn server_config(
    latency: LatencyProfile,
    (cap_flag, max_inflight): (&str, Option<u64>),
    (barrier_flag, barrier): (&str, Option<u64>),
    seed: u64,
    faults: &crate::cli::FaultArgs,
    header_timeout: Duration,
) -> Result<ServerConfig, Error> {
    let max_inflight = max_inflight.map(|c| at_least_one(cap_flag, c)).transpose()?;
    let barrier = barrier.map(|c| at_least_one(barrier_flag, c)).transpose()?;
    Ok(ServerConfig {
        latency,
        max_inflight: max_inflight.map(|c| c as usize),
        seed,
        barrier: barrier.map(|c| c as usize),
        faults: faults.faults().map_err(usage)?,
        header_timeout,
    })
}

/// What every request sends (`--method`, `--body`, `--body-file`, `--urls-file`), its files read
/// and checked now.
fn request_plan(t: &TargetArgs) -> Result<RequestPlan, Error> {
    let body = match (&t.body, &t.body_file) {
        (Some(text), _) => Some(text.clone().into_bytes()),
        (None, Some(path)) => {
            Some(std::fs::read(path).map_err(|e| usage(format!("--body-file {}: {e}", path.display())))?)
        }
        (None, None) => None,
    };
    let method = t.method.unwrap_or(if body.is_some() { Method::Post } else { Method::Get });
    if body.is_some() && method == Method::Get {
        return Err(usage("--method GET carries no body: give --method POST, PUT, PATCH or DELETE with --body".into()));
    }
    let urls = match &t.urls_file {
        None => None,
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| usage(format!("--urls-file {}: {e}", path.display())))?;
            let list = UrlList::parse(&text).map_err(|e| usage(format!("--urls-file {}: {e}", path.display())))?;
            if let Some(url) = &t.url {
                list.resolve(url.origin_text()).map_err(|e| usage(format!("--urls-file {}: {e}", path.display())))?;
            }
            Some(list)
        }
    };
    Ok(RequestPlan { headers: t.headers.clone(), method, body, urls })
}

/// The requests as the report records them: the method, the body's size, how many URLs.
fn request_settings(r: &RequestPlan) -> RequestSettings {
    RequestSettings {
        method: r.method,
        body_bytes: r.body.as_ref().map(|b| b.len() as u64),
        urls: r.urls.as_ref().map(UrlList::len),
    }
}

/// The target: `--url`, else the origin of the first absolute URL of `--urls-file`, else the
/// embedded API.
fn target_plan(t: &TargetArgs, requests: &RequestPlan) -> Result<TargetPlan, Error> {
    let url = t.url.clone().or_else(|| requests.urls.as_ref().and_then(|l| l.first_absolute().cloned()));
    let embedded_only = t.faults.any() || t.server_max_inflight.is_some() || t.server_barrier.is_some();
    Ok(match url {
        Some(_) if embedded_only => {
            return Err(usage(
                "fault options (--error-rate, ...) and --server-max-inflight shape the embedded API: they cannot be used with --url or absolute URLs in --urls-file".into(),
            ));
        }
        Some(url) => TargetPlan::External { url },
        None => TargetPlan::Embedded {
            server: EmbeddedInfo {
                config: server_config(
                    t.latency,
                    ("--server-max-inflight", t.server_max_inflight),
                    ("--server-barrier", t.server_barrier),
                    t.seed,
                    &t.faults,
                    HEADER_READ_TIMEOUT,
                )?,
                mode: t.embedded,
                server_threads: crate::env::cores_granted(),
            },
            exe: None,
        },
    })
}

/// The clients' settings as the report records them: their configuration, the names of the
/// extra headers, which clients they are, and the interpreter lock's switch interval.
fn client_settings(
    t: &TargetArgs,
    c: &ClientArgs,
    requests: &RequestPlan,
    env: &ModelEnv,
) -> Result<ClientSettings, Error> {
    if requests.body.is_some() && c.retries > 0 {
        return Err(usage("a request with a body is never sent twice: --retries cannot be used with --body".into()));
    }
    if c.timeout.is_zero() || c.connect_timeout.is_zero() {
        return Err(usage("--timeout and --connect-timeout must be above zero".into()));
    }
    if c.prewarm && c.keep_alive == OnOff::Off {
        return Err(usage("--prewarm opens connections to reuse: it needs --keep-alive on".into()));
    }
    if c.retries > MAX_RETRIES {
        return Err(usage(format!("--retries must be at most {MAX_RETRIES}")));
    }
    Ok(ClientSettings {
        config: ClientConfig {
            keep_alive: c.keep_alive == OnOff::On,
            timeout: c.timeout,
            connect_timeout: c.connect_timeout,
            interp_cost: c.interp_cost,
            retries: c.retries as u32,
            retry_backoff: c.retry_backoff,
            prewarm: c.prewarm,
            ok_status: c.ok_status.clone(),
        },
        header_names: t.headers.iter().map(|h| h.name.clone()).collect(),
        blocking_client: BLOCKING_CLIENT.into(),
        async_client: ASYNC_CLIENT.into(),
        blocking_buffer_bytes: BufferSizes { input: BLOCKING_INPUT_BUFFER_BYTES, output: BLOCKING_OUTPUT_BUFFER_BYTES },
        switch_interval_ms: env.switch_interval.as_secs_f64() * 1e3,
        request: request_settings(requests),
    })
}

/// Most measured runs per model.
pub const MAX_RUNS: u64 = 1000;

/// `--min-success`: a share above 0, at most 1.
fn min_success(r: &RunArgs) -> Result<f64, Error> {
    if r.min_success > 0.0 && r.min_success <= 1.0 {
        Ok(r.min_success)
    } else {
        Err(usage(format!("--min-success must be a share above 0 and at most 100% (e.g. 95%), not {}", r.min_success)))
    }
}

/// Runs per model when `--runs` is not given.
pub const DEFAULT_RUNS: u64 = 6;

/// Runs per point of a capacity sweep when `--runs` is not given: each point is already the whole
/// `--duration` of requests (thousands of latencies), and six would make the sweep of the README
/// (10 points of 5 s) last 6 minutes instead of one.
pub const DEFAULT_RATES_RUNS: u64 = 1;

fn schedule(r: &RunArgs) -> Result<Schedule, Error> {
    schedule_or(r, DEFAULT_RUNS)
}

fn schedule_or(r: &RunArgs, default_runs: u64) -> Result<Schedule, Error> {
    let runs = at_least_one("--runs", r.runs.unwrap_or(default_runs))?;
    if runs > MAX_RUNS || r.warmup > MAX_RUNS {
        return Err(usage(format!("--runs and --warmup must be at most {MAX_RUNS}")));
    }
    Ok(Schedule { runs: runs as usize, warmup: r.warmup as usize, shuffle_seed: r.shuffle.then_some(r.shuffle_seed) })
}

fn model_env(m: &ModelArgs) -> Result<ModelEnv, Error> {
    if m.switch_interval.is_zero() {
        return Err(usage("--switch-interval must be above zero (CPython's default is 5ms)".into()));
    }
    Ok(ModelEnv { switch_interval: m.switch_interval, ..ModelEnv::default() })
}

/// What the py models of a plan need from their interpreters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PyNeeds {
    /// The standard library only (the CPU work, the user's own task).
    Stdlib,
    /// aiohttp and requests (the HTTP work): a private environment per interpreter.
    Http,
}

/// The interpreters of the plan's py models, found, checked and (for the HTTP work) given their
/// environments; nothing when `models` has no py model. Fills `env` and returns the settings the
/// report records. Every failure is one line and exit 2, before any work; with
/// `--python` optional (the suite's default), an interpreter that cannot be used is recorded as
/// skipped with the reason instead, and without any, the py models leave `models`.
fn python_plan(
    args: &PythonArgs,
    models: &mut Vec<ModelSpec>,
    needs: PyNeeds,
    env: &mut ModelEnv,
) -> Result<Option<PySettings>, Error> {
    if !models.iter().any(|m| m.kind.is_python()) {
        return Ok(None);
    }
    let mut seen = HashSet::new();
    if args.python.is_empty() {
        return Err(usage("--python is empty: name at least one interpreter".into()));
    }
    let install = if args.no_install { Install::Forbidden } else { Install::Allowed };
    let mut unusable = Vec::new();
    for given in &args.python {
        if !seen.insert(given.as_str()) {
            return Err(usage(format!("--python names {given} twice")));
        }
        match Runtime::prepare(given, needs == PyNeeds::Http, install) {
            Ok(runtime) => env.python.push(std::sync::Arc::new(runtime)),
            Err(reason) if args.optional => unusable.push(reason),
            Err(reason) => return Err(usage(reason)),
        }
    }
    let py: Vec<String> = models.iter().filter(|m| m.kind.is_python()).map(ToString::to_string).collect();
    let skipped = unusable.into_iter().map(|reason| Skipped { model: py.join(", "), reason }).collect();
    if env.python.is_empty() {
        models.retain(|m| !m.kind.is_python());
    }
    env.py_tracemalloc = args.py_tracemalloc == OnOff::On;
    Ok(Some(PySettings {
        interpreters: env.python.iter().map(|r| r.info().short()).collect(),
        tracemalloc: env.py_tracemalloc,
        timeouts: PY_TIMEOUTS.into(),
        skipped,
    }))
}

/// Refuses options that mean nothing to the py models.
fn check_py_options(models: &[ModelSpec], client: &ClientArgs, requests: &RequestPlan) -> Result<(), Error> {
    let Some(py) = models.iter().find(|m| m.kind.is_python()) else { return Ok(()) };
    if !request_settings(requests).is_plain() {
        return Err(usage(format!(
            "--method, --body and --urls-file shape the Rust clients' requests: {py} sends GETs of one URL template"
        )));
    }
    if !client.interp_cost.is_zero() {
        return Err(usage(format!(
            "--interp-cost charges the emulated interpreter's cost: it has no meaning for {py} (CPython pays its own)"
        )));
    }
    if client.prewarm {
        return Err(usage(format!(
            "--prewarm has no meaning for {py}: aiohttp and requests open their own connections"
        )));
    }
    Ok(())
}

/// The user's task as the report records it, its flavours sorted out; `None` without --py-task.
fn py_task(args: &PyTaskArgs, python: &PythonArgs) -> Result<Option<PyTaskSettings>, Error> {
    let Some(main) = &args.py_task else {
        return match &args.py_async_task {
            Some(_) => Err(usage("--py-async-task supplies the other flavour of --py-task: give --py-task too".into())),
            None if args.task_timeout.is_some() => Err(usage("--task-timeout bounds the calls of --py-task".into())),
            None => Ok(None),
        };
    };
    if args.task_timeout.is_some_and(|t| t.is_zero()) {
        return Err(usage("--task-timeout must be above zero".into()));
    }
    let first = python.python.first().ok_or_else(|| usage("--python is empty".into()))?;
    let interpreter = std::path::Path::new(first);
    let flavour_of = |flag: &str, spec: &str| crate::python::check_task(interpreter, flag, spec).map_err(usage);
    let mut task = PyTaskSettings { sync_task: None, async_task: None, task_timeout: args.task_timeout };
    match flavour_of("--py-task", main)?.flavour {
        TaskFlavour::Sync => task.sync_task = Some(main.clone()),
        TaskFlavour::Async => task.async_task = Some(main.clone()),
    }
    if let Some(other) = &args.py_async_task {
        if task.async_task.is_some() {
            return Err(usage(format!(
                "--py-task {main} is an async def already: --py-async-task supplies the flavour it lacks"
            )));
        }
        if flavour_of("--py-async-task", other)?.flavour != TaskFlavour::Async {
            return Err(usage(format!("--py-async-task {other} is a plain function: it must be an async def")));
        }
        task.async_task = Some(other.clone());
    }
    Ok(Some(task))
}

/// Why `model` cannot run `task` (a flavour it lacks), if it cannot.
fn task_flavour_missing(model: &ModelSpec, task: &PyTaskSettings) -> Option<String> {
    match model.kind {
        ModelKind::PyAsync if task.async_task.is_none() => Some(
            "py-async awaits an async def, and the task is a plain function: give --py-async-task FILE.py:func".into(),
        ),
        ModelKind::PyThreads | ModelKind::PyProcesses if task.sync_task.is_none() => Some(format!(
            "{} calls a plain function, and the task is an async def: give a plain one with --py-task",
            model.kind.name()
        )),
        _ => None,
    }
}

/// Refuses Rust models for the user's task, and leaves out (with the reason) the py models whose
/// flavour the task lacks.
fn task_models(models: Vec<ModelSpec>, task: &PyTaskSettings) -> Result<(Vec<ModelSpec>, Vec<Skipped>), Error> {
    if let Some(rust) = models.iter().find(|m| !m.kind.is_python()) {
        return Err(usage(format!(
            "{rust} cannot run a Python function: the user's task runs under py-sequential, py-threads, py-async and py-processes"
        )));
    }
    let (mut kept, mut skipped) = (Vec::new(), Vec::new());
    for m in models {
        match task_flavour_missing(&m, task) {
            Some(reason) => skipped.push(Skipped { model: m.to_string(), reason }),
            None => kept.push(m),
        }
    }
    if kept.is_empty() {
        let why: Vec<String> = skipped.iter().map(|s| s.reason.clone()).collect();
        return Err(usage(format!("no model can run the task: {}", why.join("; "))));
    }
    Ok((kept, skipped))
}

/// Refuses duplicate models and counts of threads or processes the OS will not grant.
fn check_models(models: &[ModelSpec], tasks: usize) -> Result<(), Error> {
    let mut seen = HashSet::new();
    for m in models {
        if !seen.insert(*m) {
            return Err(usage(format!("--models names {m} twice")));
        }
        if m.kind.uses_threads() || m.kind.info().child_processes {
            check_thread_limit(m, m.concurrency(tasks))?;
        }
    }
    Ok(())
}

/// Every file format a report folder holds.
pub const FOLDER_FORMATS: [Format; 4] = [Format::Md, Format::Html, Format::Json, Format::Csv];

fn output_plan(o: &OutputArgs) -> Result<OutputPlan, Error> {
    if let Some(dir) = &o.out {
        check_out_dir(dir, o.force, &folder_files(&FOLDER_FORMATS))?;
    }
    Ok(OutputPlan {
        stdout: o.format,
        out_dir: o.out.clone(),
        files: FOLDER_FORMATS.to_vec(),
        lang: o.lang,
        progress: !o.quiet && is_terminal_stderr(),
        color: is_terminal_stdout(),
    })
}

/// Requests per model when `--requests` is not given.
pub const DEFAULT_REQUESTS: u64 = 200;

/// Requests sequential really runs when `--sync-sample` is not given.
pub const DEFAULT_SYNC_SAMPLE: u64 = 20;

fn requests(n: u64) -> Result<usize, Error> {
    let n = at_least_one("--requests", n)?;
    if n > MAX_REQUESTS {
        return Err(usage(format!("--requests {n} is more than the {MAX_REQUESTS} accepted")));
    }
    Ok(n as usize)
}

/// How requests arrive in an open model, from `--arrivals`, `--arrival-seed`, `--duration` and
/// `--max-queue` (which mean nothing without `--rate`, and are refused then).
fn arrivals(o: &ArrivalArgs, rate: bool) -> Result<Arrivals, Error> {
    if !rate && (o.duration.is_some() || o.max_queue.is_some()) {
        return Err(usage(
            "--duration and --max-queue shape an open model: give --rate too (e.g. --rate 500/s)".into(),
        ));
    }
    let max_queue = o.max_queue.map(|n| at_least_one("--max-queue", n)).transpose()?;
    Ok(Arrivals {
        process: o.arrivals,
        seed: o.arrival_seed,
        duration: o.duration,
        max_queue: max_queue.map(|n| n as usize),
        lateness_bound_us: LATENESS_BOUND.as_micros() as u64,
    })
}

/// Requests an open run at `rate` holds: the explicit `--requests`, or those due within
/// `--duration` (one of them, not both).
fn open_requests(rate: f64, arrivals: &Arrivals, requests: Option<u64>) -> Result<usize, Error> {
    let per = crate::units::fmt_duration(Duration::from_secs_f64(1.0 / rate));
    match (arrivals.duration, requests) {
        (Some(_), Some(_)) => Err(usage("--rate takes --duration or --requests as its length, not both".into())),
        (None, None) => {
            Err(usage(format!("--rate {rate}/s needs a length: --duration (e.g. 10s) or an explicit --requests")))
        }
        (None, Some(n)) => self::requests(n),
        (Some(d), None) if rate * d.as_secs_f64() < 1.0 => Err(usage(format!(
            "--duration {} at --rate {rate}/s is too short for one request (one is due every {per})",
            crate::units::fmt_duration(d)
        ))),
        (Some(d), None) => {
            let times = ArrivalTimes { rate_per_s: rate, process: arrivals.process, seed: arrivals.seed };
            self::requests(times.count_within(d) as u64)
        }
    }
}

/// The connections an open model of `models` needs at `rate` against `target`: each model holds
/// at most its concurrency, and about rate × latency (Little's law) against the embedded API,
/// whose latency is known. Refuses a rate the open-files limit cannot hold, naming both.
fn open_connections(rate: f64, models: &[ModelSpec], tasks: usize, target: &TargetPlan) -> Result<usize, Error> {
    let most = models.iter().map(|m| m.concurrency(tasks)).max().unwrap_or(1);
    let usable = |limit: u64| limit.saturating_sub(SPARE_FILES) as usize;
    let TargetPlan::Embedded { server, .. } = target else {
        // An external API's latency is unknown: as many as the limit holds (more fail to connect).
        return Ok(crate::env::open_files_hard_limit().map_or(most, |limit| most.min(usable(limit))));
    };
    let latency = server.config.latency.typical();
    let little = crate::record::open::little_in_flight(rate, latency).min(most);
    let per_connection = if server.mode == EmbeddedMode::InProcess { 2 } else { 1 };
    let needed = little as u64 * per_connection + SPARE_FILES;
    let Some(limit) = crate::env::open_files_hard_limit() else { return Ok(little) };
    if needed > limit {
        return Err(usage(format!(
            "--rate {rate}/s at a latency of {} keeps about {little} requests in flight (Little's law: rate × latency), which needs {needed} open files, but the limit is {limit} (ulimit -Hn): lower the rate or raise the limit",
            crate::units::fmt_duration(latency)
        )));
    }
    // Room for the queue to grow past Little's law while the model falls behind.
    Ok((2 * little + 64).min(most).min(usable(limit) / per_connection as usize))
}

/// Descriptors kept free beyond the connections a model holds.
pub const SPARE_FILES: u64 = 256;

/// An `io` run's open model (`--rate`) and its request count; `None` and the closed loop's
/// count without `--rate`.
fn io_load(args: &IoArgs) -> Result<(Option<OpenLoad>, usize), Error> {
    let arrivals = arrivals(&args.arrivals, args.rate.is_some())?;
    let Some(rate) = args.rate else {
        return Ok((None, requests(args.requests.unwrap_or(DEFAULT_REQUESTS))?));
    };
    if let Some(n) = args.sync_sample {
        return Err(usage(format!(
            "--sync-sample {n} estimates a closed loop from a sample: with --rate every request is sent, none estimated"
        )));
    }
    let requests = open_requests(rate, &arrivals, args.requests)?;
    Ok((Some(OpenLoad { rate_per_s: rate, arrivals }), requests))
}

/// Refuses an open model for the py models: their driver runs closed loops only.
fn check_open_models(models: &[ModelSpec]) -> Result<(), Error> {
    match models.iter().find(|m| m.kind.is_python()) {
        Some(py) => Err(usage(format!(
            "--rate: {py} runs closed loops only (the CPython driver has no arrival schedule yet); rate the Rust models"
        ))),
        None => Ok(()),
    }
}

impl IoPlan {
    pub fn from_args(args: &IoArgs) -> Result<Self, Error> {
        let (open, requests) = io_load(args)?;
        let workers = at_least_one("--workers", args.workers)?;
        if workers > MAX_CONCURRENCY as u64 {
            return Err(usage(format!("--workers must be at most {MAX_CONCURRENCY}")));
        }
        let workers = workers as usize;
        let sample = args.sync_sample.unwrap_or(DEFAULT_SYNC_SAMPLE);
        let sync_sample = (at_least_one("--sync-sample", sample)? as usize).min(requests);

        if args.models.is_empty() {
            return Err(usage("--models is empty: name at least one model".into()));
        }
        let mut models: Vec<ModelSpec> = args.models.iter().map(|m| m.with_default_workers(workers)).collect();
        check_models(&models, requests)?;
        let shape = request_plan(&args.target)?;
        check_py_options(&models, &args.client, &shape)?;
        let mut env = model_env(&args.model_opts)?;
        let client = client_settings(&args.target, &args.client, &shape, &env)?;
        let schedule = schedule(&args.repeat)?;
        let target = target_plan(&args.target, &shape)?;
        let connections = match &open {
            Some(load) => {
                check_open_models(&models)?;
                Some(open_connections(load.rate_per_s, &models, requests, &target)?)
            }
            None => None,
        };
        let output = output_plan(&args.output)?;
        let sampled = models.iter().find(|m| m.kind.info().concurrency == Concurrency::One && open.is_none());
        let sampled = sampled.filter(|_| sync_sample < requests).map(ModelSpec::to_string);
        let (split, output) = split::apply(&args.split, output, args.output.force, sampled)?;
        let python = python_plan(&args.python, &mut models, PyNeeds::Http, &mut env)?;
        Ok(IoPlan {
            split,
            connections,
            settings: IoSettings {
                requests,
                sync_sample,
                workers,
                models,
                client,
                schedule,
                python,
                task: None,
                min_success: min_success(&args.repeat)?,
                open,
            },
            target,
            requests: shape,
            env,
            output,
        })
    }

    /// `concbench task`: the user's function under the py models, against the embedded API (for
    /// tasks that call it), as an `io`-shaped experiment whose settings name the task.
    pub fn from_task_args(args: &TaskArgs) -> Result<Self, Error> {
        let tasks = at_least_one("--tasks", args.tasks)?;
        if tasks > MAX_TASKS {
            return Err(usage(format!("--tasks {tasks} is more than the {MAX_TASKS} accepted")));
        }
        let tasks = tasks as usize;
        let workers = at_least_one("--workers", args.workers)?;
        if workers > MAX_CONCURRENCY as u64 {
            return Err(usage(format!("--workers must be at most {MAX_CONCURRENCY}")));
        }
        if args.models.is_empty() {
            return Err(usage("--models is empty: name at least one model".into()));
        }
        let models: Vec<ModelSpec> = args.models.iter().map(|m| m.with_default_workers(workers as usize)).collect();
        check_models(&models, tasks)?;
        if args.task.py_task.is_none() {
            return Err(usage("task needs --py-task FILE.py:func (or package.module:func)".into()));
        }
        let task = py_task(&args.task, &args.python)?.expect("checked above");
        let (mut models, skipped) = task_models(models, &task)?;
        let shape = request_plan(&args.target)?;
        check_py_options(&models, &ClientArgs::default(), &shape)?;
        let mut env = model_env(&args.model_opts)?;
        let client = client_settings(&args.target, &ClientArgs::default(), &shape, &env)?;
        let schedule = schedule(&args.repeat)?;
        let target = target_plan(&args.target, &shape)?;
        let output = output_plan(&args.output)?;
        let (split, output) = split::apply(&args.split, output, args.output.force, None)?;
        let mut python = python_plan(&args.python, &mut models, PyNeeds::Stdlib, &mut env)?;
        if let Some(p) = python.as_mut() {
            p.skipped.splice(0..0, skipped);
        }
        Ok(IoPlan {
            settings: IoSettings {
                requests: tasks,
                sync_sample: tasks,
                workers: workers as usize,
                models,
                client,
                schedule,
                python,
                task: Some(task),
                min_success: min_success(&args.repeat)?,
                open: None,
            },
            target,
            requests: shape,
            env,
            output,
            connections: None,
            split,
        })
    }

    /// The most connections any model holds at once.
    pub fn max_connections(&self) -> usize {
        let s = &self.settings;
        let closed = || s.models.iter().map(|m| m.concurrency(s.tasks_per_run(m))).max().unwrap_or(1);
        self.connections.unwrap_or_else(closed)
    }
}

/// A validated `scale` sweep.
#[derive(Debug, Clone)]
pub struct ScalePlan {
    /// The sweep as the report records it: the N values ascending, no duplicates.
    pub settings: ScaleSettings,
    pub target: TargetPlan,
    pub requests: RequestPlan,
    pub env: ModelEnv,
    pub output: OutputPlan,
    /// See [`IoPlan::split`].
    pub split: split::Split,
}

/// The N values a sweep runs when `--workers` is not given.
pub const DEFAULT_WORKERS: [u64; 4] = [50, 100, 200, 1000];

/// Refuses the options of a capacity sweep (`--rates`) in a sweep of N.
fn check_closed_sweep(args: &ScaleArgs) -> Result<(), Error> {
    if !args.rates.is_empty() {
        return Err(usage("--rates makes a capacity sweep: plan it as one (RatesPlan)".into()));
    }
    if !args.models.is_empty() || args.slo.is_some() {
        return Err(usage(
            "--models and --slo belong to a capacity sweep: give --rates too (e.g. --rates 100,200,400)".into(),
        ));
    }
    arrivals(&args.arrivals, false).map(drop)
}

impl ScalePlan {
    pub fn from_args(args: &ScaleArgs) -> Result<Self, Error> {
        check_closed_sweep(args)?;
        let requests = requests(args.requests.unwrap_or(DEFAULT_REQUESTS))?;
        let model = args.model.unwrap_or(ModelKind::Threads);
        if model.info().concurrency == Concurrency::One {
            return Err(usage(format!("{} has no N to sweep: sweep threads, async or async-mt", model.name())));
        }
        let workers = if args.workers.is_empty() { &DEFAULT_WORKERS[..] } else { &args.workers[..] };
        let mut settings = Vec::with_capacity(workers.len());
        for &w in workers {
            let w = at_least_one("--workers", w)?;
            if w > MAX_CONCURRENCY as u64 {
                return Err(usage(format!("--workers {w} is more than the {MAX_CONCURRENCY} accepted")));
            }
            if settings.contains(&(w as usize)) {
                return Err(usage(format!("--workers lists {w} twice")));
            }
            settings.push(w as usize);
        }
        settings.sort_unstable();
        let async_all = ModelSpec::new(ModelKind::Async, None);
        let baseline = if args.no_baseline { None } else { Some(args.baseline.unwrap_or(async_all)) };
        let most = ModelSpec::new(model, settings.last().copied());
        let mut cells: Vec<ModelSpec> = [Some(most), baseline].into_iter().flatten().collect();
        check_models(&cells, requests)?;
        let shape = request_plan(&args.target)?;
        check_py_options(&cells, &args.client, &shape)?;
        if !(0.0..1.0).contains(&args.knee_gain) {
            return Err(usage("--knee-gain must be a share from 0 up to, not including, 1 (e.g. 10% or 0.1)".into()));
        }
        if cells.iter().any(|m| m.kind.is_python()) && args.python.python.len() > 1 {
            return Err(usage(
                "scale sweeps one interpreter: give one --python (run the sweep once per interpreter)".into(),
            ));
        }
        let task = py_task(&args.task, &args.python)?;
        if let Some(task) = &task {
            let (_, skipped) = task_models(cells.clone(), task)?;
            if let Some(s) = skipped.first() {
                return Err(usage(format!("{}: {}", s.model, s.reason)));
            }
        }
        let mut env = model_env(&args.model_opts)?;
        let client = client_settings(&args.target, &args.client, &shape, &env)?;
        let schedule = schedule(&args.repeat)?;
        let target = target_plan(&args.target, &shape)?;
        let output = output_plan(&args.output)?;
        let (split, output) = split::apply(&args.split, output, args.output.force, None)?;
        let needs = if task.is_some() { PyNeeds::Stdlib } else { PyNeeds::Http };
        let python = python_plan(&args.python, &mut cells, needs, &mut env)?;
        Ok(ScalePlan {
            settings: ScaleSettings {
                requests,
                model,
                settings,
                baseline,
                knee_gain_per_doubling: args.knee_gain,
                client,
                schedule,
                python,
                task,
                min_success: min_success(&args.repeat)?,
            },
            target,
            requests: shape,
            env,
            output,
            split,
        })
    }

    /// The most connections any cell holds at once.
    pub fn max_connections(&self) -> usize {
        let s = &self.settings;
        s.points().iter().chain(s.baseline.iter()).map(|m| m.concurrency(s.requests)).max().unwrap_or(1)
    }
}

/// A validated capacity sweep (`scale --rates`).
#[derive(Debug, Clone)]
pub struct RatesPlan {
    /// The sweep as the report records it: the rates ascending, no duplicates.
    pub settings: RatesSettings,
    /// Requests of a point at each rate (in the order of `settings.rates_per_s`).
    pub tasks: Vec<usize>,
    pub target: TargetPlan,
    pub requests: RequestPlan,
    pub env: ModelEnv,
    pub output: OutputPlan,
    /// The most connections a point holds at once (Little's law at the highest rate).
    pub connections: usize,
}

/// The pool size of a model named without N in a capacity sweep (as `io`'s `--workers`).
pub const RATES_DEFAULT_WORKERS: usize = 50;

/// Why a capacity sweep is not split into segments: each point's verdict (the first rate whose
/// p99 passes the objective, checked against Little's law) needs the whole offered rate through
/// one client, and the merge has no rule for a rates experiment.
pub const RATES_UNSPLIT: &str = "--segment: a capacity sweep (scale --rates) cannot be split into segments (each rate's verdict needs its whole schedule from one client): run it whole, or split an `io --rate R` run per rate";

/// Refuses the options of a sweep of N in a capacity sweep, and a split.
fn check_rates_sweep(args: &ScaleArgs) -> Result<(), Error> {
    let refused = [
        (
            !args.workers.is_empty(),
            "--workers sweeps N; --rates sweeps the offered rate: give each model its N in --models (threads:50)",
        ),
        (args.model.is_some(), "--model sweeps one model's N: with --rates, list the models with --models"),
        (
            args.baseline.is_some() || args.no_baseline,
            "a capacity sweep compares its --models with each other: it has no --baseline",
        ),
        (args.task.py_task.is_some(), "--rates loads the HTTP workload: the user's Python task runs closed loops only"),
        (args.split.segment.is_some() || args.split.segments.is_some(), RATES_UNSPLIT),
        (
            args.split.start_at.is_some() || args.split.run_slot.is_some(),
            "--start-at and --run-slot align the segments of a split run, and a capacity sweep (scale --rates) is never split: run it without them",
        ),
    ];
    match refused.iter().find(|(yes, _)| *yes) {
        Some((_, why)) => Err(usage(why.to_string())),
        None => Ok(()),
    }
}

/// The offered rates, ascending, each once.
fn sweep_rates(rates: &[f64]) -> Result<Vec<f64>, Error> {
    let mut sorted = rates.to_vec();
    sorted.sort_by(f64::total_cmp);
    if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
        return Err(usage(format!("--rates lists {}/s twice", w[0])));
    }
    Ok(sorted)
}

impl RatesPlan {
    pub fn from_args(args: &ScaleArgs) -> Result<Self, Error> {
        check_rates_sweep(args)?;
        let rates = sweep_rates(&args.rates)?;
        if args.models.is_empty() {
            return Err(usage("--rates loads --models: name them, e.g. --models threads:50,async".into()));
        }
        let models: Vec<ModelSpec> =
            args.models.iter().map(|m| m.with_default_workers(RATES_DEFAULT_WORKERS)).collect();
        check_open_models(&models)?;
        if args.slo.is_some_and(|d| d.is_zero()) {
            return Err(usage("--slo must be above zero (e.g. 250ms)".into()));
        }
        let arrivals = arrivals(&args.arrivals, true)?;
        let tasks: Vec<usize> =
            rates.iter().map(|&r| open_requests(r, &arrivals, args.requests)).collect::<Result<_, _>>()?;
        check_models(&models, tasks.iter().copied().max().unwrap_or(1))?;
        let shape = request_plan(&args.target)?;
        let env = model_env(&args.model_opts)?;
        let client = client_settings(&args.target, &args.client, &shape, &env)?;
        let target = target_plan(&args.target, &shape)?;
        let (top, most) = (rates.last().copied().unwrap_or(1.0), tasks.iter().copied().max().unwrap_or(1));
        let connections = open_connections(top, &models, most, &target)?;
        Ok(RatesPlan {
            settings: RatesSettings {
                models,
                rates_per_s: rates,
                arrivals,
                requests: args.requests.map(|n| n as usize),
                slo: args.slo,
                client,
                schedule: schedule_or(&args.repeat, DEFAULT_RATES_RUNS)?,
                min_success: min_success(&args.repeat)?,
            },
            tasks,
            target,
            requests: shape,
            env,
            output: output_plan(&args.output)?,
            connections,
        })
    }
}

/// Most tasks a `cpu` run accepts.
pub const MAX_TASKS: u64 = 1_000_000;

/// A validated `cpu` experiment.
#[derive(Debug, Clone)]
pub struct CpuPlan {
    /// The experiment as the report records it.
    pub settings: CpuSettings,
    pub env: ModelEnv,
    pub output: OutputPlan,
    /// See [`IoPlan::split`].
    pub split: split::Split,
}

impl CpuPlan {
    pub fn from_args(args: &CpuArgs) -> Result<Self, Error> {
        if let Some(rate) = &args.rate {
            return Err(usage(format!(
                "--rate {rate}: cpu tasks are all there at the start, none arrives later; an open model is for io (concbench io --rate)"
            )));
        }
        let tasks = at_least_one("--tasks", args.tasks)?;
        if tasks > MAX_TASKS {
            return Err(usage(format!("--tasks {tasks} is more than the {MAX_TASKS} accepted")));
        }
        let tasks = tasks as usize;
        let workers = match args.workers {
            Some(w) => at_least_one("--workers", w)?,
            None => crate::env::cores_granted() as u64,
        };
        if workers > MAX_CONCURRENCY as u64 {
            return Err(usage(format!("--workers must be at most {MAX_CONCURRENCY}")));
        }
        let workers = workers as usize;
        if args.models.is_empty() {
            return Err(usage("--models is empty: name at least one model".into()));
        }
        let mut models: Vec<ModelSpec> = args.models.iter().map(|m| m.with_default_workers(workers)).collect();
        check_models(&models, tasks)?;
        let mut env = model_env(&args.model_opts)?;
        let schedule = schedule(&args.repeat)?;
        let output = output_plan(&args.output)?;
        let (split, output) = split::apply(&args.split, output, args.output.force, None)?;
        let python = python_plan(&args.python, &mut models, PyNeeds::Stdlib, &mut env)?;
        Ok(CpuPlan {
            split,
            settings: CpuSettings {
                tasks,
                spec: CpuSpec { range: args.range, seed: args.seed, kernel: args.kernel },
                workers,
                models,
                switch_interval_ms: env.switch_interval.as_secs_f64() * 1e3,
                schedule,
                python,
                min_success: min_success(&args.repeat)?,
                source_tasks: None,
            },
            env,
            output,
        })
    }
}

/// `concbench-report/<timestamp>`, a new folder name (with `-2`, `-3`... if taken).
pub fn default_report_dir() -> PathBuf {
    let stamp = crate::record::timestamp_now().replace(':', "-");
    let base = PathBuf::from("concbench-report").join(&stamp);
    (1..)
        .map(|i| if i == 1 { base.clone() } else { PathBuf::from(format!("{}-{i}", base.display())) })
        .find(|p| !p.exists())
        .expect("some suffix is free")
}

/// A validated `serve`.
#[derive(Debug, Clone)]
pub struct ServePlan {
    pub addr: SocketAddr,
    /// The admin secret from `--admin-token-file`, checked to be non-empty printable text.
    pub admin_token: Option<String>,
    pub config: ServerConfig,
    pub threads: usize,
    pub exit_on_stdin_eof: bool,
}

impl ServePlan {
    pub fn from_args(args: &ServeArgs) -> Result<Self, Error> {
        let threads = match args.threads {
            Some(t) => at_least_one("--threads", t)?.min(1024) as usize,
            None => crate::env::cores_granted(),
        };
        let admin_token = match &args.admin_token_file {
            None => None,
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| usage(format!("--admin-token-file {}: {e}", path.display())))?;
                let secret = text.trim();
                if secret.is_empty() || !secret.bytes().all(|b| b.is_ascii_graphic()) {
                    return Err(usage(format!(
                        "--admin-token-file {}: the secret must be one word of printable ASCII",
                        path.display()
                    )));
                }
                Some(secret.to_string())
            }
        };
        Ok(ServePlan {
            addr: SocketAddr::new(args.bind, args.port),
            admin_token,
            config: server_config(
                args.latency,
                ("--max-inflight", args.max_inflight),
                ("--barrier", args.barrier),
                args.seed,
                &args.faults,
                args.header_timeout,
            )?,
            threads,
            exit_on_stdin_eof: args.exit_on_stdin_eof,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::ModelKind;

    #[test]
    fn threads_beyond_the_limit_are_refused_with_its_source() {
        let model = ModelSpec::new(ModelKind::Threads, Some(1000));
        let e = thread_limit_check(&model, 1000, Some((1000, "kernel.threads-max"))).unwrap_err();
        assert!(e.to_string().contains("allows at most 1000 threads (kernel.threads-max)"), "{e}");
        assert!(thread_limit_check(&model, 1000, Some((1064, "pids.max"))).is_ok(), "64 spare fit exactly");
        assert!(thread_limit_check(&model, 1000, None).is_ok(), "no limit known: no refusal");
        // Processes count twice: each is driven by a thread of this process.
        let procs = ModelSpec::new(ModelKind::Processes, Some(300_000));
        let e = thread_limit_check(&procs, 300_000, Some((100_000, "pids.max"))).unwrap_err().to_string();
        assert!(e.contains("needs 300000 processes and 300000 threads") && e.contains("processes and threads"), "{e}");
    }
}
