//! A small HTTP/1.1 server on `std::net`, just enough for a local preview: GET and HEAD,
//! one request per connection (`Connection: close`), a thread per connection up to a cap.
//!
//! Written here rather than with tiny_http 0.12, which reads a header line of any length
//! into memory, has no read timeout (a truncated request holds its thread forever) and
//! closes the connection without an answer when a request holds non-ASCII bytes. This
//! server answers every malformed, oversized or truncated request with 400, times out
//! silent clients with 408, and survives clients that go away mid-response.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The request line and headers together may not be longer than this.
pub const MAX_HEAD_BYTES: usize = 16 * 1024;
/// How long a client may take to send its request line and headers.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a response write may block (a client that stopped reading).
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// Connections handled at once; more are answered 503 straight away.
const MAX_CONNECTIONS: usize = 256;

/// A parsed request head. The body, if any, is never read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The request target exactly as sent (origin-form: `/path?query`).
    pub target: String,
    pub headers: Vec<(String, String)>,
}

/// Why no request could be read.
#[derive(Debug, PartialEq, Eq)]
pub enum ReadError {
    /// The client closed the connection before sending anything.
    Closed,
    /// Not HTTP/1.x, or truncated.
    Malformed,
    /// The head is longer than [`MAX_HEAD_BYTES`].
    TooLarge,
    TimedOut,
}

/// A response: status, headers and body. `Body::Stream` hands the open connection to a
/// function (server-sent events).
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
}

pub enum Body {
    Bytes(Vec<u8>),
    Stream(Box<dyn FnOnce(&mut TcpStream) + Send>),
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body: Body::Bytes(body.into()),
        }
    }

    pub fn text(status: u16, body: &str) -> Response {
        Response::new(status, "text/plain; charset=utf-8", format!("{body}\n"))
    }

    pub fn redirect(location: &str) -> Response {
        let mut r = Response::text(301, &format!("Flyttad till {location}"));
        r.headers.push(("Location", location.to_string()));
        r
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }
}

pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// Accepts connections on `listener` forever, answering each request with `handler`.
pub fn serve<H>(listener: TcpListener, handler: H)
where
    H: Fn(&Request) -> Response + Send + Sync + 'static,
{
    let handler = Arc::new(handler);
    let active = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else {
            // EMFILE and friends: wait a moment rather than spin.
            std::thread::sleep(Duration::from_millis(50));
            continue;
        };
        let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
        if active.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            let _ = write_response(
                &mut stream,
                Response::text(503, "för många anslutningar, försök igen"),
                false,
            );
            continue;
        }
        active.fetch_add(1, Ordering::SeqCst);
        let (handler, active2) = (handler.clone(), active.clone());
        let spawned = std::thread::Builder::new()
            .name("lovportal-http".into())
            .spawn(move || {
                handle(stream, &*handler);
                active2.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            active.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// Answers the one request on a connection, then closes it gracefully.
fn handle(mut stream: TcpStream, handler: &dyn Fn(&Request) -> Response) {
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let deadline = Instant::now() + READ_TIMEOUT;
    let response = match read_request(&mut stream, deadline) {
        Ok(req) => {
            let head = req.method == "HEAD";
            // A panic in the handler must not take the connection's answer with it.
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler(&req)))
                .unwrap_or_else(|_| Response::text(500, "internt fel"));
            Some((r, head))
        }
        Err(ReadError::Closed) => None,
        Err(ReadError::TimedOut) => {
            Some((Response::text(408, "begäran kom inte fram i tid"), false))
        }
        Err(ReadError::Malformed) => Some((Response::text(400, "felaktig begäran"), false)),
        Err(ReadError::TooLarge) => Some((
            Response::text(
                400,
                &format!("begärans huvud är större än {MAX_HEAD_BYTES} byte"),
            ),
            false,
        )),
    };
    if let Some((r, head)) = response {
        // A client that disconnects mid-response only ends this thread.
        let _ = write_response(&mut stream, r, head);
    }
    linger(&mut stream);
}

/// Closes our side, then reads what the client still sends (for a short while), so the
/// kernel does not reset the connection and throw away the response before the client
/// has read it (a client sending a huge header is still writing when we answer).
fn linger(stream: &mut TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut buf = [0u8; 8192];
    let mut total = 0usize;
    while Instant::now() < deadline && total < 8 * 1024 * 1024 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => total += n,
        }
    }
}

