//! Applying a restructuring plan (issue 16, items 4 and 7) end to end on the demo ward, on
//! both databases: merge, split, rename and create-from-parts through
//! `tuquan_app::restructuring::apply_plan`; households, residents, groups, positions, thanks,
//! grants, open feedback and regulations after the change; the roll-ups equal to the naive
//! query before and after; a dry run and a failed apply change nothing.

use serde_json::json;
use tuquan_app::restructuring::{apply_plan, ApplyReport};
use tuquan_app::{App, AppError, Ctx, RequestMeta};
use tuquan_domain::feedback::stats::Month;
use tuquan_domain::restructuring::{GroupDisposition, LegalBasis, NewUnit, Plan, Step};
use tuquan_domain::territory::{LocalCode, UnitCode, UnitKind};
use tuquan_domain::GroupId;
use tuquan_store::{ConnectOptions, Store};

use crate::harness::{demo_token, post_json_opt as post, Server, TestDb};
use crate::on_both_backends;

const WARD: &str = "26743";
const KP01: &str = "26743-kp01";
const KP02: &str = "26743-kp02";
const KP03: &str = "26743-kp03";

struct Fixture {
    _server: Server,
    store: Store,
    ctx: Ctx,
    today: jiff::civil::Date,
}

/// The demo ward, served, with a commune official's context on the same database.
async fn fixture(db: &TestDb) -> Fixture {
    let server = Server::start_with(db, &["--demo"]);
    let store = Store::connect(&db.url(), &ConnectOptions::default())
        .await
        .unwrap();
    let app = App::new(store.clone());
    let ctx = ctx_of(db, &app, "canbo.benthanh").await;
    Fixture {
        _server: server,
        store,
        ctx,
        today: tuquan_domain::time::vietnam_date(jiff::Timestamp::now()),
    }
}

/// The context of the demo account `username` in `app`, as a request signed with its token
/// would have.
pub(crate) async fn ctx_of(db: &TestDb, app: &App, username: &str) -> Ctx {
    let token = demo_token(db, username);
    let who = tuquan_app::access::by_token(app, &token)
        .await
        .unwrap()
        .unwrap();
    app.ctx(Some(who), RequestMeta::default())
}

fn code(s: &str) -> UnitCode {
    UnitCode::parse(s).unwrap()
}

fn new_unit(local: &str, name: &str) -> NewUnit {
    NewUnit {
        parent: code(WARD),
        local_code: LocalCode::parse(local).unwrap(),
        name: name.into(),
        kind: UnitKind::KhuPho,
    }
}

fn plan(f: &Fixture, steps: Vec<Step>, groups: Vec<GroupDisposition>) -> Plan {
    Plan {
        commune: code(WARD),
        effective_on: f.today,
        basis: LegalBasis {
            number: "45/QĐ-UBND".into(),
            date: f.today,
            signer: "Chủ tịch UBND phường".into(),
            file: None,
        },
        scheme_id: None,
        steps,
        groups,
    }
}

async fn n(db: &TestDb, sql: &str) -> i64 {
    db.count(sql).await
}

/// Active households of a unit, by the plain query.
async fn households(db: &TestDb, unit: &str) -> i64 {
    n(
        db,
        &format!(
            "SELECT COUNT(*) FROM households WHERE unit_code = '{unit}' AND status = 'active'"
        ),
    )
    .await
}

/// The roll-up report equals the naive GROUP BY, for the ward, two quarters and the province,
/// this month and last.
async fn rollups_equal_naive(f: &Fixture, units: &[&str]) {
    let now = Month::of(jiff::Timestamp::now());
    let at = tuquan_store::now();
    for unit in units.iter().copied().chain([WARD, "79"]) {
        for (from, to) in [(now, now), (Month::parse("from", "2025-07").unwrap(), now)] {
            assert_eq!(
                f.store.report_at(unit, from, to, None, &at).await.unwrap(),
                f.store
                    .report_naive_at(unit, from, to, None, &at)
                    .await
                    .unwrap(),
                "{unit} {from}..{to}"
            );
        }
    }
}

