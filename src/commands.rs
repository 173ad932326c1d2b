//! The commands behind the CLI: each takes its parsed arguments, builds a plan, runs it and says
//! how it ended. Library users can call them too.

use crate::error::Error;
use crate::interrupt::Stop;
use crate::output::{self, ReportDir};
use anyhow::Context as _;

use crate::plan::file::{Loaded, PlanFile};
use crate::plan::{self, OutputPlan, ServePlan, SuitePlan};
use crate::progress::Progress;
use crate::record::Report;
use crate::render::{Format, exporter, folder_exporter};
use crate::{cli, compare as cmp, runner, server};

/// How a completed command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every request and task succeeded.
    AllOk,
    /// The run completed, but some requests, tasks or models failed.
    SomeFailed,
    /// Stopped by Ctrl-C or SIGTERM; what was measured was kept.
    Interrupted,
}

impl Outcome {
    pub fn exit_code(self) -> std::process::ExitCode {
        match self {
            Outcome::AllOk => std::process::ExitCode::SUCCESS,
            Outcome::SomeFailed => std::process::ExitCode::from(1),
            Outcome::Interrupted => std::process::ExitCode::from(crate::interrupt::EXIT_INTERRUPTED as u8),
        }
    }
}

/// Runs an experiment with progress bars and incremental saves, then prints the report.
pub fn experiment(
    out: &OutputPlan,
    run: impl FnOnce(&mut dyn runner::Observer, &Stop) -> anyhow::Result<Report>,
) -> anyhow::Result<Outcome> {
    let dir = out.out_dir.clone().map(|d| ReportDir::new(d, out.lang, out.files.clone()));
    let stop = crate::interrupt::install()?;
    let mut progress = Progress::new(out.progress, dir);
    let report = run(&mut progress, &stop);
    crate::interrupt::stopped();
    let report = report?;
    progress.finish();
    if let Some(dir) = &progress.dir {
        dir.save(&report)?;
    }
    let color = out.color && out.stdout == Format::Text;
    output::print(&exporter(out.stdout, out.lang, color).render(&report)?)?;
    if let Some(dir) = &progress.dir {
        let main = out.files.iter().find(|f| **f == Format::Html).or(out.files.first());
        if let Some(f) = main {
            eprintln!("report: {}", dir.path().join(f.file_name()).display());
        }
    }
    Ok(if !report.complete {
        Outcome::Interrupted
    } else if runner::any_failed(&report) {
        Outcome::SomeFailed
    } else {
        Outcome::AllOk
    })
}

/// `concbench suite` (and `concbench` alone).
pub fn suite(args: &cli::SuiteArgs) -> anyhow::Result<Outcome> {
    run_plan(Loaded::Suite(Box::new(SuitePlan::from_args(args)?)))
}

/// Runs a validated plan (an experiment command's, or a plan file's), sealed with its content
/// hash (which a split run's segments carry).
pub fn run_plan(plan: Loaded) -> anyhow::Result<Outcome> {
    match &plan.sealed() {
        Loaded::Io(p) => experiment(&p.output, |observer, stop| runner::run_io(p, observer, stop)),
        Loaded::Scale(p) => experiment(&p.output, |observer, stop| runner::run_scale(p, observer, stop)),
        Loaded::Cpu(p) => experiment(&p.output, |observer, stop| runner::run_cpu(p, observer, stop)),
        Loaded::Suite(p) => experiment(&p.output, |observer, stop| runner::run_suite(p, observer, stop)),
    }
}

/// `concbench scale --rates …`: a capacity sweep, run whole (it is never split, so it has no
/// plan file and no seal).
pub fn rates(plan: &plan::RatesPlan) -> anyhow::Result<Outcome> {
    experiment(&plan.output, |observer, stop| runner::run_rates(plan, observer, stop))
}

