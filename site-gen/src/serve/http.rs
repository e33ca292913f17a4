//! The small part of HTTP/1.1 the development server speaks: one `GET` or
//! `HEAD` per connection (`Connection: close`), strict size limits and
//! timeouts, and request paths checked before they are looked up.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Longest request line (method, target, version), in bytes.
pub const MAX_REQUEST_LINE: usize = 8 * 1024;
/// Longest header section (every header line together), in bytes.
pub const MAX_HEADERS_BYTES: usize = 32 * 1024;
/// Most header lines.
pub const MAX_HEADERS: usize = 100;
/// Time allowed to receive the whole request head.
pub const HEAD_DEADLINE: Duration = Duration::from_secs(10);
/// Read timeout of one read call; writes have the same.
pub const IO_TIMEOUT: Duration = Duration::from_secs(5);

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

/// Reads one request head from `stream`, within the limits above.
pub fn read_request(stream: &TcpStream) -> Result<Request, ReadError> {
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let deadline = Instant::now() + HEAD_DEADLINE;
    let mut reader = BufReader::with_capacity(4096, stream);

    let line = read_line(&mut reader, MAX_REQUEST_LINE, deadline)?
        .ok_or(ReadError::Bad(400, "requête vide"))?;
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
        let line = read_line(&mut reader, MAX_HEADERS_BYTES - total, deadline)?
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
fn read_line(
    reader: &mut BufReader<&TcpStream>,
    max: usize,
    deadline: Instant,
) -> Result<Option<String>, ReadError> {
    let mut line = Vec::new();
    loop {
        if Instant::now() > deadline {
            return Err(ReadError::Bad(408, "requête trop lente"));
        }
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

/// Strict percent-decoding: `%` must be followed by two hex digits.
pub fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The content type of a site file, by its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit('/')
        .next()
        .and_then(|name| name.rsplit_once('.'))
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "wasm" => "application/wasm",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

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

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Writes the response (without its body for `HEAD`).
    pub fn write_to(&self, mut out: impl Write, head_only: bool) -> io::Result<()> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
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

/// Ends a connection after its response: no more writes, then reads and
/// drops what the client may still send (briefly), so that closing the
/// socket does not reset the connection before the response is read.
pub fn finish(stream: &TcpStream) {
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(100)));
    let mut buf = [0u8; 4096];
    let mut budget: usize = 64 * 1024;
    let mut s = stream;
    while budget > 0 {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => budget = budget.saturating_sub(n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn content_types() {
        assert_eq!(
            content_type("assets/calculateur.0123.wasm"),
            "application/wasm"
        );
        assert_eq!(content_type("a.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("logo.SVG"), "image/svg+xml");
        assert_eq!(content_type("f.woff2"), "font/woff2");
        assert_eq!(
            content_type("dossier.v2/README"),
            "application/octet-stream"
        );
    }
}
