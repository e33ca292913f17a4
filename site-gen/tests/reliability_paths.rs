//! Output paths that clash only on disk (a file where a folder must go, a
//! name too long, names that differ by case) are diagnostics of the build,
//! naming the sources, never a raw error of the operating system while
//! writing.

mod common;
use common::{stderr, Site, HOME};

fn errors(files: &[(&str, &str)]) -> String {
    let mut all = vec![HOME];
    all.extend_from_slice(files);
    let site = Site::new(&all);
    let out = site.cli_build();
    let err = stderr(&out);
    assert!(!out.status.success(), "the build must fail: {err}");
    assert!(!err.contains("os error"), "no raw OS error: {err}");
    assert!(
        !site.root().join("public").exists(),
        "nothing written: {err}"
    );
    err
}

#[test]
fn a_copied_file_named_like_a_page_folder() {
    let err = errors(&[
        ("content/faq.md", "+++\ntitle = \"FAQ\"\n+++\n"),
        ("content/faq", "un fichier sans extension"),
    ]);
    assert!(
        err.contains("content/faq.md: « faq/index.html » a besoin d’un dossier « faq », qui est déjà un fichier du site"),
        "{err}"
    );
    assert!(err.contains("(« faq » vient de content/faq)"), "{err}");
}

#[test]
fn an_alias_inside_a_generated_file() {
    let err = errors(&[(
        "content/page.md",
        "+++\ntitle = \"Page\"\naliases = [\"/sitemap.xml/ancien/\"]\n+++\n",
    )]);
    assert!(err.contains("content/page.md: « sitemap.xml/ancien/index.html » a besoin d’un dossier « sitemap.xml »"), "{err}");
}

#[test]
fn names_that_differ_only_by_case() {
    let err = errors(&[("content/Plan.pdf", "A"), ("content/plan.pdf", "B")]);
    assert!(
        err.contains(
            "content/plan.pdf: « plan.pdf » et « Plan.pdf » ne diffèrent que par les majuscules"
        ),
        "{err}"
    );
}

#[test]
fn a_name_too_long_for_any_disk() {
    // No disk holds such a file in content/, but an alias can ask for one.
    let page = format!(
        "+++\ntitle = \"Page\"\naliases = [\"/{}/\"]\n+++\n",
        "n".repeat(300)
    );
    let err = errors(&[("content/page.md", &page)]);
    assert!(
        err.contains("content/page.md: « nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn… » : nom trop long (300 octets, 255 au plus)"),
        "{err}"
    );
}
