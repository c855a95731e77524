//! The demo's restructuring scheme (issue 16, "Done means"): Phường Bến Thành's official
//! drafts the merger of its three smallest khu phố into one and the split of its largest into
//! two, with the household list of each part; the households of the four khu phố are
//! consulted and agree (ballots counted door to door and closed); the scheme is approved and
//! waits to be previewed and applied. Each merged khu phố has a head: the first one's
//! leadership is carried over to the new khu phố, the second's merged into it, the third's
//! dissolved (its head is thanked).

use tuquan_domain::groups::NewPositionInput;
use tuquan_domain::restructuring::scheme::{
    GroupChoiceInput, MergeInput, PartInput, SchemeInput, SplitInput,
};

use crate::access::{as_user, demo_khu_pho_by_size};
use crate::{App, AppResult, Ctx};

/// Seeds the scheme at `commune` as its official `canbo.benthanh`.
pub async fn seed_demo(app: &App, commune: &str) -> AppResult<()> {
    let ctx = as_user(app, "canbo.benthanh").await?;
    let kps = demo_khu_pho_by_size(&ctx, commune).await?;
    let (Some(large), [a, b, c, ..]) = (kps.last(), kps.as_slice()) else {
        return Ok(());
    };
    let today = ctx.today();
    let id = super::create_scheme(
        &ctx,
        commune,
        &SchemeInput {
            title: "Sắp xếp khu phố phường Bến Thành năm 2026".into(),
            reason: "Ba khu phố có quy mô quá nhỏ so với tiêu chuẩn (dưới 50% số hộ tối thiểu) \
                     và liền kề nhau; một khu phố đông dân, địa bàn rộng.\nNgười dân mong muốn \
                     giữ tên gọi gắn với lịch sử khu vực."
                .into(),
            effective_on: today.to_string(),
            basis_number: "25/NQ-HĐND".into(),
            basis_date: today.to_string(),
            basis_signer: "Trần Văn Bình, Chủ tịch HĐND phường".into(),
        },
    )
    .await?;
    let parts: Vec<String> = [a, b, c].iter().map(|r| r.unit.code.clone()).collect();
    let mut leaderships = Vec::new();
    for unit in &parts {
        leaderships.push(leadership_with_head(&ctx, unit).await?);
    }
    super::add_merge(
        &ctx,
        id,
        &MergeInput {
            units: parts,
            name: "Khu phố Bến Thành".into(),
            kind: "khu_pho".into(),
            local_code: "kpbt1".into(),
            adjacent: true,
            ..Default::default()
        },
    )
    .await?;
    let n = large
        .unit
        .code
        .rsplit('-')
        .next()
        .unwrap_or("kp")
        .to_owned();
    let part = |name: String, suffix: &str| PartInput {
        name,
        kind: "khu_pho".into(),
        local_code: format!("{n}{suffix}"),
    };
    let item = super::add_split(
        &ctx,
        id,
        &SplitInput {
            unit: large.unit.code.clone(),
            parts: vec![
                part(format!("{} A", large.unit.name), "a"),
                part(format!("{} B", large.unit.name), "b"),
            ],
        },
    )
    .await?;
    let unit = crate::territory::unit(app, &large.unit.code).await?;
    let households = app.store().active_household_ids_under(&unit.path).await?;
    let split_parts = app.store().scheme_parts(id).await?;
    let (first, second) = households.split_at(households.len() / 2);
    for (p, list) in split_parts.iter().zip([first, second]) {
        super::assign_households(&ctx, id, item, Some(p.id), list).await?;
    }
    let choose = |action: &str, to: &str, into: String| GroupChoiceInput {
        action: action.into(),
        to: to.into(),
        into,
    };
    let new_unit = format!("{commune}-kpbt1");
    super::set_group(
        &ctx,
        id,
        leaderships[0],
        &choose("carry_over", &new_unit, String::new()),
    )
    .await?;
    super::set_group(
        &ctx,
        id,
        leaderships[1],
        &choose("merge", "", leaderships[0].to_string()),
    )
    .await?;
    for vote in super::start_consultation(&ctx, id).await? {
        let (_, roll) = crate::votes::roll(&ctx, vote).await?;
        let yes = roll.len() / 2 + 1;
        for (i, h) in roll.iter().enumerate() {
            let choice = if i < yes { "yes" } else { "no" };
            crate::votes::cast_for(&ctx, vote, h.household_id, choice).await?;
        }
        crate::votes::close_ballot(&ctx, vote).await?;
    }
    super::approve(&ctx, id).await
}

/// The leadership of a residential unit with a head: the first resident who may hold the post
/// from the start of the term (a year before today).
async fn leadership_with_head(ctx: &Ctx, unit: &str) -> AppResult<tuquan_domain::GroupId> {
    let (group, _) = crate::groups::ensure_leadership(ctx, unit).await?;
    let u = crate::territory::unit(&ctx.app, unit).await?;
    let people = ctx
        .store()
        .residents_in(&u, &Default::default(), None, 60)
        .await?;
    let since = ctx
        .today()
        .saturating_sub(jiff::Span::new().years(1))
        .to_string();
    for r in &people {
        let input = NewPositionInput {
            resident_id: Some(r.id.get()),
            role: "head".into(),
            starts_on: Some(since.clone()),
            ..Default::default()
        };
        if crate::groups::appoint(ctx, group.id, &input).await.is_ok() {
            break;
        }
    }
    Ok(group.id)
}
