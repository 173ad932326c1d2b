//! The HTTP/1.1 protocol itself, without I/O, under both clients: the request head, the response
//! head and its framing rules, body decoding, and [`Exchange`], the state machine one request's
//! answer goes through. The drivers ([`super::Client`]) only move bytes between a socket and a
//! [`RecvBuf`] and ask the exchange what to do next; every decision about what the bytes mean is
//! taken here, once.
//!
//! The rules (RFC 9112 unless said otherwise):
//! - a head is at most [`MAX_HEAD_BYTES`] with at most [`MAX_HEADERS`] headers;
//! - interim answers (1xx other than 101) are skipped; a 101 is final and ends HTTP on the
//!   connection; 1xx, 204 and 304 have no body whatever their headers say;
//! - a Transfer-Encoding whose last coding is `chunked` frames the body as chunked; any other
//!   Transfer-Encoding means "until the connection closes"; either way it overrides a
//!   Content-Length, and a message with both never leaves its connection reusable (§6.3); an
//!   HTTP/1.0 answer with Transfer-Encoding is faulty framing (§6.1);
//! - Content-Length is digits only, once: a second one, equal or not, or a list, is a protocol
//!   error (a recipient may accept identical repeats; concbench does not, so both clients fail the
//!   same way at once instead of guessing);
//! - no length at all: the body runs to the end of the connection;
//! - a connection is reusable only after an answer that was read whole and framed by length or
//!   chunks, without `Connection: close` (HTTP/1.0: with `keep-alive`), and with no byte left over.

use std::io::Write as _;
use std::mem::MaybeUninit;
use std::sync::Arc;
use std::time::Duration;

use super::failure::{Failure, Phase};
use crate::record::Method;
use crate::workload::url::{ATTEMPT_HEADER, Origin, UrlTemplate};

/// The largest response head accepted (status line and headers).
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Headers a response head may have.
pub const MAX_HEADERS: usize = 128;

/// The longest chunk-size line, and the most trailer bytes, a chunked body may have.
const MAX_CHUNK_LINE: usize = 4096;

/// The request every request of a client shares, ready to send but for the path and the attempt
/// number: the method, `Host` (an IPv6 address in brackets, the port unless the scheme's default),
/// `User-Agent`, the extra headers, `Connection: close` without keep-alive, and the body with its
/// `Content-Length` when there is one. A given `Host` or `User-Agent` replaces the default one.
/// The preflight (a request with no attempt number) is always a bare GET.
#[derive(Debug, Clone)]
pub struct RequestHead {
    /// Header lines, each ending in CRLF.
    fixed: Vec<u8>,
    method: Method,
    body: Option<Arc<[u8]>>,
}

/// A body up to this size is sent in the same write as its head; a larger one after it.
pub const BODY_INLINE_BYTES: usize = 16 * 1024;

impl RequestHead {
    pub fn new(origin: &Origin, user_agent: &str, headers: &[(String, String)], keep_alive: bool) -> Self {
        let mut fixed = Vec::new();
        let given = |name: &str| headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
        if !given("host") {
            let default_port = if origin.https { 443 } else { 80 };
            // An IPv6 address is bracketed (`[::1]:8080`, `[::1]`): its colons are not a port.
            let (open, close) = if origin.host.contains(':') { ("[", "]") } else { ("", "") };
            let _ = write!(fixed, "Host: {open}{}{close}", origin.host);
            if origin.port != default_port {
                let _ = write!(fixed, ":{}", origin.port);
            }
            fixed.extend_from_slice(b"\r\n");
        }
        if !given("user-agent") {
            let _ = write!(fixed, "User-Agent: {user_agent}\r\n");
        }
        for (name, value) in headers {
            let _ = write!(fixed, "{name}: {value}\r\n");
        }
        if !keep_alive {
            fixed.extend_from_slice(b"Connection: close\r\n");
        }
        RequestHead { fixed, method: Method::Get, body: None }
    }