/// Anonymous feedback about a unit, open.
async fn feedback_at(server: &Server, unit: &str) {
    let (s, b) = post(
        server,
        None,
        "/api/v1/feedback",
        json!({"category": "traffic", "description": "Đèn đường hỏng ở hẻm 12, tối om",
               "unit_code": unit, "address": "12 Lê Thánh Tôn", "contact_name": "Nguyễn Văn Gửi",
               "contact_phone": "0909123456"}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
}

async fn leadership(db: &TestDb, unit: &str) -> i64 {
    n(
        db,
        &format!("SELECT id FROM community_groups WHERE unit_code = '{unit}' AND kind = 'unit_leadership'"),
    )
    .await
}

on_both_backends!(merge_into_moves_everything_and_thanks_the_leaders);
async fn merge_into_moves_everything_and_thanks_the_leaders(db: &TestDb) {
    let f = fixture(db).await;
    feedback_at(&f._server, KP01).await;
    feedback_at(&f._server, KP01).await;
    rollups_equal_naive(&f, &[KP01, KP02]).await;
    let (h1, h2) = (households(db, KP01).await, households(db, KP02).await);
    let residents1 = n(
        db,
        &format!("SELECT COUNT(*) FROM residents WHERE unit_code = '{KP01}'"),
    )
    .await;
    let positions = n(
        db,
        &format!(
            "SELECT COUNT(*) FROM group_positions p JOIN community_groups g ON g.id = p.group_id \
             WHERE g.unit_code = '{KP01}' AND p.ended_on IS NULL"
        ),
    )
    .await;
    assert!(h1 > 0 && h2 > 0 && positions >= 6, "{h1} {h2} {positions}");
    let p = plan(
        &f,
        vec![Step::MergeInto {
            parts: vec![code(KP01)],
            receiver: code(KP02),
        }],
        vec![],
    );

    let r: ApplyReport = apply_plan(&f.ctx, &p, false).await.unwrap();
    assert_eq!(r.closed, [KP01]);
    assert_eq!(r.households_moved, h1 as u64);
    assert_eq!(r.residents_moved, residents1 as u64);
    assert_eq!(
        r.groups_dissolved, 3,
        "leadership, front committee, mediation"
    );
    assert_eq!(r.positions_ended, positions as u64);
    assert_eq!(r.thanked, positions as u64);
    assert_eq!(
        r.grants_ended, 5,
        "front, head, deputy, group leader, member"
    );
    assert_eq!(
        r.grants_moved, 1,
        "the resident's own grant follows the household"
    );
    assert_eq!(r.feedback_rerouted, 2);
    assert_eq!(r.events.len(), 1);

    // The unit is closed, not deleted; its households and residents are in the receiver.
    assert_eq!(
        n(
            db,
            &format!("SELECT COUNT(*) FROM units WHERE code = '{KP01}' AND valid_to IS NOT NULL")
        )
        .await,
        1
    );
    assert_eq!(households(db, KP01).await, 0);
    assert_eq!(households(db, KP02).await, h1 + h2);
    assert_eq!(
        n(
            db,
            &format!("SELECT COUNT(*) FROM residents WHERE unit_code = '{KP01}'")
        )
        .await,
        0
    );
    assert_eq!(
        n(db, &format!("SELECT COUNT(*) FROM household_moves WHERE from_unit = '{KP01}' AND to_unit = '{KP02}'")).await,
        h1
    );
    // The event with its participants and their household counts.
    let e = r.events[0];
    assert_eq!(
        n(db, &format!("SELECT COUNT(*) FROM unit_events WHERE id = {e} AND kind = 'merge_into' AND basis_number = '45/QĐ-UBND'")).await,
        1
    );
    assert_eq!(
        n(db, &format!("SELECT households FROM unit_event_participants WHERE event_id = {e} AND unit_code = '{KP01}' AND role = 'predecessor'")).await,
        h1
    );
    assert_eq!(
        n(db, &format!("SELECT households FROM unit_event_participants WHERE event_id = {e} AND unit_code = '{KP02}' AND role = 'receiver'")).await,
        h1 + h2
    );
    // Groups dissolved, positions ended for the reason "unit restructured", thanks recorded.
    assert_eq!(
        n(db, &format!("SELECT COUNT(*) FROM community_groups WHERE unit_code = '{KP01}' AND status <> 'dissolved'")).await,
        0
    );
    assert_eq!(
        n(
            db,
            "SELECT COUNT(*) FROM group_positions WHERE end_reason = 'unit_restructured'"
        )
        .await,
        positions
    );
    assert_eq!(
        n(db, &format!("SELECT COUNT(*) FROM service_thanks WHERE commune_code = '{WARD}' AND event_id = {e}")).await,
        positions
    );
    // Grants: the officials' ended with a notice; the area police officer's stays for the
    // beats; the resident's followed the household.
    for who in ["totruong.kp01", "topho.kp01", "mattran.kp01"] {
        assert_eq!(
            n(db, &format!("SELECT COUNT(*) FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = '{who}'")).await,
            0,
            "{who}"
        );
        assert_eq!(
            n(db, &format!("SELECT COUNT(*) FROM notifications x JOIN users u ON u.id = x.user_id WHERE u.username = '{who}' AND x.kind = 'restructuring.grant_ended'")).await,
            1,
            "{who}"
        );
    }
    assert_eq!(
        n(db, &format!("SELECT COUNT(*) FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'dan.kp01' AND g.unit_code = '{KP02}'")).await,
        1
    );
    assert_eq!(
        n(db, &format!("SELECT COUNT(*) FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'csrkv.kp01' AND g.unit_code = '{KP01}'")).await,
        1
    );
    // Open feedback re-routed, with an event on each item.
    assert_eq!(
        n(db, &format!("SELECT COUNT(*) FROM feedback WHERE unit_code = '{KP02}' AND unit_path = '79/{WARD}/kp02'")).await,
        2
    );
    assert_eq!(
        n(
            db,
            "SELECT COUNT(*) FROM feedback_events WHERE kind = 'rerouted'"
        )
        .await,
        2
    );
    assert_eq!(
        n(db, &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'restructuring.apply' AND target_id = '{e}'")).await,
        1
    );
    rollups_equal_naive(&f, &[KP01, KP02]).await;

    // Applying it again is refused: the unit is closed.
    let again = apply_plan(&f.ctx, &p, false).await.unwrap_err();
    assert!(
        matches!(
            again,
            AppError::Rule {
                code: "restructuring_unit_closed",
                ..
            }
        ),
        "{again:?}"
    );
}

on_both_backends!(split_and_rename_keep_history);
async fn split_and_rename_keep_history(db: &TestDb) {
    let f = fixture(db).await;
    let all = f.store.active_household_ids(KP03).await.unwrap();
    let (a, b) = all.split_at(all.len() / 2);
    let p = plan(
        &f,
        vec![
            Step::Split {
                unit: code(KP03),
                parts: vec![
                    (new_unit("kp21", "Khu phố 21"), a.to_vec()),
                    (new_unit("kp22", "Khu phố 22"), b.to_vec()),
                ],
            },
            Step::Rename {
                unit: code(KP01),
                name: "Khu phố Bến Thành".into(),
                kind: UnitKind::KhuPho,
            },
        ],
        vec![],
    );
    // An incomplete list is refused and changes nothing.
    let mut short = p.clone();
    if let Step::Split { parts, .. } = &mut short.steps[0] {
        parts[1].1.pop();
    }
    let e = apply_plan(&f.ctx, &short, false).await.unwrap_err();
    assert!(
        matches!(
            e,
            AppError::Rule {
                code: "restructuring_split_incomplete",
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(n(db, "SELECT COUNT(*) FROM unit_events").await, 0);

    let r = apply_plan(&f.ctx, &p, false).await.unwrap();
    assert_eq!(r.closed, [KP03]);
    assert_eq!(r.renamed, [KP01]);
    assert_eq!(
        r.opened,
        [
            ("26743-kp21".to_owned(), "Khu phố 21".to_owned()),
            ("26743-kp22".to_owned(), "Khu phố 22".to_owned())
        ]
    );
    assert_eq!(r.households_moved, all.len() as u64);
    assert_eq!(households(db, "26743-kp21").await, a.len() as i64);
    assert_eq!(households(db, "26743-kp22").await, b.len() as i64);
    // The regulation of the renamed quarter must be signed again.
    assert_eq!(r.regulations_marked, 1);
    assert_eq!(
        n(db, &format!("SELECT COUNT(*) FROM regulations WHERE unit_code = '{KP01}' AND needs_resign_since IS NOT NULL")).await,
        1
    );
    // The tree the day before and on the day: by the units' validity dates.
    let d = f.today;
    let before = d.yesterday().unwrap();
    let open_on = |day: jiff::civil::Date| {
        format!(
            "SELECT COUNT(*) FROM units WHERE parent_code = '{WARD}' AND valid_from <= '{day}' \
             AND (valid_to IS NULL OR valid_to > '{day}') AND code IN ('{KP03}', '26743-kp21', '26743-kp22')"
        )
    };
    assert_eq!(
        n(db, &open_on(before)).await,
        1,
        "kp03 alone the day before"
    );
    assert_eq!(n(db, &open_on(d)).await, 2, "kp21 and kp22 on the day");
    // The rename: a new version, the old one closed on the day; the code and path unchanged.
    assert_eq!(
        n(db, &format!("SELECT COUNT(*) FROM unit_versions WHERE unit_code = '{KP01}' AND name = 'Khu phố 1' AND valid_to = '{d}'")).await,
        1
    );
    assert_eq!(
        n(db, &format!("SELECT COUNT(*) FROM unit_versions WHERE unit_code = '{KP01}' AND name = 'Khu phố Bến Thành' AND valid_from = '{d}' AND valid_to IS NULL AND event_id = {}", r.events[1])).await,
        1
    );
    assert_eq!(
        n(db, &format!("SELECT COUNT(*) FROM units WHERE code = '{KP01}' AND name = 'Khu phố Bến Thành' AND path = '79/{WARD}/kp01' AND valid_to IS NULL")).await,
        1
    );
    // New units have their first version from the trigger, tied to the event.
    assert_eq!(
        n(db, &format!("SELECT COUNT(*) FROM unit_versions WHERE unit_code IN ('26743-kp21', '26743-kp22') AND event_id = {}", r.events[0])).await,
        2
    );
    // Codes are never reused: splitting kp21 into kp03 again is refused.
    let reuse = plan(
        &f,
        vec![Step::CreateFromParts {
            parts: vec![code("26743-kp21")],
            into: new_unit("kp03", "Khu phố 3"),
        }],
        vec![],
    );
    let e = apply_plan(&f.ctx, &reuse, false).await.unwrap_err();
    assert!(
        matches!(
            e,
            AppError::Rule {
                code: "restructuring_code_taken",
                ..
            }
        ),
        "{e:?}"
    );
    rollups_equal_naive(&f, &[KP03, "26743-kp21"]).await;
}

on_both_backends!(a_carried_leadership_keeps_its_head_and_grants);
async fn a_carried_leadership_keeps_its_head_and_grants(db: &TestDb) {
    let f = fixture(db).await;
    let lead = leadership(db, KP01).await;
    let p = plan(
        &f,
        vec![Step::CreateFromParts {
            parts: vec![code(KP01), code(KP02)],
            into: new_unit("kp30", "Khu phố Bến Thành"),
        }],
        vec![GroupDisposition::CarryOver {
            group: GroupId(lead),
            to: code("26743-kp30"),
        }],
    );
    let r = apply_plan(&f.ctx, &p, false).await.unwrap();
    assert_eq!(r.groups_carried, 1);
    assert_eq!(
        r.groups_dissolved, 2,
        "front committee and mediation of kp01"
    );
    assert_eq!(r.grants_moved, 6, "five officials and the resident");
    assert_eq!(r.grants_ended, 0);
    assert_eq!(
        n(db, &format!("SELECT COUNT(*) FROM community_groups WHERE id = {lead} AND unit_code = '26743-kp30' AND unit_path = '79/{WARD}/kp30' AND status = 'active'")).await,
        1
    );
    assert_eq!(
        n(
            db,
            &format!(
                "SELECT COUNT(*) FROM group_positions WHERE group_id = {lead} AND ended_on IS NULL"
            )
        )
        .await,
        2,
        "the head and the deputy keep their posts"
    );
    assert_eq!(
        n(db, "SELECT COUNT(*) FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'totruong.kp01' AND g.unit_code = '26743-kp30'").await,
        1
    );
    assert_eq!(
        n(db, &format!("SELECT COUNT(*) FROM group_events WHERE group_id = {lead} AND event = 'restructured_carried'")).await,
        1
    );
}

/// Everything that applying changes, counted.
async fn snapshot(db: &TestDb) -> Vec<i64> {
    let mut out = Vec::new();
    for sql in [
        "SELECT COUNT(*) FROM units WHERE valid_to IS NOT NULL",
        "SELECT COUNT(*) FROM units",
        "SELECT COUNT(*) FROM unit_events",
        "SELECT COUNT(*) FROM unit_versions",
        "SELECT COUNT(*) FROM household_moves",
        "SELECT COUNT(*) FROM households WHERE unit_code = '26743-kp01'",
        "SELECT COUNT(*) FROM residents WHERE unit_code = '26743-kp01'",
        "SELECT COUNT(*) FROM grants",
        "SELECT COUNT(*) FROM group_positions WHERE ended_on IS NULL",
        "SELECT COUNT(*) FROM community_groups WHERE status = 'dissolved'",
        "SELECT COUNT(*) FROM service_thanks",
        "SELECT COUNT(*) FROM outbox",
        "SELECT COUNT(*) FROM feedback_events",
        "SELECT COUNT(*) FROM audit_log WHERE action = 'restructuring.apply'",
        "SELECT households FROM population_rollup WHERE unit_code = '26743-kp02'",
    ] {
        out.push(n(db, sql).await);
    }
    out
}

on_both_backends!(a_dry_run_or_a_failed_apply_changes_nothing);
async fn a_dry_run_or_a_failed_apply_changes_nothing(db: &TestDb) {
    let f = fixture(db).await;
    feedback_at(&f._server, KP01).await;
    let before = snapshot(db).await;
    let merge = vec![Step::MergeInto {
        parts: vec![code(KP01)],
        receiver: code(KP02),
    }];
    // The dry run reports what applying would do, and writes nothing.
    let dry = apply_plan(&f.ctx, &plan(&f, merge.clone(), vec![]), true)
        .await
        .unwrap();
    assert!(dry.dry_run);
    assert_eq!(dry.households_moved, households(db, KP01).await as u64);
    assert_eq!(dry.feedback_rerouted, 1);
    assert!(dry.thanked > 0);
    assert_eq!(snapshot(db).await, before);
    // A plan that fails late, after every step ran (the leadership carried into the unit
    // the plan closes), is refused and leaves everything as it was.
    let lead = leadership(db, KP01).await;
    let bad = plan(
        &f,
        merge,
        vec![GroupDisposition::CarryOver {
            group: GroupId(lead),
            to: code(KP01),
        }],
    );
    let e = apply_plan(&f.ctx, &bad, false).await.unwrap_err();
    assert!(
        matches!(
            e,
            AppError::Rule {
                code: "restructuring_conflict",
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(snapshot(db).await, before);
    // Someone without the permission is refused before anything is read.
    let app = App::new(f.store.clone());
    let head = ctx_of(db, &app, "totruong.kp01").await;
    let e = apply_plan(&head, &plan(&f, vec![], vec![]), false)
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Forbidden), "{e:?}");
    assert_eq!(snapshot(db).await, before);
}
