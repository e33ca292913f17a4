//! French dates without a system locale: « jeu. 19 mars 2015 ».

use jiff::civil::{Date, Weekday};

use calculator::format::MONTHS;

/// Abbreviations of the Imprimerie nationale, as CLDR uses them.
pub const MONTHS_SHORT: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];

/// The weekday's French name, or its abbreviation (`jeu.`).
pub fn weekday(d: Weekday, short: bool) -> &'static str {
    let (long, abbr) = match d {
        Weekday::Monday => ("lundi", "lun."),
        Weekday::Tuesday => ("mardi", "mar."),
        Weekday::Wednesday => ("mercredi", "mer."),
        Weekday::Thursday => ("jeudi", "jeu."),
        Weekday::Friday => ("vendredi", "ven."),
        Weekday::Saturday => ("samedi", "sam."),
        Weekday::Sunday => ("dimanche", "dim."),
    };
    if short {
        abbr
    } else {
        long
    }
}

/// `jeu. 19 mars 2015`; the 1st of a month is written `1er`.
pub fn short(date: Date) -> String {
    format(date, true)
}

/// `jeudi 19 mars 2015`.
pub fn long(date: Date) -> String {
    format(date, false)
}

fn format(date: Date, short: bool) -> String {
    let month = usize::try_from(date.month() - 1).unwrap_or(0);
    let names = if short { &MONTHS_SHORT } else { &MONTHS };
    let day = if date.day() == 1 {
        "1er".to_string()
    } else {
        date.day().to_string()
    };
    format!(
        "{} {} {} {}",
        weekday(date.weekday(), short),
        day,
        names[month],
        date.year()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn french_short_and_long() {
        assert_eq!(short(date(2015, 3, 19)), "jeu. 19 mars 2015");
        assert_eq!(long(date(2015, 3, 19)), "jeudi 19 mars 2015");
        assert_eq!(short(date(2025, 2, 1)), "sam. 1er févr. 2025");
        assert_eq!(long(date(2024, 8, 15)), "jeudi 15 août 2024");
    }
}
