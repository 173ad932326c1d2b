//! Command-line arguments (clap derive): raw, typed values with no I/O. `plan` validates them.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::record::{
    ArrivalProcess, EmbeddedMode, Kernel, LatencyProfile, Method, ModelKind, ModelSpec, SizeRange, StatusSet,
};
use crate::render::{CompareFormat, Format};
use crate::text::Lang;
use crate::units::{parse_count, parse_duration};
use crate::workload::{Header, UrlTemplate};

const SUITE_AFTER_HELP: &str = "\
Examples:
  concbench                                     = concbench suite: quick sizes, about 75 s on 2 cores
  concbench suite --lang ko --out report/ --format md,html,json,csv
  concbench suite --size source                 the source report's sizes (630 ms latency): about 7 minutes
  concbench suite --sections io,cpu --runs 10

The folder (default concbench-report/<timestamp>/) is written after every run, so an interrupted
suite still leaves a valid, partial (marked so) report.";

const ABOUT: &str = "Measure concurrency models side by side (async, thread pools, sequential) on your \
machine and workload, and explain the result.";

const AFTER_HELP_EXAMPLES: &str = "\
Examples:
  concbench                                   the whole suite, sections 1-5 (= concbench suite)
  concbench io                                sections 1+2 against the embedded API
  concbench io --latency 630ms                the source report's scale (a slow API)
  concbench io --url 'http://host/x/{i}' --requests 200 --models sequential,threads:50,async
  concbench io --format json --out results/   JSON on stdout; results/ gets report.md, report.html,
                                              results.json, results.csv and the charts (.svg)
  concbench serve --port 8080 --latency 600ms the mock API alone, for other clients
";

const AFTER_HELP_TAIL: &str = "\
Durations: 250ms, 1.5s, 2m. Counts: 200, 10k. Exit codes: 0 all requests succeeded, 1 some failed,
2 bad input or failed preflight (nothing was run).";

/// The examples, every model (from their descriptions) and the conventions.
fn after_help() -> String {
    format!(
        "{AFTER_HELP_EXAMPLES}\nModel specs are NAME[:N], N being the model's concurrency:\n{}\n{AFTER_HELP_TAIL}",
        crate::record::model::models_help()
    )
}

const SCALE_AFTER_HELP: &str = "\
Examples:
  concbench scale                                          threads 50,100,200,1000 vs async
  concbench scale --workers 1,2,4,8,16,32,64 --server-max-inflight 16
                                                           a throttled API: watch the plateau and its cause
  concbench scale --model async --workers 1,10,100,1000    sweep the async in-flight limit instead
  concbench scale --rates 100,200,400,800,1600 --models threads:50,async --duration 5s
                                                           capacity: each model at each offered rate

Each point runs all --requests with N workers; the baseline (async, all at once) runs first.
The report gives, per point, the time against its ideal (Little's law: ceil(requests/N) x latency),
then the knee, a bottleneck diagnosis from the evidence measured (the server's own counters, client
CPU, connections per request), a Universal Scalability Law fit, and memory per worker.";

const CPU_AFTER_HELP: &str = "\
Examples:
  concbench cpu                                   sequential, threads, processes, gil-threads (N = cores)
  concbench cpu --tasks 100 --range 50000..150000 --workers 2 \\
                --models sequential,threads,processes:4,gil-threads,rayon,async

Task i counts the primes up to n_i by trial division (k is prime when no d in 2..=isqrt(k)
divides it); n_i = lo + x_i mod (hi - lo + 1), x_i the i-th output of SplitMix64(--seed), so any
language can reproduce the sizes. Every model must return the same checksum (the sum of the counts),
checked against a reference sieve.

gil-threads:N are OS threads that run workload code only while holding one emulated interpreter
lock that behaves like CPython's GIL: a waiting thread asks the holder to drop it after
--switch-interval (5ms, like sys.getswitchinterval()), and the holder then cannot take it straight
back. processes:N are real child processes of this binary, fed tasks one at a time over pipes.";

#[derive(Parser, Debug)]
#[command(name = "concbench", version, about = ABOUT, after_help = after_help())]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// The whole report (sections 1-5) in one run: io, scale and cpu, written to a report folder
    /// (report.md, report.html, results.json, results.csv, one .svg per chart). The default.
    #[command(allow_negative_numbers = true, after_help = SUITE_AFTER_HELP)]
    Suite(SuiteArgs),
    /// Re-render saved results (results.json) without running anything.
    Report(ReportArgs),
    /// Sections 1 and 2 of the report: API calls run sequentially, on a thread pool and async.
    #[command(allow_negative_numbers = true, after_help = after_help())]
    Io(IoArgs),
    /// Section 3: sweep one model's concurrency (thread-pool workers, async limit) and explain the
    /// curve: ideal times, the knee, the bottleneck, a scalability fit, memory per worker.
    #[command(allow_negative_numbers = true, after_help = SCALE_AFTER_HELP)]
    Scale(ScaleArgs),
    /// Sections 4 and 5: CPU-bound prime counting, sequential vs threads vs processes vs an
    /// emulated GIL, with the evidence of why.
    #[command(allow_negative_numbers = true, after_help = CPU_AFTER_HELP)]
    Cpu(CpuArgs),
    /// Compare two saved results (results.json): per model, the change in time with its 95 %
    /// interval, and whether it is a real change.
    #[command(allow_negative_numbers = true)]
    Compare(CompareArgs),
    /// Run the embedded mock API alone (for other clients: curl, wrk, oha, your own code).
    #[command(allow_negative_numbers = true)]
    Serve(ServeArgs),
    /// Your own Python function under every Python model: `--py-task FILE.py:func` is called
    /// with each task id (py-sequential, py-threads, py-processes; an `async def` under py-async).
    #[command(allow_negative_numbers = true, after_help = TASK_AFTER_HELP)]
    Task(TaskArgs),
    /// The Python side: `concbench python setup` makes the private environments (aiohttp,
    /// requests) of the py models now, rather than on first use.
    Python(PythonCommandArgs),
    /// Write the validated plan of an experiment (io, scale, cpu, task, suite) to a file, for
    /// `concbench run` on every segment: its --out is the plan file.
    #[command(after_help = PLAN_AFTER_HELP)]
    Plan(PlanArgs),
    /// Run a plan file (from `concbench plan`), or one segment of it (--segment I/N or auto).
    Run(RunPlanArgs),
    /// Merge the segments of one split run into one result and one report.
    Merge(MergeArgs),
    /// A worker process of the `processes` model (started by concbench itself).
    #[command(hide = true)]
    Worker,
}

