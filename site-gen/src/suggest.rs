//! Did-you-mean: the known name closest to a mistyped one.

/// The candidate closest to `word` by edit distance, if it is close enough
/// to be a typo (at most 2 edits, or a third of the candidate's length).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.chars().count() / 3))
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn typos_are_matched_and_strangers_are_not() {
        let names = ["prix_part", "prix_part_mois", "budget"];
        assert_eq!(closest("prix_parts", names), Some("prix_part"));
        assert_eq!(closest("budjet", names), Some("budget"));
        assert_eq!(closest("salaires", names), None);
    }
}