    /// The same with `method` and, when given, `body` (sent with its `Content-Length`).
    pub fn with(self, method: Method, body: Option<Arc<[u8]>>) -> Self {
        RequestHead { method, body, ..self }
    }

    /// Whether its requests carry a body: such a request is never sent twice.
    pub fn has_body(&self) -> bool {
        self.body.is_some()
    }

    /// The body a task's request sends after its head, when it is too large to go with it
    /// ([`BODY_INLINE_BYTES`]); the preflight sends none.
    pub fn body_after(&self, attempt: Option<u32>) -> Option<&[u8]> {
        self.body.as_deref().filter(|b| attempt.is_some() && b.len() > BODY_INLINE_BYTES)
    }

    /// The most bytes a request of `url` takes in the write [`RequestHead::write`] fills.
    pub fn max_len(&self, url: &UrlTemplate) -> usize {
        let body = self.body.as_ref().map_or(0, |b| "Content-Length: \r\n".len() + 20 + b.len().min(BODY_INLINE_BYTES));
        "DELETE  HTTP/1.1\r\n".len() + url.path_len_max() + self.fixed.len() + ATTEMPT_HEADER.len() + 16 + 2 + body
    }

    /// Writes the request of task `task` to `out`: the method, its path, the fixed lines, the
    /// attempt header when `attempt` is given (a task's try; the preflight, a bare GET, sends
    /// none), then the body's length and the body itself when it is small (see
    /// [`RequestHead::body_after`] for a larger one).
    pub fn write(&self, url: &UrlTemplate, task: usize, attempt: Option<u32>, out: &mut Vec<u8>) {
        let (method, body) = match attempt {
            Some(_) => (self.method, self.body.as_deref()),
            None => (Method::Get, None),
        };
        out.extend_from_slice(method.as_str().as_bytes());
        out.push(b' ');
        url.write_path(task, out);
        out.extend_from_slice(b" HTTP/1.1\r\n");
        out.extend_from_slice(&self.fixed);
        if let Some(attempt) = attempt {
            let _ = write!(out, "{ATTEMPT_HEADER}: {attempt}\r\n");
        }
        if let Some(body) = body {
            let _ = write!(out, "Content-Length: {}\r\n", body.len());
        }
        out.extend_from_slice(b"\r\n");
        if let Some(body) = body.filter(|b| b.len() <= BODY_INLINE_BYTES) {
            out.extend_from_slice(body);
        }
    }

    #[cfg(test)]
    pub fn fixed(&self) -> &[u8] {
        &self.fixed
    }
}

/// Bytes read from a connection and not yet used (`buf[start..end]`). It starts at the size its
/// client gives and grows only while a head (or a chunk line) does not fit, up to
/// [`MAX_HEAD_BYTES`]; bodies go through it in pieces of its size.
#[derive(Debug)]
pub struct RecvBuf {
    buf: Vec<u8>,
    start: usize,
    end: usize,
}

impl RecvBuf {
    pub fn new(bytes: usize) -> Self {
        RecvBuf { buf: vec![0; bytes.max(1)], start: 0, end: 0 }
    }

    /// The bytes read and not yet used.
    pub fn data(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    fn consume(&mut self, n: usize) {
        self.start += n;
        debug_assert!(self.start <= self.end);
    }

    /// Room to read into after the bytes held; `grow`: the bytes held must stay whole (a head
    /// being parsed), so a full buffer grows (up to [`MAX_HEAD_BYTES`]) rather than refuse.
    /// `None`: the bytes held already fill the most it may hold.
    pub fn spare(&mut self, grow: bool) -> Option<&mut [u8]> {
        if self.start == self.end {
            (self.start, self.end) = (0, 0);
        }
        if self.end == self.buf.len() {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                (self.start, self.end) = (0, self.end - self.start);
            } else if grow && self.buf.len() < MAX_HEAD_BYTES {
                self.buf.resize((self.buf.len() * 2).min(MAX_HEAD_BYTES), 0);
            } else {
                return None;
            }
        }
        Some(&mut self.buf[self.end..])
    }

