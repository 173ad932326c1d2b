//! concbench's cache folder (`CONCBENCH_CACHE_DIR`, else `$XDG_CACHE_HOME/concbench`, else
//! `~/.cache/concbench`): the driver written from the binary, the private environments, their
//! locks. Files land by write-to-temporary then rename, so a reader never sees half a file.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// Moves the cache (tests point it inside the build folder).
pub const CACHE_ENV: &str = "CONCBENCH_CACHE_DIR";

/// The driver's source, shipped inside the binary.
pub const DRIVER_PY: &str = include_str!("../../python/driver.py");

/// The pinned, hashed requirements of the I/O models, shipped inside the binary.
pub const REQUIREMENTS: &str = include_str!("../../python/requirements.txt");

/// The cache folder (not created).
pub fn dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(CACHE_ENV).filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("concbench")
}

/// FNV-1a, 64 bits: names cache entries after their content (not a security measure: pip checks
/// every file against its pinned hash).
pub fn fnv64(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The driver, written to the cache under a name of its content (once per version of it).
pub fn driver_path() -> anyhow::Result<PathBuf> {
    let dir = dir();
    let path = dir.join(format!("driver-{:016x}.py", fnv64(&[DRIVER_PY])));
    if std::fs::read_to_string(&path).is_ok_and(|t| t == DRIVER_PY) {
        return Ok(path);
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating the cache folder {}", dir.display()))?;
    write_atomically(&path, DRIVER_PY.as_bytes())?;
    Ok(path)
}

/// Writes `bytes` to `path` by way of a temporary file beside it.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let mut file = std::fs::File::create(&tmp).with_context(|| format!("writing {}", tmp.display()))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))
}

/// An exclusive lock on a file, held until dropped (`flock`): two runs never build the same
/// environment at once.
pub struct Lock(#[allow(dead_code, reason = "held for its descriptor")] std::fs::File);

impl Lock {
    pub fn take(path: &Path) -> anyhow::Result<Lock> {
        use std::os::fd::AsRawFd;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .with_context(|| format!("opening the lock {}", path.display()))?;
        // SAFETY: flock on a descriptor this File owns; it blocks until the lock is ours.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
            return Err(std::io::Error::last_os_error()).with_context(|| format!("locking {}", path.display()));
        }
        Ok(Lock(file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_content() {
        assert_eq!(fnv64(&["a", "b"]), fnv64(&["a", "b"]));
        assert_ne!(fnv64(&["ab"]), fnv64(&["a", "b"]), "parts are kept apart");
        assert_ne!(fnv64(&[DRIVER_PY]), fnv64(&[REQUIREMENTS]));
    }
}
