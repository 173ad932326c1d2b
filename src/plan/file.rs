//! The plan file (`concbench plan … --out plan.json`, read by `concbench run plan.json`): a
//! validated plan serialised, with its format's version and the hash of its content, so every
//! segment of a split run runs exactly the same settings and nothing is parsed again on the
//! runners. What is machine-local is prepared again where it runs: the interpreters of the py
//! models (found, probed, their environments made) and the report folder.
//!
//! The file holds what every request sends, header values and body included (they are sent,
//! never recorded in results): keep it as private as the command line that made it.

use std::path::Path;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::split::Split;
use super::{CpuPlan, IoPlan, OutputPlan, ScalePlan, SuitePlan, TargetPlan};
use crate::error::Error;
use crate::model::ModelEnv;
use crate::python::{Install, Runtime};
use crate::record::{CpuSettings, EmbeddedInfo, IoSettings, Method, ScaleSettings};
use crate::segment::{from_unix_ns, unix_ns};
use crate::workload::io::RequestPlan;
use crate::workload::{Header, UrlList, UrlTemplate};

/// Version of the plan file's layout.
pub const PLAN_VERSION: u32 = 1;

/// A plan file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanFile {
    pub plan_version: u32,
    /// The concbench version that wrote it.
    pub concbench: String,
    pub created_at: String,
    /// FNV-1a (64 bits, hex) of `plan` as JSON: the segments of one run share it.
    pub hash: String,
    pub plan: Planned,
}

/// The content of a plan file: what runs, and when it starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Planned {
    /// The aligned start (`--start-at`), in nanoseconds since the Unix epoch.
    #[serde(default)]
    pub start_at_unix_ns: Option<u64>,
    /// Run k starts at the start + k × this (`--run-slot`), in nanoseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_slot_ns: Option<u64>,
    pub experiment: PlannedExperiment,
}

/// The experiment of a plan (`task` is an `io`-shaped experiment whose settings name the task).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant, reason = "one per plan file, read once")]
pub enum PlannedExperiment {
    Io(PlannedIo),
    Scale(PlannedScale),
    Cpu(PlannedCpu),
    Suite { io: Option<PlannedIo>, scale: Vec<PlannedScale>, cpu: Option<PlannedCpu> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedIo {
    pub settings: IoSettings,
    #[serde(flatten)]
    pub http: PlannedHttp,
    pub connections: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedScale {
    pub settings: ScaleSettings,
    #[serde(flatten)]
    pub http: PlannedHttp,
}

/// What an HTTP experiment runs against and with: its target, its requests, the models' needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedHttp {
    pub target: PlannedTarget,
    pub requests: PlannedRequests,
    pub env: PlannedEnv,
}

impl PlannedHttp {
    fn of(target: &TargetPlan, requests: &RequestPlan, env: &ModelEnv) -> Self {
        PlannedHttp {
            target: PlannedTarget::of(target),
            requests: PlannedRequests::of(requests),
            env: PlannedEnv::of(env),
        }
    }

    /// The target, the requests and the models' environment, made whole here.
    fn parts(&self) -> Result<(TargetPlan, RequestPlan, ModelEnv), Error> {
        Ok((self.target.target()?, self.requests.requests()?, self.env.env()?))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedCpu {
    pub settings: CpuSettings,
    pub env: PlannedEnv,
}

/// The embedded API each segment starts for itself, or a URL they all share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedTarget {
    pub embedded: Option<EmbeddedInfo>,
    pub url: Option<String>,
}

/// What every request sends (the values too: see the module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedRequests {
    pub headers: Vec<Header>,
    pub method: Method,
    pub body_base64: Option<String>,
    /// `--urls-file`'s lines.
    pub urls: Option<String>,
}

/// What the models need beyond their settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedEnv {
    pub switch_interval_ns: u64,
    pub py_tracemalloc: bool,
    /// The py models' interpreters as `--python` named them, and whether each needs the HTTP
    /// clients' environment.
    pub python: Vec<(String, bool)>,
}

/// A plan made whole, to run or to write.
#[derive(Debug, Clone)]
pub enum Loaded {
    Io(Box<IoPlan>),
    Scale(Box<ScalePlan>),
    Cpu(Box<CpuPlan>),
    Suite(Box<SuitePlan>),
}

fn usage(message: String) -> Error {
    Error::Usage(message)
}

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// FNV-1a, 64 bits: enough to tell two plans apart (not a defence against forgery).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

impl Planned {
    /// Its content hash.
    pub fn hash(&self) -> String {
        format!("{:016x}", fnv1a(&serde_json::to_vec(self).expect("a plan serialises")))
    }
}

impl PlannedEnv {
    fn of(env: &ModelEnv) -> Self {
        let python = env.python.iter().map(|r| r.info()).map(|i| (i.path.clone(), i.venv.is_some())).collect();
        PlannedEnv {
            switch_interval_ns: env.switch_interval.as_nanos() as u64,
            py_tracemalloc: env.py_tracemalloc,
            python,
        }
    }