    /// `n` bytes were read into [`RecvBuf::spare`].
    pub fn filled(&mut self, n: usize) {
        self.end += n;
        debug_assert!(self.end <= self.buf.len());
    }
}

/// How a response body ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// Exactly this many bytes.
    Length(u64),
    /// Chunked transfer coding.
    Chunked,
    /// At the end of the connection.
    Close,
    /// No body (1xx, 204, 304).
    Empty,
}

/// What a response head says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub status: u16,
    pub framing: Framing,
    /// The connection may carry another request once this answer was read whole.
    pub reusable: bool,
    pub retry_after: Option<Duration>,
    /// The Location header, when asked for.
    pub location: Option<String>,
    /// Bytes of the head.
    pub len: usize,
}

impl Head {
    /// An interim (1xx) answer other than 101: the final one still follows it.
    pub fn interim(&self) -> bool {
        (100..200).contains(&self.status) && self.status != 101
    }
}

/// A Retry-After header's value, when it is a number of seconds.
pub fn retry_after(value: &[u8]) -> Option<Duration> {
    std::str::from_utf8(value).ok()?.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Whether a comma-separated header value lists `token` (ASCII case-insensitive).
fn lists(value: &[u8], token: &str) -> bool {
    value.split(|&b| b == b',').any(|t| t.trim_ascii().eq_ignore_ascii_case(token.as_bytes()))
}

/// The framing headers of a head, as they came.
#[derive(Default)]
struct FramingHeaders {
    length: Option<u64>,
    /// Some Transfer-Encoding, and whether its last coding is chunked.
    transfer: Option<bool>,
    close: bool,
    keep_alive: bool,
}

impl FramingHeaders {
    fn add(&mut self, name: &str, value: &[u8]) -> Result<(), Failure> {
        if name.eq_ignore_ascii_case("content-length") {
            if self.length.is_some() {
                return Err(Failure::Protocol("more than one Content-Length".into()));
            }
            let digits = value.trim_ascii();
            let n = (!digits.is_empty() && digits.iter().all(u8::is_ascii_digit))
                .then(|| std::str::from_utf8(digits).ok()?.parse::<u64>().ok())
                .flatten()
                .ok_or_else(|| Failure::Protocol(format!("bad Content-Length {:?}", String::from_utf8_lossy(value))))?;
            self.length = Some(n);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            // Several headers are one list: the last coding of the last one counts.
            let last = value.rsplit(|&b| b == b',').next().unwrap_or_default().trim_ascii();
            self.transfer = Some(last.eq_ignore_ascii_case(b"chunked"));
        } else if name.eq_ignore_ascii_case("connection") {
            self.close |= lists(value, "close");
            self.keep_alive |= lists(value, "keep-alive");
        }
        Ok(())
    }
}

/// Parses a response head from `bytes`: `Ok(None)` while more bytes are needed. `location`: keep
/// the Location header (the preflight reports it).
pub fn parse_head(bytes: &[u8], location: bool) -> Result<Option<Head>, Failure> {
    let mut headers = [const { MaybeUninit::<httparse::Header>::uninit() }; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut []);
    let len = match httparse::ParserConfig::default().parse_response_with_uninit_headers(
        &mut response,
        bytes,
        &mut headers,
    ) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(Failure::Protocol(format!("more than {MAX_HEADERS} headers")));
        }
        Err(e) => return Err(Failure::Protocol(format!("malformed response head: {e}"))),
    };
    let status = response.code.unwrap_or(0);
    if status < 100 {
        return Err(Failure::Protocol(format!("status {status:03} is not an HTTP status")));
    }
    let http10 = response.version == Some(0);
    let mut framing = FramingHeaders::default();
    let (mut retry, mut loc) = (None, None);
    for h in response.headers.iter() {
        framing.add(h.name, h.value)?;
        if h.name.eq_ignore_ascii_case("retry-after") {
            retry = retry_after(h.value);
        } else if location && h.name.eq_ignore_ascii_case("location") {
            loc = Some(String::from_utf8_lossy(h.value).into_owned());
        }
    }
    if http10 && framing.transfer.is_some() {
        return Err(Failure::Protocol("an HTTP/1.0 answer with Transfer-Encoding".into()));
    }
    let framing_of = match (status, framing.transfer, framing.length) {
        (100..=199 | 204 | 304, ..) => Framing::Empty,
        (_, Some(true), _) => Framing::Chunked,
        (_, Some(false), _) => Framing::Close,
        (_, None, Some(n)) => Framing::Length(n),
        (_, None, None) => Framing::Close,
    };
    // Transfer-Encoding beside Content-Length: handled by the former, but the sender is suspect.
    let smuggled = framing.transfer.is_some() && framing.length.is_some();
    let reusable =
        framing_of != Framing::Close && !framing.close && (!http10 || framing.keep_alive) && status != 101 && !smuggled;
    Ok(Some(Head { status, framing: framing_of, reusable, retry_after: retry, location: loc, len }))
}

