//! The errors a caller branches on, at the bottom of every layer: each ends the program with exit
//! code 2, before anything ran.

/// Errors a caller branches on: each ends the program with exit code 2, before anything ran.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input is malformed or out of range.
    #[error("{0}")]
    Usage(String),
    /// The target could not be started or did not answer the preflight request.
    #[error("{0}")]
    Preflight(String),
}

/// Exit code for bad input or a failed preflight.
pub const EXIT_USAGE: u8 = 2;
