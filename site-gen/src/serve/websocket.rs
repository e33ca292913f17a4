//! The small part of WebSocket (RFC 6455) live reload speaks: the server's
//! side of the handshake, checked as strictly as any request; short text
//! frames to the page; the page's frames read only for what the protocol
//! requires (close, ping), with every violation ending the connection.
//!
//! A WebSocket rather than the former event stream: browsers keep at most
//! six HTTP/1.1 connections per host, and an `EventSource` held one of
//! them for as long as its page stayed open, so a seventh tab never loaded
//! and no page ever reached network idle. WebSockets are counted apart
//! from that pool (and by no load of the page), and one per page is enough.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;

use super::http::{Request, Response};

/// Appended to the page's key before hashing (RFC 6455, section 1.3).
const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/// The only version of the protocol (section 4.4).
const VERSION: &str = "13";
/// Longest frame payload accepted from a page. The reload script never
/// sends a message: only control frames (at most 125 bytes) are expected.
pub const MAX_PAGE_PAYLOAD: usize = 1024;

/// Opcodes (section 5.2).
const CONTINUATION: u8 = 0x0;
const TEXT: u8 = 0x1;
const BINARY: u8 = 0x2;
const CLOSE: u8 = 0x8;
const PING: u8 = 0x9;
const PONG: u8 = 0xA;

/// Close codes (section 7.4.1).
pub const NORMAL: u16 = 1000;
pub const PROTOCOL_ERROR: u16 = 1002;
pub const TOO_BIG: u16 = 1009;

/// The answer to a request for the socket: the head of the `101` that
/// switches protocols, or why it is refused. Checks, in order: the method
/// (405), the upgrade itself (426), the version (426 naming the one
/// spoken), the key (400), the page's origin (403: another site open in
/// the same browser must not listen to the preview).
pub fn handshake(request: &Request) -> Result<String, Response> {
    if request.method != "GET" {
        return Err(Response::text(
            405,
            "seule la méthode GET ouvre le rechargement automatique",
        )
        .header("Allow", "GET"));
    }
    if !has_token(request, "Upgrade", "websocket") || !has_token(request, "Connection", "upgrade") {
        return Err(
            Response::text(426, "cette adresse n’accepte qu’une connexion WebSocket")
                .header("Upgrade", "websocket"),
        );
    }
    if request.header("Sec-WebSocket-Version") != Some(VERSION) {
        return Err(Response::text(
            426,
            "version de WebSocket non prise en charge (13 seulement)",
        )
        .header("Sec-WebSocket-Version", VERSION));
    }
    let mut keys = request
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("Sec-WebSocket-Key"));
    let key = match (keys.next(), keys.next()) {
        (Some((_, key)), None) if is_valid_key(key) => key,
        _ => return Err(Response::text(400, "clé WebSocket absente ou invalide")),
    };
    if let Some(origin) = request.header("Origin") {
        if !same_origin(origin, request.header("Host")) {
            return Err(Response::text(
                403,
                "origine refusée (seules les pages du serveur se rechargent)",
            ));
        }
    }
    Ok(format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n\r\n",
        accept_key(key)
    ))
}

