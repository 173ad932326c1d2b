//! What the user sees while a run goes: one progress bar per experiment on stderr (indicatif),
//! hidden when stderr is not a terminal or with `--quiet`; and the report folder, saved after
//! every run so an interruption loses nothing.
//!
//! The bar has no timer thread: it redraws when a run starts or ends, never during one, so none of
//! its CPU time or allocations fall inside a measured run (the meters count the whole process).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::output::ReportDir;
use crate::record::{ModelSpec, Report};
use crate::runner::Observer;

/// Progress bars and incremental saves.
pub struct Progress {
    show: bool,
    bar: Option<ProgressBar>,
    pub dir: Option<ReportDir>,
}

impl Progress {
    pub fn new(show: bool, dir: Option<ReportDir>) -> Self {
        Progress { show, bar: None, dir }
    }

    /// Clears the bar (before the final output).
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Observer for Progress {
    fn phase_started(&mut self, name: &str, steps: usize) {
        self.finish();
        if !self.show {
            return;
        }
        let bar = ProgressBar::with_draw_target(Some(steps as u64), ProgressDrawTarget::stderr());
        let style =
            ProgressStyle::with_template("{prefix:>6} [{bar:30}] {pos}/{len} runs · {msg} · {elapsed} (ETA {eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(name.to_string());
        self.bar = Some(bar);
    }

    fn cell_started(&mut self, _step: usize, _of: usize, model: &ModelSpec, tasks: usize) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{model}: {tasks} tasks"));
        }
    }

    fn cell_finished(&mut self, report: &Report) -> anyhow::Result<()> {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
        if let Some(dir) = &self.dir {
            dir.save(report)?;
            // Only now does the folder hold something to point to after an interruption.
            crate::interrupt::set_results_location(dir.path().display().to_string());
        }
        Ok(())
    }
}