/// The state of a chunked body being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Chunked {
    /// Data bytes left in the current chunk.
    left: u64,
    /// Trailer bytes read so far.
    trailer: usize,
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
    /// Takes what it can from `input`: returns (bytes used, data bytes among them), or why the
    /// body is malformed. Stops early, using nothing more, when a line is not complete yet.
    pub fn feed(&mut self, input: &[u8]) -> Result<(usize, u64), Failure> {
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
                        return Err(Failure::Body("chunk data not followed by CRLF".into()));
                    }
                    used += 2;
                    self.state = ChunkState::Size;
                }
                ChunkState::Size | ChunkState::Trailers => {
                    let Some(eol) = rest.windows(2).position(|w| w == b"\r\n") else {
                        if rest.len() > MAX_CHUNK_LINE {
                            return Err(Failure::Body("chunk line too long".into()));
                        }
                        return Ok((used, data));
                    };
                    used += eol + 2;
                    self.line(&rest[..eol])?;
                }
            }
        }
    }

    /// A complete size or trailer line (without its CRLF).
    fn line(&mut self, line: &[u8]) -> Result<(), Failure> {
        if self.state == ChunkState::Trailers {
            self.trailer += line.len() + 2;
            if self.trailer > MAX_CHUNK_LINE {
                return Err(Failure::Body("trailers too long".into()));
            }
            if line.is_empty() {
                self.state = ChunkState::Done;
            }
            return Ok(());
        }
        // `1a;name=value`: hex digits, then optional extensions (ignored), whitespace allowed.
        let size = line.split(|&b| b == b';').next().unwrap_or_default().trim_ascii();
        let size = (!size.is_empty() && size.iter().all(u8::is_ascii_hexdigit))
            .then(|| u64::from_str_radix(std::str::from_utf8(size).ok()?, 16).ok())
            .flatten()
            .ok_or_else(|| Failure::Body(format!("bad chunk size line {:?}", String::from_utf8_lossy(line))))?;
        if size == 0 {
            self.state = ChunkState::Trailers;
        } else {
            self.left = size;
            self.state = ChunkState::Data;
        }
        Ok(())
    }

    pub fn done(&self) -> bool {
        self.state == ChunkState::Done
    }

    /// Whether it waits for a line (a size or trailer line must be whole in the buffer).
    fn in_line(&self) -> bool {
        matches!(self.state, ChunkState::Size | ChunkState::Trailers)
    }
}

/// How much of a body is left to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    Length(u64),
    Chunked(Chunked),
    Close,
}

