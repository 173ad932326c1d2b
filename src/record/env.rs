//! The machine a run happened on and what built concbench, as every report states it. `env`
//! reads them.

use serde::{Deserialize, Serialize};

/// What built this binary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
    /// Short commit hash when built from a git checkout (`-dirty` with uncommitted changes).
    pub git_commit: Option<String>,
    pub rustc: String,
}

/// The machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Environment {
    pub os: String,
    pub kernel: Option<String>,
    pub arch: String,
    pub cpu_model: Option<String>,
    /// CPUs the kernel has online.
    pub cpus_online: usize,
    /// CPUs this process may run on (affinity mask and cgroup CPU quota applied).
    pub cores_granted: usize,
    /// The cgroup's CPU quota in CPUs (e.g. 1.5), when one is set.
    pub cgroup_cpu_quota: Option<f64>,
    pub memory_total_bytes: Option<u64>,
    /// What other processes took over a short window just before the first run, while concbench
    /// waited (the one-minute load average would still hold a build that just finished).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub others_before: Option<super::OthersLoad>,
    /// 1-minute load average when the run started and ended.
    pub load_average_start: Option<f64>,
    pub load_average_end: Option<f64>,
    /// The Python interpreters the py models ran in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub python: Vec<super::python::Interpreter>,
}
