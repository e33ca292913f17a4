//! The wording of reports.

use super::*;
use std::path::PathBuf;

#[test]
fn rebuild_summaries_agree_with_their_numbers() {
    let report = |pages, others, changed: usize| RebuildReport {
        pages,
        others,
        changed: vec![String::new(); changed],
        ..RebuildReport::default()
    };
    assert_eq!(done(&report(1, 0, 1)), "1 page reconstruite");
    assert_eq!(
        done(&report(2, 3, 5)),
        "2 pages reconstruites, 3 autres fichiers"
    );
    assert_eq!(
        done(&report(1, 1, 2)),
        "1 page reconstruite, 1 autre fichier"
    );
    assert_eq!(done(&report(0, 1, 1)), "1 fichier reconstruit");
    assert_eq!(done(&report(0, 0, 0)), "0 fichier mis à jour");
    assert_eq!(done(&report(0, 0, 2)), "2 fichiers mis à jour");
}

#[test]
fn a_failure_says_each_cause_once() {
    let written = site_gen::output::OutputError::Io {
        path: PathBuf::from("public"),
        source: std::io::Error::other("disque plein"),
    };
    let error = anyhow::Error::new(written).context("le site n’a pas été écrit dans public");
    assert_eq!(
        causes(&error),
        "le site n’a pas été écrit dans public : écriture impossible dans public : disque plein"
    );
    let error = anyhow::anyhow!("le serveur s’est arrêté");
    assert_eq!(causes(&error), "le serveur s’est arrêté");
}

#[test]
fn sizes_and_stage_times_in_french() {
    assert_eq!(size(1023), "1023 o");
    assert_eq!(size(1536), "1,5 Kio");
    let timings = vec![("markdown", Duration::from_micros(1_260))];
    assert_eq!(stage_times(&timings), ["markdown 1,3 ms"]);
}