/// `concbench plan <experiment> … --out plan.json`: writes the validated plan; nothing runs.
pub fn plan(args: &cli::PlanArgs) -> anyhow::Result<Outcome> {
    let (plan, path) = plan::file::from_plan_args(args)?;
    let file = PlanFile::of(&plan);
    let mut text = serde_json::to_string_pretty(&file)?;
    text.push('\n');
    output::write_atomic(&path, text.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
    let start =
        file.start_at().map_or(String::new(), |t| format!(", first run at {}", humantime::format_rfc3339_millis(t)));
    eprintln!(
        "plan {} written to {}{start}: run it with `concbench run {} --segment auto --out DIR`",
        file.hash,
        path.display(),
        path.display()
    );
    Ok(Outcome::AllOk)
}

/// `concbench run plan.json`: the plan file's experiment, or one segment of it.
pub fn run_file(args: &cli::RunPlanArgs) -> anyhow::Result<Outcome> {
    run_plan(plan::file::from_run_args(args)?)
}

/// `concbench report results.json`: renders saved results again; nothing is run.
pub fn report(args: &cli::ReportArgs) -> anyhow::Result<Outcome> {
    let report = cmp::load(&args.results)?;
    match &args.out {
        None => {
            let [format] = args.format[..] else {
                return Err(Error::Usage("several --format need --out DIR to write them into".into()).into());
            };
            output::print(&folder_exporter(format, args.lang).render(&report)?)?;
        }
        Some(dir) => {
            plan::check_out_dir(dir, args.force, &plan::folder_files(&args.format))?;
            let written = ReportDir::new(dir.clone(), args.lang, args.format.clone()).save(&report)?;
            for path in written {
                eprintln!("wrote {}", path.display());
            }
        }
    }
    Ok(Outcome::AllOk)
}

/// `concbench compare A.json B.json`.
pub fn compare(args: &cli::CompareArgs) -> anyhow::Result<Outcome> {
    let (a, b) = (cmp::load(&args.a)?, cmp::load(&args.b)?);
    let comparison = cmp::compare(&a, &b);
    let text = crate::render::comparison(&comparison, args.format, args.lang);
    output::print(text.as_bytes())?;
    if args.fail_on_regression.is_some() && !comparison.judged_any() {
        return Err(Error::Usage(
            "nothing to compare: no model ran in both results with the same set-up and enough runs (6 or more on each side), so --fail-on-regression cannot pass or fail anything".into(),
        )
        .into());
    }
    if let Some(pct) = args.fail_on_regression {
        let regressions = comparison.regressions(pct);
        if !regressions.is_empty() {
            let names: Vec<String> = regressions.iter().map(|c| format!("{} {}", c.experiment, c.label())).collect();
            eprintln!("regression beyond {pct}%: {}", names.join(", "));
            return Ok(Outcome::SomeFailed);
        }
    }
    Ok(Outcome::AllOk)
}

/// `concbench python setup`: each interpreter's private environment, made now (or found).
pub fn python(args: &cli::PythonCommandArgs) -> anyhow::Result<Outcome> {
    match &args.command {
        cli::PythonCommand::Setup(setup) => {
            let made = crate::python::setup(&setup.python).map_err(|e| Error::Usage(format!("{e:#}")))?;
            for (info, venv) in made {
                let clients: Vec<String> = info.clients.iter().map(|(k, v)| format!("{k} {v}")).collect();
                println!(
                    "{} ({}, {}): {} in {}",
                    info.path,
                    info.tag,
                    if info.gil_enabled { "GIL" } else { "no GIL" },
                    clients.join(", "),
                    venv.display()
                );
            }
            Ok(Outcome::AllOk)
        }
    }
}

/// `concbench serve`: the mock API alone, until Ctrl-C, SIGTERM or (for a child) stdin closing.
pub fn serve(args: &cli::ServeArgs) -> anyhow::Result<Outcome> {
    let mut plan = ServePlan::from_args(args)?;
    let admin = if args.config_stdin {
        let mut line = String::new();
        let init: crate::protocol::ServerInit = crate::protocol::receive(&mut std::io::stdin().lock(), &mut line)
            .map_err(|e| Error::Usage(format!("--config-stdin: {e}")))?
            .ok_or_else(|| Error::Usage("--config-stdin: no configuration line on stdin".into()))?;
        plan.config = init.config;
        server::AdminToken::new(&init.admin_token)
            .ok_or_else(|| Error::Usage("--config-stdin: the admin token is empty".into()))?
    } else {
        match &plan.admin_token {
            Some(secret) => server::AdminToken::new(secret).expect("checked by the plan"),
            None => server::AdminToken::random()?,
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(plan.threads)
        .thread_name("concbench-serve")
        .enable_all()
        .build()?;
    let listener = rt
        .block_on(async { server::bind(plan.addr) })
        .map_err(|e| Error::Usage(format!("cannot listen on {}: {e}", plan.addr)))?;
    let addr = listener.local_addr()?;
    if !args.config_stdin && plan.admin_token.is_none() {
        eprintln!(
            "admin token: {} (POST /stats/reset needs 'Authorization: Bearer <token>'; --admin-token-file sets it)",
            admin.secret()
        );
    }
    if !addr.ip().is_loopback() {
        eprintln!(
            "warning: listening on {addr}: the mock API answers anyone who can reach it, without authentication (only resetting its counters needs the token)"
        );
    }
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
    rt.block_on(server::serve(listener, plan.config, admin, shutdown))?;
    rt.shutdown_background();
    Ok(Outcome::AllOk)
}

/// The segments' results in `dirs`: each a segment's folder (with `results.json`) or a folder of
/// `segment-I/` folders.
fn segment_files(dirs: &[std::path::PathBuf]) -> Result<Vec<std::path::PathBuf>, Error> {
    let mut files = Vec::new();
    for dir in dirs {
        let own = dir.join("results.json");
        if own.is_file() {
            files.push(own);
            continue;
        }
        let entries = std::fs::read_dir(dir).map_err(|e| Error::Usage(format!("{}: {e}", dir.display())))?;
        let mut found: Vec<std::path::PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("segment-")))
            .map(|p| p.join("results.json"))
            .filter(|p| p.is_file())
            .collect();
        if found.is_empty() {
            return Err(Error::Usage(format!("{}: holds no results.json and no segment-I/ folder", dir.display())));
        }
        found.sort();
        files.append(&mut found);
    }
    Ok(files)
}

/// `concbench merge DIR… --out MERGED`: the segments of one split run, merged into one result
/// and one report. Refused (exit 2, nothing written) unless they are every segment of one plan.
pub fn merge(args: &cli::MergeArgs) -> anyhow::Result<Outcome> {
    plan::check_out_dir(&args.out, args.force, &plan::folder_files(&plan::FOLDER_FORMATS))?;
    let mut reports = Vec::new();
    for file in segment_files(&args.dirs)? {
        let report = crate::record::load(&file).map_err(|e| Error::Usage(e.to_string()))?;
        reports.push((file.display().to_string(), report));
    }
    let segments = crate::merge::check(reports).map_err(Error::Usage)?;
    let mut merged = crate::merge::merge(segments).map_err(Error::Usage)?;
    if let (Some(url), Some(s)) = (&args.server, merged.segments.as_mut()) {
        s.shared_server = Some(shared_stats(url)?);
    }
    merged.check().map_err(|e| Error::Usage(format!("the merged result: {e}")))?;
    let dir = ReportDir::new(args.out.clone(), args.lang, plan::FOLDER_FORMATS.to_vec());
    dir.save(&merged)?;
    output::print(&exporter(args.format, args.lang, false).render(&merged)?)?;
    eprintln!("report: {}", args.out.join("report.html").display());
    let disagrees = crate::merge::shared_server_disagrees(&merged);
    Ok(if runner::any_failed(&merged) || disagrees { Outcome::SomeFailed } else { Outcome::AllOk })
}

/// The counters of a `concbench serve` at `base` (`GET /stats`; no secret needed to read them).
fn shared_stats(base: &str) -> anyhow::Result<crate::record::StatsSnapshot> {
    let url = format!("{}/stats", base.trim_end_matches('/'));
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(10)))
        .proxy(None)
        .build()
        .new_agent();
    let body = agent
        .get(&url)
        .call()
        .and_then(|mut r| r.body_mut().read_to_string())
        .map_err(|e| Error::Usage(format!("--server: GET {url}: {e}")))?;
    Ok(serde_json::from_str(&body)
        .map_err(|e| Error::Usage(format!("--server: {url} is not concbench's /stats: {e}")))?)
}