impl Body {
    fn of(framing: Framing) -> Option<Body> {
        match framing {
            Framing::Empty | Framing::Length(0) => None,
            Framing::Length(n) => Some(Body::Length(n)),
            Framing::Chunked => Some(Body::Chunked(Chunked::default())),
            Framing::Close => Some(Body::Close),
        }
    }

    /// Uses what it can of `input`: (bytes used, body bytes among them, whether the body ended).
    fn feed(&mut self, input: &[u8]) -> Result<(usize, u64, bool), Failure> {
        Ok(match self {
            Body::Length(left) => {
                let take = (input.len() as u64).min(*left);
                *left -= take;
                (take as usize, take, *left == 0)
            }
            Body::Chunked(c) => {
                let (used, data) = c.feed(input)?;
                (used, data, c.done())
            }
            Body::Close => (input.len(), input.len() as u64, false),
        })
    }
}

/// One request's answer as it arrives: the head (interim answers skipped), then the body.
#[derive(Debug)]
pub struct Exchange {
    state: State,
    /// Keep the Location header.
    location: bool,
    /// A byte of an answer arrived.
    answered: bool,
}

#[derive(Debug)]
enum State {
    Head,
    Body { head: Head, body: Body, bytes: u64 },
}

/// What an exchange needs next.
#[derive(Debug)]
pub enum Step {
    /// More bytes from the connection.
    Read,
    /// The answer is complete.
    Done(Answer),
}

/// A complete answer: its head, its body's size, and whether its connection may carry the next
/// request (the answer was framed, read whole, and left nothing unread in the buffer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub head: Head,
    /// Body bytes (decoded from chunks).
    pub body_bytes: u64,
    pub reusable: bool,
}

impl Exchange {
    /// An exchange whose request was sent; `location`: keep the answer's Location header.
    pub fn new(location: bool) -> Self {
        Exchange { state: State::Head, location, answered: false }
    }

    /// Where the answer is: waiting for its first byte, in its head, or in its body.
    pub fn phase(&self) -> Phase {
        match self.state {
            State::Head if !self.answered => Phase::Waiting,
            State::Head => Phase::Head,
            State::Body { .. } => Phase::Body,
        }
    }

    /// Whether the bytes held must stay whole until more arrive (a head or a chunk line): the
    /// buffer then grows rather than refuse.
    pub fn wants_whole(&self) -> bool {
        match &self.state {
            State::Head => true,
            State::Body { body: Body::Chunked(c), .. } => c.in_line(),
            State::Body { .. } => false,
        }
    }

    /// Uses the bytes `buf` holds.
    pub fn advance(&mut self, buf: &mut RecvBuf) -> Result<Step, Failure> {
        self.answered |= !buf.is_empty();
        loop {
            match &mut self.state {
                State::Head => {
                    let Some(head) = parse_head(buf.data(), self.location)? else { return Ok(Step::Read) };
                    buf.consume(head.len);
                    if head.interim() {
                        continue;
                    }
                    match Body::of(head.framing) {
                        None => {
                            let reusable = head.reusable && buf.is_empty();
                            return Ok(Step::Done(Answer { head, body_bytes: 0, reusable }));
                        }
                        Some(body) => self.state = State::Body { head, body, bytes: 0 },
                    }
                }
                State::Body { head, body, bytes } => {
                    let (used, data, ended) = body.feed(buf.data())?;
                    buf.consume(used);
                    *bytes += data;
                    if !ended {
                        return Ok(Step::Read);
                    }
                    let reusable = head.reusable && buf.is_empty();
                    return Ok(Step::Done(Answer { head: head.clone(), body_bytes: *bytes, reusable }));
                }
            }
        }
    }

