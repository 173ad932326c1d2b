//! The driver child process: `python driver.py` in its own process group, speaking the protocol
//! on one end of a socket pair it inherits (its number in `CONCBENCH_CHANNEL_FD`), never on
//! stdout. Its stdout and stderr (a task's prints, a traceback) are forwarded to concbench's
//! stderr, the first lines of them, and the last ones kept for an error message. Killing it kills
//! its whole group (a process pool's workers included); dropping it does that too.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, anyhow, bail};

use crate::protocol::{self, DriverHello, FromDriver, ToDriver};

/// The variable that names the channel's descriptor.
pub const CHANNEL_ENV: &str = "CONCBENCH_CHANNEL_FD";

/// How long a driver may take to say hello (importing aiohttp, measuring tracemalloc's cost).
const HELLO_TIMEOUT: Duration = Duration::from_secs(60);

/// Lines of a driver's output shown on concbench's stderr before the rest is only counted.
const SHOWN_LINES: usize = 20;

/// Lines kept for an error message.
const KEPT_LINES: usize = 8;

/// What a driver printed: the last lines, and how many there were.
#[derive(Default)]
struct Output {
    last: VecDeque<String>,
    lines: usize,
}

/// A running driver.
pub struct Driver {
    child: Child,
    channel: UnixStream,
    messages: Receiver<Result<FromDriver, String>>,
    hello: DriverHello,
    output: Arc<Mutex<Output>>,
}

impl Driver {
    /// Starts `python driver.py` (`http`: it imports aiohttp and requests first); `label` prefixes
    /// its output on stderr.
    pub fn start(python: &Path, driver_py: &Path, http: bool, label: &str) -> anyhow::Result<Driver> {
        let (ours, theirs) = UnixStream::pair().context("making the driver's channel")?;
        let fd: RawFd = theirs.as_raw_fd();
        let mut cmd = Command::new(python);
        cmd.arg(driver_py)
            .env(CHANNEL_ENV, fd.to_string())
            .env("CONCBENCH_PY_IMPORT_HTTP", if http { "1" } else { "0" })
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // SAFETY: between fork and exec only async-signal-safe calls: setpgid (its own group, so
        // a terminal's Ctrl-C reaches concbench alone, and the group can be killed whole) and
        // fcntl (the channel's end, close-on-exec in this process, is inherited by the child).
        unsafe {
            cmd.pre_exec(move || {
                if libc::setpgid(0, 0) != 0 || libc::fcntl(fd, libc::F_SETFD, 0) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut child =
            cmd.spawn().with_context(|| format!("starting {} {}", python.display(), driver_py.display()))?;
        drop(theirs);
        let output = Arc::new(Mutex::new(Output::default()));
        forward(child.stdout.take().expect("piped"), label, &output);
        forward(child.stderr.take().expect("piped"), label, &output);
        let messages = listen(ours.try_clone().context("the driver's channel")?);
        let mut driver = Driver { child, channel: ours, messages, hello: placeholder_hello(), output };
        driver.hello = match driver.receive(HELLO_TIMEOUT)? {
            Some(FromDriver::Hello(hello)) => hello,
            Some(other) => bail!("the Python driver said {other:?} instead of hello"),
            None => bail!("the Python driver did not start within {HELLO_TIMEOUT:?}{}", driver.tail()),
        };
        Ok(driver)
    }

    pub fn hello(&self) -> &DriverHello {
        &self.hello
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn send(&mut self, msg: &ToDriver) -> anyhow::Result<()> {
        protocol::send(&mut self.channel, msg).map_err(|e| anyhow!("the Python driver went away ({e}){}", self.tail()))
    }

    /// The next message, or `None` after `timeout`. An error when the driver is gone.
    pub fn receive(&mut self, timeout: Duration) -> anyhow::Result<Option<FromDriver>> {
        match self.messages.recv_timeout(timeout) {
            Ok(Ok(msg)) => Ok(Some(msg)),
            Ok(Err(e)) => Err(anyhow!("{e}{}", self.tail())),
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => {
                let status = self.child.try_wait().ok().flatten().map_or("running".into(), |s| s.to_string());
                Err(anyhow!("the Python driver went away ({status}){}", self.tail()))
            }
        }
    }

    /// What it printed last, for an error message (empty when nothing).
    fn tail(&self) -> String {
        let out = self.output.lock().unwrap_or_else(|p| p.into_inner());
        if out.last.is_empty() {
            String::new()
        } else {
            format!("; it printed: {}", out.last.iter().cloned().collect::<Vec<_>>().join(" | "))
        }
    }

    /// Kills it and its group (a pool's workers), and reaps it.
    pub fn kill(&mut self) {
        let pid = self.child.id() as libc::pid_t;
        // SAFETY: signalling the process group this driver leads (set in `start`).
        unsafe { libc::kill(-pid, libc::SIGKILL) };
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A hello to stand in until the real one arrives.
fn placeholder_hello() -> DriverHello {
    DriverHello {
        pid: 0,
        interpreter: serde_json::from_value(serde_json::json!({
            "executable": "", "implementation": "", "version": "", "tag": "", "abi": "",
            "free_threaded_build": false, "gil_enabled": true, "start_method": "", "build": "", "compiler": ""
        }))
        .expect("a complete interpreter record"),
    }
}

/// Reads the driver's messages on a thread of their own, into a channel.
fn listen(channel: UnixStream) -> Receiver<Result<FromDriver, String>> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("py-driver-channel".into())
        .spawn(move || {
            let mut input = BufReader::new(channel);
            let mut line = String::new();
            loop {
                let msg = match protocol::receive::<FromDriver>(&mut input, &mut line) {
                    Ok(Some(msg)) => Ok(msg),
                    Ok(None) => break,
                    Err(e) => Err(format!("the Python driver's channel: {e}")),
                };
                let failed = msg.is_err();
                if tx.send(msg).is_err() || failed {
                    break;
                }
            }
        })
        .expect("a thread for the driver's channel");
    rx
}

/// Forwards a stream of the driver's output to stderr (the first lines), keeping the last ones.
fn forward(stream: impl Read + Send + 'static, label: &str, output: &Arc<Mutex<Output>>) {
    let (label, output) = (label.to_string(), output.clone());
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            let mut out = output.lock().unwrap_or_else(|p| p.into_inner());
            out.lines += 1;
            if out.lines <= SHOWN_LINES {
                eprintln!("python {label}: {line}");
            } else if out.lines == SHOWN_LINES + 1 {
                eprintln!("python {label}: (more output not shown)");
            }
            out.last.push_back(line);
            if out.last.len() > KEPT_LINES {
                out.last.pop_front();
            }
        }
    });
}
