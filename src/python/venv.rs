//! The private environment of an interpreter: a `venv` under the cache holding aiohttp and
//! requests from the pinned, hashed requirements shipped in the binary (`pip install
//! --require-hashes`, short timeouts, one retry). It is keyed by the interpreter's real path,
//! version, ABI and the requirements' hash, built in a temporary folder and renamed into place
//! under a file lock, so two runs never race and a half-built one is never used.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use super::cache::{self, Lock};
use crate::record::Interpreter as Probe;

/// Whether a missing environment may be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Install {
    /// Make it when missing (with a progress line).
    Allowed,
    /// `--no-install`: a missing environment is an error.
    Forbidden,
}

/// The file a finished environment holds; its absence means "not made (yet)".
const MARKER: &str = "concbench-env.json";

/// Where the environment of `probe`'s interpreter lives (whether made or not).
pub fn location(probe: &Probe) -> PathBuf {
    let key = cache::fnv64(&[&probe.executable, &probe.version, &probe.abi, cache::REQUIREMENTS]);
    cache::dir().join("venvs").join(format!("cpython-{}-{key:016x}", probe.tag))
}

/// The environment's interpreter (a link to the base one, with the environment's packages).
pub fn python(venv: &Path) -> PathBuf {
    venv.join("bin").join("python")
}

/// The environment for `probe`'s interpreter, made when missing and allowed. Returns its folder.
pub fn ensure(probe: &Probe, given: &str, install: Install) -> anyhow::Result<PathBuf> {
    let venv = location(probe);
    if venv.join(MARKER).exists() {
        return Ok(venv);
    }
    if install == Install::Forbidden {
        bail!(
            "{given} ({}) has no environment with aiohttp and requests yet, and --no-install forbids making one: run `concbench python setup --python {given}`",
            probe.tag
        );
    }
    let parent = venv.parent().expect("under the cache");
    std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let _lock = Lock::take(&beside(&venv, "lock"))?;
    if venv.join(MARKER).exists() {
        return Ok(venv); // another run made it while this one waited
    }
    eprintln!(
        "python: installing aiohttp and requests for {given} ({}) into {} (once; pinned, hashed)",
        probe.tag,
        venv.display()
    );
    let tmp = beside(&venv, &format!("tmp-{}", std::process::id()));
    let built = build(probe, &tmp);
    if built.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    built?;
    let _ = std::fs::remove_dir_all(&venv);
    std::fs::rename(&tmp, &venv).with_context(|| format!("moving the environment into {}", venv.display()))?;
    Ok(venv)
}

/// `DIR.suffix` beside `dir` (whose name has dots of its own: `cpython-3.11.7-…`).
fn beside(dir: &Path, suffix: &str) -> PathBuf {
    let mut name = dir.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{suffix}"));
    dir.with_file_name(name)
}

/// Makes the environment in `tmp`: a venv, the requirements, a check that both import.
fn build(probe: &Probe, tmp: &Path) -> anyhow::Result<()> {
    let _ = std::fs::remove_dir_all(tmp);
    run(Command::new(&probe.executable).args(["-m", "venv"]).arg(tmp), "python -m venv")?;
    let requirements = tmp.join("requirements.txt");
    std::fs::write(&requirements, cache::REQUIREMENTS)?;
    let mut pip = Command::new(python(tmp));
    pip.args(["-m", "pip", "install", "--require-hashes", "--no-input", "-q"])
        .args(["--disable-pip-version-check", "--timeout", "15", "--retries", "1", "-r"])
        .arg(&requirements);
    run(&mut pip, "pip install (aiohttp, requests)")?;
    let check = Command::new(python(tmp)).args(["-c", "import aiohttp, requests"]).output()?;
    if !check.status.success() {
        bail!("the new environment cannot import aiohttp and requests: {}", last_line(&check.stderr));
    }
    let marker = serde_json::json!({
        "interpreter": probe.executable, "version": probe.version, "abi": probe.abi,
        "requirements": format!("{:016x}", cache::fnv64(&[cache::REQUIREMENTS])),
    });
    std::fs::write(tmp.join(MARKER), serde_json::to_vec_pretty(&marker)?)?;
    Ok(())
}

fn run(cmd: &mut Command, what: &str) -> anyhow::Result<()> {
    let out = cmd.output().with_context(|| format!("{what}: could not start"))?;
    if !out.status.success() {
        bail!("{what} failed ({}): {}", out.status, last_line(&out.stderr));
    }
    Ok(())
}

/// The last non-empty line of a child's output: what went wrong, in one line.
pub fn last_line(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no output").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_and_the_folder_being_built_keep_the_whole_name() {
        let venv = Path::new("/cache/venvs/cpython-3.11.7-00ff");
        assert_eq!(beside(venv, "lock"), Path::new("/cache/venvs/cpython-3.11.7-00ff.lock"));
        assert_eq!(beside(venv, "tmp-7"), Path::new("/cache/venvs/cpython-3.11.7-00ff.tmp-7"));
    }
}
