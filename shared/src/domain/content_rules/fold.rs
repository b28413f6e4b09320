//! Folds look-alike characters into the plain ones the rules look for.

/// `text` with full-width forms (`ｅｘａｍｐｌｅ．ｃｏｍ`, `＠`), ideographic full stops
/// (`。`, which IDNA also reads as a dot) and the decimal digits of other scripts
/// (`٠١٢`, `۰۱۲`, `०१२`) written as their ASCII counterparts.
pub(super) fn fold(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

fn fold_char(c: char) -> char {
    match c {
        // Full-width ASCII sits at a fixed distance from ASCII.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3002}' | '\u{FF61}' => '.',
        _ => ascii_digit(c).unwrap_or(c),
    }
}

/// The ASCII digit for a decimal digit of a script our users write in.
fn ascii_digit(c: char) -> Option<char> {
    const ZEROS: [u32; 6] = [
        0x0660, // Arabic-Indic
        0x06F0, // Persian and Urdu
        0x0966, // Devanagari
        0x09E6, // Bengali
        0x0E50, // Thai
        0x1040, // Myanmar
    ];
    let code = c as u32;
    ZEROS
        .iter()
        .find(|zero| (**zero..**zero + 10).contains(&code))
        .and_then(|zero| char::from_digit(code - zero, 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_wide_forms_stops_and_digits() {
        assert_eq!(fold("ｅｘａｍｐｌｅ．ｃｏｍ"), "example.com");
        assert_eq!(fold("ada＠example。com"), "ada@example.com");
        assert_eq!(fold("٠٥٠١٢٣٤٥٦٧"), "0501234567");
        assert_eq!(fold("۰۹۱۲"), "0912");
        assert_eq!(fold("Привет, 你好"), "Привет, 你好");
    }
}
