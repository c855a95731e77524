//! A commune's feedback settings (categories, routing) and the national work calendar.
//! Each change makes the one authorization check on the unit it acts on; the store audits it.

use jiff::civil::{Date, Weekday};
use tuquan_domain::access::{Action, Role};
use tuquan_domain::feedback::{role_handles_feedback, Category, CategoryInput, Level, RouteRule};
use tuquan_domain::territory::{Tier, Unit};
use tuquan_domain::{FieldError, FieldErrorKind};

use super::{category, invalid, CategorySetting};
use crate::{AppError, AppResult, Ctx};

/// A commune by code, for those allowed `action` on it.
pub async fn commune_for(ctx: &Ctx, action: Action, code: &str) -> AppResult<Unit> {
    let unit = crate::territory::unit(&ctx.app, code).await?;
    ctx.authorize(action, Some(&unit.path))?;
    if unit.kind.tier() != Tier::Commune {
        return Err(invalid(
            "code",
            FieldErrorKind::NotAllowedHere,
            "settings are per commune",
        ));
    }
    Ok(unit)
}

/// A commune's settings: every category (hidden ones too) and its routing table.
pub struct CommuneSettings {
    pub commune: Unit,
    pub categories: Vec<CategorySetting>,
    pub routes: Vec<RouteRule>,
}

/// The settings of a commune, for those who may configure feedback there.
pub async fn settings(ctx: &Ctx, code: &str) -> AppResult<CommuneSettings> {
    let commune = commune_for(ctx, Action::FeedbackConfigure, code).await?;
    Ok(CommuneSettings {
        categories: ctx.store().category_settings(&commune.code).await?,
        routes: ctx.store().routes_for(&commune.code).await?,
        commune,
    })
}

/// Every category of a commune, hidden ones too (`""`: the defaults), for staff.
pub async fn category_settings(ctx: &Ctx, commune: &str) -> AppResult<Vec<CategorySetting>> {
    ctx.who()?;
    Ok(ctx.store().category_settings(commune).await?)
}

/// A commune's routing table, for those who may configure feedback there.
pub async fn routes(ctx: &Ctx, code: &str) -> AppResult<Vec<RouteRule>> {
    Ok(settings(ctx, code).await?.routes)
}

/// Sets (a level given) or removes (no level) the routing rule of a commune for a category
/// (`""`: every category). Without a role, the level's default role answers.
pub async fn set_route(
    ctx: &Ctx,
    code: &str,
    category_code: &str,
    level: Option<&str>,
    role: Option<&str>,
) -> AppResult<()> {
    let commune = commune_for(ctx, Action::FeedbackConfigure, code).await?;
    let category_code = category_code.trim();
    if !category_code.is_empty() {
        category(ctx, &commune.code, category_code).await?;
    }
    let rule = route_rule(level, role).map_err(AppError::from)?;
    ctx.store()
        .set_route(&commune, category_code, rule, &ctx.audit_ctx())
        .await?;
    Ok(())
}

/// The rule a routing form sets: `None` (no level) removes it. Every bad field at once: an
/// unknown level and an unknown role (or a role without a level) are both named.
fn route_rule(
    level: Option<&str>,
    role: Option<&str>,
) -> Result<Option<(Level, Role)>, Vec<FieldError>> {
    let level = level.map(str::trim).filter(|l| !l.is_empty());
    let role = role.map(str::trim).filter(|r| !r.is_empty());
    let mut c = tuquan_domain::Checks::default();
    let level = match level {
        None => None,
        Some(l) => c.check(Level::parse(l).ok_or_else(|| {
            FieldError::new(
                "level",
                FieldErrorKind::UnknownValue,
                "unit, commune or province",
            )
        })),
    };
    let role = match role {
        None => None,
        Some(r) => c.check(
            Role::parse(r)
                .filter(|r| role_handles_feedback(*r))
                .ok_or_else(|| {
                    FieldError::new(
                        "role",
                        FieldErrorKind::UnknownValue,
                        "a role that handles feedback",
                    )
                }),
        ),
    };
    let errors = c.into_errors();
    if !errors.is_empty() {
        return Err(errors);
    }
    match (level, role) {
        // A role only says who answers at a level: without one it is out of place.
        (None, Some(_)) => Err(vec![FieldError::new(
            "role",
            FieldErrorKind::NotAllowedHere,
            "a role needs a level",
        )]),
        (None, None) => Ok(None),
        (Some(level), role) => Ok(Some((level, role.unwrap_or_else(|| level.default_role())))),
    }
}

/// Adds (`adding`: its code must be new) or changes (its code must exist) one of a
/// commune's categories; unchecking `active` hides it from new feedback.
pub async fn set_category(
    ctx: &Ctx,
    commune: &Unit,
    input: &CategoryInput,
    adding: bool,
) -> AppResult<Category> {
    ctx.authorize(Action::FeedbackConfigure, Some(&commune.path))?;
    // Every bad field at once (the settings form shows them together), the code's own
    // check against the commune's categories among them.
    let code = input.code.trim();
    let exists = ctx
        .store()
        .category_settings(&commune.code)
        .await?
        .iter()
        .any(|c| c.category.code == code);
    let code_error = match (adding, exists) {
        (true, true) => Some(FieldError::new(
            "code",
            FieldErrorKind::NotAllowedHere,
            "a category with this code exists",
        )),
        (false, false) => Some(FieldError::new(
            "code",
            FieldErrorKind::UnknownValue,
            "no such category",
        )),
        _ => None,
    };
    let (category, active) = match (Category::parse_all(input), code_error) {
        (Ok(parsed), None) => parsed,
        (Ok(_), Some(e)) => return Err(e.into()),
        (Err(mut es), e) => {
            // A code refused for its form is not also looked up.
            if let Some(e) = e.filter(|_| es.iter().all(|f| f.field != "code")) {
                es.insert(0, e);
            }
            return Err(es.into());
        }
    };
    ctx.store()
        .set_category(commune, &category, active, &ctx.audit_ctx())
        .await?;
    Ok(category)
}

