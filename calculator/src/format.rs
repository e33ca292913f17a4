//! French formatting shared by the widget and the generated HTML.
//!
//! - thousands separator: U+202F (narrow no-break space): `1 234`;
//! - decimal comma: `0,5`;
//! - money: U+00A0 (no-break space) before `€`, whole euros without `,00`:
//!   `2 000 €`, `1 234,56 €`;
//! - percent: U+202F before `%`: `8,33 %`;
//! - plurals: French singular below 2 (`0,5 jour`, `1 jour`, `1,5 jour`,
//!   `2 jours`).
//!
//! Integer arithmetic only (no float formatting code in the wasm).

/// Thousands separator (U+202F NARROW NO-BREAK SPACE).
pub const THOUSANDS: char = '\u{202F}';
/// Space before the euro sign (U+00A0 NO-BREAK SPACE).
pub const NBSP: char = '\u{A0}';

/// The months' names, January first: the widget's printed date and the
/// generator's dates (`site-gen`'s `date_fr`).
pub const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

fn push_grouped(out: &mut String, mut n: u64) {
    // At most 20 digits in a u64.
    let mut digits = [0u8; 20];
    let mut len = 0;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for i in (0..len).rev() {
        out.push(digits[i] as char);
        if i > 0 && i % 3 == 0 {
            out.push(THOUSANDS);
        }
    }
}

/// Integer with thousands separators: `12`, `1 234`, `-5`.
pub fn int(n: i64) -> String {
    let mut s = String::new();
    if n < 0 {
        s.push('-');
    }
    push_grouped(&mut s, n.unsigned_abs());
    s
}

/// Fixed-point number with `scale` = 100 (hundredths), decimal comma,
/// trailing zeros dropped: `900` → `9`, `50` → `0,5`, `717` → `7,17`,
/// `123450` → `1 234,5`.
pub fn centi(v: i64) -> String {
    let mut s = String::new();
    if v < 0 {
        s.push('-');
    }
    let a = v.unsigned_abs();
    push_grouped(&mut s, a / 100);
    let frac = a % 100;
    if frac != 0 {
        s.push(',');
        s.push((b'0' + (frac / 10) as u8) as char);
        if frac % 10 != 0 {
            s.push((b'0' + (frac % 10) as u8) as char);
        }
    }
    s
}

/// Money in cents: `1 234,56 €`, `2 000 €`, `0,50 €`, `-12,30 €`
/// (cents always on two digits when not whole).
pub fn money(cents: i64) -> String {
    let mut s = money_amount(cents);
    s.push(NBSP);
    s.push('€');
    s
}

/// [`money`] without the euro sign: `1 234,56`, `2 000`.
pub fn money_amount(cents: i64) -> String {
    let mut s = String::new();
    if cents < 0 {
        s.push('-');
    }
    let a = cents.unsigned_abs();
    push_grouped(&mut s, a / 100);
    let c = a % 100;
    if c != 0 {
        s.push(',');
        s.push((b'0' + (c / 10) as u8) as char);
        s.push((b'0' + (c % 10) as u8) as char);
    }
    s
}

/// Percentage from hundredths of a percent: `833` → `8,33 %`, `2500` → `25 %`.
pub fn percent(centi_percent: i64) -> String {
    let mut s = centi(centi_percent);
    s.push(THOUSANDS);
    s.push('%');
    s
}

/// French grammatical number: singular when the absolute value is below 2.
/// `v` is in hundredths.
pub fn is_singular(v: i64) -> bool {
    v.unsigned_abs() < 200
}

/// Quantity in hundredths with its noun: `qty(900, "jour", "jours")` →
/// `9 jours`, `qty(50, …)` → `0,5 jour`.
pub fn qty(v: i64, singular: &str, plural: &str) -> String {
    let mut s = centi(v);
    s.push(NBSP);
    s.push_str(if is_singular(v) { singular } else { plural });
    s
}

/// Whole count with its noun: `count(1, "part", "parts")` → `1 part`,
/// `count(12, …)` → `12 parts`.
pub fn count(n: i64, singular: &str, plural: &str) -> String {
    let mut s = int(n);
    s.push(NBSP);
    s.push_str(if n.unsigned_abs() < 2 {
        singular
    } else {
        plural
    });
    s
}

/// `9 jours` from hundredths of a day.
pub fn days(v: i64) -> String {
    qty(v, "jour", "jours")
}

/// `63 heures` from hundredths of an hour.
pub fn hours(v: i64) -> String {
    qty(v, "heure", "heures")
}

/// `3 parts`.
pub fn parts(n: u32) -> String {
    count(n as i64, "part", "parts")
}

/// `=` for an exact result, `≈` for a rounded one (`23,75 ÷ 9 ≈ 2,64`).
pub fn equals(exact: bool) -> &'static str {
    if exact {
        "="
    } else {
        "≈"
    }
}

/// `≈ ` before a rounded value, nothing before an exact one
/// (`soit ≈ 166,67 € par mois`, `soit 500 € par mois`).
pub fn about(exact: bool) -> &'static str {
    if exact {
        ""
    } else {
        "≈ "
    }
}

/// Escapes text for HTML element content and double-quoted attributes.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
