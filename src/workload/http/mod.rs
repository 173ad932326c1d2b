//! concbench's HTTP/1.1 client, under the I/O workload: one implementation of the protocol and of
//! the connection policy, driven by two transports: blocking sockets ([`blocking`]: std
//! `TcpStream`, rustls `StreamOwned`; for `sequential`, `threads`, `gil-threads`, `processes`,
//! `rayon`) and tokio ([`nonblocking`]: for `async`, `async-mt`).
//!
//! Why one implementation of our own rather than two clients, or `ureq-proto` under both: a
//! benchmark must not measure the differences between its clients. Two clients disagreed on
//! valid answers (head sizes, header counts, duplicate lengths, TLS closes), on how a failure is
//! classified and on when a request is sent again. `ureq-proto` (the sans-IO core of ureq 3) was
//! the other candidate; it was not chosen because it builds an `http::Request` and two
//! `HeaderMap`s per request (allocations a thread pool's and an event loop's heap figures would
//! count), accepts a repeated equal Content-Length and takes `Transfer-Encoding: chunked, gzip`
//! as chunked, and leaves the connection policy (reuse, resend, unread bytes) to its caller
//! anyway. Here the protocol is sans-IO ([`proto`]: the request head, head parsing with
//! `httparse`, framing, chunked decoding, the [`proto::Exchange`] state machine) and the request
//! flow ([`Client::exchange`]: pool, idle check, send, read, resend) is written once, as an async
//! function generic over the [`Transport`]. The blocking transport's futures never wait (every
//! operation blocks until done), so [`run_blocking`] polls that function once to its end,
//! on the calling thread: no runtime, no thread.
//!
//! The policy both clients follow:
//! - the target is resolved once, when the client is built (outside the measured window);
//! - a connection goes back to the pool only after an answer read whole, framed by length or
//!   chunks, with no byte left over; taking it out again checks that nothing arrived on it since
//!   (no late answer, no close): a connection with unread bytes is never reused;
//! - a request is sent again only when the idle connection it reused turned out closed before any
//!   byte of an answer, once, on a fresh connection, within the same `--timeout`, and never when
//!   it carries a body (`--body`: the server may have acted on it);
//! - `--timeout` bounds the whole request (connecting, sending, the head and the whole body),
//!   `--connect-timeout` the TCP connect and TLS handshake;
//! - failures are classified by [`failure::classify`] alone.

pub mod blocking;
pub mod failure;
pub mod nonblocking;
pub mod proto;

use std::future::Future;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::os::fd::{AsRawFd, BorrowedFd};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::workload::url::{Origin, UrlTemplate};
pub use failure::{Failure, Phase, classify};
use proto::{Answer, Exchange, RecvBuf, RequestHead, Step};

/// The environment variable naming a PEM file of extra CA certificates to trust beside the
/// platform's (read when a workload is built, so worker processes inherit it).
pub const EXTRA_CA_ENV: &str = "CONCBENCH_EXTRA_CA_FILE";

/// Where requests go, resolved and ready: the origin, its addresses, and TLS for https.
pub struct Endpoint {
    pub origin: Origin,
    /// Looked up once, in the order the resolver gave.
    pub addrs: Vec<SocketAddr>,
    pub tls: Option<Tls>,
}

/// A TLS client set-up: rustls with the ring provider and the platform's verifier.
#[derive(Clone)]
pub struct Tls {
    pub config: Arc<rustls::ClientConfig>,
    pub name: rustls::pki_types::ServerName<'static>,
}

impl Endpoint {
    /// Resolves `origin` (an IP literal needs no lookup) and sets up TLS for https.
    pub fn new(origin: Origin) -> anyhow::Result<Self> {
        let addrs: Vec<SocketAddr> = (origin.host.as_str(), origin.port)
            .to_socket_addrs()
            .with_context(|| format!("looking up {}", origin.host))?
            .collect();
        anyhow::ensure!(!addrs.is_empty(), "{} has no address", origin.host);
        let tls = if origin.https { Some(Tls::new(&origin.host)?) } else { None };
        Ok(Endpoint { origin, addrs, tls })
    }
}

impl Tls {
    fn new(host: &str) -> anyhow::Result<Self> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let extra = match std::env::var_os(EXTRA_CA_ENV) {
            Some(path) => {
                use rustls::pki_types::pem::PemObject as _;
                rustls::pki_types::CertificateDer::pem_file_iter(&path)
                    .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                    .with_context(|| format!("reading {EXTRA_CA_ENV}={}", path.to_string_lossy()))?
            }
            None => Vec::new(),
        };
        let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider.clone())?;
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        let name = rustls::pki_types::ServerName::try_from(host.to_string())?;
        Ok(Tls { config: Arc::new(config), name })
    }
}

