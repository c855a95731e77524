//! Vietnamese text: NFC normalisation, the accent-free search key, and collation order.

use std::sync::LazyLock;

use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};
use icu_locale_core::locale;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Text is stored NFC-normalised, trimmed, with inner runs of whitespace collapsed.
pub fn clean(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The search key: lower case, no diacritics, `đ` → `d`, whitespace collapsed.
/// `"Phường Bến Thành"` and `"phuong ben thanh"` fold to the same key.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            // Latin letters with a stroke or other non-decomposing forms are rare in names;
            // lower-casing is enough for everything else.
            _ => out.extend(c.to_lowercase()),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

// `kn`: numeric ordering, so "Khu phố 2" comes before "Khu phố 10" as people expect.
static COLLATOR: LazyLock<CollatorBorrowed<'static>> = LazyLock::new(|| {
    Collator::try_new(locale!("vi-u-kn").into(), CollatorOptions::default())
        .expect("the Vietnamese collation data is compiled into the binary")
});

/// A byte string whose byte-wise order is Vietnamese collation order (ICU4X, locale `vi`).
/// Stored beside names so that the database can sort and paginate in Vietnamese order.
pub fn sort_key(s: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(s.len() * 3);
    let Ok(()) = COLLATOR.write_sort_key_to(s, &mut key);
    key
}

/// Compare two strings in Vietnamese collation order.
pub fn compare(a: &str, b: &str) -> std::cmp::Ordering {
    COLLATOR.compare(a, b)
}

/// Required free text: cleaned (NFC, spaces collapsed), not empty, at most `max` characters.
pub fn required(raw: &str, field: &'static str, max: usize) -> Result<String, crate::FieldError> {
    let t = clean(raw);
    if t.is_empty() {
        return Err(crate::FieldError::new(
            field,
            crate::FieldErrorKind::Required,
            "empty",
        ));
    }
    at_most(t, field, max)
}

/// Optional free text: cleaned, `None` when blank, at most `max` characters.
pub fn optional(
    raw: Option<&str>,
    field: &'static str,
    max: usize,
) -> Result<Option<String>, crate::FieldError> {
    match raw.map(clean).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(t) => at_most(t, field, max).map(Some),
    }
}

/// Free text in paragraphs (minutes, notes): each line cleaned, the line breaks kept, blank
/// lines at either end dropped; may be empty; at most `max` characters.
pub fn paragraphs(raw: &str, field: &'static str, max: usize) -> Result<String, crate::FieldError> {
    let lines: Vec<String> = raw.lines().map(clean).collect();
    at_most(lines.join("\n").trim().to_owned(), field, max)
}

/// `t` when it has at most `max` characters, else `TooLong` on `field`.
fn at_most(t: String, field: &'static str, max: usize) -> Result<String, crate::FieldError> {
    if t.chars().count() > max {
        return Err(crate::FieldError::new(
            field,
            crate::FieldErrorKind::TooLong { max },
            "long",
        ));
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_diacritics_case_and_d_with_stroke() {
        assert_eq!(fold("Phường Bến Thành"), "phuong ben thanh");
        assert_eq!(fold("  PHƯỜNG   bến thành "), "phuong ben thanh");
        assert_eq!(fold("Đống Đa"), "dong da");
        assert_eq!(fold("đ"), fold("d"));
        assert_eq!(fold("Thừa Thiên Huế"), "thua thien hue");
    }

    #[test]
    fn folding_is_the_same_for_composed_and_decomposed_input() {
        let composed = "Hòa";
        let decomposed: String = composed.nfd().collect();
        assert_ne!(composed, decomposed);
        assert_eq!(fold(composed), fold(&decomposed));
    }

    #[test]
    fn clean_normalises_to_nfc_and_collapses_spaces() {
        let decomposed: String = "Bến  Thành ".nfd().collect();
        assert_eq!(clean(&decomposed), "Bến Thành");
    }

    #[test]
    fn vietnamese_order_puts_d_with_stroke_after_d_and_accents_after_base() {
        let mut names = vec!["Đông", "Dương", "Ân", "An", "Bình", "Ă", "Â", "Ô", "Ơ", "O"];
        names.sort_by(|a, b| compare(a, b));
        assert_eq!(
            names,
            vec!["An", "Ă", "Â", "Ân", "Bình", "Dương", "Đông", "O", "Ô", "Ơ"]
        );
    }

    #[test]
    fn numbers_inside_names_sort_by_value() {
        let mut names = vec!["Khu phố 10", "Khu phố 2", "Khu phố 1", "Ấp 3"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(names, vec!["Ấp 3", "Khu phố 1", "Khu phố 2", "Khu phố 10"]);
    }

    #[test]
    fn sort_keys_order_like_the_collator() {
        let names = ["Đống Đa", "Dĩ An", "Ba Đình", "Ân Thi", "An Khánh", "Zô"];
        for a in names {
            for b in names {
                assert_eq!(sort_key(a).cmp(&sort_key(b)), compare(a, b), "{a} vs {b}");
            }
        }
    }
}
