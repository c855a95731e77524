//! `/api/v1` for what a scheme does with the groups of the units it closes: each group with
//! its disposition on the scheme's detail, and setting one group's disposition.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use tuquan_app::restructuring::schemes::{self as app, GroupsView};
use tuquan_domain::restructuring::scheme::{GroupChoice, GroupChoiceInput, SchemeId};
use tuquan_domain::GroupId;
use utoipa::ToSchema;

use super::bodies::SchemeDetail;
use crate::auth::{CurrentUser, RequestCtx};
use crate::error::{ApiError, ErrorBody};
use crate::extract::body;
use crate::AppState;

/// What becomes of one group of a unit the scheme closes: `carry_over` to `to` (a unit the
/// scheme opens or keeps), `merge` into the group `into` (carried over, or of a unit the
/// scheme keeps; same kind), or `dissolve`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupBody {
    #[serde(deserialize_with = "crate::api::contract::whole")]
    pub group: i64,
    /// `carry_over`, `merge`, `dissolve`.
    pub action: String,
    /// The unit's code, for `carry_over`.
    #[serde(default)]
    pub to: String,
    /// The group's id, for `merge`.
    #[serde(default, deserialize_with = "crate::api::contract::opt_whole")]
    pub into: Option<i64>,
}

/// One group of a unit the scheme closes.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeGroupOut {
    pub group_id: i64,
    pub name: String,
    pub kind: String,
    pub unit_code: String,
    /// Positions held now.
    pub positions: i64,
    /// `carry_over`, `merge` or `dissolve` (the default when none was chosen).
    pub action: String,
    pub to: Option<String>,
    pub into: Option<i64>,
    /// Whether an official chose it.
    pub chosen: bool,
}

/// A group a unit of the after table will have, with the groups merged into it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AfterGroupOut {
    pub name: String,
    pub merged: Vec<String>,
}

pub(super) fn groups_out(g: &GroupsView) -> Vec<SchemeGroupOut> {
    g.rows
        .iter()
        .map(|r| {
            let (to, into) = match &r.choice {
                GroupChoice::CarryOver { to } => (Some(to.as_str().to_owned()), None),
                GroupChoice::Merge { into } => (None, Some(into.get())),
                GroupChoice::Dissolve => (None, None),
            };
            SchemeGroupOut {
                group_id: r.group.id.get(),
                name: r.group.name.clone(),
                kind: r.group.kind.as_str().to_owned(),
                unit_code: r.group.unit_code.clone(),
                positions: r.group.positions,
                action: r.choice.action().as_str().to_owned(),
                to,
                into,
                chosen: r.chosen,
            }
        })
        .collect()
}

pub(super) fn after_groups(groups: &[(String, Vec<String>)]) -> Vec<AfterGroupOut> {
    groups
        .iter()
        .map(|(name, merged)| AfterGroupOut {
            name: name.clone(),
            merged: merged.clone(),
        })
        .collect()
}

/// Sets what becomes of one group of a unit the scheme closes (until the scheme is applied).
#[utoipa::path(post, path = "/api/v1/restructuring/schemes/{id}/groups", tag = "restructuring",
    params(("id" = i64, Path, description = "The scheme")), request_body = GroupBody, security(("bearer" = [])),
    responses((status = 200, body = SchemeDetail), (status = 400, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn set_group(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<SchemeId>,
    b: Result<Json<GroupBody>, JsonRejection>,
) -> Result<Json<SchemeDetail>, ApiError> {
    let b = body(b)?;
    let group = GroupId(b.group);
    let input = GroupChoiceInput {
        action: b.action,
        to: b.to,
        into: b.into.map(|n| n.to_string()).unwrap_or_default(),
    };
    let ctx = state.ctx(Some(who), &rc);
    app::set_group(&ctx, id, group, &input).await?;
    super::detail_of(&ctx, id).await
}
