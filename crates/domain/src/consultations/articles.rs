//! Splitting a pasted draft into its numbered articles on the "Điều N." headings, the way
//! Vietnamese legal texts (and every hương ước) number them.

use serde::Serialize;

/// The most articles a draft may have (the paper form has one box per article).
pub const MAX_ARTICLES: usize = 200;

/// One article: its number, its heading (the words after "Điều N." on the heading line)
/// and its text (the lines below, paragraphs kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Article {
    pub number: i64,
    pub heading: String,
    pub text: String,
}

/// The article number of a heading line: "Điều 3.", "Điều 3:", "ĐIỀU 3 -", "Điều 3"
/// alone. Not a line that merely mentions an article ("Điều này…", "điều 3 nói rằng").
fn heading(line: &str) -> Option<(i64, &str)> {
    let line = line.trim_start();
    let rest = ["Điều ", "ĐIỀU "]
        .iter()
        .find_map(|p| line.strip_prefix(p))?;
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 4 {
        return None;
    }
    let n: i64 = rest[..digits].parse().ok()?;
    let after = rest[digits..].trim_start();
    let title = match after.chars().next() {
        None => "",
        Some('.' | ':' | '-' | '–') => &after[after.chars().next()?.len_utf8()..],
        _ => return None,
    };
    Some((n, title.trim()))
}

/// The articles of `text`, in order. Text before the first heading is the preamble and is
/// returned apart. A text without any heading is one article, number 1, without heading.
/// Numbers are kept as written; duplicates are the caller's to refuse.
pub fn split_articles(text: &str) -> (String, Vec<Article>) {
    let mut preamble: Vec<&str> = Vec::new();
    let mut out: Vec<(i64, String, Vec<&str>)> = Vec::new();
    for line in text.lines() {
        if let Some((n, h)) = heading(line) {
            out.push((n, h.to_owned(), Vec::new()));
        } else if let Some(last) = out.last_mut() {
            last.2.push(line);
        } else {
            preamble.push(line);
        }
    }
    let tidy = |lines: &[&str]| {
        let cleaned: Vec<String> = lines.iter().map(|l| crate::text::clean(l)).collect();
        cleaned.join("\n").trim().to_owned()
    };
    if out.is_empty() {
        let body = tidy(&preamble);
        let articles = if body.is_empty() {
            vec![]
        } else {
            vec![Article {
                number: 1,
                heading: String::new(),
                text: body,
            }]
        };
        return (String::new(), articles);
    }
    let articles = out
        .into_iter()
        .map(|(number, heading, lines)| Article {
            number,
            heading: crate::text::clean(&heading),
            text: tidy(&lines),
        })
        .collect();
    (tidy(&preamble), articles)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DRAFT: &str = "HƯƠNG ƯỚC KHU PHỐ 1\n\nChương I. Quy định chung\nĐiều 1. Phạm vi\nHương ước này áp dụng cho khu phố.\n\nĐiều này không trái pháp luật.\nĐiều 2: Giữ gìn vệ sinh\nKhông xả rác.\nĐIỀU 3 - Tang lễ\n  Tổ chức   gọn nhẹ.\nĐiều 4\nĐiều 40 chưa có ở đây";

    #[test]
    fn splits_on_article_headings_only() {
        let (pre, a) = split_articles(DRAFT);
        assert_eq!(pre, "HƯƠNG ƯỚC KHU PHỐ 1\n\nChương I. Quy định chung");
        let nums: Vec<i64> = a.iter().map(|x| x.number).collect();
        assert_eq!(nums, vec![1, 2, 3, 4]);
        assert_eq!(a[0].heading, "Phạm vi");
        // "Điều này" is a sentence, not a heading: it stays in article 1.
        assert_eq!(
            a[0].text,
            "Hương ước này áp dụng cho khu phố.\n\nĐiều này không trái pháp luật."
        );
        assert_eq!(a[1].heading, "Giữ gìn vệ sinh");
        assert_eq!(a[2].heading, "Tang lễ");
        assert_eq!(a[2].text, "Tổ chức gọn nhẹ.");
        assert_eq!(a[3].heading, "");
        // A heading needs a separator or the end of the line after the number.
        assert_eq!(a[3].text, "Điều 40 chưa có ở đây");
    }

    #[test]
    fn text_without_headings_is_one_article() {
        let (pre, a) = split_articles("  Kế hoạch làm đường.\n");
        assert_eq!(pre, "");
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].number, 1);
        assert_eq!(a[0].text, "Kế hoạch làm đường.");
        assert!(split_articles(" \n ").1.is_empty());
    }

    #[test]
    fn lower_case_mentions_are_not_headings() {
        let (_, a) = split_articles("Điều 1. A\nđiều 2 nói rằng\nĐiều 2x sai");
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].text, "điều 2 nói rằng\nĐiều 2x sai");
    }
}
