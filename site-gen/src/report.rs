//! How the command line reports: problems as `file:line:col: message` with
//! the source line and a caret, the closing count, colours, sizes.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use site_gen::Diagnostic;

/// `12,3 Kio`
pub(crate) fn size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} o")
    } else {
        format!("{:.1} Kio", bytes as f64 / 1024.0).replace('.', ",")
    }
}

/// Terminal colours, only on a terminal and without NO_COLOR.
pub(crate) struct Style {
    pub(crate) red: &'static str,
    pub(crate) yellow: &'static str,
    pub(crate) bold: &'static str,
    pub(crate) blue: &'static str,
    pub(crate) reset: &'static str,
}

impl Style {
    pub(crate) fn get() -> Style {
        let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        if colour {
            Style {
                red: "\x1b[1;31m",
                yellow: "\x1b[1;33m",
                bold: "\x1b[1m",
                blue: "\x1b[1;34m",
                reset: "\x1b[0m",
            }
        } else {
            Style {
                red: "",
                yellow: "",
                bold: "",
                blue: "",
                reset: "",
            }
        }
    }
}

#[derive(Clone, Copy)]
pub(crate) enum Level {
    Error,
    Warning,
}

/// Compiler-like output: `file:line:col: message`, the offending line and a
/// caret under the column (when `show_source` says the file is a source);
/// colours only on a terminal.
pub(crate) fn print_problems<'a>(
    root: &Path,
    diags: impl IntoIterator<Item = &'a Diagnostic>,
    level: Level,
    show_source: impl Fn(&Diagnostic) -> bool,
) {
    let Style {
        red,
        yellow,
        bold,
        blue,
        reset,
    } = Style::get();
    let (colour, label) = match level {
        Level::Error => (red, "erreur"),
        Level::Warning => (yellow, "attention"),
    };
    let mut sources: HashMap<PathBuf, Option<Source>> = HashMap::new();
    let mut per_file: HashMap<&Path, usize> = HashMap::new();
    let mut hidden: Vec<(&Path, usize)> = Vec::new();
    for d in diags {
        // A file with thousands of problems (a pasted binary, an unclosed
        // construct repeated) must not flood the terminal.
        let n = per_file.entry(d.file.as_path()).or_default();
        *n += 1;
        if *n > MAX_PER_FILE {
            match hidden.iter_mut().find(|(f, _)| *f == d.file.as_path()) {
                Some((_, count)) => *count += 1,
                None => hidden.push((d.file.as_path(), 1)),
            }
            continue;
        }
        let mut place = escaped(&d.file.display().to_string(), false);
        if let Some(line) = d.line {
            place.push_str(&format!(":{line}"));
            if let Some(column) = d.column {
                place.push_str(&format!(":{column}"));
            }
        }
        let message = escaped(&d.message, true);
        eprintln!("{colour}{label}{reset} {bold}{place}: {message}{reset}");
        if !show_source(d) || d.line.is_none() {
            continue;
        }
        let source = sources
            .entry(d.file.clone())
            .or_insert_with(|| Source::read(root, &d.file));
        let Some((line, text)) = d.line.zip(source.as_ref().and_then(|s| s.line(d.line?))) else {
            continue;
        };
        let (shown, caret) = window(text, d.column);
        eprintln!("{blue}{line:>5} |{reset} {shown}");
        if let Some(pad) = caret {
            eprintln!("{blue}      |{reset} {pad}{colour}^{reset}");
        }
    }
    for (file, count) in hidden {
        eprintln!(
            "{colour}{label}{reset} {} : {count} autre{} problème{} non affiché{}",
            escaped(&file.display().to_string(), false),
            plural(count),
            plural(count),
            plural(count),
        );
    }
}

/// At most this many problems are shown for one file (all are counted).
const MAX_PER_FILE: usize = 50;

fn plural(n: usize) -> &'static str {
    if n > 1 {
        "s"
    } else {
        ""
    }
}

/// A source file read once for all its problems, with its line starts.
struct Source {
    text: String,
    starts: Vec<usize>,
}

impl Source {
    /// The file as the build reads it: inside the site and regular only
    /// (a diagnostic about a FIFO or a link outside must not hang or leak).
    fn read(root: &Path, file: &Path) -> Option<Source> {
        let text = site_gen::inputs::Inputs::new(root)
            .read_to_string(&root.join(file))
            .ok()??;
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Some(Source { text, starts })
    }

    /// Line `n` (1-based), without its line break.
    fn line(&self, n: usize) -> Option<&str> {
        let start = *self.starts.get(n.checked_sub(1)?)?;
        let end = self.starts.get(n).map_or(self.text.len(), |e| e - 1);
        Some(self.text[start..end].trim_end_matches('\r'))
    }
}

/// Characters of a long line shown on each side of the column.
const CONTEXT: usize = 60;

/// The line as printed (escaped; a long one cut around `column`, with `…`)
/// and the padding that puts a caret under `column`.
fn window(text: &str, column: Option<usize>) -> (String, Option<String>) {
    let chars: Vec<char> = text.chars().collect();
    let col = column.map(|c| c.saturating_sub(1).min(chars.len()));
    let at = col.unwrap_or(0);
    let from = at.saturating_sub(CONTEXT);
    let to = (at + CONTEXT).min(chars.len());
    let (from, to) = if chars.len() <= 2 * CONTEXT {
        (0, chars.len())
    } else {
        (from, to)
    };
    let mut shown = String::new();
    let mut pad = String::new();
    if from > 0 {
        shown.push('…');
        pad.push(' ');
    }
    for (i, c) in chars[from..to].iter().enumerate() {
        let e = escaped(&c.to_string(), false);
        if from + i < at {
            let fill = if *c == '\t' { '\t' } else { ' ' };
            pad.extend(std::iter::repeat_n(fill, e.chars().count()));
        }
        shown.push_str(&e);
    }
    if to < chars.len() {
        shown.push('…');
    }
    (shown, col.map(|_| pad))
}

/// `s` with control characters (terminal escape sequences, carriage
/// returns…) written as `\u{1b}`, so a file name or a text from the sources
/// cannot drive the terminal; tabs stay, and line breaks when `lines`.
pub(crate) fn escaped(s: &str, lines: bool) -> String {
    s.chars()
        .map(|c| match c {
            '\t' => c.to_string(),
            '\n' if lines => c.to_string(),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => {
                c.escape_unicode().to_string()
            }
            c => c.to_string(),
        })
        .collect()
}

/// `échec : 3 erreurs{trailer}`
pub(crate) fn print_trailer(n: usize, noun: &str, trailer: &str) {
    let Style { red, reset, .. } = Style::get();
    eprintln!(
        "{red}échec{reset} : {n} {noun}{}{trailer}",
        if n > 1 { "s" } else { "" }
    );
}
