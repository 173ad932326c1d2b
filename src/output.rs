//! Writing results: every file atomically (a temporary file in the same folder, then a rename),
//! so a crash or Ctrl-C never leaves a half-written report; and stdout that tolerates a closed pipe.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::record::Report;
use crate::render::{Format, charts, folder_exporter};
use crate::text::{Lang, Text};

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The report folder of a run: written after every cell, so what was measured is never lost.
pub struct ReportDir {
    dir: PathBuf,
    lang: Lang,
    formats: Vec<Format>,
}

impl ReportDir {
    pub fn new(dir: PathBuf, lang: Lang, formats: Vec<Format>) -> Self {
        ReportDir { dir, lang, formats }
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// (Re)writes every file from `report`, and the charts as `.svg` files when a format shows
    /// them.
    pub fn save(&self, report: &Report) -> anyhow::Result<Vec<PathBuf>> {
        std::fs::create_dir_all(&self.dir).with_context(|| format!("creating {}", self.dir.display()))?;
        let mut written = Vec::new();
        let mut write = |name: &str, bytes: &[u8]| -> anyhow::Result<()> {
            let path = self.dir.join(name);
            write_atomic(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
            written.push(path);
            Ok(())
        };
        for &format in &self.formats {
            write(format.file_name(), &folder_exporter(format, self.lang).render(report)?)?;
        }
        if self.formats.iter().any(|f| f.has_charts()) {
            for chart in charts::all(report, &Text::new(self.lang))? {
                write(&chart.file_name(), chart.svg.as_bytes())?;
            }
        }
        Ok(written)
    }
}

/// Writes to stdout; a closed pipe (`concbench ... | head`) is not an error.
pub fn print(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing to stdout"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_writes_replace_whole_files_and_leave_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("r.json")]);
    }
}