const TASK_AFTER_HELP: &str = "\
Examples:
  concbench task --py-task examples/py_task.py:fetch_and_count
  concbench task --py-task examples/py_task.py:fetch_and_count \\
                 --py-async-task examples/py_task.py:fetch_and_count_async --tasks 40 --workers 8
  concbench task --py-task mypkg.jobs:work --python python3,/opt/py313t/bin/python3.13t

Each call func(i) is one task (ids 0..--tasks); an integer it returns enters the checksum every
model must agree on; an exception is a failed task, counted by its type. The embedded API's URL is
in CONCBENCH_API_URL (GET $CONCBENCH_API_URL/api/items/{i}). The task runs in the interpreter as
given: its imports are yours to install.";

const PLAN_AFTER_HELP: &str = "\
Examples:
  concbench plan io --url 'http://10.0.0.5:8080/api/items/{i}' --rate 2000/s --duration 30s \\
                 --models async --start-at +20s --out plan.json
  mpirun -np 4 concbench run plan.json --segment auto --out results/
  concbench merge results/ --out merged/

Every segment runs exactly these settings (nothing is parsed again on the runners); --start-at +D
is resolved now, so every segment starts its first measured run at the same instant (clocks
assumed NTP-synchronised).";

/// The parts of a split run (`--segment`), and when they start (`--start-at`).
#[derive(Args, Debug, Clone, Default)]
pub struct SegmentArgs {
    /// Run part I of N (I from 0): task ids I, I+N, I+2N, ... of the same plan, and with --rate
    /// their due times (R/N each). `auto` reads the rank and size from the launcher: Open MPI,
    /// PMI, Slurm, or a Kubernetes Indexed Job (with --segments). Results go to --out/segment-I/.
    /// A capacity sweep (scale --rates) is never split.
    #[arg(long, value_name = "I/N|auto")]
    pub segment: Option<SegmentChoice>,

    /// The number of segments, for --segment auto under a launcher that gives only the rank
    /// (JOB_COMPLETION_INDEX of an Indexed Job: its completions).
    #[arg(allow_hyphen_values = true, long, value_name = "N", value_parser = count)]
    pub segments: Option<u64>,

    /// Start the first measured run at this wall-clock time: RFC 3339 (2026-12-01T10:00:00Z),
    /// @UNIX-SECONDS, or +30s (from when the plan is made), so every segment starts at the same
    /// instant. Clocks are assumed NTP-synchronised.
    #[arg(allow_hyphen_values = true, long, value_name = "TIME")]
    pub start_at: Option<crate::segment::StartAt>,

    /// With --start-at: run k of the schedule (warm-ups included) starts at the start + k × D on
    /// every segment, so every run is aligned, not only the first; D must exceed the longest
    /// run (one that overruns starts the next late, which the merge shows).
    #[arg(allow_hyphen_values = true, long, value_name = "D", value_parser = duration)]
    pub run_slot: Option<Duration>,
}

/// `--segment`: a part, or `auto` (from the launcher's environment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentChoice {
    Auto,
    Part(crate::segment::Segment),
}

impl std::str::FromStr for SegmentChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s.trim() == "auto" { Ok(SegmentChoice::Auto) } else { s.parse().map(SegmentChoice::Part) }
    }
}

/// `concbench plan <experiment> ... --out plan.json`.
#[derive(Args, Debug, Clone)]
pub struct PlanArgs {
    #[command(subcommand)]
    pub experiment: PlanCommand,
}

