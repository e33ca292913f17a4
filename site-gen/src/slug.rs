//! Slugs: turn a French title into a URL/anchor-friendly identifier.
//!
//! `"Combien ça coûte une Amie ?"` → `"combien-ca-coute-une-amie"`,
//! `"L'équipe d'Amie"` → `"l-equipe-d-amie"`.
//!
//! Latin letters with diacritics are transliterated to ASCII (é → e, œ → oe,
//! ß → ss...). Other letters and digits (Greek, Cyrillic, CJK...) are kept,
//! lowercased, so that a title made of letters never gives an empty slug.
//! Everything else (spaces, punctuation, apostrophes, quotes, symbols) becomes
//! a single `-`; the result never starts or ends with `-` and never contains
//! `--`, `.`, `/`, `\` or NUL. The result is empty only when `s` has no letter
//! or digit at all: the caller decides what to do then.

/// The slug of a `slug = "…"` of front matter: one name, never a path
/// (`../../evil`, `a/b` are refused rather than silently flattened).
pub fn from_front_matter(raw: &str) -> Result<String, SlugIsAPath> {
    if raw.contains(['/', '\\']) || raw.contains("..") {
        return Err(SlugIsAPath(raw.to_string()));
    }
    Ok(slugify(raw))
}

/// A `slug = "…"` of front matter holding a path (the value as written).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`slug = {0:?}` : un slug est un seul nom, sans / ni \\ ni .. (il ne choisit \
     pas le dossier de la page)"
)]
pub struct SlugIsAPath(pub String);

/// Slug of `s` (see the module documentation).
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // A separator is written lazily, only when a letter or digit follows, so
    // the slug never starts or ends with `-` and never has two in a row.
    let mut pending_sep = false;
    for c in s.chars() {
        for lc in c.to_lowercase() {
            if let Some(ascii) = transliterate(lc) {
                push_word(&mut out, &mut pending_sep, ascii);
            } else if is_combining_mark(lc) {
                // Decomposed accents (NFD text, e.g. from macOS): `e` + U+0301.
                continue;
            } else if lc.is_ascii_alphanumeric()
                || (lc.is_alphanumeric() && lc.to_lowercase().eq(std::iter::once(lc)))
            {
                push_char(&mut out, &mut pending_sep, lc);
            } else {
                pending_sep = true;
            }
        }
    }
    out
}

fn push_char(out: &mut String, pending_sep: &mut bool, c: char) {
    if *pending_sep && !out.is_empty() {
        out.push('-');
    }
    *pending_sep = false;
    out.push(c);
}

fn push_word(out: &mut String, pending_sep: &mut bool, s: &str) {
    if *pending_sep && !out.is_empty() {
        out.push('-');
    }
    *pending_sep = false;
    out.push_str(s);
}

/// Combining diacritical marks (the accents of decomposed text).
fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// ASCII spelling of a lowercase Latin letter with a diacritic (or a ligature).
fn transliterate(c: char) -> Option<&'static str> {
    Some(match c {
        // French first.
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'é' | 'è' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'î' | 'ï' | 'í' | 'ì' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'ù' | 'û' | 'ü' | 'ú' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ÿ' | 'ý' | 'ŷ' => "y",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'œ' => "oe",
        'æ' => "ae",
        'ß' => "ss",
        // Other Latin letters met in names.
        'ď' | 'đ' | 'ð' => "d",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'ŵ' => "w",
        'ź' | 'ż' | 'ž' => "z",
        'þ' => "th",
        'ĳ' => "ij",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::slugify;
    use proptest::prelude::*;

    #[test]
    fn french_titles() {
        assert_eq!(
            slugify("Combien ça coûte une Amie ?"),
            "combien-ca-coute-une-amie"
        );
        assert_eq!(slugify("L'équipe d'Amie"), "l-equipe-d-amie");
        assert_eq!(slugify("L’équipe d’Amie"), "l-equipe-d-amie");
        assert_eq!(slugify("« Œuvre » et Æsope"), "oeuvre-et-aesope");
        assert_eq!(slugify("ÉLÈVE À L'ÎLE, ÇA VA ?"), "eleve-a-l-ile-ca-va");
        assert_eq!(slugify("Straße"), "strasse");
        assert_eq!(slugify("L'Haÿ-les-Roses"), "l-hay-les-roses");
        assert_eq!(slugify("España mañana"), "espana-manana");
        assert_eq!(slugify("Noël — 25/12 à 10:30"), "noel-25-12-a-10-30");
    }

    #[test]
    fn decomposed_accents() {
        assert_eq!(slugify("e\u{301}te\u{301}"), "ete");
    }

    #[test]
    fn separators_collapse_and_trim() {
        assert_eq!(slugify("  --Hello,   World!!  "), "hello-world");
        assert_eq!(slugify("a...b"), "a-b");
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("a\\b\0c"), "a-b-c");
    }

    #[test]
    fn non_latin_letters_are_kept() {
        assert_eq!(slugify("Привет мир"), "привет-мир");
        assert_eq!(slugify("Ελληνικά"), "ελληνικά");
        assert_eq!(slugify("日本語 テキスト"), "日本語-テキスト");
    }

    #[test]
    fn nothing_usable_gives_empty() {
        assert_eq!(slugify(""), "");
        assert_eq!(slugify(" ?! … « » "), "");
        assert_eq!(slugify("🙂"), "");
    }

    proptest! {
        #[test]
        fn slug_is_clean_and_idempotent(s in any::<String>()) {
            let slug = slugify(&s);
            prop_assert!(!slug.starts_with('-'), "{slug:?}");
            prop_assert!(!slug.ends_with('-'), "{slug:?}");
            prop_assert!(!slug.contains("--"), "{slug:?}");
            for c in slug.chars() {
                prop_assert!(
                    c == '-' || c.is_ascii_lowercase() || c.is_ascii_digit()
                        || (!c.is_ascii() && c.is_alphanumeric()),
                    "{c:?} in {slug:?}"
                );
            }
            prop_assert_eq!(slugify(&slug), slug.clone());
            if s.chars().any(|c| c.is_alphanumeric()) {
                // Letters may only vanish when they have no lowercase form of
                // their own (never for Latin, Greek, Cyrillic...).
                prop_assert!(!slug.is_empty() || s.chars().all(|c| !c.is_ascii_alphanumeric()));
            }
        }

        #[test]
        fn slug_of_french_text(s in "[a-zA-Zàâäéèêëîïôöùûüçœæÿñ ÉÈÀÇŒ'’?!:;,.-]{0,40}") {
            let slug = slugify(&s);
            prop_assert!(slug.chars().all(|c| c == '-' || c.is_ascii_lowercase()), "{slug:?}");
            prop_assert_eq!(slug.is_empty(), !s.chars().any(|c| c.is_alphabetic()));
        }
    }
}
