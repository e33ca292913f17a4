//! Measuring: child processes (wall time, CPU time, peak memory through
//! `wait4`), medians, gzipped sizes, and the HTTP requests of the
//! incremental figure of `site-gen serve` (through the workspace's client,
//! `ureq`).

use std::io::{self, Read, Seek, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One run of a child process.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub wall: Duration,
    /// User + system CPU time of the child (and of the children it waited for).
    pub cpu: Duration,
    /// Peak resident set size, KiB (Linux's `ru_maxrss`).
    pub max_rss_kib: u64,
    pub success: bool,
    /// The end of its standard error (kept for failures).
    pub stderr_tail: String,
}

/// Runs `cmd` to completion, its standard output discarded and its
/// standard error kept, and measures it. Wall time runs from just before
/// the spawn to the moment `wait4` reaps the child.
pub fn run_measured(cmd: &mut Command) -> io::Result<Run> {
    let mut err_file = tempfile::tempfile()?;
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(err_file.try_clone()?);
    let start = Instant::now();
    let child = cmd.spawn()?;
    let pid = libc::pid_t::try_from(child.id()).map_err(io::Error::other)?;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data; zeroed is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our own child, not waited for by anything else
        // (`child` is never waited on: dropping a `Child` does not wait);
        // both pointers are valid for the call.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
    let wall = start.elapsed();
    drop(child);
    let success = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    let mut stderr = String::new();
    err_file.rewind()?;
    err_file.read_to_string(&mut stderr).ok();
    let tail_start = stderr.char_indices().rev().nth(2000).map_or(0, |(i, _)| i);
    Ok(Run {
        wall,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        max_rss_kib: u64::try_from(usage.ru_maxrss).unwrap_or(0),
        success,
        stderr_tail: stderr[tail_start..].to_string(),
    })
}

/// Median of `values` (mean of the two middle ones for an even count);
/// `None` when empty.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    })
}

/// Size of `bytes` gzipped at level 9 (`gzip -9`, as the widget's own
/// size check in site-gen measures it).
pub fn gzip_len(bytes: &[u8]) -> usize {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).expect("writing to memory");
    enc.finish().expect("writing to memory").len()
}

/// Size of `bytes` compressed with brotli at quality 11, window 2^22:
/// the `.br` copies `site-gen build` writes with `precompress = true`.
pub fn brotli_len(bytes: &[u8]) -> usize {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("compressing in memory");
    out.len()
}

/// `12.3 KiB` (1 decimal; bytes under 1 KiB as `512 B`).
pub fn human_size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

/// The system's load averages (1, 5, 15 min), as `/proc/loadavg` says.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// The `http://…` URL in a line `site-gen serve` prints
/// (`Site servi sur http://127.0.0.1:40123 (Ctrl+C pour arrêter)`).
pub fn serve_url(line: &str) -> Option<&str> {
    let start = line.find("http://")?;
    let rest = &line[start..];
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    Some(&rest[..end])
}

/// The build time `site-gen serve` reports for a rebuild
/// (`… reconstruit en 123 ms : …`), in ms.
pub fn rebuild_ms(line: &str) -> Option<u64> {
    let rest = &line[line.find(" en ")? + 4..];
    let digits = rest.strip_suffix(" ms").unwrap_or(rest);
    let digits = digits.split(" ms").next()?;
    digits.trim().parse().ok()
}

/// The client of `site-gen serve` on the loopback interface: no proxy,
/// redirects not followed, every status returned as a value, `timeout`
/// for each whole request.
pub fn http_agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .proxy(None)
        .max_redirects(0)
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .build()
        .into()
}

/// `GET url`: status and body.
pub fn http_get(agent: &ureq::Agent, url: &str) -> anyhow::Result<(u16, Vec<u8>)> {
    let mut response = agent.get(url).call()?;
    let body = response.body_mut().read_to_vec()?;
    Ok((response.status().as_u16(), body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }

    #[test]
    fn serve_lines() {
        let line = "Site servi sur http://127.0.0.1:40123 (Ctrl+C pour arrêter)";
        assert_eq!(serve_url(line), Some("http://127.0.0.1:40123"));
        assert_eq!(serve_url("rien"), None);
        assert_eq!(
            rebuild_ms(
                "content/a.md modifié : reconstruit en 123 ms : 10 pages, 2 sections, 20 fichiers"
            ),
            Some(123)
        );
        assert_eq!(rebuild_ms("Site construit en 45 ms : 10 pages"), Some(45));
    }

    #[test]
    fn gets_status_and_body_without_following_redirects() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("faq")).unwrap();
        std::fs::write(dir.path().join("faq/index.html"), "questions").unwrap();
        std::fs::write(dir.path().join("404.html"), "introuvable").unwrap();
        let server = e2e::StaticServer::start(dir.path()).unwrap();
        let agent = http_agent(Duration::from_secs(10));
        let url = server.url();
        assert_eq!(
            http_get(&agent, &format!("{url}/faq/")).unwrap(),
            (200, b"questions".to_vec())
        );
        assert_eq!(
            http_get(&agent, &format!("{url}/absente/")).unwrap(),
            (404, b"introuvable".to_vec())
        );
        assert_eq!(http_get(&agent, &format!("{url}/faq")).unwrap().0, 302);
    }

    #[test]
    fn gzip_and_sizes() {
        let text = "a".repeat(1000);
        assert!(gzip_len(text.as_bytes()) < 60);
        assert!(brotli_len(text.as_bytes()) < 30);
        // Text compresses better with brotli than with gzip.
        let prose = "Une part du poste mutualisé, ses jours et son coût. ".repeat(40);
        assert!(brotli_len(prose.as_bytes()) < gzip_len(prose.as_bytes()));
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(2048), "2.0 KiB");
    }

    #[test]
    fn measures_a_child() {
        let run = run_measured(Command::new("sh").args(["-c", "echo oops >&2; exit 3"])).unwrap();
        assert!(!run.success);
        assert_eq!(run.stderr_tail.trim(), "oops");
        let run = run_measured(&mut Command::new("true")).unwrap();
        assert!(run.success);
        assert!(run.max_rss_kib > 0);
    }
}
