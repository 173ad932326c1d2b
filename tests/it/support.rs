//! Helpers: run `io` in-process against the embedded API, and small misbehaving HTTP servers.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use concbench::cli::{Cli, Command};
use concbench::plan::IoPlan;
use concbench::record::{Cell, Experiment, IoExperiment, Report};
use concbench::runner::{Silent, run_io};

/// The plan of `concbench io ARGS` with the embedded API in-process.
pub fn plan(args: &[&str]) -> IoPlan {
    let mut argv = vec!["concbench", "io", "--quiet"];
    if !args.contains(&"--runs") {
        argv.extend(["--runs", "1"]);
    }
    if !args.contains(&"--url") {
        argv.extend(["--embedded", "in-process"]);
    }
    argv.extend_from_slice(args);
    let mut plan = match Cli::try_parse_from(argv).expect("arguments parse").command {
        Some(Command::Io(io)) => IoPlan::from_args(&io).expect("plan is valid"),
        _ => unreachable!(),
    };
    // `processes` starts workers of the binary (the test binary has no `worker` command).
    plan.env.worker_exe = Some(env!("CARGO_BIN_EXE_concbench").into());
    plan
}

/// Runs `concbench io ARGS` in-process.
pub fn run(args: &[&str]) -> Report {
    run_io(&plan(args), &mut Silent, &concbench::interrupt::Stop::new()).expect("run completes")
}

pub fn io(report: &Report) -> &IoExperiment {
    match &report.experiments[0] {
        Experiment::Io(io) => io,
        _ => panic!("not an io experiment"),
    }
}

pub fn cell<'a>(report: &'a Report, model: &str) -> &'a Cell {
    io(report).cells.iter().find(|c| c.model.to_string() == model).unwrap_or_else(|| panic!("no cell {model}"))
}

/// An HTTP server on a free loopback port with the given axum routes, on its own runtime thread.
pub struct TestServer {
    pub addr: SocketAddr,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl TestServer {
    pub fn start(app: axum::Router) -> Self {
        let (tx, rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await
                    .unwrap();
            });
        });
        let addr = rx.recv_timeout(Duration::from_secs(10)).expect("test server starts");
        TestServer { addr, _stop: stop }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

/// The committed schema of `results.json`, compiled.
pub fn schema_validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema/results.schema.json")).unwrap(),
    )
    .unwrap();
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

/// How `results` breaks the committed schema (the first five ways; none when it does not).
pub fn schema_errors(results: &serde_json::Value) -> Vec<String> {
    schema_validator().iter_errors(results).map(|e| format!("{e} at {}", e.instance_path())).take(5).collect()
}

/// Where the tests' CPython cache (the driver, the environments) lives: inside the build folder, so
/// a fresh clone proves the install step.
pub fn py_cache() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("py-cache")
}
