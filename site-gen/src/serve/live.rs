//! Live reload: the script added to served pages, the Server-Sent Events
//! stream it listens to, and the error overlay shown while a build fails.

use std::io::Write;
use std::net::TcpStream;
use std::sync::Mutex;
use std::time::Duration;

use crate::templates::escape;

/// Where the server's own files live; no site file can be there (the
/// generator never writes names starting with `__`... and these are looked
/// up first anyway).
pub const PREFIX: &str = "__site-gen/";
pub const SCRIPT_PATH: &str = "/__site-gen/reload.js";
pub const EVENTS_PATH: &str = "/__site-gen/events";
pub const STYLE_PATH: &str = "/__site-gen/erreurs.css";
pub const ERRORS_PATH: &str = "/__site-gen/errors";

/// Most pages listening at once (each holds one socket, no thread).
pub const MAX_LISTENERS: usize = 64;

/// The reload script: an external file, so that a Content-Security-Policy
/// forbidding inline scripts does not stop it. The page knows the build it
/// was served from (`data-build`): when the stream says another build is
/// current (it changed between the page load and the connection, or the
/// server restarted), the page reloads at once.
pub const RELOAD_JS: &str = r#"// site-gen serve : recharge la page quand le site est reconstruit.
(function () {
  "use strict";
  var me = document.currentScript;
  var build = me && me.getAttribute("data-build");
  if (!window.EventSource) return;
  var events = new EventSource("/__site-gen/events");
  events.addEventListener("hello", function (e) {
    if (build && e.data !== build) location.reload();
  });
  events.addEventListener("reload", function () {
    location.reload();
  });
})();
"#;

/// Style of the error overlay (an external file, for the same reason).
pub const OVERLAY_CSS: &str = r#"#site-gen-erreurs {
  position: fixed; inset: 0; z-index: 2147483647; overflow: auto;
  margin: 0; padding: 2rem; box-sizing: border-box;
  background: rgba(20, 20, 20, 0.94); color: #fff;
  font: 15px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
}
#site-gen-erreurs h1 { margin: 0 0 1rem; font-size: 1.3rem; color: #ff8a80; }
#site-gen-erreurs ul { margin: 0; padding: 0; list-style: none; }
#site-gen-erreurs li { margin: 0 0 0.6rem; white-space: pre-wrap; word-break: break-word; }
#site-gen-erreurs p { color: #ccc; }
"#;

/// The tag added before `</body>` of every served page.
pub fn script_tag(build: &str) -> String {
    format!(
        "<script src=\"{SCRIPT_PATH}\" data-build=\"{}\"></script>",
        escape(build)
    )
}

/// The overlay listing the problems of the last build.
pub fn overlay(problems: &[String]) -> String {
    let mut html = format!(
        "<link rel=\"stylesheet\" href=\"{STYLE_PATH}\"><div id=\"site-gen-erreurs\" role=\"alert\"><h1>La dernière construction a échoué ({} {})</h1><ul>",
        problems.len(),
        if problems.len() > 1 { "erreurs" } else { "erreur" }
    );
    for p in problems {
        html.push_str("<li>");
        html.push_str(&escape(p));
        html.push_str("</li>");
    }
    html.push_str("</ul><p>Corrigez le fichier et enregistrez : la page se rechargera toute seule. Le site affiché dessous est la dernière version réussie.</p></div>");
    html
}

/// A whole page for when no build has succeeded yet.
pub fn error_page(problems: &[String], build: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Erreur de construction — site-gen</title></head><body>{}{}</body></html>\n",
        overlay(problems),
        script_tag(build)
    )
}

/// `html` with the overlay (if any) after `<body…>` and the script before
/// `</body>` (or at the ends when the tags are missing).
pub fn inject(html: &[u8], build: &str, problems: Option<&[String]>) -> Vec<u8> {
    let script = script_tag(build);
    let overlay = problems.map(overlay).unwrap_or_default();
    let mut out = Vec::with_capacity(html.len() + script.len() + overlay.len());
    let lower = html.to_ascii_lowercase();
    let body_open = find(&lower, b"<body").and_then(|i| {
        lower[i..]
            .iter()
            .position(|&b| b == b'>')
            .map(|j| i + j + 1)
    });
    let body_close = rfind(&lower, b"</body");
    let (first_cut, second_cut) = (body_open.unwrap_or(0), body_close.unwrap_or(html.len()));
    let second_cut = second_cut.max(first_cut);
    out.extend_from_slice(&html[..first_cut]);
    out.extend_from_slice(overlay.as_bytes());
    out.extend_from_slice(&html[first_cut..second_cut]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[second_cut..]);
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The pages listening for reloads.
#[derive(Default)]
pub struct Listeners {
    streams: Mutex<Vec<TcpStream>>,
}

impl Listeners {
    /// Takes over a connection that asked for the event stream: sends the
    /// headers and the current build, then keeps it. Gives the connection
    /// back when too many pages listen already.
    pub fn add(&self, mut stream: TcpStream, build: &str) -> Result<(), TcpStream> {
        let mut streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        if streams.len() >= MAX_LISTENERS {
            return Err(stream);
        }
        let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\nretry: 1000\n\nevent: hello\ndata: {build}\n\n"
        );
        if stream
            .write_all(head.as_bytes())
            .and_then(|()| stream.flush())
            .is_ok()
        {
            streams.push(stream);
        }
        Ok(())
    }

    /// Sends `event` to every page, forgetting those that went away.
    pub fn send(&self, event: &str, data: &str) {
        let message = format!("event: {event}\ndata: {data}\n\n");
        self.write_all(message.as_bytes());
    }

    /// A comment line, so closed pages are noticed and forgotten.
    pub fn ping(&self) {
        self.write_all(b": ping\n\n");
    }

    fn write_all(&self, bytes: &[u8]) {
        let mut streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        streams.retain_mut(|s| s.write_all(bytes).and_then(|()| s.flush()).is_ok());
    }

    pub fn len(&self) -> usize {
        self.streams.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_before_body_end_and_overlay_after_body_start() {
        let html = b"<html><body class=\"x\"><p>a</p></body></html>";
        let out = String::from_utf8(inject(html, "7", None)).unwrap();
        assert_eq!(
            out,
            "<html><body class=\"x\"><p>a</p><script src=\"/__site-gen/reload.js\" data-build=\"7\"></script></body></html>"
        );
        let problems = vec!["content/a.md:2:1: <faux>".to_string()];
        let out = String::from_utf8(inject(html, "7", Some(&problems))).unwrap();
        assert!(out.starts_with("<html><body class=\"x\"><link rel=\"stylesheet\" href=\"/__site-gen/erreurs.css\"><div id=\"site-gen-erreurs\""));
        assert!(out.contains("content/a.md:2:1: &lt;faux&gt;"));
    }

    #[test]
    fn pages_without_body_still_get_the_script() {
        let out = String::from_utf8(inject(b"<p>a</p>", "1", None)).unwrap();
        assert!(out.starts_with("<p>a</p><script"));
    }
}
