//! The tokio transport of the HTTP client ([`super::Client`]): tokio `TcpStream`, tokio-rustls
//! for https. Operations wait on the event loop; the whole request runs under one timer (the
//! I/O workload's, `--timeout`), so reads and writes set none of their own; connecting has its
//! own (`--connect-timeout`).
//!
//! What a connection costs here: its receive buffer (2 KiB, grown only for a larger head), a send
//! buffer the size of one request head, and its socket; hyper's client connection alone cost
//! about 17 KiB (an 8 KiB write buffer, a request channel, a spawned task).

use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, BorrowedFd};
use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{Failure, Tls, Transport};

/// Receive buffer per connection: it holds a response head (a larger one makes it grow) and
/// carries bodies through in pieces of this size.
pub const READ_BUFFER_BYTES: usize = 2048;

/// Sockets on the tokio runtime the caller runs on.
pub struct Nonblocking;

/// A plain or TLS connection.
pub enum AsyncStream {
    Plain(TcpStream),
    // Boxed: the TLS state is large and only https needs it.
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

impl Transport for Nonblocking {
    type Stream = AsyncStream;
    const BUFFERS: (usize, usize) = (READ_BUFFER_BYTES, 0);

    async fn connect(&self, addr: SocketAddr, tls: Option<&Tls>, deadline: Instant) -> Result<AsyncStream, Failure> {
        let by = tokio::time::Instant::from_std(deadline);
        let late = |_| io::Error::from(io::ErrorKind::TimedOut);
        let tcp = tokio::time::timeout_at(by, TcpStream::connect(addr)).await.map_err(late).and_then(|r| r);
        let tcp = tcp.map_err(Failure::Connect)?;
        let _ = tcp.set_nodelay(true);
        let Some(tls) = tls else { return Ok(AsyncStream::Plain(tcp)) };
        let connector = tokio_rustls::TlsConnector::from(tls.config.clone());
        let secured = tokio::time::timeout_at(by, Box::pin(connector.connect(tls.name.clone(), tcp)));
        let secured = secured.await.map_err(late).and_then(|r| r).map_err(Failure::Tls)?;
        Ok(AsyncStream::Tls(Box::new(secured)))
    }
}

impl super::Stream for AsyncStream {
    async fn write_all(&mut self, bytes: &[u8], _deadline: Instant) -> io::Result<()> {
        match self {
            AsyncStream::Plain(s) => s.write_all(bytes).await,
            AsyncStream::Tls(s) => {
                s.write_all(bytes).await?;
                s.flush().await
            }
        }
    }

    async fn read(&mut self, buf: &mut [u8], _deadline: Instant) -> io::Result<usize> {
        match self {
            AsyncStream::Plain(s) => s.read(buf).await,
            AsyncStream::Tls(s) => s.read(buf).await,
        }
    }

    fn socket(&self) -> BorrowedFd<'_> {
        match self {
            AsyncStream::Plain(s) => s.as_fd(),
            AsyncStream::Tls(s) => s.get_ref().0.as_fd(),
        }
    }

    fn tls(&mut self) -> Option<&mut rustls::ClientConnection> {
        match self {
            AsyncStream::Plain(_) => None,
            AsyncStream::Tls(s) => Some(s.get_mut().1),
        }
    }
}
