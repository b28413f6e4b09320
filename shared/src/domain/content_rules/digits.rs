//! The decimal digits of every script, read as ASCII digits.
//!
//! A decimal digit is a character of general category Nd. Unicode encodes each script's
//! digits as ten consecutive code points from zero to nine, and keeps it so (its stability
//! policy for Numeric_Type=Decimal), so a digit's value is its distance from the start of
//! its run of Nd characters, modulo ten (some runs hold several sets: the five
//! mathematical digit styles are fifty code points in a row).

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// The ASCII digit `c` stands for, if it is a decimal digit of any script: `٥`, `௫`,
/// `໕`, `៥`, `૫` and `5` are all `5`.
pub(super) fn ascii_digit(c: char) -> Option<char> {
    if c.is_ascii_digit() {
        return Some(c);
    }
    if c.is_ascii() || !is_decimal_digit(c) {
        return None;
    }
    let code = u32::from(c);
    let run_start = (0..code)
        .rev()
        .take_while(|before| char::from_u32(*before).is_some_and(is_decimal_digit))
        .last()
        .unwrap_or(code);
    char::from_digit((code - run_start) % 10, 10)
}

fn is_decimal_digit(c: char) -> bool {
    c.general_category() == GeneralCategory::DecimalNumber
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_digits_of_every_script() {
        for (digits, script) in [
            ("0123456789", "ASCII"),
            ("٠١٢٣٤٥٦٧٨٩", "Arabic-Indic"),
            ("۰۱۲۳۴۵۶۷۸۹", "Persian"),
            ("०१२३४५६७८९", "Devanagari"),
            ("০১২৩৪৫৬৭৮৯", "Bengali"),
            ("૦૧૨૩૪૫૬૭૮૯", "Gujarati"),
            ("௦௧௨௩௪௫௬௭௮௯", "Tamil"),
            ("๐๑๒๓๔๕๖๗๘๙", "Thai"),
            ("໐໑໒໓໔໕໖໗໘໙", "Lao"),
            ("០១២៣៤៥៦៧៨៩", "Khmer"),
            ("၀၁၂၃၄၅၆၇၈၉", "Myanmar"),
            ("０１２３４５６７８９", "full-width"),
            ("𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗", "mathematical bold"),
            (
                "𝟶𝟷𝟸𝟹𝟺𝟻𝟼𝟽𝟾𝟿",
                "mathematical monospace, the last of five styles in a row",
            ),
        ] {
            let read: String = digits.chars().filter_map(ascii_digit).collect();
            assert_eq!(read, "0123456789", "{script}");
        }
    }

    #[test]
    fn other_numbers_and_letters_are_no_digits() {
        // Superscripts and circled numbers are No, not Nd: NFKC reads them (see `fold`).
        for c in ['a', 'Ⅻ', '½', '²', '①', '〇', '一', 'O', 'l', ' '] {
            assert_eq!(ascii_digit(c), None, "{c:?}");
        }
    }

    #[test]
    fn every_decimal_digit_run_is_whole_sets_of_ten() {
        // What the derivation leans on, checked over all of Unicode as the crate knows it.
        let mut code = 0;
        while code <= u32::from(char::MAX) {
            let starts_a_run = char::from_u32(code).is_some_and(is_decimal_digit)
                && !char::from_u32(code.wrapping_sub(1)).is_some_and(is_decimal_digit);
            if starts_a_run {
                let len = (code..)
                    .take_while(|c| char::from_u32(*c).is_some_and(is_decimal_digit))
                    .count();
                assert_eq!(len % 10, 0, "the digit run at U+{code:04X}");
                code += len as u32;
            } else {
                code += 1;
            }
        }
    }
}