    /// The models' environment on this machine: each interpreter found and prepared here.
    fn env(&self) -> Result<ModelEnv, Error> {
        let mut env = ModelEnv {
            switch_interval: Duration::from_nanos(self.switch_interval_ns),
            py_tracemalloc: self.py_tracemalloc,
            ..ModelEnv::default()
        };
        for (path, http) in &self.python {
            let runtime = Runtime::prepare(path, *http, Install::Allowed).map_err(usage)?;
            env.python.push(std::sync::Arc::new(runtime));
        }
        Ok(env)
    }
}

impl PlannedTarget {
    fn of(t: &TargetPlan) -> Self {
        match t {
            TargetPlan::Embedded { server, .. } => PlannedTarget { embedded: Some(server.clone()), url: None },
            TargetPlan::External { url } => PlannedTarget { embedded: None, url: Some(url.as_str().to_string()) },
        }
    }

    fn target(&self) -> Result<TargetPlan, Error> {
        match (&self.embedded, &self.url) {
            (Some(server), None) => Ok(TargetPlan::Embedded { server: server.clone(), exe: None }),
            (None, Some(url)) => Ok(TargetPlan::External { url: UrlTemplate::parse(url).map_err(usage)? }),
            _ => Err(usage("the plan's target is neither the embedded API nor one URL".into())),
        }
    }
}

impl PlannedRequests {
    fn of(r: &RequestPlan) -> Self {
        PlannedRequests {
            headers: r.headers.clone(),
            method: r.method,
            body_base64: r.body.as_ref().map(|b| B64.encode(b)),
            urls: r.urls.as_ref().map(UrlList::text),
        }
    }

    fn requests(&self) -> Result<RequestPlan, Error> {
        let body = self.body_base64.as_ref().map(|b| B64.decode(b)).transpose();
        let urls = self.urls.as_deref().map(UrlList::parse).transpose();
        Ok(RequestPlan {
            headers: self.headers.clone(),
            method: self.method,
            body: body.map_err(|e| usage(format!("the plan's body is not base64: {e}")))?,
            urls: urls.map_err(|e| usage(format!("the plan's URLs: {e}")))?,
        })
    }
}

impl PlannedIo {
    fn of(p: &IoPlan) -> Self {
        let http = PlannedHttp::of(&p.target, &p.requests, &p.env);
        PlannedIo { settings: p.settings.clone(), http, connections: p.connections }
    }

    fn plan(&self, output: OutputPlan, split: Split) -> Result<IoPlan, Error> {
        let (target, requests, env) = self.http.parts()?;
        let settings = self.settings.clone();
        Ok(IoPlan { settings, target, requests, env, output, connections: self.connections, split })
    }
}

impl PlannedScale {
    fn of(p: &ScalePlan) -> Self {
        PlannedScale { settings: p.settings.clone(), http: PlannedHttp::of(&p.target, &p.requests, &p.env) }
    }

    fn plan(&self, output: OutputPlan, split: Split) -> Result<ScalePlan, Error> {
        let (target, requests, env) = self.http.parts()?;
        Ok(ScalePlan { settings: self.settings.clone(), target, requests, env, output, split })
    }
}

impl PlannedCpu {
    fn of(p: &CpuPlan) -> Self {
        PlannedCpu { settings: p.settings.clone(), env: PlannedEnv::of(&p.env) }
    }

    fn plan(&self, output: OutputPlan, split: Split) -> Result<CpuPlan, Error> {
        Ok(CpuPlan { settings: self.settings.clone(), env: self.env.env()?, output, split })
    }
}

impl Loaded {
    fn split(&self) -> &Split {
        match self {
            Loaded::Io(p) => &p.split,
            Loaded::Scale(p) => &p.split,
            Loaded::Cpu(p) => &p.split,
            Loaded::Suite(p) => &p.split,
        }
    }