/// The experiment a plan file holds, with its own command's options (its --out names the file).
#[derive(Subcommand, Debug, Clone)]
pub enum PlanCommand {
    #[command(allow_negative_numbers = true)]
    Io(IoArgs),
    #[command(allow_negative_numbers = true)]
    Scale(ScaleArgs),
    #[command(allow_negative_numbers = true)]
    Cpu(CpuArgs),
    #[command(allow_negative_numbers = true)]
    Task(TaskArgs),
    #[command(allow_negative_numbers = true)]
    Suite(SuiteArgs),
}

/// `concbench run plan.json`.
#[derive(Args, Debug, Clone)]
pub struct RunPlanArgs {
    /// A plan file written by `concbench plan`.
    pub plan: PathBuf,

    /// Run part I of N of it, or `auto` (the launcher's rank and size).
    #[arg(long, value_name = "I/N|auto")]
    pub segment: Option<SegmentChoice>,

    /// The number of segments, for --segment auto under an Indexed Job (JOB_COMPLETION_INDEX).
    #[arg(allow_hyphen_values = true, long, value_name = "N", value_parser = count)]
    pub segments: Option<u64>,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// `concbench merge DIR... --out MERGED`.
#[derive(Args, Debug, Clone)]
pub struct MergeArgs {
    /// Folders of segments: each a segment's folder (holding results.json) or one holding
    /// segment-I/ folders.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,

    /// The merged report folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Replace report files already in --out.
    #[arg(long)]
    pub force: bool,

    /// Report language.
    #[arg(long, value_enum, default_value = "en")]
    pub lang: Lang,

    /// What to print on stdout.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,

    /// The base URL of the one `concbench serve` every segment sent to (http://HOST:PORT): its
    /// counters (GET /stats) are read now and reconciled with the merged tries.
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
}

/// `concbench python ...`.
#[derive(Args, Debug, Clone)]
pub struct PythonCommandArgs {
    #[command(subcommand)]
    pub command: PythonCommand,
}

#[derive(Subcommand, Debug, Clone)]
pub enum PythonCommand {
    /// Make each interpreter's private environment (aiohttp and requests, pinned and hashed, under
    /// the cache folder: CONCBENCH_CACHE_DIR, else ~/.cache/concbench) now.
    Setup(PythonSetupArgs),
}

#[derive(Args, Debug, Clone)]
pub struct PythonSetupArgs {
    /// Interpreters, comma-separated.
    #[arg(long = "python", value_delimiter = ',', default_value = "python3", value_name = "PATH")]
    pub python: Vec<String>,
}

/// The interpreters of the py models and how they run.
#[derive(Args, Debug, Clone)]
pub struct PythonArgs {
    /// Interpreters the py models run in, comma-separated: every py model runs once in each, so a
    /// GIL build and a free-threaded build compare in one run.
    #[arg(long = "python", value_delimiter = ',', default_value = "python3", value_name = "PATH[,PATH...]")]
    pub python: Vec<String>,

    /// Never install aiohttp and requests: a missing environment is an error (exit 2).
    #[arg(long)]
    pub no_install: bool,

    /// Trace the py models' heap with tracemalloc (the heap columns, as the source did); off for
    /// clean timings.
    #[arg(long, value_enum, default_value = "on")]
    pub py_tracemalloc: OnOff,

    /// An interpreter that cannot be used leaves its py models out, with the reason recorded,
    /// instead of ending the command (the suite's default interpreter).
    #[arg(skip)]
    pub optional: bool,
}

/// The user's own Python task.
#[derive(Args, Debug, Clone, Default)]
pub struct PyTaskArgs {
    /// Your Python function, `FILE.py:func` or `package.module:func`, called with each task id.
    #[arg(long, value_name = "FILE.py:func")]
    pub py_task: Option<String>,

    /// The other flavour: an `async def` for py-async when --py-task is a plain function.
    #[arg(long, value_name = "FILE.py:func")]
    pub py_async_task: Option<String>,

    /// Bound on each call (async: cancelled; sequential and processes: interrupted by SIGALRM;
    /// threads: a late call counts as timed out).
    #[arg(allow_hyphen_values = true, long, value_parser = duration)]
    pub task_timeout: Option<Duration>,
}

#[derive(Args, Debug, Clone)]
pub struct TaskArgs {
    #[command(flatten)]
    pub task: PyTaskArgs,

    /// The interpreters the task runs in.
    #[command(flatten)]
    pub python: PythonArgs,

    /// Number of calls (task ids 0..N).
    #[arg(allow_hyphen_values = true, long, short = 't', default_value = "100", value_parser = count)]
    pub tasks: u64,

    /// Models to run, comma-separated `NAME[:N]` specs (py models only).
    #[arg(long, short, value_delimiter = ',', default_value = "py-sequential,py-threads,py-async,py-processes")]
    pub models: Vec<ModelSpec>,

    /// Pool size for models named without N.
    #[arg(allow_hyphen_values = true, long, short, default_value = "8", value_parser = count)]
    pub workers: u64,

    #[command(flatten)]
    pub target: TargetArgs,

    #[command(flatten)]
    pub model_opts: ModelArgs,

