//! The async HTTP/1.1 client: GET requests written straight to the socket, responses parsed with
//! `httparse`, bodies framed by Content-Length, chunked encoding or the end of the connection, and
//! read into one small buffer per connection. A request takes an idle connection when keep-alive
//! has one, else opens its own (TCP, TLS for https).
//!
//! Why not a general-purpose client: what a benchmark measures must not be the client. hyper's
//! client connection alone costs about 17 KiB per connection (an 8 KiB write buffer, a request
//! channel whose first block holds 32 requests, a spawned connection task) and a few channel
//! hops per request; here a connection costs its read buffer and its socket, and a request one
//! allocation for its head (see the README's benchmark table for the figures).

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;

use super::url::{ATTEMPT_HEADER, Origin, UrlTemplate};
use crate::record::{ErrorKind, TaskError};

/// Read buffer of a connection: it holds a response head (larger heads make it grow, up to
/// [`MAX_HEAD_BYTES`]) and carries bodies through in pieces of this size.
pub const READ_BUFFER_BYTES: usize = 2048;

/// The largest response head accepted.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Headers a response head may have.
const MAX_HEADERS: usize = 64;

/// What one request returned: status, body bytes, Retry-After.
pub type Answer = (u16, u64, Option<Duration>);

/// A plain or TLS connection.
enum Stream {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

impl AsyncRead for Stream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// One connection and its read buffer (bytes `start..end` are read but not yet used).
struct Conn {
    stream: Stream,
    buf: Vec<u8>,
    start: usize,
    end: usize,
}

impl Conn {
    fn new(stream: Stream) -> Self {
        Conn { stream, buf: vec![0; READ_BUFFER_BYTES], start: 0, end: 0 }
    }

    /// Reads more bytes after those buffered; `Ok(0)` at the end of the connection.
    async fn fill(&mut self) -> io::Result<usize> {
        if self.start == self.end {
            (self.start, self.end) = (0, 0);
        } else if self.end == self.buf.len() {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                (self.start, self.end) = (0, self.end - self.start);
            } else if self.buf.len() < MAX_HEAD_BYTES {
                self.buf.resize((self.buf.len() * 2).min(MAX_HEAD_BYTES), 0);
            } else {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "response head too large"));
            }
        }
        let n = self.stream.read(&mut self.buf[self.end..]).await?;
        self.end += n;
        Ok(n)
    }
}

/// How a response body ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// Exactly this many bytes.
    Length(u64),
    /// Chunked transfer encoding.
    Chunked,
    /// Until the server closes the connection.
    Close,
    /// No body (1xx, 204, 304).
    Empty,
}

/// What a response head says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub status: u16,
    pub framing: Framing,
    /// The connection can take another request afterwards.
    pub reusable: bool,
    pub retry_after: Option<Duration>,
    /// Bytes of the head.
    pub len: usize,
}

/// Parses a response head from `bytes`: `Ok(None)` when more bytes are needed.
pub fn parse_head(bytes: &[u8]) -> Result<Option<Head>, String> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut headers);
    let len = match response.parse(bytes) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(e) => return Err(format!("malformed response head: {e}")),
    };
    let status = response.code.unwrap_or(0);
    let http10 = response.version == Some(0);
    let (mut length, mut chunked, mut close, mut keep_alive, mut retry_after) = (None, false, false, false, None);
    for h in response.headers.iter() {
        let value = std::str::from_utf8(h.value).unwrap_or("").trim();
        if h.name.eq_ignore_ascii_case("content-length") {
            length = Some(value.parse::<u64>().map_err(|_| format!("bad Content-Length {value:?}"))?);
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            chunked |= value.to_ascii_lowercase().split(',').any(|t| t.trim() == "chunked");
        } else if h.name.eq_ignore_ascii_case("connection") {
            let v = value.to_ascii_lowercase();
            close |= v.split(',').any(|t| t.trim() == "close");
            keep_alive |= v.split(',').any(|t| t.trim() == "keep-alive");
        } else if h.name.eq_ignore_ascii_case("retry-after") {
            retry_after = self::retry_after(h.value);
        }
    }
    let framing = if (100..200).contains(&status) || status == 204 || status == 304 {
        Framing::Empty
    } else if chunked {
        Framing::Chunked
    } else if let Some(n) = length {
        Framing::Length(n)
    } else {
        Framing::Close
    };
    // After 101 Switching Protocols the connection no longer speaks HTTP/1.1.
    let reusable = framing != Framing::Close && !close && (!http10 || keep_alive) && status != 101;
    Ok(Some(Head { status, framing, reusable, retry_after, len }))
}

