//! Household ballots: votes cast online by a household's account, collected door to door,
//! on paper entered twice by two different people; the reconciliation of the two entries;
//! the close that computes the result.

use std::collections::BTreeMap;
use tuquan_domain::{HouseholdId, VoteId};

use tuquan_domain::access::Action;
use tuquan_domain::votes::{
    ballot_outcome, input_choice, may_cast, reconcile, second_entry_by_other, Channel, Choice,
    Mode, Status, Thresholds, VoteRule,
};
use tuquan_domain::FieldError;
use tuquan_store::votes::{PaperEntryRecord, VoteRecord};
use tuquan_store::StoreError;

use crate::{AppError, AppResult, Ctx};

async fn open_ballot(ctx: &Ctx, id: VoteId) -> AppResult<VoteRecord> {
    let v = ctx.store().vote(id).await?;
    if v.mode != Mode::Ballot {
        return Err(AppError::NotFound);
    }
    Ok(v)
}

fn still_open(v: &VoteRecord) -> Result<(), VoteRule> {
    if v.status != Status::Open {
        return Err(VoteRule {
            code: "vote_closed",
            field: "vote",
        });
    }
    Ok(())
}

fn counted_once(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict { field: "household" } => {
            AppError::rule("vote_household_counted", "household", "already counted")
        }
        other => other.into(),
    }
}

fn parse_choice(raw: &str) -> AppResult<Choice> {
    input_choice(raw, "choice")?.ok_or_else(|| {
        FieldError::new("choice", tuquan_domain::FieldErrorKind::Required, "").into()
    })
}

/// A resident votes for their household online (where the ballot allows it): its
/// representative or a member the household authorised. The household's own matter: no grant
/// is needed, only the account's link to a household on the roll.
pub async fn cast_own(ctx: &Ctx, id: VoteId, choice: &str) -> AppResult<()> {
    let who = ctx.who()?;
    let v = open_ballot(ctx, id).await?;
    let choice = parse_choice(choice)?;
    let Some((hid, rid, _, _)) = ctx.store().household_of_user(who.user.id).await? else {
        return Err(AppError::rule(
            "no_household",
            "household",
            "account not linked",
        ));
    };
    if !ctx.store().on_roll(v.id, hid).await? {
        return Err(AppError::rule(
            "vote_not_on_roll",
            "household",
            "not on the roll",
        ));
    }
    still_open(&v)?;
    super::voters::check_may_vote(ctx, hid, rid).await?;
    let already = ctx.store().household_cast(v.id, hid).await?;
    may_cast(
        v.matter,
        v.online,
        Channel::Online,
        already.and_then(|(c, _)| Channel::parse(&c)),
    )?;
    ctx.store()
        .cast_vote(
            &v,
            hid,
            Channel::Online,
            choice,
            Some(rid),
            &ctx.audit_ctx(),
        )
        .await
        .map_err(counted_once)
}

/// A counting official enters a ballot collected door to door.
pub async fn cast_for(
    ctx: &Ctx,
    id: VoteId,
    household_id: HouseholdId,
    choice: &str,
) -> AppResult<()> {
    let v = open_ballot(ctx, id).await?;
    ctx.authorize(Action::VoteCount, Some(&v.unit_path))?;
    let choice = parse_choice(choice)?;
    if !ctx.store().on_roll(v.id, household_id).await? {
        return Err(AppError::rule(
            "vote_not_on_roll",
            "household",
            "not on the roll",
        ));
    }
    still_open(&v)?;
    let already = ctx.store().household_cast(v.id, household_id).await?;
    may_cast(
        v.matter,
        v.online,
        Channel::Door,
        already.and_then(|(c, _)| Channel::parse(&c)),
    )?;
    ctx.store()
        .cast_vote(
            &v,
            household_id,
            Channel::Door,
            choice,
            None,
            &ctx.audit_ctx(),
        )
        .await
        .map_err(counted_once)
}

/// Enters (or corrects) one of the two paper entries: household → choice, blank for a
/// household with no paper ballot. The two entries are by different people.
pub async fn enter_paper(
    ctx: &Ctx,
    id: VoteId,
    entry_no: i64,
    rows: &[(HouseholdId, String)],
) -> AppResult<()> {
    let v = open_ballot(ctx, id).await?;
    let who = ctx.authorize(Action::VoteCount, Some(&v.unit_path))?;
    if !(1..=2).contains(&entry_no) {
        return Err(AppError::NotFound);
    }
    still_open(&v)?;
    let entries = ctx.store().paper_entries(v.id).await?;
    let other = entries
        .iter()
        .find(|e| e.entry_no != entry_no)
        .map(|e| e.entered_by_id);
    second_entry_by_other(other, who.user.id)?;
    let roll: std::collections::HashSet<HouseholdId> = ctx
        .store()
        .vote_roll(v.id)
        .await?
        .into_iter()
        .map(|r| r.household_id)
        .collect();
    let mut parsed = Vec::new();
    for (hid, raw) in rows {
        if !roll.contains(hid) {
            return Err(AppError::rule(
                "vote_not_on_roll",
                "household",
                "not on the roll",
            ));
        }
        if let Some(c) = input_choice(raw, "choice")? {
            parsed.push((*hid, c));
        }
    }
    let by = (who.user.id, who.user.display_name.as_str());
    ctx.store()
        .enter_paper(&v, entry_no, by, &parsed, None, &ctx.audit_ctx())
        .await
        .map_err(counted_once)
}

