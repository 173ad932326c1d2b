//! The mock API as a child process of the same binary (`concbench serve`), so that what the
//! client measures about itself (heap, CPU, RSS) never includes the server.
//!
//! The parent sends the child its [`ServerConfig`] as one JSON line on stdin (`serve
//! --config-stdin`); the child prints `listening on http://ADDR` as its first line of stdout; the
//! parent reads the address from it. The child watches its stdin and exits when the parent goes away, so a killed
//! parent leaves no server behind.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, bail};

use super::AdminToken;
use crate::protocol::ServerInit;
use crate::record::ServerConfig;
use crate::units::fmt_duration;

/// How long the child may take to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(15);

/// The prefix of the line a serving process prints first.
pub const ANNOUNCE_PREFIX: &str = "listening on http://";

/// A running `concbench serve` child process; killed when dropped.
pub struct ChildServer {
    child: Child,
    addr: SocketAddr,
    admin: AdminToken,
}

impl ChildServer {
    /// Starts `exe serve` on a free loopback port with `cfg`, on `threads` runtime threads.
    pub fn spawn(exe: &Path, cfg: &ServerConfig, threads: usize) -> anyhow::Result<Self> {
        let mut child = Command::new(exe)
            .args(["serve", "--bind", "127.0.0.1", "--port", "0", "--exit-on-stdin-eof", "--config-stdin"])
            .args(["--threads", &threads.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting the embedded API ({} serve)", exe.display()))?;
        // Its configuration and admin secret, as one JSON line (the protocol of every child
        // process); stdin then stays open until this process lets go of the child.
        let admin = AdminToken::random().context("drawing the embedded API's admin secret")?;
        let init = ServerInit { config: cfg.clone(), admin_token: admin.secret().to_string() };
        let stdin = child.stdin.as_mut().expect("stdin is piped");
        crate::protocol::send(stdin, &init).context("configuring the embedded API")?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = tx.send(reader.read_line(&mut line).map(|_| line));
            // Keep draining so the child never blocks on a full pipe.
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let mut server = ChildServer { child, addr: SocketAddr::from(([127, 0, 0, 1], 0)), admin };
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

    /// The secret its `POST /stats/reset` needs.
    pub fn admin_token(&self) -> &AdminToken {
        &self.admin
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
