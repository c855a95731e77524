//! An erased person's name in free text (issue 11 #8): found whole-word, whatever the case
//! and the spacing, and replaced by the pseudonym (docs/people.md, "Erasure").

use unicode_normalization::UnicodeNormalization;

fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// The length in chars of `name` (NFC, lower case, one space between words) found at the
/// start of `text`, where any run of whitespace in `text` matches one space; `None` if not.
fn match_at(text: &[char], name: &[char]) -> Option<usize> {
    let (mut i, mut j) = (0, 0);
    while j < name.len() {
        let c = *text.get(i)?;
        if name[j] == ' ' {
            if !c.is_whitespace() {
                return None;
            }
            while text.get(i).is_some_and(|c| c.is_whitespace()) {
                i += 1;
            }
        } else if lower(c) == name[j] {
            i += 1;
        } else {
            return None;
        }
        j += 1;
    }
    Some(i)
}

/// `text` with every whole-word occurrence of `name` replaced by `replacement`, or `None`
/// when `name` does not occur. Names shorter than two words are not searched (a given name
/// alone would blank every namesake and every word that happens to be spelt like it).
pub fn redact_name(text: &str, name: &str, replacement: &str) -> Option<String> {
    let name: Vec<char> = crate::text::clean(name).chars().map(lower).collect();
    if name.iter().filter(|c| **c == ' ').count() < 1 {
        return None;
    }
    let text: Vec<char> = text.nfc().collect();
    let mut out = String::with_capacity(text.len());
    let mut found = false;
    let mut i = 0;
    while i < text.len() {
        let boundary_before = i == 0 || !text[i - 1].is_alphanumeric();
        if boundary_before {
            if let Some(n) = match_at(&text[i..], &name) {
                if text.get(i + n).is_none_or(|c| !c.is_alphanumeric()) {
                    out.push_str(replacement);
                    found = true;
                    i += n;
                    continue;
                }
            }
        }
        out.push(text[i]);
        i += 1;
    }
    found.then_some(out)
}

/// The forms a name is likely written in, for a first, case-sensitive search by the database:
/// as recorded, lower case, upper case.
pub fn likely_forms(name: &str) -> Vec<String> {
    let n = crate::text::clean(name);
    let mut forms = vec![n.clone(), n.to_lowercase(), n.to_uppercase()];
    forms.dedup();
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_words_in_any_case_and_spacing() {
        let r = redact_name(
            "Ông NGUYỄN VĂN  An báo; đã gặp nguyễn văn an. Nguyễn Văn Anh thì không.",
            "Nguyễn Văn An",
            "Đã ẩn danh #7",
        )
        .unwrap();
        assert_eq!(
            r,
            "Ông Đã ẩn danh #7 báo; đã gặp Đã ẩn danh #7. Nguyễn Văn Anh thì không."
        );
    }

    #[test]
    fn decomposed_text_is_matched() {
        let nfd: String = "Trần Thị Bé".nfd().collect();
        assert_eq!(
            redact_name(&format!("gặp {nfd} hôm qua"), "Trần Thị Bé", "X").as_deref(),
            Some("gặp X hôm qua")
        );
    }

    #[test]
    fn absent_or_one_word_names_change_nothing() {
        assert_eq!(redact_name("Không ai cả", "Lê Văn Tám", "X"), None);
        assert_eq!(redact_name("Lan đến", "Lan", "X"), None);
    }
}