/// The state of the two paper entries of a ballot.
#[derive(Debug, Clone)]
pub struct Reconciliation {
    pub entries: Vec<PaperEntryRecord>,
    /// Households whose two entries differ: (household id, first, second).
    pub mismatches: Vec<(HouseholdId, Option<Choice>, Option<Choice>)>,
    /// The agreed paper votes when both entries exist and agree.
    pub agreed: Option<Vec<(HouseholdId, Choice)>>,
}

impl Reconciliation {
    /// Paper blocks the result: one entry only, or the two differ.
    pub fn blocks(&self) -> bool {
        !self.entries.is_empty() && self.agreed.is_none()
    }
}

async fn reconcile_of(ctx: &Ctx, v: &VoteRecord) -> AppResult<Reconciliation> {
    let entries = ctx.store().paper_entries(v.id).await?;
    let first: BTreeMap<HouseholdId, Choice> =
        ctx.store().paper_rows(v.id, 1).await?.into_iter().collect();
    let second: BTreeMap<HouseholdId, Choice> =
        ctx.store().paper_rows(v.id, 2).await?.into_iter().collect();
    let (mismatches, agreed) = match (entries.len(), reconcile(&first, &second)) {
        (2, Ok(agreed)) => (Vec::new(), Some(agreed)),
        (2, Err(diff)) => (
            diff.into_iter()
                .map(|h| (h, first.get(&h).copied(), second.get(&h).copied()))
                .collect(),
            None,
        ),
        (0, _) => (Vec::new(), Some(Vec::new())),
        _ => (Vec::new(), None),
    };
    Ok(Reconciliation {
        entries,
        mismatches,
        agreed,
    })
}

/// The two paper entries compared, for the counting officials.
pub async fn reconciliation(ctx: &Ctx, id: VoteId) -> AppResult<Reconciliation> {
    let v = open_ballot(ctx, id).await?;
    ctx.authorize(Action::VoteCount, Some(&v.unit_path))?;
    reconcile_of(ctx, &v).await
}

/// Closes a ballot: the paper entries must agree (a mismatch or a missing second entry
/// blocks the result); the agreed paper votes are counted with the others, once per
/// household, and the outcome is judged against the whole roll.
pub async fn close_ballot(ctx: &Ctx, id: VoteId) -> AppResult<()> {
    let v = open_ballot(ctx, id).await?;
    ctx.authorize(Action::VoteManage, Some(&v.unit_path))?;
    still_open(&v)?;
    let r = reconcile_of(ctx, &v).await?;
    let Some(paper) = r.agreed else {
        let code = if r.entries.len() < 2 {
            "vote_paper_second_missing"
        } else {
            "vote_paper_mismatch"
        };
        return Err(AppError::rule(code, "entry", code));
    };
    let t: Thresholds = serde_json::from_str(&v.thresholds).unwrap_or_default();
    // The outcome is judged on the final tally: casts so far plus the agreed paper.
    let mut choices: Vec<Choice> = ctx
        .store()
        .vote_roll(v.id)
        .await?
        .iter()
        .filter_map(|r| r.choice.as_deref().and_then(Choice::parse))
        .collect();
    choices.extend(paper.iter().map(|(_, c)| *c));
    let tally = tuquan_domain::votes::Tally::from_choices(&choices);
    let roll = u32::try_from(v.all_households).unwrap_or(0);
    let outcome = ballot_outcome(&t, roll, tally);
    ctx.store()
        .close_ballot(&v, &paper, outcome, &v.thresholds, &ctx.audit_ctx())
        .await
        .map_err(counted_once)?;
    Ok(())
}

/// One paper entry's rows, for the counting officials.
pub async fn paper_rows(
    ctx: &Ctx,
    id: VoteId,
    entry_no: i64,
) -> AppResult<Vec<(HouseholdId, Choice)>> {
    let v = open_ballot(ctx, id).await?;
    ctx.authorize(Action::VoteCount, Some(&v.unit_path))?;
    Ok(ctx.store().paper_rows(v.id, entry_no).await?)
}

/// The form field of a paper tally sheet's photo.
pub const SHEET_FIELD: &str = "sheet";

/// Attaches the photo of the paper tally sheet (PDF, JPEG, PNG or WebP) to paper entry 1 or
/// 2 of an open ballot, fingerprinted with SHA-256 (shown beside the entry) and logged in
/// the tally log. The entry must have been made. Returns the SHA-256.
pub async fn attach_sheet(
    ctx: &Ctx,
    id: VoteId,
    entry_no: i64,
    file: &crate::files::UploadedFile,
) -> AppResult<String> {
    let v = open_ballot(ctx, id).await?;
    ctx.authorize(Action::VoteCount, Some(&v.unit_path))?;
    if !(1..=2).contains(&entry_no) {
        return Err(AppError::NotFound);
    }
    still_open(&v)?;
    let checked = crate::files::check_uploads(SHEET_FIELD, std::slice::from_ref(file))?;
    let Some(checked) = checked.into_iter().next() else {
        return Err(
            FieldError::new(SHEET_FIELD, tuquan_domain::FieldErrorKind::Required, "").into(),
        );
    };
    let entries = ctx.store().paper_entries(v.id).await?;
    if !entries.iter().any(|e| e.entry_no == entry_no) {
        return Err(AppError::rule(
            "vote_sheet_before_entry",
            SHEET_FIELD,
            "enter the paper ballots first",
        ));
    }
    let owner = crate::files::owner(
        tuquan_domain::files::OwnerKind::BallotSheet,
        v.id.get(),
        &v.province_code,
        &v.unit_path,
    );
    let sha = checked.sha256.clone();
    ctx.store()
        .attach_paper_sheet(&v, entry_no, &owner, &checked, &ctx.audit_ctx())
        .await?;
    Ok(sha)
}
