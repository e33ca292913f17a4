//! Images of `content/` as a visitor gets them: resized into the widths of
//! `[images]` (never wider than the image), in WebP beside the source's
//! format, `width`/`height` and `srcset` in the page, lazy after the
//! first, without their EXIF; made once (memory, then the disk cache);
//! `resize_image` and `get_image_metadata` in templates; the size budget;
//! a broken image stops the build at the line that shows it.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use common::images::{contains, jpeg_turned, jpeg_with_exif, png, size_of, SECRET};
use common::{assert_error, check_is_clean, page, stderr, Site, BUILD, HOME};
use site_gen::{BuildOptions, Session};

const STAND: &str = "+++\ntitle = \"Le stand\"\n+++\n\
                     ![Le stand](photo.jpg)\n\n\
                     ![Le logo](@/actualites/logo.png \"Notre logo\")\n\n\
                     ![Encore le stand](photo.jpg)\n";

/// A page showing a 2000 × 1500 photo (with EXIF) twice and a 300 × 200 PNG.
fn photo_site() -> Site {
    let site = Site::new(&[HOME, ("content/actualites/stand.md", STAND)]);
    site.write_bytes("content/actualites/photo.jpg", &jpeg_with_exif(2000, 1500));
    site.write_bytes("content/actualites/logo.png", &png(300, 200));
    site
}

/// The published derivatives of `stem` (`actualites/photo`), by extension
/// then width as the file really is.
fn derivatives(files: &BTreeMap<String, Vec<u8>>, stem: &str) -> BTreeMap<String, Vec<u32>> {
    let mut out: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (path, bytes) in files {
        if let Some(rest) = path.strip_prefix(&format!("{stem}-")) {
            let ext = rest.rsplit('.').next().unwrap().to_string();
            out.entry(ext).or_default().push(size_of(bytes).0);
        }
    }
    for widths in out.values_mut() {
        widths.sort_unstable();
    }
    out
}

/// The `<img …>` tags of `html`, in order.
fn img_tags(html: &str) -> Vec<&str> {
    html.match_indices("<img ")
        .map(|(i, _)| &html[i..i + html[i..].find('>').unwrap()])
        .collect()
}

#[test]
fn page_images_are_resized_in_webp_with_their_size_lazy_after_the_first() {
    let site = photo_site();
    let built = site.ok();

    // The photo: every configured width below 2000, the largest (1600) in
    // place of the original; WebP at every width.
    let photo = derivatives(&built.files, "actualites/photo");
    assert_eq!(photo["jpg"], [480, 800, 1200], "{photo:?}");
    assert_eq!(photo["webp"], [480, 800, 1200, 1600], "{photo:?}");
    assert_eq!(size_of(&built.files["actualites/photo.jpg"]), (1600, 1200));
    // The logo is smaller than every width: kept at its size, never enlarged.
    let logo = derivatives(&built.files, "actualites/logo");
    assert_eq!(logo.get("png"), None, "{logo:?}");
    assert_eq!(logo["webp"], [300], "{logo:?}");
    assert_eq!(size_of(&built.files["actualites/logo.png"]), (300, 200));

    // No published file carries the EXIF segment or what it says.
    for (path, bytes) in &built.files {
        assert!(!contains(bytes, SECRET), "{path} carries the GPS position");
        assert!(!contains(bytes, b"Exif\0\0"), "{path} carries EXIF");
    }

    let html = page(&built, "actualites/stand/index.html");
    // The page's own images (the theme's header has its logo).
    let html = &html[html.find("<div class=\"content\">").unwrap()..];
    let imgs = img_tags(html);
    assert_eq!(imgs.len(), 3, "{html}");
    assert!(
        imgs[0].contains("width=\"1600\" height=\"1200\"") && imgs[0].contains("alt=\"Le stand\""),
        "{}",
        imgs[0]
    );
    assert!(
        !imgs[0].contains("loading"),
        "the first image is eager: {}",
        imgs[0]
    );
    assert!(
        imgs[1].contains("width=\"300\" height=\"200\""),
        "{}",
        imgs[1]
    );
    assert!(imgs[1].contains("title=\"Notre logo\""), "{}", imgs[1]);
    for later in &imgs[1..] {
        assert!(
            later.contains("loading=\"lazy\" decoding=\"async\""),
            "{later}"
        );
    }
    assert_eq!(
        html.matches("<source type=\"image/webp\" srcset=\"")
            .count(),
        3
    );
    assert!(
        imgs[0].contains(" 480w, ") && imgs[0].contains("/actualites/photo.jpg 1600w\""),
        "{}",
        imgs[0]
    );
    assert!(imgs[0].contains("sizes=\"(max-width: 1600px) 100vw, 1600px\""));
    // Every `srcset` candidate is a published file (check reads them all).
    check_is_clean(&site);
}

