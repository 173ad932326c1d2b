//! The CPython runtime, a producer beside the models and the server: finding and probing the
//! interpreters given with `--python`, their private environments (aiohttp, requests) under the
//! cache, the user's task spec checked without running it, and the driver child process
//! (`python/driver.py`, shipped in the binary) with its descriptor-based channel. The py models
//! (`model::python`) run through a [`Runtime`]; nothing here knows a model.

pub mod cache;
pub mod driver;
pub mod venv;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard};

use anyhow::{Context, bail};

pub use driver::Driver;
pub use venv::Install;

use crate::protocol::TaskFlavour;
use crate::record::Interpreter;

/// The oldest CPython the driver supports.
pub const MIN_VERSION: (u32, u32) = (3, 9);

/// Runs `python driver.py ARGS` and parses its one JSON line.
fn driver_says<T: serde::de::DeserializeOwned>(python: &Path, args: &[&str]) -> Result<T, String> {
    let driver = cache::driver_path().map_err(|e| format!("{e:#}"))?;
    let out = Command::new(python).arg(&driver).args(args).env("PYTHONDONTWRITEBYTECODE", "1").output();
    let out = match out {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err("no such interpreter (install CPython 3.9 or later, or give its path)".into());
        }
        Err(e) => return Err(format!("cannot run it: {e}")),
    };
    let line = String::from_utf8_lossy(&out.stdout);
    match serde_json::from_str(line.trim()) {
        Ok(v) if out.status.success() => Ok(v),
        _ => Err(format!("it could not run concbench's driver ({})", venv::last_line(&out.stderr))),
    }
}

/// What `python` is: CPython 3.9 or later, or an error saying what it is instead. `http`: with
/// aiohttp and requests imported first (the GIL state is read after them).
pub fn probe(python: &Path, given: &str, http: bool) -> Result<Interpreter, String> {
    let args: &[&str] = if http { &["--probe", "--import-http"] } else { &["--probe"] };
    let mut info: Interpreter = driver_says(python, args).map_err(|e| format!("--python {given}: {e}"))?;
    let version: Vec<u32> = info.version.split('.').filter_map(|p| p.parse().ok()).collect();
    let new_enough = version.len() >= 2 && (version[0], version[1]) >= MIN_VERSION;
    if info.implementation != "cpython" || !new_enough {
        return Err(format!(
            "--python {given} is {} {}: concbench's py models need CPython {}.{} or later",
            info.implementation, info.version, MIN_VERSION.0, MIN_VERSION.1
        ));
    }
    info.path = given.to_string();
    Ok(info)
}

/// One interpreter, ready to run py models: what it is, the program to start (its private
/// environment's interpreter for the I/O models), and its driver once started.
#[derive(Debug)]
pub struct Runtime {
    info: Mutex<Interpreter>,
    python: PathBuf,
    http: bool,
    driver: Mutex<Option<Driver>>,
}

impl std::fmt::Debug for Driver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Driver(pid {})", self.pid())
    }
}

impl Runtime {
    /// Finds `given` and checks it; `http`: makes (or finds) its environment with aiohttp and
    /// requests, which the I/O models need. Every failure is one line saying what to do.
    pub fn prepare(given: &str, http: bool, install: Install) -> Result<Runtime, String> {
        let base = PathBuf::from(given);
        let probed = probe(&base, given, false)?;
        let (python, info) = if http {
            let venv = venv::ensure(&probed, given, install).map_err(|e| format!("{e:#}"))?;
            let python = venv::python(&venv);
            let mut info = probe(&python, given, true)?;
            info.venv = Some(venv.display().to_string());
            info.executable = probed.executable;
            (python, info)
        } else {
            (base, probed)
        };
        Ok(Runtime { info: Mutex::new(info), python, http, driver: Mutex::new(None) })
    }

    /// What the interpreter is (updated from its driver's hello once started).
    pub fn info(&self) -> Interpreter {
        self.info.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Its driver, started on first use (outside any measured window).
    pub fn driver(&self) -> anyhow::Result<MutexGuard<'_, Option<Driver>>> {
        let mut slot = self.driver.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            let label = self.info().tag;
            let driver = Driver::start(&self.python, &cache::driver_path()?, self.http, &label)
                .with_context(|| format!("starting the Python driver ({})", self.python.display()))?;
            let mut info = self.info.lock().unwrap_or_else(|p| p.into_inner());
            let hello = &driver.hello().interpreter;
            (info.gil_enabled, info.tracemalloc_slowdown) = (hello.gil_enabled, hello.tracemalloc_slowdown);
            if !hello.clients.is_empty() {
                info.clients = hello.clients.clone();
            }
            *slot = Some(driver);
        }
        Ok(slot)
    }

    /// Kills its driver (a stop that did not end in time); the next use starts a new one.
    pub fn reset(slot: &mut MutexGuard<'_, Option<Driver>>) {
        if let Some(mut d) = slot.take() {
            d.kill();
        }
    }
}

/// A task spec checked: its file, and whether it is a plain or an `async def` function.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct TaskFunction {
    pub file: String,
    pub flavour: TaskFlavour,
}

#[derive(serde::Deserialize)]
struct CheckedTask {
    file: Option<String>,
    flavour: Option<TaskFlavour>,
    error: Option<String>,
}

/// Checks that `spec` (`FILE.py:func` or `module:func`) names a top-level function in
/// `python`, without running the module (its source is parsed).
pub fn check_task(python: &Path, flag: &str, spec: &str) -> Result<TaskFunction, String> {
    let checked: CheckedTask =
        driver_says(python, &["--check-task", spec]).map_err(|e| format!("{flag} {spec}: {e}"))?;
    match (checked.file, checked.flavour, checked.error) {
        (Some(file), Some(flavour), None) => Ok(TaskFunction { file, flavour }),
        (_, _, Some(e)) => Err(format!("{flag} {spec}: {e}")),
        _ => Err(format!("{flag} {spec}: the driver's answer made no sense")),
    }
}

/// Makes the environments of `pythons` (`concbench python setup`); returns each one's folder.
pub fn setup(pythons: &[String]) -> anyhow::Result<Vec<(Interpreter, PathBuf)>> {
    let mut made = Vec::new();
    for given in pythons {
        let runtime = Runtime::prepare(given, true, Install::Allowed).map_err(anyhow::Error::msg)?;
        let info = runtime.info();
        let venv = PathBuf::from(info.venv.clone().unwrap_or_default());
        made.push((info, venv));
    }
    if made.is_empty() {
        bail!("no interpreter given");
    }
    Ok(made)
}
