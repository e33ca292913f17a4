//! Did-you-mean: the known name closest to a mistyped one.
//!
//! One implementation for the whole project: the calculator's, which its
//! data file's messages use too.

pub use calculator::data::closest;

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