    #[command(flatten)]
    pub repeat: RunArgs,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub split: SegmentArgs,
}

fn method(s: &str) -> Result<Method, String> {
    s.parse()
}

fn count(s: &str) -> Result<u64, String> {
    parse_count(s)
}

fn duration(s: &str) -> Result<Duration, String> {
    parse_duration(s)
}

/// `on` or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Args, Debug, Clone)]
pub struct IoArgs {
    /// Requests per model (task ids 0..N) [default: 200].
    #[arg(allow_hyphen_values = true, long, short = 'n', value_parser = count)]
    pub requests: Option<u64>,

    /// Models to run, comma-separated `NAME[:N]` specs (see below).
    #[arg(long, short, value_delimiter = ',', default_value = "async,sequential,threads")]
    pub models: Vec<ModelSpec>,

    /// Pool size for models named without N (threads).
    #[arg(allow_hyphen_values = true, long, short, default_value = "50", value_parser = count)]
    pub workers: u64,

    /// Sequential runs only this many requests and extrapolates to all, labelled "estimated",
    /// as the source report did (20 of 200) [default: 20]. Set it to the request count to run
    /// them all.
    #[arg(allow_hyphen_values = true, long, value_parser = count)]
    pub sync_sample: Option<u64>,

    /// Requests arrive at this rate, whether or not the model keeps up (an open model): 500/s,
    /// 30/m, or a bare number per second. Latency is then measured from when each request was
    /// due (corrected for coordinated omission) beside its service time. Needs --duration or an
    /// explicit --requests.
    #[arg(allow_hyphen_values = true, long, value_name = "RATE", value_parser = open_rate)]
    pub rate: Option<f64>,

    #[command(flatten)]
    pub arrivals: ArrivalArgs,

    #[command(flatten)]
    pub target: TargetArgs,

    #[command(flatten)]
    pub client: ClientArgs,

    #[command(flatten)]
    pub model_opts: ModelArgs,

    #[command(flatten)]
    pub python: PythonArgs,

    #[command(flatten)]
    pub repeat: RunArgs,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub split: SegmentArgs,
}

/// How the requests of an open model (`--rate`, `--rates`) arrive.
#[derive(Args, Debug, Clone)]
pub struct ArrivalArgs {
    /// With --rate(s): requests arrive for this long; those due within it are all sent and
    /// awaited.
    #[arg(allow_hyphen_values = true, long, value_parser = duration)]
    pub duration: Option<Duration>,

    /// With --rate(s): request i is due at i / rate (uniform) or after exponential gaps
    /// (poisson, drawn from --arrival-seed).
    #[arg(long, value_enum, default_value = "uniform")]
    pub arrivals: ArrivalProcess,

    /// Seed of the Poisson arrivals.
    #[arg(long, default_value = "1")]
    pub arrival_seed: u64,

    /// With --rate(s): at most N requests wait for a free worker; one due while N wait is
    /// dropped and counted (default: none is dropped, however long the queue).
    #[arg(allow_hyphen_values = true, long, value_name = "N", value_parser = count)]
    pub max_queue: Option<u64>,
}

/// A rate for `--rate`: `500/s`, `30/m`, or a bare number per second.
pub fn open_rate(s: &str) -> Result<f64, String> {
    let text = if s.contains('/') { s.to_string() } else { format!("{}/s", s.trim()) };
    text.parse::<crate::record::Rate>().map(|r| r.per_second).map_err(|e| format!("--rate {s}: {e}"))
}

fn model_kind(s: &str) -> Result<ModelKind, String> {
    s.trim().parse()
}

fn share(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let (number, scale) = match t.strip_suffix('%') {
        Some(n) => (n, 100.0),
        None => (t, 1.0),
    };
    number
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(|v| v / scale)
        .ok_or_else(|| format!("'{s}' is not a share: write e.g. 10% or 0.1"))
}

/// Sizes of the suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Size {
    /// 100 ms latency, 200 requests, 100 CPU tasks (10 for every model when CPython's rows run
    /// beside Rust's): about 75 s on 2 cores.
    Quick,
    /// The source report's sizes: 630 ms latency, 200 requests, 100 CPU tasks.
    Source,
    /// A few seconds, for tests: 20 requests at 10 ms, a two-point sweep, 8 small CPU tasks.
    #[value(hide = true)]
    Smoke,
}

/// Sections of the suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Section {
    /// Sections 1 and 2 (concbench io).
    Io,
    /// Section 3 (concbench scale).
    Scale,
    /// Sections 4 and 5 (concbench cpu).
    Cpu,
}

#[derive(Args, Debug, Clone)]
pub struct SuiteArgs {
    /// quick (about 75 s on 2 cores) or source (the source report's sizes, several minutes).
    #[arg(long, value_enum, default_value = "quick")]
    pub size: Size,

    /// Sections to run, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "io,scale,cpu")]
    pub sections: Vec<Section>,

    /// Files to write, comma-separated: md, html, json, csv (charts come with md and html).
    #[arg(long, value_enum, value_delimiter = ',', default_value = "md,html,json,csv")]
    pub format: Vec<Format>,