    /// The connection ended: that completes a body framed by the close, and breaks anything else.
    pub fn end_of_stream(&self) -> Result<Answer, Failure> {
        match &self.state {
            State::Body { head, body: Body::Close, bytes } => {
                Ok(Answer { head: head.clone(), body_bytes: *bytes, reusable: false })
            }
            _ => Err(Failure::Closed(self.phase())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(bytes: &[u8]) -> Head {
        parse_head(bytes, true).unwrap().unwrap()
    }

    fn protocol_error(bytes: &[u8]) -> String {
        match parse_head(bytes, false) {
            Err(Failure::Protocol(e)) => e,
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(bytes)),
        }
    }

    #[test]
    fn heads_parse_their_framing() {
        let h = head(b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nhello");
        assert_eq!((h.status, h.framing, h.reusable, h.len), (200, Framing::Length(12), true, 39));
        let h = head(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");
        assert_eq!((h.framing, h.reusable), (Framing::Chunked, true));
        let h = head(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n");
        assert_eq!((h.framing, h.reusable), (Framing::Close, false), "chunked not last: until the close");
        let h = head(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n");
        assert_eq!((h.framing, h.reusable), (Framing::Chunked, false), "TE wins over CL; never reused");
        let h = head(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\n");
        assert!(!h.reusable);
        let h = head(b"HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n");
        assert!(!h.reusable, "HTTP/1.0 closes unless it says keep-alive");
        let h = head(b"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\n");
        assert!(h.reusable);
        let h = head(b"HTTP/1.1 200 OK\r\n\r\n");
        assert_eq!((h.framing, h.reusable), (Framing::Close, false));
        let h = head(b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n");
        assert_eq!((h.framing, h.reusable), (Framing::Empty, true), "a 204 has no body, whatever it says");
        let h = head(b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK");
        assert_eq!((h.status, h.framing, h.len), (103, Framing::Empty, 44));
        assert!(h.interim());
        let h = head(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n");
        assert!(!h.interim() && !h.reusable, "101 is final, and the connection is no longer HTTP");
        let h = head(b"HTTP/1.1 429 Too Many\r\nRetry-After: 2\r\ncontent-length: 0\r\n\r\n");
        assert_eq!((h.status, h.retry_after), (429, Some(Duration::from_secs(2))));
        let h = head(b"HTTP/1.1 302 Found\r\nLocation: /there\r\nContent-Length: 0\r\n\r\n");
        assert_eq!(h.location.as_deref(), Some("/there"));
        assert_eq!(parse_head(b"HTTP/1.1 200 OK\r\nContent-Le", false).unwrap(), None);
    }

    #[test]
    fn bad_heads_are_protocol_errors() {
        assert!(protocol_error(b"garbage\r\n\r\n").contains("malformed"));
        assert!(protocol_error(b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n").contains("bad Content-Length"));
        assert!(protocol_error(b"HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\n").contains("bad Content-Length"));
        assert!(protocol_error(b"HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n").contains("bad Content-Length"));
        for dup in ["5\r\nContent-Length: 5", "5\r\nContent-Length: 6"] {
            let e = protocol_error(format!("HTTP/1.1 200 OK\r\nContent-Length: {dup}\r\n\r\n").as_bytes());
            assert!(e.contains("more than one Content-Length"), "{e}");
        }
        assert!(protocol_error(b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n").contains("HTTP/1.0"));
        assert!(protocol_error(b"HTTP/1.1 099 Odd\r\n\r\n").contains("not an HTTP status"));
        let many: String = (0..=MAX_HEADERS).map(|i| format!("x-{i}: v\r\n")).collect();
        let e = protocol_error(format!("HTTP/1.1 200 OK\r\n{many}\r\n").as_bytes());
        assert!(e.contains("more than 128 headers"), "{e}");
        let hundred: String = (0..100).map(|i| format!("x-{i}: v\r\n")).collect();
        assert_eq!(head(format!("HTTP/1.1 200 OK\r\n{hundred}Content-Length: 0\r\n\r\n").as_bytes()).status, 200);
    }

    #[test]
    fn the_request_head_brackets_ipv6_and_yields_to_given_headers() {
        let fixed = |host: &str, port: u16, headers: &[(&str, &str)], keep_alive: bool| {
            let origin = Origin { https: false, host: host.into(), port };
            let headers: Vec<(String, String)> = headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
            String::from_utf8(RequestHead::new(&origin, "cb/1", &headers, keep_alive).fixed().to_vec()).unwrap()
        };
        assert!(fixed("::1", 80, &[], true).starts_with("Host: [::1]\r\n"));
        assert!(fixed("::1", 8080, &[], true).starts_with("Host: [::1]:8080\r\n"));
        assert!(fixed("example.com", 80, &[], true).starts_with("Host: example.com\r\n"));
        assert_eq!(
            fixed("127.0.0.1", 8080, &[], false),
            "Host: 127.0.0.1:8080\r\nUser-Agent: cb/1\r\nConnection: close\r\n"
        );
        let given = fixed("127.0.0.1", 8080, &[("host", "example.test"), ("user-agent", "me"), ("X-Key", "k")], true);
        assert_eq!(given, "host: example.test\r\nuser-agent: me\r\nX-Key: k\r\n");
        let url = UrlTemplate::parse("http://127.0.0.1:8080/items/{i}").unwrap();
        let head = RequestHead::new(&url.origin(), "cb/1", &[], true);
        let mut out = Vec::new();
        head.write(&url, 12, Some(3), &mut out);
        let text = String::from_utf8(out.clone()).unwrap();
        assert_eq!(
            text,
            "GET /items/12 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: cb/1\r\nx-concbench-attempt: 3\r\n\r\n"
        );
        head.write(&url, usize::MAX, Some(u32::MAX), &mut out);
        assert!(out.len() - text.len() <= head.max_len(&url));
    }

    #[test]
    fn a_request_with_a_body_says_its_length_and_the_preflight_stays_a_bare_get() {
        let url = UrlTemplate::parse("http://127.0.0.1:8080/items/{i}").unwrap();
        let plain = RequestHead::new(&url.origin(), "cb/1", &[], true);
        let head = plain.with(Method::Post, Some(Arc::from(&b"{\"a\":1}"[..])));
        let mut out = Vec::new();
        head.write(&url, 4, Some(0), &mut out);
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(text.starts_with("POST /items/4 HTTP/1.1\r\n"), "{text}");
        assert!(text.ends_with("x-concbench-attempt: 0\r\nContent-Length: 7\r\n\r\n{\"a\":1}"), "{text}");
        assert!(out.len() <= head.max_len(&url) && head.has_body() && head.body_after(Some(0)).is_none());
        out.clear();
        head.write(&url, 4, None, &mut out);
        assert!(String::from_utf8(out).unwrap().starts_with("GET /items/4 HTTP/1.1\r\n"));
        let big = head.with(Method::Put, Some(Arc::from(vec![b'x'; BODY_INLINE_BYTES + 1])));
        let mut out = Vec::new();
        big.write(&url, 1, Some(0), &mut out);
        assert!(
            String::from_utf8(out.clone())
                .unwrap()
                .ends_with(&format!("Content-Length: {}\r\n\r\n", BODY_INLINE_BYTES + 1))
        );
        assert_eq!(big.body_after(Some(0)).map(<[u8]>::len), Some(BODY_INLINE_BYTES + 1));
        assert!(big.body_after(None).is_none() && out.len() <= big.max_len(&url));
    }

    #[test]
    fn chunked_bodies_decode_in_any_pieces() {
        let body = b"4\r\nWiki\r\n6;ext=1\r\npedia \r\nE ; a=\"b\"\r\nin \r\n\r\nchunks.\r\n0\r\nTrailer: x\r\n\r\n";
        for split in 0..body.len() {
            let mut c = Chunked::default();
            // Feed what has arrived so far, as a connection would: first part, then everything.
            let (u1, d1) = c.feed(&body[..split]).unwrap();
            let (u2, d2) = c.feed(&body[u1..]).unwrap();
            assert!(c.done(), "split at {split}");
            assert_eq!((u1 + u2, d1 + d2), (body.len(), 24), "split at {split}");
        }
        for bad in [&b"zz\r\n"[..], b"2\r\nabXX", b"+2\r\nab\r\n", b"\r\n", b"11111111111111111\r\n"] {
            assert!(
                matches!(Chunked::default().feed(bad), Err(Failure::Body(_))),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        let endless_trailers = [&b"0\r\n"[..], &b"x: y\r\n".repeat(1000)].concat();
        assert!(matches!(Chunked::default().feed(&endless_trailers), Err(Failure::Body(_))));
    }

    /// Feeds `answer` to an exchange through a buffer of `size` bytes, `piece` bytes at a time.
    fn exchange(answer: &[u8], size: usize, piece: usize) -> Result<(Answer, usize), Failure> {
        let mut buf = RecvBuf::new(size);
        let mut ex = Exchange::new(false);
        let mut at = 0;
        loop {
            if let Step::Done(a) = ex.advance(&mut buf)? {
                return Ok((a, buf.data().len() + answer.len() - at));
            }
            if at == answer.len() {
                return ex.end_of_stream().map(|a| (a, 0));
            }
            let spare = buf.spare(ex.wants_whole()).ok_or(Failure::Protocol("head too large".into()))?;
            let n = spare.len().min(piece).min(answer.len() - at);
            spare[..n].copy_from_slice(&answer[at..at + n]);
            buf.filled(n);
            at += n;
        }
    }

    #[test]
    fn exchanges_frame_answers_in_any_pieces_and_through_small_buffers() {
        let cases: &[(&[u8], u64, bool)] = &[
            (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 5, true),
            (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 2, true),
            (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n", 3, true),
            (b"HTTP/1.1 200 OK\r\n\r\nto the end", 10, false),
            (b"HTTP/1.1 204 No Content\r\n\r\n", 0, true),
        ];
        for &(answer, bytes, reusable) in cases {
            for piece in [1, 3, 7, 1000] {
                let (a, left) = exchange(answer, 8, piece).unwrap();
                assert_eq!((a.body_bytes, a.reusable, left), (bytes, reusable, 0), "{answer:?} by {piece}");
            }
        }
        // Two answers in one read: the first is complete, the second left unread: not reusable.
        let two = b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb";
        let (a, left) = exchange(two, 1024, 1024).unwrap();
        assert_eq!((a.body_bytes, a.reusable, left), (1, false, 39));
        let (a, _) = exchange(b"HTTP/1.1 204 No Content\r\n\r\nbody", 1024, 1024).unwrap();
        assert!(!a.reusable, "a 204 with a body leaves bytes unread");
        // A 20 KiB head grows the buffer; a head over 64 KiB is refused.
        let big = |n: usize| format!("HTTP/1.1 200 OK\r\nx-big: {}\r\nContent-Length: 0\r\n\r\n", "f".repeat(n));
        assert_eq!(exchange(big(20 << 10).as_bytes(), 2048, 4096).unwrap().0.head.status, 200);
        assert!(matches!(exchange(big(1 << 20).as_bytes(), 2048, 4096), Err(Failure::Protocol(_))));
    }

    #[test]
    fn an_answer_cut_short_names_where_it_broke() {
        let phase = |answer: &[u8]| match exchange(answer, 64, 1000) {
            Err(Failure::Closed(phase)) => phase,
            other => panic!("{other:?}"),
        };
        assert_eq!(phase(b""), Phase::Waiting);
        assert_eq!(phase(b"HTTP/1.1 200 OK\r\n"), Phase::Head);
        assert_eq!(phase(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf"), Phase::Body);
        assert_eq!(phase(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nab"), Phase::Body);
    }
}
