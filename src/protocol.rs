//! The one protocol between concbench and its child processes: one JSON object per line. The
//! parent configures a child with a first line (a worker gets its workload, the embedded API its
//! configuration), then a worker reads task ids and answers each with a result line, and reports
//! its own usage when its input ends. Shared by the `processes` model, the `worker` command, the
//! embedded API's child process and the next child runtime.

use std::io::{self, BufRead, Write};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::record::{ErrorKind, ServerConfig, TaskError, TaskOutcome, WorkerUsage};
use crate::workload::WorkloadSpec;

/// Writes `msg` as one line and flushes.
pub fn send(out: &mut impl Write, msg: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, msg)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Reads one message into `line` (a buffer kept by the caller); `Ok(None)` at the end of input.
pub fn receive<T: DeserializeOwned>(input: &mut impl BufRead, line: &mut String) -> io::Result<Option<T>> {
    line.clear();
    if input.read_line(line)? == 0 {
        return Ok(None);
    }
    serde_json::from_str(line)
        .map(Some)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{e} in {:?}", line.trim_end())))
}

/// The line the parent sends its embedded API (`serve --config-stdin`): how to behave, and the
/// secret its `POST /stats/reset` needs (on stdin, never in argv, where any local user could read
/// it; and never in the report, which records only `config`).
#[derive(Debug, Serialize, Deserialize)]
pub struct ServerInit {
    pub config: ServerConfig,
    pub admin_token: String,
}

/// The first line the parent sends a worker.
#[derive(Debug, Serialize, Deserialize)]
pub struct WorkerInit {
    pub spec: WorkloadSpec,
}

/// What a worker says, one JSON object per line.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FromWorker {
    Ready { pid: u32 },
    Result(TaskReport),
    Done(WorkerUsage),
}

/// A task's result as a worker reports it: everything the parent's recorder counts, so a task run
/// in a worker is counted exactly as one run in the parent (value or error, and the tries it took).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskReport {
    pub task: usize,
    pub value: Option<u64>,
    /// The error's kind (as [`ErrorKind`] displays it) and message.
    pub error: Option<(String, String)>,
    /// Tries the task took (1: first try).
    #[serde(default = "one")]
    pub attempts: u32,
    /// The server's Retry-After on the last failed try, in nanoseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ns: Option<u64>,
}

fn one() -> u32 {
    1
}

impl TaskReport {
    pub fn new(task: usize, result: &Result<TaskOutcome, TaskError>) -> Self {
        match result {
            Ok(o) => TaskReport { task, value: Some(o.value), error: None, attempts: o.attempts, retry_after_ns: None },
            Err(e) => TaskReport {
                task,
                value: None,
                error: Some((e.kind.to_string(), e.message.clone())),
                attempts: e.attempts,
                retry_after_ns: e.retry_after.map(|d| d.as_nanos().min(u128::from(u64::MAX)) as u64),
            },
        }
    }

    /// The result as the worker had it.
    pub fn into_result(self) -> Result<TaskOutcome, TaskError> {
        let attempts = self.attempts.max(1);
        match (self.value, self.error) {
            (Some(value), _) => Ok(TaskOutcome { value, attempts }),
            (None, Some((kind, message))) => Err(TaskError {
                kind: kind.parse().unwrap_or(ErrorKind::Other),
                message,
                attempts,
                retry_after: self.retry_after_ns.map(Duration::from_nanos),
            }),
            (None, None) => {
                Err(TaskError { attempts, ..TaskError::new(ErrorKind::Other, "the worker returned nothing") })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufReader;

    /// A result crosses the pipe whole: value or error, tries and Retry-After.
    #[test]
    fn results_cross_the_worker_protocol_whole() {
        let results = [
            Ok(TaskOutcome { value: 7, attempts: 3 }),
            Err(TaskError {
                attempts: 4,
                retry_after: Some(Duration::from_secs(2)),
                ..TaskError::new(ErrorKind::Status(503), "HTTP status 503")
            }),
            Err(TaskError { attempts: 2, ..TaskError::new(ErrorKind::Timeout, "no answer") }),
        ];
        for result in results {
            let line = serde_json::to_string(&FromWorker::Result(TaskReport::new(5, &result))).unwrap();
            let FromWorker::Result(report) = serde_json::from_str(&line).unwrap() else { panic!("{line}") };
            assert_eq!(report.task, 5);
            assert_eq!(report.into_result(), result, "{line}");
        }
        // A line without the newer fields (an older worker) reads as one try.
        let old = r#"{"result":{"task":1,"value":9,"error":null}}"#;
        let FromWorker::Result(report) = serde_json::from_str(old).unwrap() else { panic!() };
        assert_eq!(report.into_result(), Ok(TaskOutcome::new(9)));
    }

    #[test]
    fn lines_frame_messages_and_end_cleanly() {
        let mut wire = Vec::new();
        send(&mut wire, &FromWorker::Ready { pid: 7 }).unwrap();
        send(&mut wire, &FromWorker::Done(WorkerUsage::default())).unwrap();
        let mut input = BufReader::new(&wire[..]);
        let mut line = String::new();
        assert!(matches!(receive(&mut input, &mut line).unwrap(), Some(FromWorker::Ready { pid: 7 })));
        assert!(matches!(receive(&mut input, &mut line).unwrap(), Some(FromWorker::Done(_))));
        assert!(receive::<FromWorker>(&mut input, &mut line).unwrap().is_none());
        let garbage = receive::<FromWorker>(&mut BufReader::new(&b"{oops\n"[..]), &mut line).unwrap_err();
        assert_eq!(garbage.kind(), io::ErrorKind::InvalidData);
    }
}