/// Whether the actor may change the national work calendar: it is one for the whole
/// country, so only those allowed to configure feedback nationwide.
pub fn may_edit_calendar(ctx: &Ctx) -> bool {
    ctx.actor.as_ref().is_some_and(|w| {
        tuquan_domain::access::authorize(&w.actor, Action::FeedbackConfigure, None).is_ok()
    })
}

/// A day of the calendar, `YYYY-MM-DD`.
pub fn parse_day(raw: &str) -> AppResult<Date> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(invalid("day", FieldErrorKind::Required, "empty"));
    }
    // `YYYY-MM-DD`, or as people write dates: `dd/mm/yyyy`.
    let iso = match raw.split('/').collect::<Vec<_>>()[..] {
        [d, m, y] => format!("{y:0>4}-{m:0>2}-{d:0>2}"),
        _ => raw.to_owned(),
    };
    iso.parse::<Date>()
        .map_err(|_| invalid("day", FieldErrorKind::InvalidFormat, "YYYY-MM-DD"))
}

/// The field error inside an [`AppError::Invalid`].
fn field_of(e: AppError) -> FieldError {
    match e {
        AppError::Invalid(f) => f,
        _ => FieldError::new("day", FieldErrorKind::InvalidFormat, "YYYY-MM-DD"),
    }
}

/// The days of the national calendar: (day, `holiday` or `workday`, name), for anyone who
/// may configure feedback somewhere.
pub async fn calendar_days(ctx: &Ctx) -> AppResult<Vec<(String, String, String)>> {
    if !ctx.may_somewhere(Action::FeedbackConfigure) {
        ctx.who()?;
        return Err(AppError::Forbidden);
    }
    Ok(ctx.store().work_calendar_days().await?)
}

/// Adds (or renames) a holiday on a weekday or a make-up working day on a weekend.
pub async fn set_calendar_day(ctx: &Ctx, day: &str, kind: &str, name: &str) -> AppResult<Date> {
    ctx.authorize(Action::FeedbackConfigure, None)?;
    // Every wrong field at once (a form shows them together).
    let mut c = tuquan_domain::Checks::default();
    let day = c.check(parse_day(day).map_err(field_of));
    let kind = c.check(match kind.trim() {
        k @ ("holiday" | "workday") => Ok(k),
        "" => Err(FieldError::new("kind", FieldErrorKind::Required, "empty")),
        _ => Err(FieldError::new(
            "kind",
            FieldErrorKind::UnknownValue,
            "holiday or workday",
        )),
    });
    let name = tuquan_domain::text::clean(name);
    if name.is_empty() {
        c.check::<()>(Err(FieldError::new(
            "name",
            FieldErrorKind::Required,
            "empty",
        )));
    } else if name.chars().count() > 120 {
        c.check::<()>(Err(FieldError::new(
            "name",
            FieldErrorKind::TooLong { max: 120 },
            "long",
        )));
    }
    if let (Some(day), Some(kind)) = (day, kind) {
        let weekend = matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday);
        let wrong = match kind {
            "holiday" if weekend => Some("a holiday on a weekday"),
            "workday" if !weekend => Some("a make-up working day on a weekend"),
            _ => None,
        };
        if let Some(detail) = wrong {
            c.check::<()>(Err(FieldError::new(
                "day",
                FieldErrorKind::NotAllowedHere,
                detail,
            )));
        }
    }
    let errors = c.into_errors();
    let (Some(day), Some(kind), true) = (day, kind, errors.is_empty()) else {
        return Err(errors.into());
    };
    ctx.store()
        .set_calendar_day(day, Some((kind, &name)), &ctx.audit_ctx())
        .await?;
    Ok(day)
}

/// Removes a day from the calendar; an absent day is "not found".
pub async fn remove_calendar_day(ctx: &Ctx, day: &str) -> AppResult<()> {
    ctx.authorize(Action::FeedbackConfigure, None)?;
    let day = parse_day(day).map_err(|_| AppError::NotFound)?;
    let days = ctx.store().work_calendar_days().await?;
    if !days.iter().any(|(d, _, _)| *d == day.to_string()) {
        return Err(AppError::NotFound);
    }
    ctx.store()
        .set_calendar_day(day, None, &ctx.audit_ctx())
        .await?;
    Ok(())
}

/// One day of the calendar (day, kind, name), for those who may change it (to confirm its
/// removal); an absent or malformed day is "not found".
pub async fn calendar_day(ctx: &Ctx, day: &str) -> AppResult<(Date, String, String)> {
    ctx.authorize(Action::FeedbackConfigure, None)?;
    let date = parse_day(day).map_err(|_| AppError::NotFound)?;
    let days = ctx.store().work_calendar_days().await?;
    days.into_iter()
        .find(|(d, _, _)| *d == date.to_string())
        .map(|(_, kind, name)| (date, kind, name))
        .ok_or(AppError::NotFound)
}
