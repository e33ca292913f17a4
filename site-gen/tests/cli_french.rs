//! The command line's own words are French: the help of every command and
//! clap's usage errors, with clap's exit codes (0 for the help asked for,
//! 2 for a mistake).

mod common;
use std::process::{Command, Output, Stdio};

use common::{stderr, stdout, BIN};

/// clap's English words, none of which may be printed.
const ENGLISH: [&str; 12] = [
    "Print help",
    "Print version",
    "[default:",
    "Usage:",
    "error:",
    "For more information",
    "try '--help'",
    "Commands:",
    "unexpected argument",
    "a value is required",
    "invalid value",
    "tip:",
];

fn site_gen(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run site-gen")
}

fn assert_french(args: &[&str], out: &Output) {
    let all = format!("{}{}", stdout(out), stderr(out));
    for word in ENGLISH {
        assert!(!all.contains(word), "{args:?} prints {word:?}:\n{all}");
    }
}

#[test]
fn the_help_of_every_command_is_french() {
    for (args, expected) in [
        (&["--help"][..], "Utilisation : site-gen [OPTIONS] COMMANDE"),
        (&["-h"][..], "Commandes\u{a0}:"),
        (&["--aide"][..], "Affiche la version"),
        (
            &["build", "--help"][..],
            "Utilisation : site-gen build [OPTIONS]",
        ),
        (&["serve", "-h"][..], "par défaut 1111"),
        (
            &["check", "--aide"][..],
            "Utilisation : site-gen check [OPTIONS]",
        ),
        (
            &["new", "--help"][..],
            "site-gen new [OPTIONS] CHEMIN [TITRE]",
        ),
        (&["init", "--help"][..], "Nom de l’association"),
        (&["init", "-h"][..], "Arguments\u{a0}:\n  [DOSSIER]"),
        (
            &["build", "-h"][..],
            "Options\u{a0}:\n  -o, --output <DOSSIER>",
        ),
        (
            &["build", "-h"][..],
            "Options communes\u{a0}:\n      --root <DOSSIER>",
        ),
    ] {
        let out = site_gen(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(
            stdout(&out).contains(expected),
            "{args:?}:\n{}",
            stdout(&out)
        );
        assert!(stdout(&out).contains("Affiche cette aide"), "{args:?}");
        assert_french(args, &out);
    }
    let out = site_gen(&["--version"]);
    assert!(out.status.success());
    assert!(stdout(&out).starts_with("site-gen "), "{}", stdout(&out));
}

#[test]
fn usage_errors_are_french_and_exit_with_2() {
    for (args, expected) in [
        (
            &["bulid"][..],
            "commande inconnue « bulid » (vouliez-vous dire « build » ?)",
        ),
        (
            &["build", "--drafs"][..],
            "argument inattendu « --drafs » (vouliez-vous dire « --drafts » ?)",
        ),
        (
            &["build", "--output"][..],
            "il manque la valeur de « --output <DOSSIER> »",
        ),
        (
            &["serve", "--port", "quatre"][..],
            "valeur invalide « quatre » pour « --port <PORT> » : un numéro de port",
        ),
        (
            &["serve", "--bind", "ici"][..],
            "une adresse IP est attendue",
        ),
        (&["new"][..], "il manque : « <CHEMIN> »"),
        (
            &["help", "build"][..],
            "l’aide s’affiche avec site-gen --aide",
        ),
        (
            &["-q", "-v", "build"][..],
            "« --quiet » ne peut pas être utilisé avec",
        ),
        (&["check", "--skip", "x"][..], "il manque : « --external »"),
    ] {
        let out = site_gen(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.starts_with("erreur : "), "{args:?}:\n{err}");
        assert!(err.contains(expected), "{args:?}:\n{err}");
        assert!(err.contains("Utilisation : site-gen"), "{args:?}:\n{err}");
        assert!(err.contains("--aide"), "{args:?}:\n{err}");
        assert_french(args, &out);
    }
    // The usage line is the command's own.
    let out = site_gen(&["serve", "--port", "quatre"]);
    assert!(stderr(&out).contains(
        "Utilisation : site-gen serve [OPTIONS]\nPour en savoir plus : site-gen serve --aide"
    ));
    // No command: the help, on stderr, as a mistake.
    let out = site_gen(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Commandes"), "{}", stderr(&out));
    assert_french(&[], &out);
}