    /// Report folder (default: `concbench-report/<timestamp>/`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Replace report files already in --out.
    #[arg(long)]
    pub force: bool,

    /// Report language.
    #[arg(long, value_enum, default_value = "en")]
    pub lang: Lang,

    /// No progress bars.
    #[arg(long, short)]
    pub quiet: bool,

    /// Where the embedded API runs.
    #[arg(long, value_enum, default_value_t = EmbeddedMode::Child)]
    pub embedded: EmbeddedMode,

    #[command(flatten)]
    pub model_opts: ModelArgs,

    #[command(flatten)]
    pub repeat: RunArgs,

    /// Interpreters the CPython rows run in, comma-separated (default: python3; when it is missing
    /// or cannot get aiohttp and requests, its rows are left out and the report says why). Naming
    /// any makes them required.
    #[arg(long = "python", value_delimiter = ',', value_name = "PATH[,PATH...]")]
    pub python: Vec<String>,

    /// Never install aiohttp and requests: without an environment, the I/O sections' CPython rows
    /// are left out (the report says why); the CPU rows need only the standard library.
    #[arg(long)]
    pub no_install: bool,

    /// Trace the CPython rows' heap with tracemalloc (default: on in sections 1-3, as the source
    /// did; off in sections 4-5, whose speed-ups it would change: it slows the traced rows, not
    /// py-processes' workers).
    #[arg(long, value_enum)]
    pub py_tracemalloc: Option<OnOff>,

    #[command(flatten)]
    pub split: SegmentArgs,
}

impl SuiteArgs {
    /// The interpreters as a section's command takes them: python3 by default, left out with the
    /// reason when it cannot be used; those named, required. `cpu`: the CPU-bound section, whose
    /// CPython rows run untraced unless told otherwise.
    pub fn python_args(&self, cpu: bool) -> PythonArgs {
        let optional = self.python.is_empty();
        let untraced = if cpu { OnOff::Off } else { OnOff::On };
        PythonArgs {
            python: if optional { vec!["python3".into()] } else { self.python.clone() },
            no_install: self.no_install,
            py_tracemalloc: self.py_tracemalloc.unwrap_or(untraced),
            optional,
        }
    }
}

#[derive(Args, Debug, Clone)]
pub struct ReportArgs {
    /// A results.json written by concbench.
    pub results: PathBuf,

    /// Formats to render, comma-separated: text, md, html, json, csv.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "html")]
    pub format: Vec<Format>,

    /// Write the files into this folder; without it, one format goes to stdout.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Replace files already in --out.
    #[arg(long)]
    pub force: bool,

    /// Report language.
    #[arg(long, value_enum, default_value = "en")]
    pub lang: Lang,
}

/// How runs are repeated.
#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    /// Measured runs per model [default: 6; 1 per point of a capacity sweep, `scale --rates`,
    /// whose every point is already the whole --duration of requests]. Every figure is a median
    /// over them with its spread; from 6 runs on, medians and ratios get a 95 % confidence
    /// interval (5 runs cannot give one).
    #[arg(allow_hyphen_values = true, long, value_parser = count)]
    pub runs: Option<u64>,

    /// Unrecorded runs per model before the measured ones.
    #[arg(allow_hyphen_values = true, long, default_value = "0", value_parser = count)]
    pub warmup: u64,

    /// Run the models in a random order in each repetition (instead of A B C A B C ...), seeded by
    /// --shuffle-seed, so drift in the machine's speed hits every model alike either way.
    #[arg(long)]
    pub shuffle: bool,

    /// Seed of --shuffle.
    #[arg(long, default_value = "1")]
    pub shuffle_seed: u64,

    /// The share of its tasks a model must complete for its time to be compared with another's
    /// (default: all of them; e.g. 95%). Below it, the ratios and verdicts that involve it are
    /// withheld, with the reason: a time to failure is not a speed.
    #[arg(allow_hyphen_values = true, long, default_value = "100%", value_parser = share)]
    pub min_success: f64,
}

/// Options of the execution models.
#[derive(Args, Debug, Clone)]
pub struct ModelArgs {
    /// Switch interval of the emulated interpreter lock (gil-threads), like CPython's
    /// sys.setswitchinterval().
    #[arg(allow_hyphen_values = true, long, default_value = "5ms", value_parser = duration)]
    pub switch_interval: Duration,
}

fn size_range(s: &str) -> Result<SizeRange, String> {
    s.parse()
}

#[derive(Args, Debug, Clone)]
pub struct CpuArgs {
    /// Number of prime-counting tasks.
    #[arg(allow_hyphen_values = true, long, short = 't', default_value = "100", value_parser = count)]
    pub tasks: u64,

    /// Task sizes n_i are drawn from this inclusive range.
    #[arg(allow_hyphen_values = true, long, default_value = "50000..150000", value_parser = size_range)]
    pub range: SizeRange,

    /// Seed of the task sizes (SplitMix64).
    #[arg(long, default_value = "42")]
    pub seed: u64,

    /// Counting kernel: plain trial division (the source's), odd divisors only, or a sieve.
    #[arg(long, value_enum, default_value = "plain")]
    pub kernel: Kernel,

