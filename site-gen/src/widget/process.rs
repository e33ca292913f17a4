//! Running the toolchain's programs: output captured, optional time limit.

use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::error::WidgetError;

/// How many lines of a failing program's output go into an error.
const TAIL_LINES: usize = 40;

/// What a finished program printed.
#[derive(Debug)]
pub(crate) struct Captured {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Captured {
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn stderr_tail(&self) -> String {
        tail(&String::from_utf8_lossy(&self.stderr), TAIL_LINES)
    }
}

/// Why a program gave no [`Captured`] output.
#[derive(Debug)]
pub(crate) enum RunError {
    /// It could not be started (`NotFound` when it is not installed).
    Spawn(std::io::Error),
    /// It ran past its time limit and was killed.
    TimedOut { stderr_tail: String },
}

impl RunError {
    pub fn not_found(&self) -> bool {
        matches!(self, RunError::Spawn(e) if e.kind() == std::io::ErrorKind::NotFound)
    }

    /// This failure as a [`WidgetError`] about `command`.
    pub fn into_widget_error(self, command: &Command) -> WidgetError {
        match self {
            RunError::Spawn(source) => WidgetError::Spawn {
                program: describe(command),
                source,
            },
            RunError::TimedOut { stderr_tail } => WidgetError::Toolchain {
                command: describe(command),
                problem: "ne s’est pas terminée à temps et a été arrêtée".into(),
                stderr_tail,
            },
        }
    }
}

/// Runs `cmd` to completion (stdin closed, stdout and stderr captured),
/// killing it if it is still running after `timeout`.
pub(crate) fn run(cmd: &mut Command, timeout: Option<Duration>) -> Result<Captured, RunError> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(RunError::Spawn)?;
    let stdout = child.stdout.take().map(reader);
    let stderr = child.stderr.take().map(reader);
    let deadline = timeout.map(|t| Instant::now() + t);

    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(RunError::Spawn(e));
            }
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            let _ = child.kill();
            let _ = child.wait();
            // A grandchild may still hold the pipes open: do not wait for
            // the readers, just take what they have if they are done.
            let stderr_tail = stderr
                .filter(|h| h.is_finished())
                .and_then(|h| h.join().ok())
                .map(|bytes| tail(&String::from_utf8_lossy(&bytes), TAIL_LINES))
                .unwrap_or_default();
            return Err(RunError::TimedOut { stderr_tail });
        }
        thread::sleep(Duration::from_millis(20));
    };

    let collect =
        |h: Option<thread::JoinHandle<Vec<u8>>>| h.and_then(|h| h.join().ok()).unwrap_or_default();
    Ok(Captured {
        status,
        stdout: collect(stdout),
        stderr: collect(stderr),
    })
}

fn reader(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        buf
    })
}

/// The last `n` lines of `text`.
pub(crate) fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// `cmd` as a shell-like line, with the environment it sets, for messages.
pub(crate) fn describe(cmd: &Command) -> String {
    let mut parts: Vec<String> = cmd
        .get_envs()
        .filter_map(|(k, v)| Some(format!("{}={}", k.to_string_lossy(), v?.to_string_lossy())))
        .collect();
    parts.push(cmd.get_program().to_string_lossy().into_owned());
    parts.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    parts.join(" ")
}

/// Finds `name` in the directories of `PATH`.
pub(crate) fn which(name: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

pub(crate) fn is_executable(path: &std::path::Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_the_last_lines() {
        assert_eq!(tail("a\nb\nc\n", 2), "b\nc");
        assert_eq!(tail("a", 5), "a");
        assert_eq!(tail("", 5), "");
    }

    /// Runs `f` on its own thread; fails with « hung » past 60 s. A hang
    /// detector, not a speed check: what it guards takes a fraction of a
    /// second, and without the time limit it would take ten minutes.
    fn within_a_minute<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(Duration::from_secs(60))
            .expect("hung: the time limit did not stop the program")
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_program_past_its_time_limit_is_killed() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pid");
        let script = format!("echo $$ > '{}'; exec sleep 600", pid_file.display());
        let r = within_a_minute(move || {
            let mut cmd = Command::new("sh");
            cmd.args(["-c", &script]);
            // Long enough for the shell to start on a busy machine.
            run(&mut cmd, Some(Duration::from_secs(2)))
        });
        assert!(matches!(r, Err(RunError::TimedOut { .. })), "{r:?}");
        // The program itself is gone (killed and reaped), not left running.
        let pid = std::fs::read_to_string(&pid_file).expect("the program started");
        let proc = std::path::Path::new("/proc").join(pid.trim());
        assert!(!proc.exists(), "process {} still exists", pid.trim());
    }

    #[test]
    fn a_program_within_its_time_limit_is_not_stopped() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "sleep 0.3; echo fini"]);
        let c = run(&mut cmd, Some(Duration::from_secs(60))).expect("runs to its end");
        assert!(c.status.success());
        assert_eq!(c.stdout_text(), "fini\n");
    }

    #[test]
    fn output_is_captured_and_absence_is_recognised() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo out; echo err >&2; exit 3"]);
        let c = run(&mut cmd, None).expect("sh runs");
        assert_eq!(c.stdout_text(), "out\n");
        assert_eq!(c.stderr_tail(), "err");
        assert_eq!(c.status.code(), Some(3));
        let missing = run(&mut Command::new("site-gen-no-such-program"), None);
        assert!(missing.is_err_and(|e| e.not_found()));
    }
}