/// An open connection's byte stream, as the request flow uses it.
pub trait Stream: Send {
    /// Writes all of `bytes`, by `deadline` where the transport enforces it per operation.
    fn write_all(&mut self, bytes: &[u8], deadline: Instant) -> impl Future<Output = io::Result<()>> + Send;
    /// Reads into `buf`; `Ok(0)` at the end of the stream.
    fn read(&mut self, buf: &mut [u8], deadline: Instant) -> impl Future<Output = io::Result<usize>> + Send;
    /// The TCP socket under it.
    fn socket(&self) -> BorrowedFd<'_>;
    /// The TLS session under it, if any.
    fn tls(&mut self) -> Option<&mut rustls::ClientConnection>;
}

/// How connections are opened, and the buffers each one gets.
pub trait Transport: Send + Sync {
    type Stream: Stream;
    /// Bytes of a connection's receive buffer (it grows for large heads) and of its send buffer.
    const BUFFERS: (usize, usize);
    /// Opens a connection to `addr` (TCP, then TLS when `tls` is given) by `deadline`.
    fn connect(
        &self,
        addr: SocketAddr,
        tls: Option<&Tls>,
        deadline: Instant,
    ) -> impl Future<Output = Result<Self::Stream, Failure>> + Send;
}

/// A connection with its buffers.
pub struct Conn<S> {
    stream: S,
    recv: RecvBuf,
    send: Vec<u8>,
}

impl<S: Stream> Conn<S> {
    /// Whether the idle connection can carry a request: nothing arrived on it since its last
    /// answer (no late answer, no close, no TLS record with data).
    fn quiet(&mut self) -> bool {
        if !self.recv.is_empty() {
            return false;
        }
        if let Some(tls) = self.stream.tls()
            && tls.process_new_packets().map_or(true, |state| state.plaintext_bytes_to_read() > 0)
        {
            return false;
        }
        socket_quiet(self.stream.socket())
    }
}

/// Whether nothing (no byte, no end of stream) waits to be read on `socket`: one non-blocking
/// peek, straight on the socket (an event loop's readiness may not know yet).
fn socket_quiet(socket: BorrowedFd<'_>) -> bool {
    let mut byte = 0u8;
    // SAFETY: `socket` is an open descriptor for the duration of the call; the buffer is one byte
    // we own, and MSG_PEEK leaves the data in the socket.
    let n = unsafe { libc::recv(socket.as_raw_fd(), (&raw mut byte).cast(), 1, libc::MSG_PEEK | libc::MSG_DONTWAIT) };
    n < 0 && io::Error::last_os_error().kind() == io::ErrorKind::WouldBlock
}

/// Idle connections, at most `cap` (0: keep-alive off).
struct Pool<C> {
    idle: Mutex<Vec<C>>,
    cap: usize,
}

impl<C> Pool<C> {
    fn take(&self) -> Option<C> {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner).pop()
    }

    fn put(&self, conn: C) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < self.cap {
            idle.push(conn);
        }
    }
}

/// How a client behaves.
#[derive(Debug, Clone)]
pub struct Settings {
    pub keep_alive: bool,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Idle connections kept (the model's concurrency).
    pub max_idle: usize,
}

/// One try of one request.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// Whose origin is the client's.
    pub url: &'a UrlTemplate,
    pub task: usize,
    /// Sent in the attempt header; none for the preflight (it is no task's try).
    pub attempt: Option<u32>,
    /// Keep the answer's Location header.
    pub location: bool,
    /// When the whole request must be done.
    pub deadline: Instant,
}

/// A client of one endpoint over transport `T`: its pool dies with it.
pub struct Client<T: Transport> {
    transport: T,
    endpoint: Arc<Endpoint>,
    head: RequestHead,
    settings: Settings,
    pool: Pool<Conn<T::Stream>>,
}

impl<T: Transport> Client<T> {
    pub fn new(transport: T, endpoint: Arc<Endpoint>, head: RequestHead, settings: Settings) -> Self {
        let cap = if settings.keep_alive { settings.max_idle.max(1) } else { 0 };
        Client { transport, endpoint, head, settings, pool: Pool { idle: Mutex::new(Vec::new()), cap } }
    }