    /// Refused: CPU tasks do not arrive at a rate (an open model is for `io`).
    #[arg(allow_hyphen_values = true, long, hide = true, value_name = "RATE")]
    pub rate: Option<String>,

    /// Models to run, comma-separated `NAME[:N]` specs.
    #[arg(long, short, value_delimiter = ',', default_value = "sequential,threads,processes,gil-threads")]
    pub models: Vec<ModelSpec>,

    /// N for models named without one (default: the cores this process is granted).
    #[arg(allow_hyphen_values = true, long, short, value_parser = count)]
    pub workers: Option<u64>,

    #[command(flatten)]
    pub model_opts: ModelArgs,

    #[command(flatten)]
    pub python: PythonArgs,

    #[command(flatten)]
    pub repeat: RunArgs,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub split: SegmentArgs,
}

#[derive(Args, Debug, Clone)]
pub struct ScaleArgs {
    /// Requests per point (task ids 0..N) [default: 200].
    #[arg(allow_hyphen_values = true, long, short = 'n', value_parser = count)]
    pub requests: Option<u64>,

    /// The model whose N is swept: threads, gil-threads, processes, rayon (workers) or async,
    /// async-mt (in-flight limit) [default: threads].
    #[arg(long, value_parser = model_kind)]
    pub model: Option<ModelKind>,

    /// The N values to sweep, comma-separated (run lowest first) [default: 50,100,200,1000].
    #[arg(allow_hyphen_values = true, long, short, value_delimiter = ',', value_parser = count)]
    pub workers: Vec<u64>,

    /// The model every point is compared with [default: async].
    #[arg(long)]
    pub baseline: Option<ModelSpec>,

    /// A capacity sweep instead: every model of --models at each of these offered rates,
    /// comma-separated (100,200,400/s; a bare number is per second), in an open model (see io
    /// --rate). Needs --duration or an explicit --requests; takes no --workers.
    #[arg(allow_hyphen_values = true, long, value_delimiter = ',', value_name = "RATES", value_parser = open_rate)]
    pub rates: Vec<f64>,

    /// With --rates: the models to load, comma-separated `NAME[:N]` specs (a pool named without N
    /// gets 50).
    #[arg(long, value_delimiter = ',')]
    pub models: Vec<ModelSpec>,

    /// With --rates: the latency p99 (as users see it) a rate must stay within [default: twice
    /// the p99 of each model at the lowest rate]. A rate also fails when less than 95% of it is
    /// achieved.
    #[arg(allow_hyphen_values = true, long, value_parser = duration)]
    pub slo: Option<Duration>,

    #[command(flatten)]
    pub arrivals: ArrivalArgs,

    /// Run no baseline.
    #[arg(long, conflicts_with = "baseline")]
    pub no_baseline: bool,

    /// Past the knee, each doubling of N gains less than this share of speed (0 ≤ share < 1).
    #[arg(allow_hyphen_values = true, long, default_value = "10%", value_parser = share)]
    pub knee_gain: f64,

    /// Sweep your own Python task instead of HTTP GETs (with a py model and a py baseline).
    #[command(flatten)]
    pub task: PyTaskArgs,

    /// The interpreter of a py model swept (one).
    #[command(flatten)]
    pub python: PythonArgs,

    #[command(flatten)]
    pub target: TargetArgs,

    #[command(flatten)]
    pub client: ClientArgs,

    #[command(flatten)]
    pub model_opts: ModelArgs,

    #[command(flatten)]
    pub repeat: RunArgs,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub split: SegmentArgs,
}

#[derive(Args, Debug, Clone)]
pub struct TargetArgs {
    /// A real API instead of the embedded one; `{i}` is replaced by the request index.
    /// One preflight request checks it before the run.
    #[arg(long, value_parser = UrlTemplate::parse)]
    pub url: Option<UrlTemplate>,

    /// Extra request header, 'Name: value' (repeatable), e.g. an API key.
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub headers: Vec<Header>,

    /// HTTP method of every request: GET, POST, PUT, PATCH or DELETE (default GET; POST when a
    /// body is given).
    #[arg(long, value_name = "METHOD", value_parser = method)]
    pub method: Option<Method>,

    /// Body of every request, sent with its Content-Length (set its type with -H
    /// 'Content-Type: ...'). A request with a body is never sent twice.
    #[arg(allow_hyphen_values = true, long, value_name = "TEXT", conflicts_with = "body_file")]
    pub body: Option<String>,

    /// The body of every request, read from this file.
    #[arg(long, value_name = "FILE")]
    pub body_file: Option<PathBuf>,

    /// URLs to send to, one per line ({i} allowed), cycled: request i goes to line i mod their
    /// count. A line starting with / is a path on the target (the embedded API or --url's
    /// origin); absolute URLs must share one origin. Blank lines and # comments are skipped.
    #[arg(long, value_name = "FILE")]
    pub urls_file: Option<PathBuf>,