#[test]
fn a_photo_taken_upright_is_published_upright() {
    // Stored 600 × 400, to be shown turned: 400 × 600.
    let site = Site::new(&[
        HOME,
        (
            "content/portrait.md",
            "+++\ntitle = \"Portrait\"\n+++\n![Debout](debout.jpg)\n",
        ),
    ]);
    site.write_bytes("content/debout.jpg", &jpeg_turned(600, 400));
    let built = site.ok();
    assert_eq!(size_of(&built.files["debout.jpg"]), (400, 600));
    let html = page(&built, "portrait/index.html");
    assert!(html.contains("width=\"400\" height=\"600\""), "{html}");
}

fn cache_files(dir: &Path) -> BTreeMap<PathBuf, SystemTime> {
    walk(dir)
        .into_iter()
        .map(|p| {
            let modified = std::fs::metadata(&p).unwrap().modified().unwrap();
            (p, modified)
        })
        .collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn a_second_build_takes_the_images_from_the_disk_cache() {
    let site = photo_site();
    let cache = site.beside("cache");
    let env: &[(&str, &Path)] = &[("XDG_CACHE_HOME", &cache)];
    let build = || {
        let out = common::run_in(site.root(), BUILD, env);
        assert!(out.status.success(), "{}", stderr(&out));
        common::snapshot(&site.path("public"))
    };
    let first = build();
    let cached = cache_files(&cache.join("site-gen/images"));
    assert!(
        cached
            .keys()
            .filter(|p| p.extension().is_some_and(|e| e == "webp"))
            .count()
            >= 5,
        "{cached:#?}"
    );
    let second = build();
    let differ: Vec<&PathBuf> = first
        .keys()
        .chain(second.keys())
        .filter(|k| first.get(*k) != second.get(*k))
        .collect();
    assert!(differ.is_empty(), "the same files, but {differ:?}");
    assert_eq!(
        cache_files(&cache.join("site-gen/images")),
        cached,
        "nothing made again"
    );

    // A changed photo is made again (new entry), under new names.
    site.write_bytes("content/actualites/photo.jpg", &jpeg_with_exif(1000, 750));
    let third = build();
    assert!(cache_files(&cache.join("site-gen/images")).len() > cached.len());
    assert_ne!(first, third);
}

#[test]
fn a_session_encodes_an_image_once_whatever_else_changes() {
    let site = photo_site();
    let mut opts = BuildOptions::new(site.root());
    opts.widget = false;
    // A cache of its own: the user's may already hold this photo.
    opts.image_cache = Some(site.beside("cache"));
    let mut session = Session::new(opts);
    session.rebuild(&[]).expect("first build");
    let made = session.images_encoded();
    assert!(made > 0, "the new photo was encoded");
    // Another session (a new `build` or `serve`) takes them from the disk.
    let mut other = Session::new(session.options().clone());
    other.rebuild(&[]).expect("second session");
    assert_eq!(other.images_encoded(), 0, "taken from the disk cache");

    site.write(
        "content/faq.md",
        "+++\ntitle = \"FAQ\"\n+++\nUne autre page.\n",
    );
    session
        .rebuild(&[site.path("content/faq.md")])
        .expect("rebuild");
    site.write(
        "content/actualites/stand.md",
        &format!("{STAND}\nUne ligne de plus.\n"),
    );
    session
        .rebuild(&[site.path("content/actualites/stand.md")])
        .expect("rebuild");
    assert_eq!(session.images_encoded(), made, "no image encoded again");

    let width = 700;
    site.write_bytes("content/actualites/photo.jpg", &jpeg_with_exif(width, 500));
    session
        .rebuild(&[site.path("content/actualites/photo.jpg")])
        .expect("rebuild");
    assert!(
        session.images_encoded() > made,
        "a changed photo is encoded"
    );
    let files = session.files().unwrap();
    assert_eq!(size_of(&files["actualites/photo.jpg"]), (width, 500));
    let html = String::from_utf8(files["actualites/stand/index.html"].to_vec()).unwrap();
    assert!(
        html.contains(&format!("width=\"{width}\" height=\"500\"")),
        "{html}"
    );
    // What a fresh build of the same sources gives, file for file.
    let fresh = site.ok().files;
    let kept: BTreeMap<String, Vec<u8>> =
        files.iter().map(|(k, v)| (k.clone(), v.to_vec())).collect();
    assert_eq!(
        kept.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>()
    );
    assert!(kept == fresh, "the rebuild's files are the fresh build's");
}

#[test]
fn templates_resize_images_and_read_their_size() {
    let site = photo_site();
    site.write(
        "templates/shortcodes/vignette.html",
        "{% set v = resize_image(path=\"actualites/photo.jpg\", width=200, height=100, op=\"fill\", format=\"webp\") %}\
         <img class=\"v\" src=\"{{ v.url }}\" width=\"{{ v.width }}\" height=\"{{ v.height }}\" \
         data-orig=\"{{ v.orig_width }}x{{ v.orig_height }}\" data-path=\"{{ v.static_path }}\">\
         {% set w = resize_image(path=\"@/actualites/logo.png\", width=150, op=\"fit_width\") %}\
         <img class=\"w\" src=\"{{ w.url }}\" width=\"{{ w.width }}\" height=\"{{ w.height }}\">\
         {% set m = get_image_metadata(path=\"actualites/logo.png\") %}\
         <span class=\"m\">{{ m.width }}x{{ m.height }} {{ m.format }} {{ m.mime }}</span>",
    );
    site.write(
        "content/vignettes.md",
        "+++\ntitle = \"Vignettes\"\n+++\n{{ vignette() }}\n",
    );
    let built = site.ok();
    let html = page(&built, "vignettes/index.html");
    assert!(
        html.contains("width=\"200\" height=\"100\" data-orig=\"2000x1500\""),
        "{html}"
    );
    assert!(
        html.contains("<span class=\"m\">300x200 png image/png</span>"),
        "{html}"
    );
    let path = html
        .split("data-path=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert!(
        path.starts_with("processed_images/") && path.ends_with(".webp"),
        "{path}"
    );
    assert_eq!(size_of(&built.files[path]), (200, 100));
    assert!(
        html.contains(&format!("src=\"http://127.0.0.1:1111/{path}\"")),
        "{html}"
    );
    let fit: Vec<&String> = built
        .files
        .keys()
        .filter(|p| p.starts_with("processed_images/") && p.ends_with(".png"))
        .collect();
    assert_eq!(fit.len(), 1, "{fit:?}");
    assert_eq!(size_of(&built.files[fit[0]]), (150, 100));

    // Mistakes are named in French, at the call.
    for (call, message) in [
        (
            "resize_image(path=\"absente.jpg\", width=10, height=10)",
            "resize_image : image « absente.jpg » introuvable (cherchée dans content/ puis static/)",
        ),
        (
            "resize_image(path=\"actualites/photo.jpg\", width=10, height=10, op=\"zoom\")",
            "resize_image : op « zoom » inconnue (valeurs possibles : scale, fit_width, fit_height, fit, fill)",
        ),
        (
            "get_image_metadata(path=\"actualites/stand.md\")",
            "n’est pas une image",
        ),
    ] {
        site.write(
            "templates/shortcodes/vignette.html",
            &format!("{{% set v = {call} %}}{{{{ v.width }}}}"),
        );
        assert_error(&site.errors(), "content/vignettes.md:4:1: ", message);
    }
}

#[test]
fn a_published_file_above_the_budget_is_a_warning_naming_it() {
    let site = photo_site();
    site.write("site.toml", "[images]\nsize_budget_kb = 300\n");
    site.write_bytes("content/actualites/bulletin.pdf", &vec![b'%'; 450_000]);
    let built = site.ok();
    let warnings: Vec<String> = built.warnings.iter().map(ToString::to_string).collect();
    assert_error(
        &warnings,
        "content/actualites/bulletin.pdf: ",
        "fichier publié trop lourd : actualites/bulletin.pdf pèse 450 ko (budget : 300 ko",
    );
    assert_eq!(warnings.len(), 1, "the photos fit: {warnings:#?}");

    // `--strict` makes it an error, like every warning.
    let out = site.run(&["build", "--no-widget", "--strict"]);
    assert!(!out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("bulletin.pdf pèse 450 ko"),
        "{}",
        stderr(&out)
    );

    // A derivative is named by its source.
    site.write("site.toml", "[images]\nsize_budget_kb = 150\n");
    let warnings: Vec<String> = site.ok().warnings.iter().map(ToString::to_string).collect();
    assert_error(
        &warnings,
        "content/actualites/photo.jpg: ",
        "fichier publié trop lourd : actualites/photo-1200.",
    );

    // The default budget (1 Mo) lets them through.
    site.write("site.toml", "");
    assert!(site.ok().warnings.is_empty());
}

#[test]
fn a_broken_image_stops_the_build_at_the_line_that_shows_it() {
    let whole = png(400, 300);
    let site = Site::new(&[
        HOME,
        (
            "content/actualites/stand.md",
            "+++\ntitle = \"Le stand\"\n+++\nNotre stand.\n\n\
             ![Coupée](coupee.png)\n\n![Pas une photo](texte.jpg)\n",
        ),
        ("content/actualites/texte.jpg", "ceci n'est pas une photo"),
    ]);
    site.write_bytes("content/actualites/coupee.png", &whole[..whole.len() / 2]);
    let out = site.run(BUILD);
    assert!(!out.status.success(), "the build fails");
    let err = stderr(&out);
    for want in [
        "content/actualites/stand.md:6:1: image content/actualites/coupee.png illisible \
         (fichier abîmé ou incomplet",
        "content/actualites/stand.md:8:1: content/actualites/texte.jpg n’est pas une image \
         JPEG lisible",
    ] {
        assert!(err.contains(want), "{want} in:\n{err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    assert!(!site.path("public").exists(), "nothing is written");

    // Shown by no page, it still cannot be published: named by its file.
    site.write(
        "content/actualites/stand.md",
        "+++\ntitle = \"Le stand\"\n+++\nNotre stand.\n",
    );
    assert_error(
        &site.errors(),
        "content/actualites/coupee.png: ",
        "image content/actualites/coupee.png illisible",
    );
}
