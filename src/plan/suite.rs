//! The suite's plan: each section's plan built from the arguments its own command would get (its
//! defaults, the suite's size and shared settings), so every check of `io`, `scale` and `cpu`
//! applies; CPython's rows beside Rust's in every section by default, left out with the reason
//! when the interpreter (or, for the I/O sections, its environment) cannot be had; the quick
//! suite's sections 4 and 5 on one smaller task set for both runtimes, so it stays short, and
//! CPython's CPU rows untraced unless `--py-tracemalloc` says otherwise (tracing slows the traced
//! rows three times, py-processes' workers not at all: the speed-ups would measure tracemalloc).

use std::time::Duration;

use super::{
    CpuPlan, DEFAULT_REQUESTS, IoPlan, OutputPlan, ScalePlan, check_out_dir, default_report_dir, folder_files,
    is_terminal_stderr, is_terminal_stdout, split, usage,
};
use crate::cli::{CpuArgs, IoArgs, PythonArgs, ScaleArgs, Section, Size, SuiteArgs, TargetArgs};
use crate::error::Error;
use crate::record::{LatencyProfile, ModelKind, ModelSpec, SizeRange};
use crate::render::Format;

/// Tasks every model runs in the quick suite's sections 4 and 5 when CPython's rows are beside
/// Rust's: a CPython run of the source's 100 takes about 5.6 s here (Rust: 0.45 s), three times
/// that with tracemalloc on, and the quick suite stays under about 90 s on 2 cores.
pub const QUICK_SHARED_TASKS: u64 = 10;

/// CPython's models each section adds beside the Rust ones.
const PY_IO: [&str; 3] = ["py-async", "py-sequential", "py-threads"];
const PY_CPU: [&str; 3] = ["py-sequential", "py-threads", "py-processes"];

/// A validated `suite`: the plans of the sections it runs.
#[derive(Debug, Clone)]
pub struct SuitePlan {
    pub io: Option<IoPlan>,
    /// Section 3: the Rust sweep, then CPython's (py-threads against py-async) when it can run.
    pub scale: Vec<ScalePlan>,
    pub cpu: Option<CpuPlan>,
    pub output: OutputPlan,
    /// See [`IoPlan::split`]; each section's plan holds the same.
    pub split: split::Split,
}

/// `models` and CPython's `py` after them.
fn with_py(models: &[ModelSpec], py: &[&str]) -> Vec<ModelSpec> {
    let py = py.iter().map(|m| m.parse().expect("a valid model spec"));
    models.iter().copied().chain(py).collect()
}

/// The sizes and shared settings every section of a suite gets.
struct Shared<'a> {
    args: &'a SuiteArgs,
    latency: Duration,
    smoke: bool,
    /// For sections 1-3, then 4-5.
    python: PythonArgs,
    cpu_python: PythonArgs,
    /// Whether it runs in segments (or is planned for them, `concbench plan suite`).
    split: bool,
}

