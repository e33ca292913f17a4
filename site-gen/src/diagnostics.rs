//! Problems found in the sources, reported all together and pointing at
//! the file, line and column, in a compiler-like format.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in one source file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The file, as the user knows it (relative to the site root when possible).
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters), when known.
    pub column: Option<usize>,
    pub message: String,
}

impl Diagnostic {
    pub fn new(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem of one run, sorted by file and position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// `Ok(())` when nothing was reported, the sorted problems otherwise.
    pub fn into_result(mut self) -> Result<(), Diagnostics> {
        if self.0.is_empty() {
            Ok(())
        } else {
            self.0.sort();
            self.0.dedup();
            Err(self)
        }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics(iter.into_iter().collect())
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        let n = self.0.len();
        write!(f, "{n} {}", if n > 1 { "erreurs" } else { "erreur" })
    }
}

impl std::error::Error for Diagnostics {}

/// Shows `path` relative to `root` when it lies under it.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut start = offset;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// The source line a problem points at, as shown under its message (in
/// the terminal and in `serve`'s overlay): its number, its text (control
/// characters escaped; a long line cut around the column, with `…`) and
/// the padding that puts a caret under the column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    pub line: usize,
    pub text: String,
    /// Spaces (and tabs where the line has them) before the caret; `None`
    /// without a column.
    pub caret: Option<String>,
}

/// The source files problems point into, each read once for all of them.
pub struct Sources {
    root: PathBuf,
    files: HashMap<PathBuf, Option<Source>>,
}

impl Sources {
    /// The files of the site at `root`.
    pub fn new(root: &Path) -> Sources {
        Sources {
            root: root.to_path_buf(),
            files: HashMap::new(),
        }
    }

    /// The line `d` points at, when it has a line and its file can be read.
    pub fn excerpt(&mut self, d: &Diagnostic) -> Option<Excerpt> {
        let line = d.line?;
        let root = &self.root;
        let source = self
            .files
            .entry(d.file.clone())
            .or_insert_with(|| Source::read(root, &d.file))
            .as_ref()?;
        let (text, caret) = window(source.line(line)?, d.column);
        Some(Excerpt { line, text, caret })
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
        let text = crate::inputs::Inputs::new(root)
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

/// The line as shown (escaped; a long one cut around `column`, with `…`)
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
        let e = escape_controls(&c.to_string(), false);
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
pub fn escape_controls(s: &str, lines: bool) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "première\nça coûte";
        assert_eq!(line_col(text, 0), (1, 1));
        let pos = text.find("coûte").unwrap();
        assert_eq!(line_col(text, pos), (2, 4));
    }

    #[test]
    fn excerpts_show_the_line_and_a_caret_under_the_column() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        let text = format!("+++\n\tdate = \u{1b}[2J 02/12\n{}x\n", "a".repeat(200));
        std::fs::write(dir.path().join("content/a.md"), text).unwrap();
        let mut sources = Sources::new(dir.path());
        let d = Diagnostic::new("content/a.md", "m").at(2, 14);
        let e = sources.excerpt(&d).unwrap();
        assert_eq!(e.line, 2);
        assert_eq!(e.text, "\tdate = \\u{1b}[2J 02/12");
        assert_eq!(e.caret, Some(format!("\t{}", " ".repeat(17))));
        let long = sources.excerpt(&d.clone().at(3, 201)).unwrap();
        assert_eq!(long.text, format!("…{}x", "a".repeat(60)));
        assert_eq!(long.caret, Some(" ".repeat(61)));
        assert!(sources.excerpt(&d.clone().at(9, 1)).is_none());
        assert!(sources
            .excerpt(&Diagnostic::new("content/b.md", "m").at(1, 1))
            .is_none());
    }

    #[test]
    fn display_is_compiler_like() {
        let d = Diagnostic::new("content/services.md", "lien cassé").at(14, 3);
        assert_eq!(d.to_string(), "content/services.md:14:3: lien cassé");
    }
}