    /// What a plan file of it holds.
    pub fn planned(&self) -> Planned {
        let experiment = match self {
            Loaded::Io(p) => PlannedExperiment::Io(PlannedIo::of(p)),
            Loaded::Scale(p) => PlannedExperiment::Scale(PlannedScale::of(p)),
            Loaded::Cpu(p) => PlannedExperiment::Cpu(PlannedCpu::of(p)),
            Loaded::Suite(p) => PlannedExperiment::Suite {
                io: p.io.as_ref().map(PlannedIo::of),
                scale: p.scale.iter().map(PlannedScale::of).collect(),
                cpu: p.cpu.as_ref().map(PlannedCpu::of),
            },
        };
        let run_slot_ns = self.split().run_slot.map(|d| d.as_nanos() as u64);
        Planned { start_at_unix_ns: self.split().start_at.map(unix_ns), run_slot_ns, experiment }
    }

    /// The same plan with its content hash in every split (what the segments' results carry).
    pub fn sealed(mut self) -> Self {
        let hash = self.planned().hash();
        let set = |s: &mut Split| s.plan_hash = hash.clone();
        match &mut self {
            Loaded::Io(p) => set(&mut p.split),
            Loaded::Scale(p) => set(&mut p.split),
            Loaded::Cpu(p) => set(&mut p.split),
            Loaded::Suite(p) => {
                set(&mut p.split);
                p.io.iter_mut().for_each(|x| set(&mut x.split));
                p.scale.iter_mut().for_each(|x| set(&mut x.split));
                p.cpu.iter_mut().for_each(|x| set(&mut x.split));
            }
        }
        self
    }

    /// Where its report goes.
    pub fn output(&self) -> &OutputPlan {
        match self {
            Loaded::Io(p) => &p.output,
            Loaded::Scale(p) => &p.output,
            Loaded::Cpu(p) => &p.output,
            Loaded::Suite(p) => &p.output,
        }
    }
}

impl PlanFile {
    /// The file of `plan`, made now.
    pub fn of(plan: &Loaded) -> Self {
        let plan = plan.planned();
        PlanFile {
            plan_version: PLAN_VERSION,
            concbench: env!("CARGO_PKG_VERSION").into(),
            created_at: crate::record::timestamp_now(),
            hash: plan.hash(),
            plan,
        }
    }

    /// Reads a plan file, refusing another version or content that does not match its hash.
    pub fn read(path: &Path) -> Result<Self, Error> {
        let at = |e: String| usage(format!("{}: {e}", path.display()));
        let text = std::fs::read_to_string(path).map_err(|e| at(e.to_string()))?;
        let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| at(format!("not JSON: {e}")))?;
        let version = value.get("plan_version").and_then(serde_json::Value::as_u64);
        if version != Some(u64::from(PLAN_VERSION)) {
            let found = version.map_or("missing".into(), |v| v.to_string());
            return Err(at(format!("plan_version {found} is not {PLAN_VERSION}, the one this concbench reads")));
        }
        let file: PlanFile = serde_json::from_value(value).map_err(|e| at(format!("not a concbench plan: {e}")))?;
        if file.plan.hash() != file.hash {
            return Err(at(format!("its content does not match its hash {} (edited?)", file.hash)));
        }
        Ok(file)
    }

    /// The plan, made whole on this machine: this process's split of it, its report folder
    /// (`output`: for a segment, `--out`/segment-I/), the interpreters found and prepared here.
    pub fn load(
        &self,
        segment: Option<(crate::segment::Segment, String)>,
        output: OutputPlan,
        force: bool,
    ) -> Result<Loaded, Error> {
        let start_at = self.plan.start_at_unix_ns.map(from_unix_ns);
        let run_slot = self.plan.run_slot_ns.map(Duration::from_nanos);
        let split = Split { segment, start_at, run_slot, plan_hash: self.hash.clone() };
        let mut output = output;
        output.out_dir = split.out_dir(output.out_dir.as_deref(), force)?;
        let sampled = match &self.plan.experiment {
            PlannedExperiment::Io(io) => sampled(&io.settings),
            PlannedExperiment::Suite { io: Some(io), .. } => sampled(&io.settings),
            _ => None,
        };
        split.check_sampled(sampled)?;
        Ok(match &self.plan.experiment {
            PlannedExperiment::Io(p) => Loaded::Io(Box::new(p.plan(output, split)?)),
            PlannedExperiment::Scale(p) => Loaded::Scale(Box::new(p.plan(output, split)?)),
            PlannedExperiment::Cpu(p) => Loaded::Cpu(Box::new(p.plan(output, split)?)),
            PlannedExperiment::Suite { io, scale, cpu } => {
                let quiet = OutputPlan { out_dir: None, progress: false, ..output.clone() };
                Loaded::Suite(Box::new(SuitePlan {
                    io: io.as_ref().map(|p| p.plan(quiet.clone(), split.clone())).transpose()?,
                    scale: scale.iter().map(|p| p.plan(quiet.clone(), split.clone())).collect::<Result<_, _>>()?,
                    cpu: cpu.as_ref().map(|p| p.plan(quiet.clone(), split.clone())).transpose()?,
                    output,
                    split,
                }))
            }
        })
    }

