//! The mock API as a child process of the same binary (`concbench serve`), so that what the
//! client measures about itself (heap, CPU, RSS) never includes the server.
//!
//! The child prints `listening on http://ADDR` as its first line of stdout; the parent reads the
//! address from it. The child watches its stdin and exits when the parent goes away, so a killed
//! parent leaves no server behind.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, bail};

use super::ServerConfig;
use crate::units::fmt_duration;

/// How long the child may take to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(15);

/// The prefix of the line a serving process prints first.
pub const ANNOUNCE_PREFIX: &str = "listening on http://";

/// A running `concbench serve` child process; killed when dropped.
pub struct ChildServer {
    child: Child,
    addr: SocketAddr,
}

impl ChildServer {
    /// Starts `exe serve` on a free loopback port with `cfg`, on `threads` runtime threads.
    pub fn spawn(exe: &Path, cfg: &ServerConfig, threads: usize) -> anyhow::Result<Self> {
        let mut cmd = Command::new(exe);
        cmd.args(["serve", "--bind", "127.0.0.1", "--port", "0", "--exit-on-stdin-eof"])
            .args(["--latency", &cfg.latency.to_string()])
            .args(["--seed", &cfg.seed.to_string()])
            .args(["--threads", &threads.to_string()]);
        if let Some(cap) = cfg.max_inflight {
            cmd.args(["--max-inflight", &cap.to_string()]);
        }
        if let Some(n) = cfg.barrier {
            cmd.args(["--barrier", &n.to_string()]);
        }
        let f = &cfg.faults;
        for (flag, share) in [
            ("--error-rate", f.error_rate),
            ("--stall-rate", f.stall_rate),
            ("--reset-rate", f.reset_rate),
            ("--slow-body-rate", f.slow_body_rate),
        ] {
            if share > 0.0 {
                cmd.args([flag, &share.to_string()]);
            }
        }
        cmd.args(["--slow-body", &fmt_duration(f.slow_body)]);
        if let Some(rate) = f.rate_limit {
            cmd.args(["--rate-limit", &rate.to_string()]);
        }
        if let Some(n) = f.close_after {
            cmd.args(["--close-after", &n.to_string()]);
        }
        if cfg.header_timeout != super::HEADER_READ_TIMEOUT {
            cmd.args(["--header-timeout", &fmt_duration(cfg.header_timeout)]);
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting the embedded API ({} serve)", exe.display()))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = tx.send(reader.read_line(&mut line).map(|_| line));
            // Keep draining so the child never blocks on a full pipe.
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let mut server = ChildServer { child, addr: SocketAddr::from(([127, 0, 0, 1], 0)) };
        let line = match rx.recv_timeout(START_TIMEOUT) {
            Ok(Ok(line)) => line,
            Ok(Err(e)) => bail!("the embedded API did not start: {e}"),
            Err(_) => bail!("the embedded API did not start within {}", fmt_duration(START_TIMEOUT)),
        };
        server.addr = line
            .trim()
            .strip_prefix(ANNOUNCE_PREFIX)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|addr| addr.parse().ok())
            .with_context(|| match server.child.try_wait() {
                Ok(Some(status)) => format!("the embedded API exited ({status}) before listening"),
                _ => format!("the embedded API said {:?} instead of its address", line.trim()),
            })?;
        Ok(server)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
