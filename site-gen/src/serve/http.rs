//! The small part of HTTP/1.1 the development server speaks: one `GET` or
//! `HEAD` per connection (`Connection: close`), strict size limits, one
//! deadline per connection, request paths checked before they are looked
//! up and header values that can never carry a control byte.

use std::borrow::Cow;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::urls::percent_decode;

/// Longest request line (method, target, version), in bytes.
pub const MAX_REQUEST_LINE: usize = 8 * 1024;
/// Longest header section (every header line together), in bytes.
pub const MAX_HEADERS_BYTES: usize = 32 * 1024;
/// Most header lines.
pub const MAX_HEADERS: usize = 100;
/// Time a worker gives one connection, from the moment it takes it up to
/// the close: reading the request, answering and draining, whatever the
/// client sends. Timeouts per read call were not enough: a client sending
/// a byte just before each one expired kept its worker as long as it
/// liked, and eight such clients stopped the server. Generous for what a
/// development server sends (a browser on the loopback interface needs
/// milliseconds; over `--bind`, a few megabytes still fit in the 5 s left
/// after the longest head), short enough that the pool always moves on.
pub const CONNECTION_TIME: Duration = Duration::from_secs(15);
/// Part of [`CONNECTION_TIME`] allowed for the request head: a browser
/// sends it at once, 10 s leaves room for one typed by hand (`nc`), and
/// the 5 s left are enough to answer, even with a 408.
pub const HEAD_TIME: Duration = Duration::from_secs(10);
/// Most time spent draining after the answer (within [`CONNECTION_TIME`]).
/// Draining only waits for the client's end of stream, which follows the
/// response at once: whoever keeps sending after that is not a browser.
pub const DRAIN_TIME: Duration = Duration::from_secs(1);
/// Most bytes drained after the answer.
const DRAIN_BYTES: usize = 64 * 1024;

/// A connection and the deadline of everything done on it: each read or
/// write waits at most for the time left, and fails (`TimedOut`) once it
/// has passed.
#[derive(Debug, Clone, Copy)]
pub struct Conn<'a> {
    stream: &'a TcpStream,
    deadline: Instant,
}

impl<'a> Conn<'a> {
    pub fn new(stream: &'a TcpStream, deadline: Instant) -> Self {
        Conn { stream, deadline }
    }

    /// The same connection with a deadline no later than `at` (a part of
    /// the work never gets more time than the whole).
    pub fn until(self, at: Instant) -> Self {
        Conn {
            deadline: self.deadline.min(at),
            ..self
        }
    }

    fn time_left(&self) -> io::Result<Duration> {
        match self.deadline.checked_duration_since(Instant::now()) {
            // A zero timeout means "none" to the socket: never pass it.
            Some(left) if !left.is_zero() => Ok(left),
            _ => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "délai de la connexion dépassé",
            )),
        }
    }
}

impl Read for Conn<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.stream.set_read_timeout(Some(self.time_left()?))?;
        let mut stream = self.stream;
        stream.read(buf)
    }
}

impl Write for Conn<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stream.set_write_timeout(Some(self.time_left()?))?;
        let mut stream = self.stream;
        stream.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        let mut stream = self.stream;
        stream.flush()
    }
}

/// The head of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The request target as sent (origin form: starts with `/`).
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a request could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// Malformed or over a limit: answer with this status.
    Bad(u16, &'static str),
    /// The client went away or was too slow: just close.
    Io(io::Error),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// Reads one request head from `conn`, within the limits above and its
/// deadline (a 408 once it has passed).
pub fn read_request(conn: Conn<'_>) -> Result<Request, ReadError> {
    let mut reader = BufReader::with_capacity(4096, conn);

    let line =
        read_line(&mut reader, MAX_REQUEST_LINE)?.ok_or(ReadError::Bad(400, "requête vide"))?;
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Bad(400, "ligne de requête invalide"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(ReadError::Bad(505, "version HTTP non prise en charge"));
    }
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ReadError::Bad(400, "méthode invalide"));
    }

    let mut headers = Vec::new();
    let mut total = 0;
    loop {
        let line = read_line(&mut reader, MAX_HEADERS_BYTES - total)?
            .ok_or(ReadError::Bad(400, "en-têtes incomplets"))?;
        if line.is_empty() {
            break;
        }
        total += line.len() + 2;
        if headers.len() >= MAX_HEADERS {
            return Err(ReadError::Bad(431, "trop d’en-têtes"));
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(ReadError::Bad(400, "en-tête invalide"));
        };
        if name.is_empty() || name.contains([' ', '\t']) {
            return Err(ReadError::Bad(400, "en-tête invalide"));
        }
        headers.push((name.to_string(), value.trim().to_string()));
    }
    Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        headers,
    })
}

