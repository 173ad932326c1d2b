//! A segment of a split run as the records keep it (see `crate::segment`): which part it was,
//! where and when it ran, the plan it shares with the other parts, and each run's raw latency
//! histograms (HDR, V2 serialisation, base64) so that merged percentiles are exact. A merged
//! report keeps every segment's figures beside the sums.

use base64::Engine as _;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::{Deserializer, Serializer, V2Serializer};
use serde::{Deserialize, Serialize};

/// The segments of a split run, as a report holds them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segments {
    /// Whether this report is their merge (`concbench merge`) rather than one segment's own.
    pub merged: bool,
    /// This segment alone, or every segment in order once merged.
    pub parts: Vec<SegmentInfo>,
    /// The counters of the one API every segment sent to (`concbench serve`, given to merge
    /// with `--server`), read after the run: reconciled with the merged tries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_server: Option<super::StatsSnapshot>,
}

/// One segment of a split run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentInfo {
    /// Part `index` of `count`, counted from 0.
    pub index: usize,
    pub count: usize,
    /// How it was chosen: `--segment 1/4`, or the launcher whose variables named it.
    pub source: String,
    pub host: String,
    pub pid: u32,
    /// The content hash of the plan every segment of the run shares.
    pub plan_hash: String,
    /// The aligned start (`--start-at`), in nanoseconds since the Unix epoch.
    #[serde(default)]
    pub start_at_unix_ns: Option<u64>,
    /// When its first measured run opened its window, on its own clock.
    #[serde(default)]
    pub first_start_unix_ns: Option<u64>,
    /// When its last run ended.
    #[serde(default)]
    pub last_end_unix_ns: Option<u64>,
    /// Tries its runs' records do not hold: its preflight request, and its warm-up runs' tries.
    #[serde(default)]
    pub unrecorded_tries: u64,
}

impl SegmentInfo {
    /// Its start after the aligned start: its clock's offset estimate (`None` without one).
    pub fn start_lateness_ns(&self) -> Option<i64> {
        Some(self.first_start_unix_ns? as i64 - self.start_at_unix_ns? as i64)
    }
}

/// A run's raw figures for merging: when it started on the wall clock, its histograms, and (once
/// merged) each segment's part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawRun {
    /// When its measured window opened, in nanoseconds since the Unix epoch (its own clock).
    pub started_unix_ns: u64,
    pub histograms: RawHistograms,
    /// In a merged report: each segment's part of this run, in segment order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<SegmentPart>,
}

/// The latency histograms of one run, each HDR V2-serialised and base64-encoded; `None` when
/// empty. Microseconds, as the recorder keeps them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RawHistograms {
    pub ok: Option<String>,
    pub failed: Option<String>,
    /// An open model's done − due of the successes.
    #[serde(default)]
    pub corrected: Option<String>,
    /// An open model's sent − dispatched.
    #[serde(default)]
    pub queue: Option<String>,
    /// An open model's dispatched − due.
    #[serde(default)]
    pub lateness: Option<String>,
}

/// One segment's part of a merged run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentPart {
    pub segment: usize,
    pub started_unix_ns: u64,
    pub wall_ns: u64,
    pub tasks: usize,
    pub ok: u64,
    pub failed: u64,
    pub cpu_ns: u64,
}

impl SegmentPart {
    /// When it ended, on its clock.
    pub fn end_unix_ns(&self) -> u64 {
        self.started_unix_ns + self.wall_ns
    }
}

/// A histogram as V2 bytes in base64; `None` when it is empty.
pub fn encode(h: &Histogram<u64>) -> Option<String> {
    if h.is_empty() {
        return None;
    }
    let mut bytes = Vec::new();
    V2Serializer::new().serialize(h, &mut bytes).expect("serialising into memory does not fail");
    Some(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// The histogram of [`encode`]'s text.
pub fn decode(text: &str) -> Result<Histogram<u64>, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| format!("a histogram is not base64: {e}"))?;
    Deserializer::new().deserialize(&mut &bytes[..]).map_err(|e| format!("a histogram is not HDR V2: {e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_survive_their_text() {
        let mut h = crate::record::server::micros_histogram();
        for v in [1u64, 90, 100_000, 100_123, 2_000_000] {
            h.record(v).unwrap();
        }
        let back = decode(&encode(&h).unwrap()).unwrap();
        assert_eq!(back, h);
        assert_eq!(back.value_at_quantile(0.5), h.value_at_quantile(0.5));
        assert!(encode(&Histogram::<u64>::new(3).unwrap()).is_none());
        assert!(decode("not base64!").is_err() && decode("AAAA").is_err());
    }
}