    /// Latency of the embedded API: fixed:100ms (or 100ms), uniform:50ms..150ms,
    /// normal:100ms,20ms, lognormal:100ms,0.5.
    #[arg(allow_hyphen_values = true, long, default_value = "fixed:100ms", conflicts_with = "url")]
    pub latency: LatencyProfile,

    /// Cap on requests the embedded API works on at once; the rest queue (a throttled API).
    #[arg(allow_hyphen_values = true, long, value_parser = count, conflicts_with = "url")]
    pub server_max_inflight: Option<u64>,

    /// Seed of the embedded API's latency draws.
    #[arg(long, default_value = "42")]
    pub seed: u64,

    /// Where the embedded API runs.
    #[arg(long, value_enum, default_value_t = EmbeddedMode::Child, conflicts_with = "url")]
    pub embedded: EmbeddedMode,

    /// Testing aid: the embedded API holds each request until N have arrived.
    #[arg(allow_hyphen_values = true, long, hide = true, value_parser = count)]
    pub server_barrier: Option<u64>,

    #[command(flatten)]
    pub faults: FaultArgs,
}

/// A share from 0 to 1, as 0.05 or 5%.
fn unit_share(s: &str) -> Result<f64, String> {
    share(s).and_then(|v| {
        if (0.0..=1.0).contains(&v) {
            Ok(v)
        } else {
            Err(format!("'{s}' must be a share from 0 to 1 (e.g. 5% or 0.05)"))
        }
    })
}

/// Faults the mock API injects (seeded; settable per request in the query string too, e.g.
/// `?error_rate=0.1`).
#[derive(Args, Debug, Clone, Default)]
pub struct FaultArgs {
    /// Share of requests the mock API answers 500 or 503.
    #[arg(allow_hyphen_values = true, long, value_name = "SHARE", value_parser = unit_share)]
    pub error_rate: Option<f64>,

    /// Share of requests it never answers (until the client's timeout).
    #[arg(allow_hyphen_values = true, long, value_name = "SHARE", value_parser = unit_share)]
    pub stall_rate: Option<f64>,

    /// Share of responses it cuts off mid-body (closing the connection).
    #[arg(allow_hyphen_values = true, long, value_name = "SHARE", value_parser = unit_share)]
    pub reset_rate: Option<f64>,

    /// Share of responses whose body trickles over --slow-body.
    #[arg(allow_hyphen_values = true, long, value_name = "SHARE", value_parser = unit_share)]
    pub slow_body_rate: Option<f64>,

    /// How long a slow body takes.
    #[arg(allow_hyphen_values = true, long, default_value = "1s", value_parser = duration)]
    pub slow_body: Duration,

    /// Above this request rate, it answers 429 with Retry-After (e.g. 100/s).
    #[arg(allow_hyphen_values = true, long, value_name = "RATE")]
    pub rate_limit: Option<crate::record::Rate>,

    /// It closes its listening socket once N client connections were counted since it started (a
    /// connection counts at its first request other than /health, /stats, /stats/reset; resets
    /// of the counters do not restart the count): later connections are refused.
    #[arg(allow_hyphen_values = true, long, value_name = "N", value_parser = count)]
    pub close_after: Option<u64>,
}

impl FaultArgs {
    /// The faults, checked.
    pub fn faults(&self) -> Result<crate::record::Faults, String> {
        let f = crate::record::Faults {
            error_rate: self.error_rate.unwrap_or(0.0),
            stall_rate: self.stall_rate.unwrap_or(0.0),
            reset_rate: self.reset_rate.unwrap_or(0.0),
            slow_body_rate: self.slow_body_rate.unwrap_or(0.0),
            slow_body: self.slow_body,
            rate_limit: self.rate_limit,
            close_after: self.close_after,
        };
        f.check()?;
        if f.close_after == Some(0) {
            return Err("--close-after must be at least 1".into());
        }
        Ok(f)
    }

    /// Whether any fault was asked for.
    pub fn any(&self) -> bool {
        self.error_rate.is_some()
            || self.stall_rate.is_some()
            || self.reset_rate.is_some()
            || self.slow_body_rate.is_some()
            || self.rate_limit.is_some()
            || self.close_after.is_some()
    }
}

#[derive(Args, Debug, Clone)]
pub struct ClientArgs {
    /// Reuse connections (HTTP keep-alive); off opens a new connection per request.
    #[arg(long, value_enum, default_value = "on")]
    pub keep_alive: OnOff,

    /// Per-request timeout (a request past it counts as failed: timeout).
    #[arg(allow_hyphen_values = true, long, default_value = "30s", value_parser = duration)]
    pub timeout: Duration,

    /// Connect timeout.
    #[arg(allow_hyphen_values = true, long, default_value = "10s", value_parser = duration)]
    pub connect_timeout: Duration,

    /// CPU time every request costs the client (what an interpreted HTTP client spends building
    /// the request and parsing the answer); under gil-threads it is spent holding the lock.
    #[arg(allow_hyphen_values = true, long, default_value = "0", value_parser = duration)]
    pub interp_cost: Duration,

    /// Tries after the first for a failure worth retrying (timeout, connection, 429, 5xx), with
    /// exponential backoff and jitter; a server's Retry-After is honoured. 0: no retries.
    #[arg(allow_hyphen_values = true, long, default_value = "0", value_parser = count)]
    pub retries: u64,