impl Head {
    /// An interim (1xx) response other than 101: the final response still follows it.
    pub fn interim(&self) -> bool {
        (100..200).contains(&self.status) && self.status != 101
    }
}

/// A Retry-After header's value, when it is a number of seconds (both clients read it here).
pub fn retry_after(value: &[u8]) -> Option<Duration> {
    std::str::from_utf8(value).ok()?.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The state of a chunked body being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Chunked {
    /// Data bytes left in the current chunk, then its CRLF.
    left: u64,
    state: ChunkState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum ChunkState {
    /// Reading a size line.
    #[default]
    Size,
    /// Reading chunk data (`left` bytes).
    Data,
    /// Reading the CRLF after chunk data.
    DataEnd,
    /// Reading trailer lines after the last (0) chunk.
    Trailers,
    Done,
}

impl Chunked {
    /// Takes what it can from `input`: returns (bytes used, data bytes among them), or an error.
    /// Stops early, using nothing, when a line is not complete yet.
    pub fn feed(&mut self, input: &[u8]) -> Result<(usize, u64), String> {
        let (mut used, mut data) = (0usize, 0u64);
        loop {
            let rest = &input[used..];
            match self.state {
                ChunkState::Done => return Ok((used, data)),
                ChunkState::Data => {
                    let take = (rest.len() as u64).min(self.left) as usize;
                    used += take;
                    data += take as u64;
                    self.left -= take as u64;
                    if self.left > 0 {
                        return Ok((used, data));
                    }
                    self.state = ChunkState::DataEnd;
                }
                ChunkState::DataEnd => {
                    if rest.len() < 2 {
                        return Ok((used, data));
                    }
                    if &rest[..2] != b"\r\n" {
                        return Err("chunk data not followed by CRLF".into());
                    }
                    used += 2;
                    self.state = ChunkState::Size;
                }
                ChunkState::Size | ChunkState::Trailers => {
                    let Some(eol) = rest.windows(2).position(|w| w == b"\r\n") else {
                        if rest.len() > 4096 {
                            return Err("chunk line too long".into());
                        }
                        return Ok((used, data));
                    };
                    let line = &rest[..eol];
                    used += eol + 2;
                    if self.state == ChunkState::Trailers {
                        if line.is_empty() {
                            self.state = ChunkState::Done;
                        }
                        continue;
                    }
                    let size = std::str::from_utf8(line).ok().and_then(|l| l.split(';').next()).map(str::trim);
                    let size = size
                        .and_then(|s| u64::from_str_radix(s, 16).ok())
                        .ok_or_else(|| format!("bad chunk size line {:?}", String::from_utf8_lossy(line)))?;
                    if size == 0 {
                        self.state = ChunkState::Trailers;
                    } else {
                        self.left = size;
                        self.state = ChunkState::Data;
                    }
                }
            }
        }
    }

    pub fn done(&self) -> bool {
        self.state == ChunkState::Done
    }
}

fn io_error(e: io::Error, what: &str) -> TaskError {
    let kind = super::io::classify_io(&e).unwrap_or(match e.kind() {
        io::ErrorKind::InvalidData => ErrorKind::Other,
        _ => ErrorKind::Reset,
    });
    TaskError::new(kind, format!("{what}: {e}"))
}

fn closed(what: &str) -> TaskError {
    TaskError::new(ErrorKind::Reset, format!("connection closed {what}"))
}

/// The client of one run (its idle connections close with it).
pub struct HttpClient {
    origin: Origin,
    /// `Host: ...\r\n` and every other fixed header line, ready to send, ending with the attempt
    /// header's name (its value differs per request).
    fixed_headers: Vec<u8>,
    keep_alive: bool,
    timeout: Duration,
    connect_timeout: Duration,
    tls: Option<(tokio_rustls::TlsConnector, rustls::pki_types::ServerName<'static>)>,
    addrs: tokio::sync::OnceCell<Vec<SocketAddr>>,
    idle: Mutex<Vec<Conn>>,
}

impl HttpClient {
    /// A client for `origin` sending `headers` (name, value) with every request.
    pub fn new(
        origin: Origin,
        headers: &[(String, String)],
        keep_alive: bool,
        timeout: Duration,
        connect_timeout: Duration,
    ) -> anyhow::Result<Self> {
        use std::io::Write as _;
        let mut fixed = Vec::new();
        // A Host header among `headers` replaces the one the origin implies.
        if !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("host")) {
            let default_port = if origin.https { 443 } else { 80 };
            // An IPv6 address is bracketed (`[::1]:8080`, `[::1]`): its colons are not a port.
            let (open, close) = if origin.host.contains(':') { ("[", "]") } else { ("", "") };
            write!(fixed, "Host: {open}{}{close}", origin.host)?;
            if origin.port != default_port {
                write!(fixed, ":{}", origin.port)?;
            }
            fixed.extend_from_slice(b"\r\n");
        }
        for (name, value) in headers {
            write!(fixed, "{name}: {value}\r\n")?;
        }
        if !keep_alive {
            fixed.extend_from_slice(b"Connection: close\r\n");
        }
        // The last line: every request ends its head with its attempt number.
        write!(fixed, "{}: ", ATTEMPT_HEADER)?;
        let tls = if origin.https {
            use rustls_platform_verifier::ConfigVerifierExt;
            let config = rustls::ClientConfig::with_platform_verifier()?;
            let name = rustls::pki_types::ServerName::try_from(origin.host.clone())?;
            Some((tokio_rustls::TlsConnector::from(Arc::new(config)), name))
        } else {
            None
        };
        Ok(HttpClient {
            origin,
            fixed_headers: fixed,
            keep_alive,
            timeout,
            connect_timeout,
            tls,
            addrs: tokio::sync::OnceCell::new(),
            idle: Mutex::new(Vec::new()),
        })
    }

    /// The target's addresses, looked up once per client.
    async fn addrs(&self) -> Result<&[SocketAddr], TaskError> {
        self.addrs
            .get_or_try_init(|| async {
                let found: Vec<SocketAddr> = tokio::net::lookup_host((self.origin.host.as_str(), self.origin.port))
                    .await
                    .map_err(|e| TaskError::new(ErrorKind::Connect, format!("looking up {}: {e}", self.origin.host)))?
                    .collect();
                if found.is_empty() {
                    return Err(TaskError::new(ErrorKind::Connect, format!("{} has no address", self.origin.host)));
                }
                Ok(found)
            })
            .await
            .map(Vec::as_slice)
    }

    async fn connect_tcp(&self) -> Result<TcpStream, TaskError> {
        let mut last = None;
        for addr in self.addrs().await? {
            match TcpStream::connect(addr).await {
                Ok(s) => {
                    let _ = s.set_nodelay(true);
                    return Ok(s);
                }
                Err(e) => last = Some(e),
            }
        }
        let e = last.expect("a failed connect left its error");
        let kind = if super::io::classify_io(&e) == Some(ErrorKind::Timeout) {
            ErrorKind::Timeout
        } else {
            ErrorKind::Connect
        };
        Err(TaskError::new(kind, format!("connect: {e}")))
    }

    async fn connect(&self) -> Result<Conn, TaskError> {
        let open = async {
            let tcp = self.connect_tcp().await?;
            Ok(Conn::new(match &self.tls {
                None => Stream::Plain(tcp),
                Some((tls, name)) => Stream::Tls(Box::new(
                    // Boxed: the TLS handshake's state is large and only https needs it.
                    Box::pin(tls.connect(name.clone(), tcp))
                        .await
                        .map_err(|e| TaskError::new(ErrorKind::Other, format!("TLS: {e}")))?,
                )),
            }))
        };
        tokio::time::timeout(self.connect_timeout, open).await.map_err(|_| {
            TaskError::new(ErrorKind::Timeout, format!("connect timed out after {:?}", self.connect_timeout))
        })?
    }

    fn take_idle(&self) -> Option<Conn> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop()
    }

    /// Sends the request head on `conn` and reads the answer. `Err(None)`: the connection was
    /// closed before any byte of an answer (a stale idle connection).
    async fn send(
        &self,
        conn: &mut Conn,
        url: &UrlTemplate,
        task: usize,
        attempt: u32,
    ) -> Result<(Answer, bool), Option<TaskError>> {
        // The whole head, written straight into one buffer: its only allocation.
        use std::io::Write as _;
        let mut head = Vec::with_capacity(url.path_len_max() + self.fixed_headers.len() + 32);
        head.extend_from_slice(b"GET ");
        url.write_path(task, &mut head);
        head.extend_from_slice(b" HTTP/1.1\r\n");
        head.extend_from_slice(&self.fixed_headers);
        let _ = write!(head, "{attempt}\r\n\r\n");
        conn.stream.write_all(&head).await.map_err(|e| match e.kind() {
            io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset => None,
            _ => Some(io_error(e, "sending the request")),
        })?;
        drop(head);
        let mut interim = false;
        let head = loop {
            if conn.end > conn.start {
                match parse_head(&conn.buf[conn.start..conn.end]) {
                    // An interim answer (100 Continue, 103 Early Hints): the final one follows.
                    Ok(Some(h)) if h.interim() => {
                        conn.start += h.len;
                        interim = true;
                        continue;
                    }
                    Ok(Some(h)) => break h,
                    Ok(None) => {}
                    Err(e) => return Err(Some(TaskError::new(ErrorKind::Other, e))),
                }
            }
            let got_nothing = conn.end == conn.start && !interim;
            match conn.fill().await {
                Ok(0) if got_nothing => return Err(None),
                Ok(0) => return Err(Some(closed("in the middle of the response head"))),
                Ok(_) => {}
                Err(e) if got_nothing && e.kind() == io::ErrorKind::ConnectionReset => return Err(None),
                Err(e) => return Err(Some(io_error(e, "reading the response"))),
            }
        };
        conn.start += head.len;
        let mut bytes = 0u64;
        match head.framing {
            Framing::Empty => {}
            Framing::Length(n) => {
                while bytes < n {
                    if conn.start == conn.end
                        && conn.fill().await.map_err(|e| Some(io_error(e, "reading the body")))? == 0
                    {
                        return Err(Some(closed("in the middle of the body")));
                    }
                    let take = ((conn.end - conn.start) as u64).min(n - bytes) as usize;
                    conn.start += take;
                    bytes += take as u64;
                }
            }
            Framing::Chunked => {
                let mut chunked = Chunked::default();
                while !chunked.done() {
                    let (used, data) = chunked
                        .feed(&conn.buf[conn.start..conn.end])
                        .map_err(|e| Some(TaskError::new(ErrorKind::Body, e)))?;
                    conn.start += used;
                    bytes += data;
                    if !chunked.done() && conn.fill().await.map_err(|e| Some(io_error(e, "reading the body")))? == 0 {
                        return Err(Some(closed("in the middle of a chunked body")));
                    }
                }
            }
            Framing::Close => loop {
                bytes += (conn.end - conn.start) as u64;
                conn.start = conn.end;
                if conn.fill().await.map_err(|e| Some(io_error(e, "reading the body")))? == 0 {
                    break;
                }
            },
        }
        Ok(((head.status, bytes, head.retry_after), head.reusable && conn.start == conn.end))
    }

    async fn exchange(&self, url: &UrlTemplate, task: usize, attempt: u32) -> Result<Answer, TaskError> {
        // An idle connection the server has closed meanwhile fails before any answer: the
        // request then goes on a new connection (once), as any keep-alive client does.
        if let Some(mut conn) = self.take_idle() {
            match self.send(&mut conn, url, task, attempt).await {
                Ok((answer, reusable)) => {
                    self.give_back(conn, reusable);
                    return Ok(answer);
                }
                Err(Some(e)) => return Err(e),
                Err(None) => {}
            }
        }
        let mut conn = self.connect().await?;
        match self.send(&mut conn, url, task, attempt).await {
            Ok((answer, reusable)) => {
                self.give_back(conn, reusable);
                Ok(answer)
            }
            Err(e) => Err(e.unwrap_or_else(|| closed("before any answer"))),
        }
    }

    fn give_back(&self, conn: Conn, reusable: bool) {
        if self.keep_alive && reusable {
            self.idle.lock().unwrap_or_else(|p| p.into_inner()).push(conn);
        }
    }

    /// GET the path and query of task `task` of `url` (its origin is this client's), try
    /// `attempt` (0: the first), within the whole-request timeout.
    pub async fn get(&self, url: &UrlTemplate, task: usize, attempt: u32) -> Result<Answer, TaskError> {
        match tokio::time::timeout(self.timeout, self.exchange(url, task, attempt)).await {
            Ok(r) => r,
            Err(_) => Err(TaskError::new(ErrorKind::Timeout, format!("no answer within {:?}", self.timeout))),
        }
    }

    /// Opens `n` connections ahead of the measured run (`--prewarm`), so the run measures
    /// requests on open connections rather than connection set-up.
    pub async fn prewarm(&self, n: usize) -> Result<(), TaskError> {
        let opened = futures_util::future::join_all((0..n).map(|_| self.connect())).await;
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        for conn in opened {
            idle.push(conn?);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_parse_their_framing() {
        let h = parse_head(b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nhello").unwrap().unwrap();
        assert_eq!((h.status, h.framing, h.reusable, h.len), (200, Framing::Length(12), true, 39));
        let h = parse_head(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").unwrap().unwrap();
        assert_eq!(h.framing, Framing::Chunked);
        let h = parse_head(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\n").unwrap().unwrap();
        assert!(!h.reusable);
        let h = parse_head(b"HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n").unwrap().unwrap();
        assert!(!h.reusable, "HTTP/1.0 closes unless it says keep-alive");
        let h = parse_head(b"HTTP/1.1 200 OK\r\n\r\n").unwrap().unwrap();
        assert_eq!((h.framing, h.reusable), (Framing::Close, false));
        let h = parse_head(b"HTTP/1.1 204 No Content\r\n\r\n").unwrap().unwrap();
        assert_eq!(h.framing, Framing::Empty);
        let h = parse_head(b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK").unwrap().unwrap();
        assert_eq!((h.status, h.framing, h.len), (103, Framing::Empty, 44));
        assert!(h.interim());
        let h = parse_head(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n").unwrap().unwrap();
        assert!(!h.interim() && !h.reusable, "101 is final, and the connection is no longer HTTP");
        let h = parse_head(b"HTTP/1.1 429 Too Many\r\nRetry-After: 2\r\ncontent-length: 0\r\n\r\n").unwrap().unwrap();
        assert_eq!((h.status, h.retry_after), (429, Some(Duration::from_secs(2))));
        assert_eq!(parse_head(b"HTTP/1.1 200 OK\r\nContent-Le").unwrap(), None);
        assert!(parse_head(b"garbage\r\n\r\n").is_err());
        assert!(parse_head(b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n").is_err());
    }

    #[test]
    fn the_host_header_brackets_ipv6_and_yields_to_a_given_one() {
        let fixed = |host: &str, port: u16, headers: &[(&str, &str)]| {
            let origin = Origin { https: false, host: host.into(), port };
            let headers: Vec<(String, String)> = headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
            let client = HttpClient::new(origin, &headers, true, Duration::from_secs(1), Duration::from_secs(1));
            String::from_utf8(client.unwrap().fixed_headers).unwrap()
        };
        assert!(fixed("::1", 80, &[]).starts_with("Host: [::1]\r\n"));
        assert!(fixed("::1", 8080, &[]).starts_with("Host: [::1]:8080\r\n"));
        assert!(fixed("example.com", 80, &[]).starts_with("Host: example.com\r\n"));
        assert!(fixed("127.0.0.1", 8080, &[]).starts_with("Host: 127.0.0.1:8080\r\n"));
        let given = fixed("127.0.0.1", 8080, &[("host", "example.test"), ("X-Key", "k")]);
        assert_eq!(given, "host: example.test\r\nX-Key: k\r\nx-concbench-attempt: ");
    }

    #[test]
    fn chunked_bodies_decode_in_any_pieces() {
        let body = b"4\r\nWiki\r\n6;ext=1\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nTrailer: x\r\n\r\n";
        for split in 0..body.len() {
            let mut c = Chunked::default();
            let (mut used, mut data) = (0, 0);
            // Feed what has arrived so far, as a connection would: first part, then everything.
            let (u, d) = c.feed(&body[..split]).unwrap();
            used += u;
            data += d;
            let (u, d) = c.feed(&body[used..]).unwrap();
            used += u;
            data += d;
            assert!(c.done(), "split at {split}");
            assert_eq!((used, data), (body.len(), 24), "split at {split}");
        }
        let mut c = Chunked::default();
        assert!(c.feed(b"zz\r\n").is_err());
        let mut c = Chunked::default();
        assert!(c.feed(b"2\r\nabXX").is_err());
    }
}