/// One CRLF- (or LF-) terminated line of at most `max` bytes, without its
/// terminator; `None` at end of stream before any byte.
fn read_line(reader: &mut BufReader<Conn<'_>>, max: usize) -> Result<Option<String>, ReadError> {
    let mut line = Vec::new();
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err(ReadError::Bad(408, "requête trop lente"))
            }
            Err(e) => return Err(e.into()),
        };
        if available.is_empty() {
            return if line.is_empty() {
                Ok(None)
            } else {
                Err(ReadError::Bad(400, "requête incomplète"))
            };
        }
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        if line.len() + chunk.len() > max + 2 {
            return Err(ReadError::Bad(431, "requête trop longue"));
        }
        line.extend_from_slice(chunk);
        let n = chunk.len();
        reader.consume(n);
        if done {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            if line.len() > max {
                return Err(ReadError::Bad(431, "requête trop longue"));
            }
            return String::from_utf8(line)
                .map(Some)
                .map_err(|_| ReadError::Bad(400, "requête non UTF-8"));
        }
    }
}

/// Why a request path is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathError {
    /// Not an origin-form target, bad escape, `..`, `\`, NUL, control characters.
    Bad,
}

/// The site file key a request target asks for, before the index and
/// redirect rules: `/` → `""`, `/faq/` → `"faq/"`, `/style.css?h=1` →
/// `"style.css"`. Refuses anything that could name a parent folder, raw or
/// percent-encoded.
pub fn request_path(target: &str) -> Result<String, PathError> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return Err(PathError::Bad);
    }
    check_segments(path)?;
    let decoded = percent_decode(path).ok_or(PathError::Bad)?;
    let decoded = String::from_utf8(decoded).map_err(|_| PathError::Bad)?;
    check_segments(&decoded)?;
    if decoded.contains("//") {
        return Err(PathError::Bad);
    }
    Ok(decoded[1..].to_string())
}

fn check_segments(path: &str) -> Result<(), PathError> {
    if path.contains(['\\', '\0']) || path.chars().any(char::is_control) {
        return Err(PathError::Bad);
    }
    if path.split('/').any(|seg| seg == ".." || seg == ".") {
        return Err(PathError::Bad);
    }
    Ok(())
}

/// The content type of a site file: one table, shared with the tests.
pub use super::mime::content_type;

/// The reason phrase of the statuses the server sends.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        403 => "Forbidden",
        302 => "Found",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        426 => "Upgrade Required",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// A complete response, always closing the connection.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Response {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body: body.into(),
        }
    }

    /// A short plain-text answer (errors).
    pub fn text(status: u16, message: &str) -> Self {
        Response::new(
            status,
            "text/plain; charset=utf-8",
            format!("{status} {}\n{message}\n", reason(status)),
        )
    }

    /// Adds a header; its value is made safe ([`header_safe`]) here, so
    /// what a response holds is what is sent.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        let value = value.into();
        let value = match header_safe(&value) {
            Cow::Borrowed(_) => value,
            Cow::Owned(safe) => safe,
        };
        self.headers.push((name, value));
        self
    }

    /// Writes the response (without its body for `HEAD`).
    pub fn write_to(&self, mut out: impl Write, head_only: bool) -> io::Result<()> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            // Again when writing: `headers` is public, and no value, however
            // it was built, may end the line or add a header.
            head.push_str(&format!("{name}: {}\r\n", header_safe(value)));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
            self.body.len()
        ));
        out.write_all(head.as_bytes())?;
        if !head_only {
            out.write_all(&self.body)?;
        }
        out.flush()
    }
}

