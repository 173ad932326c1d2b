//! A writer (the top of the pipeline, reading the records): JSON, every raw figure, pretty-printed,
//! units in field names, `schema_version` first; then an `analysis` block with every ratio the
//! report states and its interval (derived from the runs, ignored when the file is read back). A
//! ratio whose side failed too often has no `point`: `withheld` says why, and every ratio carries
//! both sides' failures.

use serde::Serialize;

use super::Exporter;
use crate::analysis::figures::{Judged, Side};
use crate::analysis::{capacity, cpu, io, sweep, task};
use crate::record::{CellInterpreter, Experiment, Report};

/// The json writer, as [`super::Format`] knows it.
pub const WRITER: super::Writer = super::Writer { file_name: "results.json", charts: false, build: |_| Box::new(Json) };

pub struct Json;

/// A named ratio and how sure it is, or why there is none, with both sides' task counts.
#[derive(Serialize)]
struct NamedRatio<'a> {
    name: String,
    point: Option<f64>,
    ci95: Option<(f64, f64)>,
    n: Option<usize>,
    significant: Option<bool>,
    /// Why no ratio is stated (a side failed too often); absent when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    withheld: Option<String>,
    /// The side on top of the ratio, then the one below: spec, tasks, failed tasks.
    sides: [SideCount<'a>; 2],
}

#[derive(Serialize)]
struct SideCount<'a> {
    model: String,
    /// The interpreter a py model ran in.
    #[serde(skip_serializing_if = "Option::is_none")]
    interpreter: Option<&'a CellInterpreter>,
    tasks: u64,
    failed: u64,
}

#[derive(Serialize)]
struct ExperimentAnalysis<'a> {
    experiment: &'static str,
    ratios: Vec<NamedRatio<'a>>,
    /// A capacity sweep's verdict per model.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    capacity: Vec<Capacity>,
}

/// One model of a capacity sweep: where it first failed and what it achieved there (its
/// capacity), or that it held every rate; what Little's law allows it.
#[derive(Serialize)]
struct Capacity {
    model: String,
    /// The first offered rate it failed at (`null`: it held every rate).
    saturated_at_per_s: Option<f64>,
    /// What it achieved there.
    capacity_per_s: Option<f64>,
    /// `latency` (p99 above the objective) or `throughput` (below 95 % of the rate).
    reason: Option<&'static str>,
    slo_us: Option<u64>,
    little_per_s: Option<f64>,
    /// Rates at which the generator was later than its bound.
    tool_bound_at_per_s: Vec<f64>,
}

fn capacities(x: &crate::record::RatesExperiment) -> Vec<Capacity> {
    capacity::analyse(x)
        .iter()
        .map(|m| {
            let failing = m.points.iter().find(|p| p.fails.is_some());
            Capacity {
                model: m.model.to_string(),
                saturated_at_per_s: m.saturates.map(|(rate, _)| rate),
                capacity_per_s: m.saturates.and_then(|(_, achieved)| achieved),
                reason: failing.and_then(|p| p.fails).map(|f| match f {
                    capacity::Failure::Latency { .. } => "latency",
                    capacity::Failure::Throughput { .. } => "throughput",
                }),
                slo_us: m.slo.map(|(d, _)| d.as_micros() as u64),
                little_per_s: m.little_per_s,
                tool_bound_at_per_s: m.tool_bound.clone(),
            }
        })
        .collect()
}

#[derive(Serialize)]
struct WithAnalysis<'a> {
    #[serde(flatten)]
    report: &'a Report,
    analysis: Vec<ExperimentAnalysis<'a>>,
}

