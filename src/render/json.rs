//! A writer (the top of the pipeline, reading the records): JSON, every raw figure, pretty-printed,
//! units in field names, `schema_version` first; then an `analysis` block with every ratio the
//! report states and its interval (derived from the runs, ignored when the file is read back).

use serde::Serialize;

use super::Exporter;
use crate::analysis::stats::RatioStat;
use crate::analysis::{cpu, io, sweep};
use crate::record::{Experiment, Report};

/// The json writer, as [`super::Format`] knows it.
pub const WRITER: super::Writer = super::Writer { file_name: "results.json", charts: false, build: |_| Box::new(Json) };

pub struct Json;

/// A named ratio and how sure it is.
#[derive(Serialize)]
struct NamedRatio {
    name: String,
    #[serde(flatten)]
    ratio: RatioStat,
    significant: Option<bool>,
}

#[derive(Serialize)]
struct ExperimentAnalysis {
    experiment: &'static str,
    ratios: Vec<NamedRatio>,
}

#[derive(Serialize)]
struct WithAnalysis<'a> {
    #[serde(flatten)]
    report: &'a Report,
    analysis: Vec<ExperimentAnalysis>,
}

fn named(name: impl Into<String>, ratio: RatioStat) -> NamedRatio {
    NamedRatio { name: name.into(), significant: ratio.significant(), ratio }
}

fn ratios(e: &Experiment, cores: usize) -> ExperimentAnalysis {
    let mut ratios = Vec::new();
    let experiment = match e {
        Experiment::Io(x) => {
            if let Some(s1) = io::sync_vs_async(x) {
                ratios.push(named("async_speedup_vs_sequential", s1.async_speedup));
            }
            if let Some(s2) = io::threads_vs_async(x) {
                ratios.push(named("async_speedup_vs_threads", s2.async_speedup));
                if let Some(m) = s2.threads_memory_advantage {
                    ratios.push(named("heap_peak_async_over_threads", m));
                }
            }
            "io"
        }
        Experiment::Scale(x) => {
            for p in sweep::analyse(x, cores).points {
                if let Some(v) = p.vs_baseline {
                    ratios.push(named(format!("time_vs_baseline.{}", p.figures.cell.model), v));
                }
            }
            "scale"
        }
        Experiment::Cpu(x) => {
            let a = cpu::analyse(x, cores);
            for r in &a.rows {
                if let Some(s) = r.speedup {
                    ratios.push(named(format!("speedup_vs_sequential.{}", r.figures.cell.model), s));
                }
            }
            for h in a.head_to_head() {
                let (fast, slow) = (h.fast.kind.name(), h.slow.kind.name());
                ratios.push(named(format!("{fast}_speedup_vs_{slow}"), h.ratio));
            }
            "cpu"
        }
    };
    ExperimentAnalysis { experiment, ratios }
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
