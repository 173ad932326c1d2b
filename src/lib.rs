//! concbench: measure concurrency models side by side and explain the result.
//!
//! The pipeline runs one way: [`cli`] (raw arguments) → [`plan`] (validated, no I/O) →
//! [`target`] (the embedded mock API or `--url`) → [`runner`] (every model, measured by
//! [`measure`], into [`record`]s) → [`analysis`] (the verdicts) → [`view`] (each section once, as
//! data, in the words of [`text`]) → [`render`] (terminal, Markdown, HTML, JSON, CSV). [`main_entry`] is the whole binary; tests call [`run`] in-process.

pub mod analysis;
pub mod cli;
pub mod commands;
pub mod compare;
pub mod env;
pub mod error;
pub mod interrupt;
pub mod measure;
pub mod merge;
pub mod model;
pub mod output;
pub mod plan;
pub mod progress;
pub mod protocol;
pub mod python;
pub mod record;
pub mod render;
pub mod runner;
pub mod seed;
pub mod segment;
pub mod server;
pub mod target;
pub mod text;
pub mod units;
pub mod view;
pub mod worker;
pub mod workload;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};
pub use commands::Outcome;
pub use error::{EXIT_USAGE, Error};
use plan::file::Loaded;

/// The binary: parse, run, print the error on one line, exit with the right code.
pub fn main_entry() -> ExitCode {
    if std::env::var("CONCBENCH_HEAP_COUNTING").is_ok_and(|v| v == "off") {
        measure::alloc::disable();
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("{} (see --help)", one_line(&e));
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

/// A clap error on one line: its first line, with the possible values or clap's suggestion that
/// the full message would have shown below it.
pub(crate) fn one_line(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue};
    let mut text = e.to_string();
    // A value with a line break in it (`-H $'X: a\r\nY: b'`) would cut the message: show it escaped.
    if let Some(ContextValue::String(value)) = e.get(ContextKind::InvalidValue)
        && value.contains(['\r', '\n'])
    {
        text = text.replace(value.as_str(), &value.escape_debug().to_string());
    }
    let mut line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("invalid arguments").to_string();
    let list = |v: Option<&ContextValue>| match v {
        Some(ContextValue::Strings(s)) if !s.is_empty() => Some(s.join(", ")),
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    };
    if let Some(values) = list(e.get(ContextKind::ValidValue)) {
        line.push_str(&format!("; possible values: {values}"));
    }
    if let Some(s) = list(e.get(ContextKind::SuggestedArg)).or_else(|| list(e.get(ContextKind::SuggestedValue))) {
        line.push_str(&format!("; did you mean '{s}'?"));
    }
    if let Some(s) = list(e.get(ContextKind::SuggestedSubcommand)) {
        line.push_str(&format!("; did you mean '{s}'?"));
    }
    line
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        None => commands::suite(&cli::SuiteArgs::default()),
        Some(Command::Suite(args)) => commands::suite(&args),
        Some(Command::Report(args)) => commands::report(&args),
        Some(Command::Io(args)) => commands::run_plan(Loaded::Io(Box::new(plan::IoPlan::from_args(&args)?))),
        Some(Command::Scale(args)) if !args.rates.is_empty() => commands::rates(&plan::RatesPlan::from_args(&args)?),
        Some(Command::Scale(args)) => commands::run_plan(Loaded::Scale(Box::new(plan::ScalePlan::from_args(&args)?))),
        Some(Command::Cpu(args)) => commands::run_plan(Loaded::Cpu(Box::new(plan::CpuPlan::from_args(&args)?))),
        Some(Command::Task(args)) => commands::run_plan(Loaded::Io(Box::new(plan::IoPlan::from_task_args(&args)?))),
        Some(Command::Plan(args)) => commands::plan(&args),
        Some(Command::Run(args)) => commands::run_file(&args),
        Some(Command::Merge(args)) => commands::merge(&args),
        Some(Command::Python(args)) => commands::python(&args),
        Some(Command::Compare(args)) => commands::compare(&args),
        Some(Command::Serve(args)) => commands::serve(&args),
        Some(Command::Worker) => {
            worker::run()?;
            Ok(Outcome::AllOk)
        }
    }
}
