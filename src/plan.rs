//! Arguments → a validated, typed plan. Every input check lives here and runs before any work
//! starts, so bad input ends with one line and exit code 2, and nothing is written.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::Error;
use crate::cli::{EmbeddedMode, IoArgs, OnOff, ServeArgs};
use crate::model::{MAX_CONCURRENCY, ModelKind, ModelSpec};
use crate::report::{Format, Lang};
use crate::server::ServerConfig;
use crate::workload::io::{Header, UrlTemplate};

/// Most requests an `io` run accepts.
pub const MAX_REQUESTS: u64 = 10_000_000;

/// The target of an I/O experiment.
#[derive(Debug, Clone)]
pub enum TargetPlan {
    /// Start the mock API: as a child process of `exe` (default) or in this process.
    Embedded { config: ServerConfig, mode: EmbeddedMode, threads: usize, exe: Option<PathBuf> },
    /// A real API.
    External { url: UrlTemplate },
}

/// How the client behaves.
#[derive(Debug, Clone)]
pub struct ClientPlan {
    pub headers: Vec<Header>,
    pub keep_alive: bool,
    pub timeout: Duration,
    pub connect_timeout: Duration,
}

/// Where results go.
#[derive(Debug, Clone)]
pub struct OutputPlan {
    pub stdout: Format,
    pub out_dir: Option<PathBuf>,
    pub lang: Lang,
    pub progress: bool,
    pub color: bool,
}

/// A validated `io` experiment.
#[derive(Debug, Clone)]
pub struct IoPlan {
    pub requests: usize,
    pub sync_sample: usize,
    pub workers: usize,
    /// Models in run order, each with its N resolved.
    pub models: Vec<ModelSpec>,
    pub target: TargetPlan,
    pub client: ClientPlan,
    pub output: OutputPlan,
}

fn usage(message: String) -> Error {
    Error::Usage(message)
}

fn at_least_one(name: &str, v: u64) -> Result<u64, Error> {
    if v == 0 { Err(usage(format!("{name} must be at least 1"))) } else { Ok(v) }
}

/// Refuses thread counts the OS will not grant, naming the limit.
fn check_thread_limit(model: &ModelSpec, threads: usize) -> Result<(), Error> {
    if let Some((limit, source)) = crate::env::thread_limit()
        && threads as u64 + 64 > limit
    {
        return Err(usage(format!(
            "{model} needs {threads} threads, but this machine allows at most {limit} ({source})"
        )));
    }
    Ok(())
}

/// Refuses to overwrite report files in an existing folder unless told to.
pub fn check_out_dir(dir: &std::path::Path, force: bool, files: &[&str]) -> Result<(), Error> {
    if dir.exists() && !dir.is_dir() {
        return Err(usage(format!("--out {}: exists and is not a folder", dir.display())));
    }
    let clashes: Vec<&str> = files.iter().copied().filter(|f| dir.join(f).exists()).collect();
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

impl IoPlan {
    pub fn from_args(args: &IoArgs) -> Result<Self, Error> {
        let requests = at_least_one("--requests", args.requests)?;
        if requests > MAX_REQUESTS {
            return Err(usage(format!("--requests {requests} is more than the {MAX_REQUESTS} accepted")));
        }
        let requests = requests as usize;
        let workers = at_least_one("--workers", args.workers)?;
        if workers > MAX_CONCURRENCY as u64 {
            return Err(usage(format!("--workers must be at most {MAX_CONCURRENCY}")));
        }
        let workers = workers as usize;
        let sync_sample = (at_least_one("--sync-sample", args.sync_sample)? as usize).min(requests);

        if args.models.is_empty() {
            return Err(usage("--models is empty: name at least one model".into()));
        }
        let models: Vec<ModelSpec> = args.models.iter().map(|m| m.with_default_workers(workers)).collect();
        let mut seen = HashSet::new();
        for m in &models {
            if !seen.insert(*m) {
                return Err(usage(format!("--models names {m} twice")));
            }
            if m.kind == ModelKind::Threads {
                check_thread_limit(m, m.concurrency(requests))?;
            }
        }

        if args.client.timeout.is_zero() || args.client.connect_timeout.is_zero() {
            return Err(usage("--timeout and --connect-timeout must be above zero".into()));
        }

        let t = &args.target;
        let target = match &t.url {
            Some(url) => TargetPlan::External { url: url.clone() },
            None => {
                let max_inflight =
                    t.server_max_inflight.map(|c| at_least_one("--server-max-inflight", c)).transpose()?;
                let barrier = t.server_barrier.map(|c| at_least_one("--server-barrier", c)).transpose()?;
                TargetPlan::Embedded {
                    config: ServerConfig {
                        latency: t.latency,
                        max_inflight: max_inflight.map(|c| c as usize),
                        seed: t.seed,
                        barrier: barrier.map(|c| c as usize),
                    },
                    mode: t.embedded,
                    threads: crate::env::cores_granted(),
                    exe: None,
                }
            }
        };

        let o = &args.output;
        if let Some(dir) = &o.out {
            check_out_dir(dir, o.force, &[Format::Md.file_name(), Format::Json.file_name()])?;
        }
        Ok(IoPlan {
            requests,
            sync_sample,
            workers,
            models,
            target,
            client: ClientPlan {
                headers: t.headers.clone(),
                keep_alive: args.client.keep_alive == OnOff::On,
                timeout: args.client.timeout,
                connect_timeout: args.client.connect_timeout,
            },
            output: OutputPlan {
                stdout: o.format,
                out_dir: o.out.clone(),
                lang: o.lang,
                progress: !o.quiet && is_terminal_stderr(),
                color: is_terminal_stdout(),
            },
        })
    }

    /// Tasks each run of `model` executes: the sample for sequential, all requests otherwise.
    pub fn tasks_per_run(&self, model: &ModelSpec) -> usize {
        if model.kind == ModelKind::Sequential { self.sync_sample } else { self.requests }
    }

    /// The most connections any model holds at once (plus the server's, when it is ours).
    pub fn max_connections(&self) -> usize {
        self.models.iter().map(|m| m.concurrency(self.tasks_per_run(m))).max().unwrap_or(1)
    }
}

/// A validated `serve`.
#[derive(Debug, Clone)]
pub struct ServePlan {
    pub addr: SocketAddr,
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
        let max_inflight = args.max_inflight.map(|c| at_least_one("--max-inflight", c)).transpose()?;
        let barrier = args.barrier.map(|c| at_least_one("--barrier", c)).transpose()?;
        Ok(ServePlan {
            addr: SocketAddr::new(args.bind, args.port),
            config: ServerConfig {
                latency: args.latency,
                max_inflight: max_inflight.map(|c| c as usize),
                seed: args.seed,
                barrier: barrier.map(|c| c as usize),
            },
            threads,
            exit_on_stdin_eof: args.exit_on_stdin_eof,
        })
    }
}
