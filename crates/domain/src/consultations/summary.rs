//! The summary of comments per article for the meeting ("Tổng hợp ý kiến góp ý dự thảo"):
//! households counted once per article and stance, proposals listed without who made them.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::Stance;
use crate::code::HouseholdId;

/// One stored comment, as the summary needs it (no name, no address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentFact {
    pub article: i64,
    pub household_id: HouseholdId,
    pub stance: Stance,
    pub text: Option<String>,
}

/// One article's counts: households agreeing, disagreeing and proposing a change (a
/// household that commented twice with the same stance counts once; one that agreed and
/// then proposed counts in both), and the texts, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ArticleSummary {
    pub number: i64,
    pub agree: i64,
    pub disagree: i64,
    pub propose: i64,
    /// What households proposed to change.
    pub proposals: Vec<String>,
    /// The reasons given for disagreeing.
    pub objections: Vec<String>,
}

/// The summary of every article of `articles` (in that order) from `facts` (oldest first).
pub fn summarize(articles: &[i64], facts: &[CommentFact]) -> Vec<ArticleSummary> {
    let mut seen: BTreeMap<(i64, Stance), BTreeSet<HouseholdId>> = BTreeMap::new();
    let mut out: Vec<ArticleSummary> = articles
        .iter()
        .map(|&number| ArticleSummary {
            number,
            ..ArticleSummary::default()
        })
        .collect();
    let index: BTreeMap<i64, usize> = articles.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    for f in facts {
        let Some(&i) = index.get(&f.article) else {
            continue;
        };
        let s = &mut out[i];
        if seen
            .entry((f.article, f.stance))
            .or_default()
            .insert(f.household_id)
        {
            match f.stance {
                Stance::Agree => s.agree += 1,
                Stance::Disagree => s.disagree += 1,
                Stance::Propose => s.propose += 1,
            }
        }
        if let Some(t) = &f.text {
            match f.stance {
                Stance::Propose => s.proposals.push(t.clone()),
                Stance::Disagree => s.objections.push(t.clone()),
                Stance::Agree => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(article: i64, household_id: i64, stance: Stance, text: Option<&str>) -> CommentFact {
        CommentFact {
            article,
            household_id: HouseholdId(household_id),
            stance,
            text: text.map(Into::into),
        }
    }

    #[test]
    fn households_count_once_per_stance() {
        let facts = vec![
            f(1, 10, Stance::Agree, None),
            f(1, 10, Stance::Agree, None),
            f(1, 11, Stance::Disagree, Some("Quá chặt")),
            f(1, 11, Stance::Propose, Some("Sửa thành 22 giờ")),
            f(2, 10, Stance::Propose, Some("Bỏ điều này")),
            f(9, 10, Stance::Agree, None),
        ];
        let s = summarize(&[1, 2, 3], &facts);
        assert_eq!((s[0].agree, s[0].disagree, s[0].propose), (1, 1, 1));
        assert_eq!(s[0].proposals, vec!["Sửa thành 22 giờ"]);
        assert_eq!(s[0].objections, vec!["Quá chặt"]);
        assert_eq!((s[1].agree, s[1].propose), (0, 1));
        assert_eq!(
            s[2],
            ArticleSummary {
                number: 3,
                ..Default::default()
            }
        );
        assert_eq!(s.len(), 3);
    }
}
