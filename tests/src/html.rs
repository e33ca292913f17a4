//! Crude HTML scanning, enough for assertions on the generator's own
//! output (double-quoted attributes, no comments in the places looked at).

use std::collections::BTreeSet;

/// Decodes the entities the generator and Tera write.
pub fn decode_entities(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{A0}")
        .replace("&amp;", "&")
}

/// The values of every ` name="…"` attribute, in order, decoded.
pub fn attr_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        let Some(end) = rest.find('"') else { break };
        out.push(decode_entities(&rest[..end]));
        rest = &rest[end..];
    }
    out
}

/// Every `href` and `src` value.
pub fn links(html: &str) -> Vec<String> {
    let mut v = attr_values(html, "href");
    v.extend(attr_values(html, "src"));
    v
}

/// Every `id` value.
pub fn ids(html: &str) -> BTreeSet<String> {
    attr_values(html, "id").into_iter().collect()
}

/// The text of the HTML: tags removed, entities decoded, `<script>` and
/// `<style>` contents dropped.
pub fn text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let lower = rest.get(..8).unwrap_or(rest).to_ascii_lowercase();
        let skip_to = if lower.starts_with("<script") {
            Some("</script>")
        } else if lower.starts_with("<style") {
            Some("</style>")
        } else {
            None
        };
        if let Some(end) = skip_to {
            match rest.find(end) {
                Some(j) => rest = &rest[j + end.len()..],
                None => rest = "",
            }
            continue;
        }
        match rest.find('>') {
            Some(j) => rest = &rest[j + 1..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    decode_entities(&out)
}

/// The part of `html` from the first `start` to the next `end` (both
/// included), if any.
pub fn section<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = html.find(start)?;
    let j = html[i..].find(end)? + i + end.len();
    Some(&html[i..j])
}

/// The rows of the first `<table>` in `html`, each row the text of its
/// `<th>`/`<td>` cells.
pub fn table_rows(html: &str) -> Vec<Vec<String>> {
    let Some(table) = section(html, "<table", "</table>") else {
        return Vec::new();
    };
    table
        .split("<tr")
        .skip(1)
        .map(|row| {
            let row = row.split("</tr>").next().unwrap_or("");
            let mut cells = Vec::new();
            let mut rest = row;
            loop {
                let th = rest.find("<th");
                let td = rest.find("<td");
                let i = match (th, td) {
                    (Some(a), Some(b)) => a.min(b),
                    (Some(a), None) | (None, Some(a)) => a,
                    (None, None) => break,
                };
                let tag = &rest[i + 1..i + 3];
                let close = format!("</{tag}>");
                let Some(open_end) = rest[i..].find('>') else {
                    break;
                };
                let body_start = i + open_end + 1;
                let Some(len) = rest[body_start..].find(&close) else {
                    break;
                };
                cells.push(text(&rest[body_start..body_start + len]).trim().to_string());
                rest = &rest[body_start + len + close.len()..];
            }
            cells
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_attributes_text_and_tables() {
        let html = r#"<p id="a">x &amp; <a href="/b?x=1&amp;y=2">y</a></p><script>var nan = NaN;</script>
<table><tr><th scope="row">1 part</th><td>2 €</td></tr><tr><th>2</th><td><b>4</b></td></tr></table>"#;
        assert_eq!(attr_values(html, "href"), ["/b?x=1&y=2"]);
        assert!(ids(html).contains("a"));
        assert!(!text(html).contains("NaN"));
        assert!(text(html).starts_with("x & y"));
        assert_eq!(
            table_rows(html),
            vec![vec!["1 part", "2 €"], vec!["2", "4"]]
        );
    }
}