    /// When its first run starts, if it says.
    pub fn start_at(&self) -> Option<SystemTime> {
        self.plan.start_at_unix_ns.map(from_unix_ns)
    }
}

/// Takes the plan file's path from an experiment's `--out`, refusing a segment: a plan is for
/// every segment.
fn plan_path(
    out: &mut Option<std::path::PathBuf>,
    split: &crate::cli::SegmentArgs,
) -> Result<std::path::PathBuf, Error> {
    if split.segment.is_some() || split.segments.is_some() {
        return Err(usage("a plan is for every segment: give --segment (and --segments) to concbench run".into()));
    }
    let path = out.take().ok_or_else(|| usage("concbench plan writes a file: give --out plan.json".into()))?;
    if path.is_dir() {
        return Err(usage(format!("--out {}: is a folder; the plan is one file (plan.json)", path.display())));
    }
    Ok(path)
}

/// `concbench plan <experiment> …`: the plan its command would run, validated, and the file's
/// path (refused when it exists, unless `--force`).
pub fn from_plan_args(args: &crate::cli::PlanArgs) -> Result<(Loaded, std::path::PathBuf), Error> {
    use crate::cli::PlanCommand as C;
    let (plan, path, force) = match args.experiment.clone() {
        C::Io(mut a) => {
            let path = plan_path(&mut a.output.out, &a.split)?;
            (Loaded::Io(Box::new(IoPlan::from_args(&a)?)), path, a.output.force)
        }
        C::Task(mut a) => {
            let path = plan_path(&mut a.output.out, &a.split)?;
            (Loaded::Io(Box::new(IoPlan::from_task_args(&a)?)), path, a.output.force)
        }
        C::Scale(a) if !a.rates.is_empty() => {
            return Err(usage(
                "concbench plan: a capacity sweep (scale --rates) cannot be split into segments, so it has no plan file: run `concbench scale --rates …` itself".into(),
            ));
        }
        C::Scale(mut a) => {
            let path = plan_path(&mut a.output.out, &a.split)?;
            (Loaded::Scale(Box::new(ScalePlan::from_args(&a)?)), path, a.output.force)
        }
        C::Cpu(mut a) => {
            let path = plan_path(&mut a.output.out, &a.split)?;
            (Loaded::Cpu(Box::new(CpuPlan::from_args(&a)?)), path, a.output.force)
        }
        C::Suite(mut a) => {
            let path = plan_path(&mut a.out, &a.split)?;
            (Loaded::Suite(Box::new(SuitePlan::for_segments(&a)?)), path, a.force)
        }
    };
    if path.exists() && !force {
        return Err(usage(format!("--out {}: exists; choose another file or pass --force to replace", path.display())));
    }
    Ok((plan, path))
}

/// `concbench run plan.json [--segment …] [--out DIR]`: the plan of the file, made whole here.
pub fn from_run_args(args: &crate::cli::RunPlanArgs) -> Result<Loaded, Error> {
    let file = PlanFile::read(&args.plan)?;
    let segment = super::split::segment(args.segment, args.segments, |k| std::env::var(k).ok())?;
    let output = super::output_plan(&args.output)?;
    file.load(segment, output, args.output.force)
}

/// The first model of `s` that runs a sample, if any.
fn sampled(s: &IoSettings) -> Option<String> {
    s.models.iter().find(|m| s.tasks_per_run(m) < s.requests).map(ToString::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_of_the_content() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c, "the published FNV-1a test vector");
    }
}