    /// Opens a connection within the connect timeout (and `deadline`), trying each address.
    async fn connect(&self, deadline: Instant) -> Result<Conn<T::Stream>, Failure> {
        let (start, s) = (Instant::now(), &self.settings);
        let (by, limit) = match start + s.connect_timeout {
            by if by <= deadline => (by, s.connect_timeout),
            _ => (deadline, s.timeout),
        };
        let mut last = None;
        for &addr in &self.endpoint.addrs {
            match self.transport.connect(addr, self.endpoint.tls.as_ref(), by).await {
                Ok(stream) => {
                    let (recv, send) = T::BUFFERS;
                    return Ok(Conn { stream, recv: RecvBuf::new(recv), send: Vec::with_capacity(send) });
                }
                Err(Failure::Connect(e) | Failure::Tls(e)) if failure::timed_out(&e) || Instant::now() >= by => {
                    return Err(Failure::Timeout { phase: Phase::Connect, limit });
                }
                Err(f) => last = Some(f),
            }
        }
        Err(last.expect("an endpoint has an address"))
    }

    /// An idle connection nothing arrived on since its last answer (others are closed).
    fn take_quiet(&self) -> Option<Conn<T::Stream>> {
        std::iter::from_fn(|| self.pool.take()).find_map(|mut conn| conn.quiet().then_some(conn))
    }

    /// Sends `request` on `conn` and reads its whole answer.
    async fn send(&self, conn: &mut Conn<T::Stream>, request: &Request<'_>) -> Result<Answer, Failure> {
        let (limit, deadline) = (self.settings.timeout, request.deadline);
        conn.send.clear();
        conn.send.reserve(self.head.max_len(request.url));
        self.head.write(request.url, request.task, request.attempt, &mut conn.send);
        let late = || Instant::now() >= deadline;
        conn.stream.write_all(&conn.send, deadline).await.map_err(|e| Failure::io(Phase::Sending, e, late(), limit))?;
        if let Some(body) = self.head.body_after(request.attempt) {
            conn.stream.write_all(body, deadline).await.map_err(|e| Failure::io(Phase::Sending, e, late(), limit))?;
        }
        let mut exchange = Exchange::new(request.location);
        loop {
            if let Step::Done(answer) = exchange.advance(&mut conn.recv)? {
                return Ok(answer);
            }
            let Some(spare) = conn.recv.spare(exchange.wants_whole()) else {
                return Err(Failure::Protocol(format!("response head over {} KiB", proto::MAX_HEAD_BYTES >> 10)));
            };
            match conn.stream.read(spare, deadline).await {
                Ok(0) => return exchange.end_of_stream(),
                Ok(n) => conn.recv.filled(n),
                Err(e) => return Err(Failure::io(exchange.phase(), e, late(), limit)),
            }
        }
    }

    /// One try of `request`: on an idle connection when one is quiet, else on a new one. A
    /// reused connection found closed before any answer is replaced once, unless the request
    /// carries a body: the server may have acted on it, so it is never sent twice.
    pub async fn exchange(&self, request: &Request<'_>) -> Result<Answer, Failure> {
        if let Some(mut conn) = self.take_quiet() {
            match self.send(&mut conn, request).await {
                Err(f) if f.stale() && !self.head.has_body() => {}
                r => return self.keep_if_reusable(conn, r),
            }
        }
        let mut conn = self.connect(request.deadline).await?;
        let r = self.send(&mut conn, request).await;
        self.keep_if_reusable(conn, r)
    }

    /// Keeps `conn` for the next request when its answer allows.
    fn keep_if_reusable(&self, conn: Conn<T::Stream>, r: Result<Answer, Failure>) -> Result<Answer, Failure> {
        if r.as_ref().is_ok_and(|a| a.reusable) {
            self.pool.put(conn);
        }
        r
    }

    /// Opens a connection by `deadline` and closes it (a check that the target takes them).
    pub async fn probe(&self, deadline: Instant) -> Result<(), Failure> {
        self.connect(deadline).await.map(drop)
    }

    /// Opens `n` connections and keeps them idle (`--prewarm`).
    pub async fn prewarm(&self, n: usize) -> Result<(), Failure> {
        let deadline = Instant::now() + self.settings.connect_timeout;
        let opened = futures_util::future::join_all((0..n).map(|_| self.connect(deadline))).await;
        for conn in opened {
            self.pool.put(conn?);
        }
        Ok(())
    }
}

/// Runs a future whose every operation completes without waiting (the blocking transport's) to its
/// end on this thread: one poll.
pub fn run_blocking<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => unreachable!("a blocking transport never returns Pending"),
    }
}