/// `text` with every byte that may not appear raw in a header value (nor
/// in a line printed to the terminal) percent-encoded: control bytes (CR,
/// LF, tab, ESC…), DEL and non-ASCII. `%` itself is kept, so escapes the
/// client sent stay as sent and encoding twice changes nothing.
pub fn header_safe(text: &str) -> Cow<'_, str> {
    let safe = |b: u8| (0x20..0x7f).contains(&b);
    if text.bytes().all(safe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for b in text.bytes() {
        if safe(b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Cow::Owned(out)
}

/// Ends a connection after its response: no more writes, then reads and
/// drops what the client may still send (at most [`DRAIN_TIME`] and
/// [`DRAIN_BYTES`], never past the connection's deadline), so that closing
/// the socket does not reset the connection before the response is read.
pub fn finish(conn: Conn<'_>) {
    let _ = conn.stream.shutdown(std::net::Shutdown::Write);
    let mut conn = conn.until(Instant::now() + DRAIN_TIME);
    let mut buf = [0u8; 4096];
    let mut budget = DRAIN_BYTES;
    while budget > 0 {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => budget = budget.saturating_sub(n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::thread::JoinHandle;

    /// Both ends of a loopback connection: (client, server).
    fn pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        (client, server)
    }

    /// A client that sends `first`, then one byte every 20 ms for `bytes`
    /// bytes, ignoring what it receives. Returns whether the server closed
    /// the connection while it was still sending.
    fn trickle(mut client: TcpStream, first: &'static [u8], bytes: usize) -> JoinHandle<bool> {
        std::thread::spawn(move || {
            if client.write_all(first).is_err() {
                return true;
            }
            for _ in 0..bytes {
                std::thread::sleep(Duration::from_millis(20));
                if client.write_all(b"a").is_err() {
                    return true;
                }
            }
            false
        })
    }

    #[test]
    fn a_trickled_head_stops_at_the_deadline() {
        let (client, server) = pair();
        // 2 s of trickling, then the client closes: without the deadline the
        // head would end as incomplete (400), not as too slow (408).
        let client = trickle(client, b"GET / HTTP/1.1\r\nX-Lent: ", 100);
        let conn = Conn::new(&server, Instant::now() + Duration::from_millis(300));
        assert!(matches!(read_request(conn), Err(ReadError::Bad(408, _))));
        drop(server);
        assert!(client.join().unwrap(), "the server closed first");
    }

    #[test]
    fn draining_stops_while_the_client_still_sends() {
        let (client, server) = pair();
        // 10 s of trickling against at most DRAIN_TIME of draining.
        let client = trickle(client, b"GET / HTTP/1.1\r\n\r\n", 500);
        let conn = Conn::new(&server, Instant::now() + Duration::from_secs(60));
        read_request(conn).unwrap();
        Response::text(200, "ok").write_to(conn, false).unwrap();
        finish(conn);
        drop(server);
        assert!(
            client.join().unwrap(),
            "the server closed while the client was still sending"
        );
    }

    #[test]
    fn a_client_that_does_not_read_stops_writes_at_the_deadline() {
        let (client, server) = pair();
        let conn = Conn::new(&server, Instant::now() + Duration::from_millis(300));
        // More than any socket buffer holds; the client reads nothing (it
        // closes after 10 s, which would be a broken pipe, not a timeout).
        let body = vec![b'x'; 64 * 1024 * 1024];
        let holder = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(10));
            drop(client);
        });
        let err = Response::new(200, "text/plain", body)
            .write_to(conn, false)
            .unwrap_err();
        assert!(
            matches!(
                err.kind(),
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
            ),
            "{err:?}"
        );
        drop(server);
        drop(holder);
    }

    #[test]
    fn header_values_never_carry_control_bytes() {
        assert_eq!(header_safe("/faq/?x=1"), "/faq/?x=1");
        assert!(matches!(header_safe("/faq/?x=1"), Cow::Borrowed(_)));
        assert_eq!(
            header_safe("/faq/?a\r\nSet-Cookie: x"),
            "/faq/?a%0D%0ASet-Cookie: x"
        );
        assert_eq!(
            header_safe("/faq/?a%0d%0a"),
            "/faq/?a%0d%0a",
            "kept as sent"
        );
        assert_eq!(header_safe("\t\u{1b}[31m\u{7f}"), "%09%1B[31m%7F");
        assert_eq!(header_safe("/café/"), "/caf%C3%A9/");
        let once = header_safe("/é?\r").into_owned();
        assert_eq!(header_safe(&once), once, "idempotent");

        let r = Response::text(302, "voir").header("Location", "/faq/?a\rX-Injecte: oui");
        let mut out = Vec::new();
        r.write_to(&mut out, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        let head = text.split("\r\n\r\n").next().unwrap();
        assert!(head.contains("\r\nLocation: /faq/?a%0DX-Injecte: oui\r\n"));
        for line in head.split("\r\n") {
            assert!(!line.contains(['\r', '\n']), "{line:?}");
            assert!(!line.starts_with("X-Injecte"), "{line:?}");
        }
    }

    #[test]
    fn paths_are_normalised() {
        assert_eq!(request_path("/").unwrap(), "");
        assert_eq!(request_path("/faq/").unwrap(), "faq/");
        assert_eq!(request_path("/style.css?h=12").unwrap(), "style.css");
        assert_eq!(request_path("/caf%C3%A9/").unwrap(), "café/");
        assert_eq!(request_path("/a/b.html#x").unwrap(), "a/b.html");
    }

    #[test]
    fn traversal_is_refused_raw_or_encoded() {
        for bad in [
            "/../Cargo.toml",
            "/a/../../etc/passwd",
            "/%2e%2e/",
            "/%2E%2E/Cargo.toml",
            "/..%2f",
            "/..%2fCargo.toml",
            "/a/%2e%2e%2f%2e%2e%2fCargo.toml",
            "/..\\Cargo.toml",
            "/%5c..%5cCargo.toml",
            "/a%00.html",
            "/./index.html",
            "//etc/passwd",
            "/%2f%2fetc",
            "/%zz",
            "/%e9",
            "http://example.com/",
            "*",
            "",
        ] {
            assert!(request_path(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
