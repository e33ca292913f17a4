//! What the terminal receives: file names and texts from the sources are
//! printed with their control characters escaped, so they cannot move the
//! cursor, change colours or fake a line of the report.

mod common;
use common::{stderr, Site};

fn errors_of(files: &[(&str, &str)]) -> String {
    let mut all = vec![("content/_index.md", "+++\ntitle = \"Accueil\"\n+++\n")];
    all.extend_from_slice(files);
    let out = Site::new(&all).run(&["build", "--no-widget"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        !err.contains('\u{1b}'),
        "no raw ESC reaches the terminal: {err:?}"
    );
    assert!(!err.contains('\u{7}'), "no raw BEL: {err:?}");
    err
}

#[test]
fn escape_sequences_in_file_names_are_printed_escaped() {
    // A misspelt key in a file whose name clears the screen.
    let err = errors_of(&[("content/\u{1b}[2Jpage.md", "+++\ntitel = \"x\"\n+++\n")]);
    assert!(err.contains("content/\\u{1b}[2Jpage.md:2:1"), "{err}");
}

#[test]
fn escape_sequences_in_source_lines_are_printed_escaped() {
    // A broken link on a line that would set the terminal's title.
    let err = errors_of(&[(
        "content/autre.md",
        "+++\ntitle = \"Autre\"\n+++\n\n\u{1b}]0;titre\u{7} [lien](@/absent.md)\n",
    )]);
    assert!(
        err.contains("\\u{1b}]0;titre\\u{7} [lien](@/absent.md)"),
        "the source line, escaped: {err}"
    );
    // The caret stays under the link (the escapes are wider than the
    // characters they stand for).
    let line = err.lines().find(|l| l.contains("[lien]")).unwrap();
    let caret = err
        .lines()
        .skip_while(|l| !l.contains("[lien]"))
        .nth(1)
        .unwrap();
    assert_eq!(caret.find('^'), line.find("[lien]"), "{err}");
}
