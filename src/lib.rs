//! concbench: measure concurrency models side by side and explain the result.
//!
//! The pipeline runs one way: [`cli`] (raw arguments) → [`plan`] (validated, no I/O) →
//! [`target`] (the embedded mock API or `--url`) → [`runner`] (every model, measured by
//! [`measure`]) → [`report`] (one data model; [`analysis`] derives the verdicts; exporters render
//! it). [`main_entry`] is the whole binary; tests call [`run`] in-process.

pub mod analysis;
pub mod cli;
pub mod compare;
pub mod env;
pub mod measure;
pub mod model;
pub mod output;
pub mod plan;
pub mod report;
pub mod runner;
pub mod seed;
pub mod server;
pub mod target;
pub mod units;
pub mod worker;
pub mod workload;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};
use plan::{CpuPlan, IoPlan, ScalePlan, ServePlan};
use report::{Format, exporter};

/// Errors a caller branches on: each ends the program with exit code 2, before anything ran.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input is malformed or out of range.
    #[error("{0}")]
    Usage(String),
    /// The target could not be started or did not answer the preflight request.
    #[error("{0}")]
    Preflight(String),
}

/// How a completed command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every request and task succeeded.
    AllOk,
    /// The run completed, but some requests, tasks or models failed.
    SomeFailed,
}

impl Outcome {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::AllOk => ExitCode::SUCCESS,
            Outcome::SomeFailed => ExitCode::from(1),
        }
    }
}

/// Exit code for bad input or a failed preflight.
pub const EXIT_USAGE: u8 = 2;

/// The binary: parse, run, print the error on one line, exit with the right code.
pub fn main_entry() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let text = e.to_string();
            let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("invalid arguments");
            eprintln!("{line} (see --help)");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match run(cli) {
        Ok(outcome) => outcome.exit_code(),
        Err(e) => {
            eprintln!("error: {}", format!("{e:#}").replace('\n', " "));
            if e.downcast_ref::<Error>().is_some() { ExitCode::from(EXIT_USAGE) } else { ExitCode::from(1) }
        }
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        None => io_command(&cli::IoArgs::default()),
        Some(Command::Io(args)) => io_command(&args),
        Some(Command::Scale(args)) => scale_command(&args),
        Some(Command::Cpu(args)) => {
            let plan = CpuPlan::from_args(&args)?;
            experiment(&plan.output, |observer| runner::run_cpu(&plan, observer))
        }
        Some(Command::Compare(args)) => compare_command(&args),
        Some(Command::Serve(args)) => serve_command(&args),
        Some(Command::Worker) => {
            worker::run()?;
            Ok(Outcome::AllOk)
        }
    }
}

/// Progress lines on stderr, and the report folder saved after every cell.
struct Progress {
    show: bool,
    dir: Option<output::ReportDir>,
    started: std::time::Instant,
}

impl runner::Observer for Progress {
    fn cell_started(&mut self, index: usize, of: usize, model: &model::ModelSpec, tasks: usize) {
        if self.show {
            eprint!("[{}/{of}] {model}: {tasks} tasks… ", index + 1);
            let _ = std::io::stderr().flush();
            self.started = std::time::Instant::now();
        }
    }

    fn cell_finished(&mut self, report: &report::Report) -> anyhow::Result<()> {
        if self.show {
            eprintln!("done ({:.2} s)", self.started.elapsed().as_secs_f64());
        }
        if let Some(dir) = &self.dir {
            dir.save(report)?;
        }
        Ok(())
    }
}

/// Runs an experiment with progress and incremental saves, then prints the report.
fn experiment(
    out: &plan::OutputPlan,
    run: impl FnOnce(&mut dyn runner::Observer) -> anyhow::Result<report::Report>,
) -> anyhow::Result<Outcome> {
    let dir = out.out_dir.clone().map(|d| output::ReportDir::new(d, out.lang, vec![Format::Md, Format::Json]));
    let mut progress = Progress { show: out.progress, dir, started: std::time::Instant::now() };
    let report = run(&mut progress)?;
    if let Some(dir) = &progress.dir {
        let written = dir.save(&report)?;
        if out.progress {
            let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
            eprintln!("wrote {}", names.join(", "));
        }
    }
    let color = out.color && out.stdout == Format::Text;
    output::print(&exporter(out.stdout, out.lang, color).render(&report)?)?;
    Ok(if runner::any_failed(&report) { Outcome::SomeFailed } else { Outcome::AllOk })
}

fn io_command(args: &cli::IoArgs) -> anyhow::Result<Outcome> {
    let plan = IoPlan::from_args(args)?;
    experiment(&plan.output, |observer| runner::run_io(&plan, observer))
}

fn scale_command(args: &cli::ScaleArgs) -> anyhow::Result<Outcome> {
    let plan = ScalePlan::from_args(args)?;
    experiment(&plan.output, |observer| runner::run_scale(&plan, observer))
}

fn compare_command(args: &cli::CompareArgs) -> anyhow::Result<Outcome> {
    let (a, b) = (compare::load(&args.a)?, compare::load(&args.b)?);
    let comparison = compare::compare(&a, &b);
    let text = match args.format {
        Format::Md => comparison.to_markdown(),
        Format::Json => return Err(Error::Usage("compare prints text or md".into()).into()),
        Format::Text => comparison.to_text(),
    };
    output::print(text.as_bytes())?;
    if let Some(pct) = args.fail_on_regression {
        let regressions = comparison.regressions(pct);
        if !regressions.is_empty() {
            let names: Vec<String> = regressions.iter().map(|c| format!("{} {}", c.experiment, c.model)).collect();
            eprintln!("regression beyond {pct}%: {}", names.join(", "));
            return Ok(Outcome::SomeFailed);
        }
    }
    Ok(Outcome::AllOk)
}

fn serve_command(args: &cli::ServeArgs) -> anyhow::Result<Outcome> {
    let plan = ServePlan::from_args(args)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(plan.threads)
        .thread_name("concbench-serve")
        .enable_all()
        .build()?;
    let listener = rt
        .block_on(async { server::bind(plan.addr) })
        .map_err(|e| Error::Usage(format!("cannot listen on {}: {e}", plan.addr)))?;
    let addr = listener.local_addr()?;
    let cap = plan.config.max_inflight.map_or("unlimited".to_string(), |c| c.to_string());
    output::print(
        format!(
            "{}{addr} (latency {}, max in-flight {cap}; GET /api/items/{{id}}, GET /stats, POST /stats/reset)\n",
            server::child::ANNOUNCE_PREFIX,
            plan.config.latency
        )
        .as_bytes(),
    )?;
    let (stdin_closed, on_stdin_closed) = tokio::sync::oneshot::channel::<()>();
    if plan.exit_on_stdin_eof {
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
            let _ = stdin_closed.send(());
        });
    }
    let watch_stdin = plan.exit_on_stdin_eof;
    let shutdown = async move {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending().await } } => {}
            _ = async { if watch_stdin { let _ = on_stdin_closed.await; } else { std::future::pending::<()>().await } } => {}
        }
    };
    rt.block_on(server::serve(listener, plan.config, shutdown))?;
    rt.shutdown_background();
    Ok(Outcome::AllOk)
}
