//! The machine a run happened on, as every report states it: OS, kernel, CPU, the cores the OS
//! grants this process (affinity and cgroup quota aware), memory, load, and what built concbench.

use crate::record::{Environment, Tool};

/// What built this binary.
pub fn tool() -> Tool {
    let commit = env!("CONCBENCH_GIT_COMMIT");
    Tool {
        name: env!("CARGO_PKG_NAME").into(),
        version: env!("CARGO_PKG_VERSION").into(),
        git_commit: (!commit.is_empty()).then(|| commit.into()),
        rustc: env!("CONCBENCH_RUSTC_VERSION").into(),
    }
}

fn read(path: &str) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// The 1-minute load average now.
pub fn load_average() -> Option<f64> {
    read("/proc/loadavg")?.split_whitespace().next()?.parse().ok()
}

fn cpu_model() -> Option<String> {
    let info = read("/proc/cpuinfo")?;
    let line = info.lines().find(|l| l.starts_with("model name"))?;
    Some(line.split_once(':')?.1.trim().to_string())
}

/// The lowest value of a cgroup v2 control file along this process's cgroup and its ancestors
/// (the limit in force), parsed by `parse`; `None` where no level sets one.
fn cgroup_limit(file: &str, parse: impl Fn(&str) -> Option<f64>) -> Option<f64> {
    let own = read("/proc/self/cgroup")
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("0::").map(|p| p.trim().to_string())))
        .unwrap_or_else(|| "/".into());
    let mut dir = std::path::PathBuf::from("/sys/fs/cgroup").join(own.trim_start_matches('/'));
    let mut lowest: Option<f64> = None;
    loop {
        if let Some(v) = read(&dir.join(file).to_string_lossy()).as_deref().and_then(&parse) {
            lowest = Some(lowest.map_or(v, |l| l.min(v)));
        }
        if dir == std::path::Path::new("/sys/fs/cgroup") || !dir.pop() {
            return lowest;
        }
    }
}

fn cgroup_cpu_quota() -> Option<f64> {
    cgroup_limit("cpu.max", |max| {
        let mut parts = max.split_whitespace();
        let quota: f64 = parts.next()?.parse().ok()?; // "max" (no quota) fails here
        let period: f64 = parts.next()?.parse().ok()?;
        (period > 0.0).then(|| quota / period)
    })
}

fn memory_total() -> Option<u64> {
    let info = read("/proc/meminfo")?;
    let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: u64 = line["MemTotal:".len()..].trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb * 1024)
}

fn kernel() -> Option<String> {
    let release = read("/proc/sys/kernel/osrelease")?;
    Some(format!("Linux {}", release.trim()))
}

/// This program, to start as a child (worker processes, the embedded API). On Linux it is
/// `/proc/self/exe`, which still starts the running binary after a rebuild replaced (deleted) the
/// file on disk mid-run; elsewhere the path it was started from.
/// This machine's host name (`HOSTNAME` in a container whose kernel name differs is not read:
/// the kernel's is), or `unknown`.
pub fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

pub fn self_exe() -> std::io::Result<std::path::PathBuf> {
    let proc_exe = std::path::Path::new("/proc/self/exe");
    if cfg!(target_os = "linux") && proc_exe.exists() {
        return Ok(proc_exe.to_path_buf());
    }
    std::env::current_exe()
}

/// Cores this process may use: what `std::thread::available_parallelism` reports (affinity
/// and cgroup quota aware).
pub fn cores_granted() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Reads the machine now (the end load average is filled in later).
pub fn detect() -> Environment {
    // SAFETY: sysconf with a valid name has no preconditions.
    let online = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_ONLN) };
    Environment {
        os: std::env::consts::OS.into(),
        kernel: kernel(),
        arch: std::env::consts::ARCH.into(),
        cpu_model: cpu_model(),
        cpus_online: if online > 0 { online as usize } else { cores_granted() },
        cores_granted: cores_granted(),
        cgroup_cpu_quota: cgroup_cpu_quota(),
        memory_total_bytes: memory_total(),
        others_before: None,
        load_average_start: load_average(),
        load_average_end: None,
        python: Vec::new(),
    }
}

/// The most threads this process can expect to start: the lower of the kernel's `threads-max`
/// and the cgroup's `pids.max`, each when set. `None` when neither is readable.
pub fn thread_limit() -> Option<(u64, &'static str)> {
    let parse = |path: &str| read(path).and_then(|s| s.trim().parse::<u64>().ok());
    let candidates = [
        (
            cgroup_limit("pids.max", |s| s.trim().parse::<u64>().ok().map(|v| v as f64)).map(|v| v as u64),
            "the cgroup's pids.max",
        ),
        (parse("/proc/sys/kernel/threads-max"), "kernel.threads-max"),
    ];
    candidates.into_iter().filter_map(|(v, name)| v.map(|v| (v, name))).min_by_key(|(v, _)| *v)
}

/// The open-files hard limit: the most descriptors this process may ever hold (`None` where it
/// cannot be read, or there is none).
pub fn open_files_hard_limit() -> Option<u64> {
    // SAFETY: getrlimit on a zeroed struct we own, with a valid resource id.
    let mut lim: libc::rlimit = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 || lim.rlim_max == libc::RLIM_INFINITY {
        return None;
    }
    Some(lim.rlim_max)
}

/// Raises this process's open-files soft limit so `needed` descriptors fit (up to the hard limit);
/// returns the soft limit in force. Child processes started later inherit it.
pub fn raise_open_files(needed: u64) -> std::io::Result<u64> {
    // SAFETY: getrlimit/setrlimit on a zeroed struct we own, with a valid resource id.
    let mut lim: libc::rlimit = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    if lim.rlim_cur >= needed {
        return Ok(lim.rlim_cur);
    }
    let wanted = needed.min(lim.rlim_max);
    let raised = libc::rlimit { rlim_cur: wanted, rlim_max: lim.rlim_max };
    // SAFETY: as above.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_machine_is_described() {
        let env = detect();
        assert!(env.cores_granted >= 1 && env.cores_granted <= env.cpus_online.max(env.cores_granted));
        assert!(!env.os.is_empty() && !env.arch.is_empty());
        let tool = tool();
        assert_eq!(tool.name, "concbench");
        assert!(tool.rustc.starts_with("rustc"), "{}", tool.rustc);
    }
}
