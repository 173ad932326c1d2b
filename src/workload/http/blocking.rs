//! The blocking transport of the HTTP client ([`super::Client`]): std `TcpStream`, rustls
//! `StreamOwned` for https. Every operation blocks the calling thread until done, bounded by the
//! request's deadline through the socket's own timeouts, so the request flow, an async function,
//! runs to its end in one poll ([`super::run_blocking`]) and starts no thread.
//!
//! Its buffers are the sizes ureq had here (16 KiB in, 8 KiB out), so thread-pool memory figures
//! stay comparable with earlier reports; the report records them.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::fd::{AsFd, BorrowedFd};
use std::time::{Duration, Instant};

use super::{Failure, Tls, Transport};

/// Receive buffer per connection (it grows for a larger head).
pub const INPUT_BUFFER_BYTES: usize = 16 * 1024;
/// Send buffer per connection.
pub const OUTPUT_BUFFER_BYTES: usize = 8 * 1024;

/// A read may end this much past the deadline rather than cost a system call to set the socket's
/// timeout before every read.
const TIMEOUT_SLACK: Duration = Duration::from_millis(5);

/// Blocking sockets.
pub struct Blocking;

/// A plain or TLS connection, with the receive timeout its socket has now.
pub struct BlockingStream {
    io: Io,
    read_timeout: Option<Duration>,
}

enum Io {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
}

impl BlockingStream {
    fn tcp(&self) -> &TcpStream {
        match &self.io {
            Io::Plain(s) => s,
            Io::Tls(s) => &s.sock,
        }
    }

    /// Makes the socket's receive timeout end by `deadline` (within [`TIMEOUT_SLACK`]).
    fn read_by(&mut self, deadline: Instant) -> io::Result<()> {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        if self.read_timeout.is_none_or(|set| set > left + TIMEOUT_SLACK) {
            self.tcp().set_read_timeout(Some(left))?;
            self.read_timeout = Some(left);
        }
        Ok(())
    }
}

/// The time left before `deadline`, or the timeout.
fn left(deadline: Instant) -> io::Result<Duration> {
    Some(deadline.saturating_duration_since(Instant::now()))
        .filter(|d| !d.is_zero())
        .ok_or_else(|| io::ErrorKind::TimedOut.into())
}

impl Transport for Blocking {
    type Stream = BlockingStream;
    const BUFFERS: (usize, usize) = (INPUT_BUFFER_BYTES, OUTPUT_BUFFER_BYTES);

    async fn connect(&self, addr: SocketAddr, tls: Option<&Tls>, deadline: Instant) -> Result<BlockingStream, Failure> {
        let tcp = left(deadline).and_then(|d| TcpStream::connect_timeout(&addr, d)).map_err(Failure::Connect)?;
        let _ = tcp.set_nodelay(true);
        // A write never waits long (a request head fits the socket's buffer); bound it anyway.
        left(deadline).and_then(|d| tcp.set_write_timeout(Some(d))).map_err(Failure::Connect)?;
        let io = match tls {
            None => Io::Plain(tcp),
            Some(tls) => Io::Tls(Box::new(handshake(tcp, tls, deadline).map_err(Failure::Tls)?)),
        };
        Ok(BlockingStream { io, read_timeout: None })
    }
}

/// The TLS handshake on `tcp`, by `deadline`.
fn handshake(
    mut tcp: TcpStream,
    tls: &Tls,
    deadline: Instant,
) -> io::Result<rustls::StreamOwned<rustls::ClientConnection, TcpStream>> {
    let mut conn = rustls::ClientConnection::new(tls.config.clone(), tls.name.clone()).map_err(io::Error::other)?;
    while conn.is_handshaking() {
        tcp.set_read_timeout(Some(left(deadline)?))?;
        conn.complete_io(&mut tcp)?;
    }
    Ok(rustls::StreamOwned::new(conn, tcp))
}

impl super::Stream for BlockingStream {
    async fn write_all(&mut self, bytes: &[u8], _deadline: Instant) -> io::Result<()> {
        match &mut self.io {
            Io::Plain(s) => s.write_all(bytes),
            Io::Tls(s) => s.write_all(bytes).and_then(|_| s.flush()),
        }
    }

    async fn read(&mut self, buf: &mut [u8], deadline: Instant) -> io::Result<usize> {
        self.read_by(deadline)?;
        match &mut self.io {
            Io::Plain(s) => s.read(buf),
            Io::Tls(s) => s.read(buf),
        }
    }

    fn socket(&self) -> BorrowedFd<'_> {
        self.tcp().as_fd()
    }

    fn tls(&mut self) -> Option<&mut rustls::ClientConnection> {
        match &mut self.io {
            Io::Plain(_) => None,
            Io::Tls(s) => Some(&mut s.conn),
        }
    }
}