/// Reads and parses a request head (request line and headers, up to the blank line).
pub fn read_request(stream: &mut impl Read, deadline: Instant) -> Result<Request, ReadError> {
    let mut buf: Vec<u8> = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    let end = loop {
        if let Some(i) = find_head_end(&buf) {
            break i;
        }
        if buf.len() > MAX_HEAD_BYTES {
            return Err(ReadError::TooLarge);
        }
        if Instant::now() > deadline {
            return Err(ReadError::TimedOut);
        }
        match stream.read(&mut chunk) {
            Ok(0) if buf.is_empty() => return Err(ReadError::Closed),
            Ok(0) => return Err(ReadError::Malformed),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err(if buf.is_empty() {
                    ReadError::TimedOut
                } else {
                    ReadError::Malformed
                });
            }
            Err(_) => return Err(ReadError::Closed),
        }
    };
    if end > MAX_HEAD_BYTES {
        return Err(ReadError::TooLarge);
    }
    parse_head(&buf[..end])
}

/// The index just past the blank line that ends the head (`\r\n\r\n` or `\n\n`).
fn find_head_end(buf: &[u8]) -> Option<usize> {
    let crlf = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4);
    let lf = buf.windows(2).position(|w| w == b"\n\n").map(|i| i + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Parses a request head. Only HTTP/1.0 and 1.1; the target must be visible ASCII.
pub fn parse_head(head: &[u8]) -> Result<Request, ReadError> {
    let text = std::str::from_utf8(head).map_err(|_| ReadError::Malformed)?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let request_line = lines.next().ok_or(ReadError::Malformed)?;
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Malformed);
    };
    if !is_token(method)
        || target.is_empty()
        || !target.bytes().all(|b| b.is_ascii_graphic())
        || !matches!(version, "HTTP/1.0" | "HTTP/1.1")
    {
        return Err(ReadError::Malformed);
    }
    let mut headers = Vec::new();
    for line in lines {
        if line.is_empty() {
            continue;
        }
        let (name, value) = line.split_once(':').ok_or(ReadError::Malformed)?;
        let value = value.trim_matches([' ', '\t']);
        if !is_token(name) || value.bytes().any(|b| b.is_ascii_control() && b != b'\t') {
            return Err(ReadError::Malformed);
        }
        headers.push((name.to_ascii_lowercase(), value.to_string()));
    }
    Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        headers,
    })
}

/// Writes a response with `Connection: close`; for HEAD, the head only.
fn write_response(stream: &mut TcpStream, r: Response, head_only: bool) -> io::Result<()> {
    let mut out = format!("HTTP/1.1 {} {}\r\n", r.status, reason(r.status));
    for (name, value) in &r.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(
        "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
    );
    match r.body {
        Body::Bytes(body) => {
            out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
            let mut bytes = out.into_bytes();
            if !head_only {
                bytes.extend_from_slice(&body);
            }
            stream.write_all(&bytes)?;
            stream.flush()
        }
        Body::Stream(f) => {
            out.push_str("\r\n");
            stream.write_all(out.as_bytes())?;
            stream.flush()?;
            if !head_only {
                f(stream);
            }
            Ok(())
        }
    }
}

/// The address to print for a listener: `http://127.0.0.1:1111`.
pub fn url_of(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) => format!("http://{}:{}", a.ip(), a.port()),
        SocketAddr::V6(a) => format!("http://[{}]:{}", a.ip(), a.port()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<Request, ReadError> {
        read_request(
            &mut std::io::Cursor::new(bytes.to_vec()),
            Instant::now() + Duration::from_secs(5),
        )
    }

    #[test]
    fn parses_a_plain_request() {
        let r = read(b"GET /a/b?x=1 HTTP/1.1\r\nHost: x\r\nAccept:  text/html \r\n\r\n").unwrap();
        assert_eq!(r.method, "GET");
        assert_eq!(r.target, "/a/b?x=1");
        assert_eq!(r.headers[1], ("accept".into(), "text/html".into()));
    }

    #[test]
    fn refuses_malformed_truncated_and_oversized_heads() {
        assert_eq!(read(b""), Err(ReadError::Closed));
        assert_eq!(
            read(b"GET / HTTP/1.1\r\nHost: x\r\n"),
            Err(ReadError::Malformed)
        );
        assert_eq!(
            read(b"\xff\xfe\x00garbage\r\n\r\n"),
            Err(ReadError::Malformed)
        );
        assert_eq!(read(b"GET / HTTP/2.0\r\n\r\n"), Err(ReadError::Malformed));
        assert_eq!(
            read(b"GET /a b HTTP/1.1\r\n\r\n"),
            Err(ReadError::Malformed)
        );
        assert_eq!(
            read(b"GET / HTTP/1.1\r\nno colon\r\n\r\n"),
            Err(ReadError::Malformed)
        );
        assert_eq!(
            read(b"GET / HTTP/1.1\r\nX: a\x01b\r\n\r\n"),
            Err(ReadError::Malformed)
        );
        let mut big = b"GET / HTTP/1.1\r\nX-Big: ".to_vec();
        big.extend(std::iter::repeat_n(b'a', 1 << 20));
        big.extend_from_slice(b"\r\n\r\n");
        assert_eq!(read(&big), Err(ReadError::TooLarge));
    }
}