/// Whether the comma-separated header `name` holds `token` (any case).
fn has_token(request: &Request, name: &str, token: &str) -> bool {
    request
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .flat_map(|(_, v)| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

/// A key is 16 bytes in base64 (section 4.1).
fn is_valid_key(key: &str) -> bool {
    BASE64.decode(key).is_ok_and(|bytes| bytes.len() == 16)
}

/// Whether a page at `origin` was served by this server, reached as
/// `host` (the `Host` header, already checked against the accepted names).
fn same_origin(origin: &str, host: Option<&str>) -> bool {
    let Some(host) = host else {
        return false;
    };
    let authority = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    authority.is_some_and(|a| a.eq_ignore_ascii_case(host))
}

/// `Sec-WebSocket-Accept` for `key` (section 4.2.2).
pub fn accept_key(key: &str) -> String {
    let mut sha1 = sha1_smol::Sha1::new();
    sha1.update(key.as_bytes());
    sha1.update(GUID.as_bytes());
    BASE64.encode(sha1.digest().bytes())
}

/// A whole (unfragmented, unmasked: the server's) frame.
fn frame(opcode: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 10);
    out.push(0x80 | opcode);
    match payload.len() {
        n @ 0..=125 => out.push(n as u8),
        n @ 126..=0xFFFF => {
            out.push(126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            out.push(127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    out.extend_from_slice(payload);
    out
}

/// A text message to the page.
pub fn text(message: &str) -> Vec<u8> {
    frame(TEXT, message.as_bytes())
}

/// A ping: the browser answers on its own; a page gone fails the write.
pub fn ping() -> Vec<u8> {
    frame(PING, b"")
}

/// The close frame with `code`.
pub fn close(code: u16) -> Vec<u8> {
    frame(CLOSE, &code.to_be_bytes())
}

/// What a page sent, as far as the server cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    /// The page closes the connection (answer with [`close`], then drop it).
    Close,
    /// Answer with a pong carrying the same payload ([`pong`]).
    Ping(Vec<u8>),
    /// Anything else allowed (pongs, messages): dropped.
    Ignored,
    /// The page broke the protocol: close with this code and drop it.
    Violation(u16),
}

/// The pong answering a ping's `payload`.
pub fn pong(payload: &[u8]) -> Vec<u8> {
    frame(PONG, payload)
}

/// The frames a page sends, read from the bytes received so far (they may
/// stop in the middle of a frame). Holds at most one frame's worth of
/// bytes: anything longer is a violation before it is stored.
#[derive(Debug, Default)]
pub struct PageFrames {
    buf: Vec<u8>,
    /// A violation was found: nothing after it is read.
    broken: bool,
}

impl PageFrames {
    pub fn push(&mut self, bytes: &[u8]) {
        if !self.broken {
            self.buf.extend_from_slice(bytes);
        }
    }

    /// Bytes received and not yet taken as a frame.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }

    /// The next complete frame, `None` until one has fully arrived.
    pub fn next_frame(&mut self) -> Option<Incoming> {
        let next = self.parse();
        if let Some(Incoming::Violation(_)) = next {
            self.broken = true;
            self.buf = Vec::new();
        }
        next
    }

    fn parse(&mut self) -> Option<Incoming> {
        if self.broken {
            return None;
        }
        let b = &self.buf;
        if b.len() < 2 {
            return None;
        }
        let (fin, rsv, opcode) = (b[0] & 0x80 != 0, b[0] & 0x70, b[0] & 0x0F);
        let masked = b[1] & 0x80 != 0;
        // No extension was agreed on: reserved bits must be zero; every
        // frame from a client is masked (section 5.1).
        if rsv != 0 || !masked {
            return Some(Incoming::Violation(PROTOCOL_ERROR));
        }
        let control = opcode & 0x8 != 0;
        if !matches!(opcode, CONTINUATION | TEXT | BINARY | CLOSE | PING | PONG) {
            return Some(Incoming::Violation(PROTOCOL_ERROR));
        }
        let (len, mut at) = match b[1] & 0x7F {
            // Not all there yet: `None` until the length has arrived.
            126 => (
                u64::from(u16::from_be_bytes(b.get(2..4)?.try_into().ok()?)),
                4,
            ),
            127 => (u64::from_be_bytes(b.get(2..10)?.try_into().ok()?), 10),
            n => (u64::from(n), 2),
        };
        // Control frames are short and whole (section 5.5).
        if control && (len > 125 || !fin) {
            return Some(Incoming::Violation(PROTOCOL_ERROR));
        }
        if len > MAX_PAGE_PAYLOAD as u64 {
            return Some(Incoming::Violation(TOO_BIG));
        }
        let len = len as usize;
        let mask: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
        at += 4;
        if b.len() < at + len {
            return None;
        }
        let payload: Vec<u8> = b[at..at + len]
            .iter()
            .enumerate()
            .map(|(i, byte)| byte ^ mask[i % 4])
            .collect();
        self.buf.drain(..at + len);
        Some(match opcode {
            CLOSE => Incoming::Close,
            PING => Incoming::Ping(payload),
            _ => Incoming::Ignored,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: &str, headers: &[(&str, &str)]) -> Request {
        Request {
            method: method.into(),
            target: "/__site-gen/live".into(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// What Chromium sends, less what does not matter here.
    const BROWSER: &[(&str, &str)] = &[
        ("Host", "127.0.0.1:1111"),
        ("Connection", "Upgrade"),
        ("Upgrade", "websocket"),
        ("Origin", "http://127.0.0.1:1111"),
        ("Sec-WebSocket-Version", "13"),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
        (
            "Sec-WebSocket-Extensions",
            "permessage-deflate; client_max_window_bits",
        ),
    ];

    fn without(name: &str) -> Vec<(&'static str, &'static str)> {
        BROWSER
            .iter()
            .copied()
            .filter(|(n, _)| *n != name)
            .collect()
    }

    fn with(name: &'static str, value: &'static str) -> Vec<(&'static str, &'static str)> {
        let mut headers = without(name);
        headers.push((name, value));
        headers
    }

    fn refusal(method: &str, headers: &[(&str, &str)]) -> Response {
        handshake(&request(method, headers)).expect_err("refused")
    }

    #[test]
    fn the_accept_key_of_the_rfc_example() {
        // RFC 6455, section 1.3.
        assert_eq!(
            accept_key("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn a_browser_handshake_is_accepted_without_extensions() {
        let head = handshake(&request("GET", BROWSER)).unwrap();
        assert_eq!(
            head,
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
        );
        // Firefox sends `keep-alive, Upgrade`; names and tokens in any case.
        let firefox = with("Connection", "keep-alive, Upgrade");
        assert!(handshake(&request("GET", &firefox)).is_ok());
        let mut shouted = with("upgrade", "WebSocket");
        shouted.retain(|(n, _)| *n != "Upgrade");
        assert!(handshake(&request("GET", &shouted)).is_ok());
        // No Origin: not a browser, nothing to protect against.
        assert!(handshake(&request("GET", &without("Origin"))).is_ok());
    }

    #[test]
    fn bad_handshakes_are_refused() {
        let r = refusal("POST", BROWSER);
        assert_eq!(r.status, 405);
        assert!(r.headers.contains(&("Allow", "GET".into())));
        assert_eq!(refusal("HEAD", BROWSER).status, 405);

        let r = refusal("GET", &without("Upgrade"));
        assert_eq!(r.status, 426);
        assert!(r.headers.contains(&("Upgrade", "websocket".into())));
        assert_eq!(refusal("GET", &with("Upgrade", "h2c")).status, 426);
        assert_eq!(refusal("GET", &without("Connection")).status, 426);
        assert_eq!(
            refusal("GET", &with("Connection", "keep-alive")).status,
            426
        );

        for version in [None, Some("8"), Some("13, 8"), Some("")] {
            let headers = match version {
                Some(v) => with("Sec-WebSocket-Version", v),
                None => without("Sec-WebSocket-Version"),
            };
            let r = refusal("GET", &headers);
            assert_eq!(r.status, 426, "{version:?}");
            assert!(
                r.headers.contains(&("Sec-WebSocket-Version", "13".into())),
                "the version spoken is named"
            );
        }

        assert_eq!(refusal("GET", &without("Sec-WebSocket-Key")).status, 400);
        for key in [
            "",
            "pas du base64 !",
            "dGhlIHNhbXBsZQ==",
            "dGhlIHNhbXBsZSBub25jZSBub25jZQ==",
        ] {
            assert_eq!(
                refusal("GET", &with("Sec-WebSocket-Key", key)).status,
                400,
                "{key:?}"
            );
        }
        let mut twice = BROWSER.to_vec();
        twice.push(("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAA=="));
        assert_eq!(refusal("GET", &twice).status, 400, "two keys");

        for origin in [
            "http://evil.example",
            "http://127.0.0.1:2222",
            "null",
            "file://",
            "http://127.0.0.1:1111.evil.example",
        ] {
            assert_eq!(
                refusal("GET", &with("Origin", origin)).status,
                403,
                "{origin:?}"
            );
        }
        assert!(handshake(&request("GET", &with("Origin", "http://127.0.0.1:1111"))).is_ok());
    }

    /// A frame as a browser sends it (masked).
    fn from_page(first: u8, payload: &[u8]) -> Vec<u8> {
        let mask = [0x37, 0xfa, 0x21, 0x3d];
        let mut out = vec![first];
        match payload.len() {
            n @ 0..=125 => out.push(0x80 | n as u8),
            n @ 126..=0xFFFF => {
                out.push(0x80 | 126);
                out.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                out.push(0x80 | 127);
                out.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        out.extend_from_slice(&mask);
        out.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        out
    }

    fn read_all(bytes: &[u8]) -> Vec<Incoming> {
        let mut frames = PageFrames::default();
        frames.push(bytes);
        std::iter::from_fn(|| frames.next_frame())
            .take(10)
            .collect()
    }

    #[test]
    fn frames_to_the_page() {
        assert_eq!(text("hello s-1"), b"\x81\x09hello s-1");
        assert_eq!(ping(), b"\x89\x00");
        assert_eq!(close(NORMAL), b"\x88\x02\x03\xe8");
        assert_eq!(pong(b"ab"), b"\x8a\x02ab");
        let long = "x".repeat(300);
        let f = text(&long);
        assert_eq!(&f[..4], &[0x81, 126, 0x01, 0x2c]);
        assert_eq!(&f[4..], long.as_bytes());
        let f = frame(BINARY, &vec![0; 70_000]);
        assert_eq!(&f[..10], &[0x82, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70]);
    }

    #[test]
    fn frames_from_the_page() {
        // A ping, a pong, a message and a close, cut anywhere.
        let mut bytes = from_page(0x89, b"p1");
        bytes.extend(from_page(0x8A, b""));
        bytes.extend(from_page(0x81, "bonjour é".as_bytes()));
        bytes.extend(from_page(0x88, &[0x03, 0xe9]));
        let expected = vec![
            Incoming::Ping(b"p1".to_vec()),
            Incoming::Ignored,
            Incoming::Ignored,
            Incoming::Close,
        ];
        assert_eq!(read_all(&bytes), expected);
        for cut in 0..bytes.len() {
            let mut frames = PageFrames::default();
            frames.push(&bytes[..cut]);
            let mut got: Vec<Incoming> = std::iter::from_fn(|| frames.next_frame()).collect();
            frames.push(&bytes[cut..]);
            got.extend(std::iter::from_fn(|| frames.next_frame()));
            assert_eq!(got, expected, "cut at {cut}");
            assert_eq!(frames.pending(), 0);
        }
        // A 16-bit length.
        assert_eq!(read_all(&from_page(0x82, &[7; 300])), [Incoming::Ignored]);
    }

    #[test]
    fn protocol_violations_end_the_connection() {
        let unmasked = b"\x81\x02ab".to_vec();
        assert_eq!(read_all(&unmasked), [Incoming::Violation(PROTOCOL_ERROR)]);
        let reserved_bit = from_page(0xC1, b"ab");
        assert_eq!(
            read_all(&reserved_bit),
            [Incoming::Violation(PROTOCOL_ERROR)]
        );
        let unknown_opcode = from_page(0x83, b"");
        assert_eq!(
            read_all(&unknown_opcode),
            [Incoming::Violation(PROTOCOL_ERROR)]
        );
        let long_ping = from_page(0x89, &[0; 126]);
        assert_eq!(read_all(&long_ping), [Incoming::Violation(PROTOCOL_ERROR)]);
        let fragmented_close = from_page(0x08, b"");
        assert_eq!(
            read_all(&fragmented_close),
            [Incoming::Violation(PROTOCOL_ERROR)]
        );
        // Too big is known from the header alone, before the payload comes.
        let big = from_page(0x82, &vec![0; MAX_PAGE_PAYLOAD + 1]);
        assert_eq!(read_all(&big[..8]), [Incoming::Violation(TOO_BIG)]);
        let huge = [0x82, 0x80 | 127, 0x80, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(read_all(&huge), [Incoming::Violation(TOO_BIG)]);
    }
}
