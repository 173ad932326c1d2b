//! JSON: every raw figure, pretty-printed, units in field names, `schema_version` first.

use super::{Exporter, Report};

pub struct Json;

impl Exporter for Json {
    fn render(&self, report: &Report) -> anyhow::Result<Vec<u8>> {
        let mut bytes = serde_json::to_vec_pretty(report)?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}