impl Shared<'_> {
    fn target(&self, t: &mut TargetArgs) {
        t.latency = LatencyProfile::Fixed(self.latency);
        t.embedded = self.args.embedded;
    }

    fn io(&self) -> Result<IoPlan, Error> {
        let mut a = IoArgs::default();
        (a.repeat, a.model_opts, a.output.quiet) = (self.args.repeat.clone(), self.args.model_opts.clone(), true);
        self.target(&mut a.target);
        if self.smoke {
            (a.requests, a.sync_sample, a.workers) = (Some(20), Some(5), 5);
        }
        if self.split {
            // A sample cannot be split: split (or planned for segments), sequential runs every
            // request.
            a.sync_sample = Some(a.requests.unwrap_or(DEFAULT_REQUESTS));
        }
        (a.models, a.python) = (with_py(&a.models, &PY_IO), self.python.clone());
        IoPlan::from_args(&a)
    }

    /// The Rust sweep, then CPython's in the first interpreter when it can run; when it cannot,
    /// the Rust sweep's settings say why.
    fn scale(&self) -> Result<Vec<ScalePlan>, Error> {
        let mut a = ScaleArgs::default();
        (a.repeat, a.model_opts, a.output.quiet) = (self.args.repeat.clone(), self.args.model_opts.clone(), true);
        self.target(&mut a.target);
        if self.smoke {
            (a.requests, a.workers) = (Some(20), vec![2, 4]);
        }
        let mut rust = ScalePlan::from_args(&a)?;
        (a.model, a.baseline) = (Some(ModelKind::PyThreads), Some(ModelSpec::new(ModelKind::PyAsync, None)));
        a.python = PythonArgs { python: self.python.python[..1].to_vec(), ..self.python.clone() };
        let py = ScalePlan::from_args(&a)?;
        let ran = py.settings.python.as_ref().is_some_and(|p| !p.interpreters.is_empty());
        if ran {
            return Ok(vec![rust, py]);
        }
        let Some(mut python) = py.settings.python.clone() else { return Ok(vec![rust]) };
        let swept = format!("py-threads:{:?} (baseline py-async)", py.settings.settings);
        python.skipped.iter_mut().for_each(|s| s.model = swept.clone());
        rust.settings.python = Some(python);
        Ok(vec![rust])
    }

    /// Sections 4 and 5: in the quick suite, with CPython's rows beside Rust's, every model runs
    /// [`QUICK_SHARED_TASKS`] tasks (stated in the report); without them, the source's 100.
    fn cpu(&self) -> Result<CpuPlan, Error> {
        let mut a = CpuArgs::default();
        (a.repeat, a.model_opts, a.output.quiet) = (self.args.repeat.clone(), self.args.model_opts.clone(), true);
        if self.smoke {
            (a.tasks, a.range) = (8, SizeRange { lo: 1000, hi: 5000 });
        }
        let quick = self.args.size == Size::Quick;
        let rust = a.clone();
        (a.models, a.python) = (with_py(&a.models, &PY_CPU), self.cpu_python.clone());
        if quick {
            a.tasks = QUICK_SHARED_TASKS;
        }
        let mut plan = CpuPlan::from_args(&a)?;
        let python = plan.settings.python.clone();
        if python.as_ref().is_some_and(|p| p.interpreters.is_empty()) {
            // No CPython rows after all: the Rust ones at the source's size, and why.
            plan = CpuPlan::from_args(&rust)?;
            plan.settings.python = python;
        } else if quick {
            plan.settings.source_tasks = Some(rust.tasks as usize);
        }
        Ok(plan)
    }
}

impl SuitePlan {
    /// Builds each section's plan (see the module's doc).
    pub fn from_args(args: &SuiteArgs) -> Result<Self, Error> {
        Self::build(args, args.split.segment.is_some())
    }

    /// The plan `concbench plan suite` writes: for segments, so its sequential rows run every
    /// request (a sample cannot be split; the suite has no --sync-sample to say so).
    pub fn for_segments(args: &SuiteArgs) -> Result<Self, Error> {
        Self::build(args, true)
    }

    fn build(args: &SuiteArgs, split_run: bool) -> Result<Self, Error> {
        if args.sections.is_empty() {
            return Err(usage("--sections is empty: name at least one of io, scale, cpu".into()));
        }
        let files: Vec<Format> = args.format.iter().copied().filter(|f| *f != Format::Text).collect();
        if files.is_empty() {
            return Err(usage("--format names no file format: use md, html, json or csv".into()));
        }
        let latency = Duration::from_millis(match args.size {
            Size::Quick => 100,
            Size::Source => 630,
            Size::Smoke => 10,
        });
        // The folder first: nothing (no interpreter probed, no environment made) before it is known
        // to be writable.
        if let Some(dir) = &args.out {
            check_out_dir(dir, args.force, &folder_files(&files))?;
        }
        // A segment needs the --out every segment shares (not a timestamped folder of its own).
        let split = split::of_args(&args.split)?;
        let out_dir = split.out_dir(args.out.as_deref(), args.force)?.unwrap_or_else(default_report_dir);
        let (python, cpu_python) = (args.python_args(false), args.python_args(true));
        let shared = Shared { args, latency, smoke: args.size == Size::Smoke, python, cpu_python, split: split_run };
        let has = |s: Section| args.sections.contains(&s);
        let mut io = if has(Section::Io) { Some(shared.io()?) } else { None };
        let mut scale = if has(Section::Scale) { shared.scale()? } else { Vec::new() };
        let mut cpu = if has(Section::Cpu) { Some(shared.cpu()?) } else { None };
        io.iter_mut().for_each(|p| p.split = split.clone());
        scale.iter_mut().for_each(|p| p.split = split.clone());
        cpu.iter_mut().for_each(|p| p.split = split.clone());
        Ok(SuitePlan {
            io,
            scale,
            cpu,
            split,
            output: OutputPlan {
                stdout: Format::Text,
                out_dir: Some(out_dir),
                files,
                lang: args.lang,
                progress: !args.quiet && is_terminal_stderr(),
                color: is_terminal_stdout(),
            },
        })
    }
}