fn named<'a>(name: impl Into<String>, j: Judged<'a>) -> NamedRatio<'a> {
    let side = |s: &Side<'a>| SideCount {
        model: s.model.to_string(),
        interpreter: s.interpreter,
        tasks: s.tasks,
        failed: s.failed(),
    };
    let withheld = j.withheld_by().map(|s| {
        format!(
            "{} completed {} of {} tasks; at least {:.0}% must succeed for a time to be compared",
            crate::record::label(&s.model, s.interpreter),
            s.ok,
            s.tasks,
            j.min_success * 100.0
        )
    });
    NamedRatio {
        name: name.into(),
        point: j.ratio.map(|r| r.point),
        ci95: j.ratio.and_then(|r| r.ci95),
        n: j.ratio.map(|r| r.n),
        significant: j.ratio.and_then(|r| r.significant()),
        withheld,
        sides: [side(&j.sides[0]), side(&j.sides[1])],
    }
}

fn ratios(e: &Experiment, cores: usize) -> ExperimentAnalysis<'_> {
    let mut ratios = Vec::new();
    let mut capacity = Vec::new();
    let experiment = match e {
        Experiment::Rates(x) => {
            capacity = capacities(x);
            "rates"
        }
        // An open model's times are its schedule's: no speed-up to state.
        Experiment::Io(x) if x.settings.open.is_some() => "io",
        Experiment::Io(x) if x.settings.task.is_some() => {
            for r in task::analyse(x, cores).rows {
                if let Some(s) = r.speedup.filter(|_| r.baseline.is_some_and(|b| !std::ptr::eq(b, r.figures.cell))) {
                    ratios.push(named(format!("speedup_vs_py_sequential.{}", r.figures.cell.label()), s));
                }
            }
            "io"
        }
        Experiment::Io(x) => {
            for stack in io::stacks(x) {
                let (prefix, suffix) = match stack.interpreter() {
                    Some(i) => ("py_", format!(" [{}]", i.label())),
                    None => ("", String::new()),
                };
                if let Some(s1) = io::sync_vs_async_in(x, stack) {
                    ratios.push(named(format!("{prefix}async_speedup_vs_sequential{suffix}"), s1.async_speedup));
                }
                if let Some(s2) = io::threads_vs_async_in(x, stack) {
                    ratios.push(named(format!("{prefix}async_speedup_vs_threads{suffix}"), s2.async_speedup));
                    if let Some(m) = s2.threads_memory_advantage {
                        ratios.push(named(format!("{prefix}heap_peak_async_over_threads{suffix}"), m));
                    }
                }
            }
            for v in [1, 2].into_iter().flat_map(|section| io::python_vs_rust(x, section)) {
                let name = format!("time_of.{}_over.{}", v.python.cell.label(), v.rust.cell.label());
                ratios.push(named(name, v.ratio));
            }
            "io"
        }
        Experiment::Scale(x) => {
            for p in sweep::analyse(x, cores).points {
                if let Some(v) = p.vs_baseline {
                    ratios.push(named(format!("time_vs_baseline.{}", p.figures.cell.label()), v));
                }
            }
            "scale"
        }
        Experiment::Cpu(x) => {
            let a = cpu::analyse(x, cores);
            for r in &a.rows {
                if let Some(s) = r.speedup {
                    ratios.push(named(format!("speedup_vs_sequential.{}", r.figures.cell.label()), s));
                }
            }
            for h in a.head_to_head() {
                let (fast, slow) = (h.fast.kind.name(), h.slow.kind.name());
                let name = match h.fast.interpreter() {
                    Some(i) => format!("{fast}_speedup_vs_{slow} [{}]", i.label()),
                    None => format!("{fast}_speedup_vs_{slow}"),
                };
                ratios.push(named(name, h.ratio));
            }
            for v in a.runtimes() {
                let name = format!("time_of.{}_over.{}", v.a.figures.cell.label(), v.b.figures.cell.label());
                ratios.push(named(name, v.ratio));
            }
            "cpu"
        }
    };
    ExperimentAnalysis { experiment, ratios, capacity }
}

impl Exporter for Json {
    fn render(&self, report: &Report) -> anyhow::Result<Vec<u8>> {
        let cores = report.environment.cores_granted;
        let analysis = report.experiments.iter().map(|e| ratios(e, cores)).collect();
        let mut bytes = serde_json::to_vec_pretty(&WithAnalysis { report, analysis })?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}