    /// First backoff before a retry (it doubles each time).
    #[arg(allow_hyphen_values = true, long, default_value = "100ms", value_parser = duration)]
    pub retry_backoff: Duration,

    /// Async models open their connections before the measured run, which then measures
    /// requests on open connections instead of connection set-up (needs keep-alive on).
    #[arg(long)]
    pub prewarm: bool,

    /// Final statuses that count as success, comma-separated: classes (2xx), ranges (200-299),
    /// codes (304). Any other answer is a failure (http_NNN), 101 and 3xx included; interim 1xx
    /// answers are skipped. The preflight request must get one of them too.
    #[arg(long, value_name = "LIST", default_value = "2xx")]
    pub ok_status: StatusSet,
}

#[derive(Args, Debug, Clone)]
pub struct OutputArgs {
    /// What to print on stdout: a summary (text), the Markdown report (md) or all raw figures (json).
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,

    /// Also write report.md, report.html, results.json, results.csv and the charts into this
    /// folder (saved after every run).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Replace report files already in --out.
    #[arg(long)]
    pub force: bool,

    /// Report language.
    #[arg(long, value_enum, default_value = "en")]
    pub lang: Lang,

    /// No progress lines on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args, Debug, Clone)]
pub struct CompareArgs {
    /// The earlier result (results.json).
    pub a: PathBuf,
    /// The later result.
    pub b: PathBuf,
    /// Exit with code 1 when any model got significantly slower by more than PCT per cent
    /// (10 or 10%).
    #[arg(allow_hyphen_values = true, long, value_name = "PCT", value_parser = percent)]
    pub fail_on_regression: Option<f64>,
    /// How to print the comparison.
    #[arg(long, value_enum, default_value = "text")]
    pub format: CompareFormat,
    /// Language of the comparison.
    #[arg(long, value_enum, default_value = "en")]
    pub lang: Lang,
}

/// A percentage of 0 or more: 10 or 10%.
fn percent(s: &str) -> Result<f64, String> {
    let v: f64 = s.trim().trim_end_matches('%').parse().map_err(|_| format!("'{s}' is not a percentage (e.g. 10)"))?;
    if v.is_finite() && v >= 0.0 { Ok(v) } else { Err(format!("'{s}' must be a percentage of 0 or more")) }
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on (loopback unless you say otherwise).
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,

    /// Port (0 picks a free one and prints it).
    #[arg(long, short, default_value = "8080")]
    pub port: u16,

    /// Latency profile (see `concbench io --help`).
    #[arg(allow_hyphen_values = true, long, default_value = "fixed:100ms")]
    pub latency: LatencyProfile,

    /// Cap on requests worked on at once; the rest queue.
    #[arg(allow_hyphen_values = true, long, value_parser = count)]
    pub max_inflight: Option<u64>,

    /// Seed of the latency draws.
    #[arg(long, default_value = "42")]
    pub seed: u64,

    /// Runtime worker threads (default: the cores granted).
    #[arg(allow_hyphen_values = true, long, value_parser = count)]
    pub threads: Option<u64>,

    /// Testing aid: hold each request until N have arrived.
    #[arg(allow_hyphen_values = true, long, hide = true, value_parser = count)]
    pub barrier: Option<u64>,

    /// How long a client may take to send its request headers.
    #[arg(allow_hyphen_values = true, long, hide = true, default_value = "30s", value_parser = duration)]
    pub header_timeout: Duration,

    /// Exit when stdin closes (used when concbench runs its own server as a child).
    #[arg(long, hide = true)]
    pub exit_on_stdin_eof: bool,

    /// Read the whole configuration as one JSON line on stdin instead of from these flags (how
    /// concbench configures its own server as a child).
    #[arg(long, hide = true)]
    pub config_stdin: bool,

    /// The secret POST /stats/reset needs ('Authorization: Bearer SECRET'), read from this file;
    /// without it, a random one is printed on stderr.
    #[arg(long, value_name = "FILE")]
    pub admin_token_file: Option<PathBuf>,

    #[command(flatten)]
    pub faults: FaultArgs,
}

/// Each command's arguments as its bare command line gives them (the defaults).
macro_rules! default_from_cli {
    ($args:ident, $variant:ident, $name:literal) => {
        impl Default for $args {
            fn default() -> Self {
                match Cli::parse_from(["concbench", $name]).command {
                    Some(Command::$variant(args)) => args,
                    _ => unreachable!(concat!("`", $name, "` parses to Command::", stringify!($variant))),
                }
            }
        }
    };
}

default_from_cli!(IoArgs, Io, "io");
default_from_cli!(ScaleArgs, Scale, "scale");
default_from_cli!(CpuArgs, Cpu, "cpu");
default_from_cli!(SuiteArgs, Suite, "suite");

impl Default for PythonArgs {
    fn default() -> Self {
        IoArgs::default().python
    }
}

impl Default for ClientArgs {
    fn default() -> Self {
        IoArgs::default().client
    }
}
