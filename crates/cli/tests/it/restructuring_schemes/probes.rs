//! The restructuring rows of the authorization matrix and of the audit test (see
//! `access::authorization_matrix_over_http`, `access::every_mutating_route_writes_an_audit_row`).

use serde_json::{json, Value};
use tuquan_domain::access::Action;

use super::{households_of, scheme_body, vote_and_close};
use crate::harness::{get_json as get, post_json as post, Server, TestDb};

/// One request performing a restructuring action on commune `target` with `token`.
pub async fn matrix_probe(
    server: &Server,
    action: Action,
    target: &str,
    token: &str,
    n: usize,
) -> (u16, String) {
    let (s, b) =
        match action {
            Action::RestructuringSchemeManage => {
                post(
                    server,
                    token,
                    &format!("/api/v1/communes/{target}/restructuring/schemes"),
                    scheme_body(&format!("Đề án {n}"), "2030-01-01"),
                )
                .await
            }
            Action::RestructuringSchemeView => {
                get(
                    server,
                    token,
                    &format!("/api/v1/communes/{target}/restructuring/schemes"),
                )
                .await
            }
            Action::RestructuringStandardsManage => post(
                server,
                token,
                &format!("/api/v1/units/{target}/restructuring/standards"),
                json!({"kind": "thon", "min_households": 100 + n, "effective_from": "2031-01-01"}),
            )
            .await,
            other => panic!("not a restructuring action: {other:?}"),
        };
    (s, b.to_string())
}

/// A draft at the demo ward with a merge (kp02, kp03 into a new unit) and a split of kp05
/// into two parts without lists: (scheme, merge item, split item, first part).
async fn fixture(server: &Server, n: &str) -> (i64, i64, i64, i64) {
    let t = &server.token;
    let id = super::draft(server, t, &format!("Kiểm toán {n}")).await;
    let base = format!("/api/v1/restructuring/schemes/{id}");
    let (s, m) = post(
        server,
        t,
        &format!("{base}/merges"),
        json!({"units": ["26743-kp02", "26743-kp03"], "name": "Khu phố Gộp", "kind": "khu_pho",
               "local_code": format!("kpg{n}"), "adjacent": true}),
    )
    .await;
    assert_eq!(s, 201, "{m}");
    let (s, sp) = post(
        server,
        t,
        &format!("{base}/splits"),
        json!({"unit": "26743-kp05", "parts": [
            {"name": "A", "kind": "khu_pho", "local_code": format!("kpa{n}")},
            {"name": "B", "kind": "khu_pho", "local_code": format!("kpb{n}")}]}),
    )
    .await;
    assert_eq!(s, 201, "{sp}");
    let (_, d) = get(server, t, &base).await;
    let part = d["items"][1]["parts"][0]["id"].as_i64().unwrap();
    (
        id,
        m["id"].as_i64().unwrap(),
        sp["id"].as_i64().unwrap(),
        part,
    )
}

/// A scheme renaming kp06, consulting; approved and consented when `approved`.
async fn consulting(server: &Server, n: &str, approved: bool) -> i64 {
    let t = &server.token;
    let id = super::draft(server, t, &format!("Lấy ý kiến {n}")).await;
    let base = format!("/api/v1/restructuring/schemes/{id}");
    let (s, b) = post(
        server,
        t,
        &format!("{base}/renames"),
        json!({"unit": "26743-kp06", "name": format!("Khu phố Sáu {n}"), "kind": "khu_pho"}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let (s, d) = post(server, t, &format!("{base}/consultation"), json!({})).await;
    assert_eq!(s, 200, "{d}");
    if approved {
        for c in d["consent"].as_array().unwrap() {
            let roll = c["roll"].as_i64().unwrap() as usize;
            vote_and_close(server, t, c["vote_id"].as_i64().unwrap(), roll).await;
        }
        let (s, _) = post(server, t, &format!("{base}/approve"), json!({})).await;
        assert_eq!(s, 200);
    }
    id
}

/// A successful request for one of this area's state-changing routes.
pub async fn audit_probe(
    server: &Server,
    db: &TestDb,
    method: &str,
    path: &str,
    rid: &str,
    admin: &(reqwest::Client, String),
) -> Option<reqwest::RequestBuilder> {
    let page = tuquan_web::pages::restructuring::schemes::MUTATING.contains(&(method, path))
        || tuquan_web::pages::restructuring::thanks::MUTATING.contains(&(method, path));
    if !page && !tuquan_web::api::restructuring::MUTATING.contains(&(method, path)) {
        return None;
    }
    let n: String = rid.chars().filter(char::is_ascii_digit).collect();
    let api = |m: reqwest::Method, p: String, body: Value| {
        crate::harness::audit_api(server, rid, m, &p, &body)
    };
    let form = |p: String, fields: Vec<(&'static str, String)>| {
        crate::harness::audit_form(server, admin, rid, &p, fields)
    };
    let pg = |id: i64, tail: &str| format!("/communes/26743/restructuring/schemes/{id}{tail}");
    let ap = |id: i64, tail: &str| format!("/api/v1/restructuring/schemes/{id}{tail}");
    let header = || {
        vec![
            ("title", "Trang".to_owned()),
            ("reason", "Lý do".to_owned()),
            ("effective_on", "2030-01-01".to_owned()),
        ]
    };
    let needs_fixture = path.contains("{id}")
        && !path.ends_with("/approve")
        && !path.ends_with("/override")
        && !path.ends_with("/apply");
    let (id, merge, split, part) = if needs_fixture {
        fixture(server, &n).await
    } else {
        (0, 0, 0, 0)
    };
    let kp05 = households_of(db, "26743-kp05").await;
    let p = reqwest::Method::POST;
    Some(match (method, path) {
        ("POST", "/api/v1/communes/{code}/restructuring/schemes") => api(
            p,
            "/api/v1/communes/26743/restructuring/schemes".into(),
            scheme_body("Kiểm toán", "2030-01-01"),
        ),
        ("PUT", "/api/v1/restructuring/schemes/{id}") => api(
            reqwest::Method::PUT,
            ap(id, ""),
            scheme_body("Sửa", "2030-02-01"),
        ),
        ("POST", "/api/v1/restructuring/schemes/{id}/merges") => api(
            p,
            ap(id, "/merges"),
            json!({"units": ["26743-kp07"], "into": "26743-kp08", "adjacent": true}),
        ),
        ("POST", "/api/v1/restructuring/schemes/{id}/splits") => api(
            p,
            ap(id, "/splits"),
            json!({"unit": "26743-kp09", "parts": [
                {"name": "C", "kind": "khu_pho", "local_code": format!("kpc{n}")},
                {"name": "D", "kind": "khu_pho", "local_code": format!("kpd{n}")}]}),
        ),
        ("POST", "/api/v1/restructuring/schemes/{id}/renames") => api(
            p,
            ap(id, "/renames"),
            json!({"unit": "26743-kp07", "name": "Bảy", "kind": "khu_pho"}),
        ),
        ("DELETE", "/api/v1/restructuring/schemes/{id}/items/{item}") => api(
            reqwest::Method::DELETE,
            ap(id, &format!("/items/{merge}")),
            json!({}),
        ),
        ("POST", "/api/v1/restructuring/schemes/{id}/items/{item}/households") => api(
            p,
            ap(id, &format!("/items/{split}/households")),
            json!({"part_id": part, "households": kp05[..2]}),
        ),
        ("POST", "/api/v1/restructuring/schemes/{id}/groups") => {
            let g = leadership(server, "26743-kp02").await;
            api(
                p,
                ap(id, "/groups"),
                json!({"group": g, "action": "carry_over", "to": format!("26743-kpg{n}")}),
            )
        }
        ("POST", "/communes/{code}/restructuring/schemes/{id}/groups/{group}") => {
            let g = leadership(server, "26743-kp03").await;
            form(
                pg(id, &format!("/groups/{g}")),
                vec![("choice", "dissolve".into())],
            )
        }
        ("POST", "/communes/{code}/restructuring/thanks") => {
            let record = a_thanks_record(db).await;
            form(
                "/communes/26743/restructuring/thanks".into(),
                vec![
                    ("record", record.to_string()),
                    ("number", "9/QĐ-KT".into()),
                    ("date", "2026-01-05".into()),
                ],
            )
        }
        ("POST", "/api/v1/restructuring/schemes/{id}/consultation") => {
            api(p, ap(id, "/consultation"), json!({}))
        }
        ("POST", "/api/v1/restructuring/schemes/{id}/approve") => {
            let id = consulting(server, &n, false).await;
            api(p, ap(id, "/approve"), json!({}))
        }
        ("POST", "/api/v1/restructuring/schemes/{id}/override") => {
            let id = consulting(server, &n, false).await;
            api(
                p,
                ap(id, "/override"),
                json!({"reason": "Lý do", "number": "1/QĐ", "date": "2026-01-01", "signer": "Chủ tịch"}),
            )
        }
        ("POST", "/api/v1/restructuring/schemes/{id}/abandon") => {
            api(p, ap(id, "/abandon"), json!({}))
        }
        ("POST", "/api/v1/restructuring/schemes/{id}/apply") => {
            let id = consulting(server, &n, true).await;
            api(p, ap(id, "/apply"), json!({}))
        }
        ("POST", "/api/v1/units/{code}/restructuring/standards") => api(
            p,
            "/api/v1/units/79/restructuring/standards".into(),
            json!({"kind": "ap", "min_households": 400, "effective_from": "2031-01-01"}),
        ),
        ("POST", "/api/v1/units/{code}/restructuring/freezes") => api(
            p,
            "/api/v1/units/79/restructuring/freezes".into(),
            json!({"scope": "province", "starts_on": "2099-01-01", "basis": "Kiểm toán"}),
        ),
        ("POST", "/communes/{code}/restructuring") => {
            form("/communes/26743/restructuring".into(), header())
        }
        ("POST", "/communes/{code}/restructuring/schemes/{id}/edit") => {
            form(pg(id, "/edit"), header())
        }
        ("POST", "/communes/{code}/restructuring/schemes/{id}/merge") => form(
            pg(id, "/merge"),
            vec![
                ("units", "26743-kp07".into()),
                ("units", "26743-kp08".into()),
                ("adjacent", "1".into()),
                ("name", "Gộp".into()),
                ("kind", "khu_pho".into()),
                ("local_code", format!("kpe{n}")),
            ],
        ),
        ("POST", "/communes/{code}/restructuring/schemes/{id}/split") => form(
            pg(id, "/split"),
            vec![
                ("unit", "26743-kp09".into()),
                ("part1_name", "E".into()),
                ("part1_kind", "khu_pho".into()),
                ("part1_local_code", format!("kpf{n}")),
                ("part2_name", "F".into()),
                ("part2_kind", "khu_pho".into()),
                ("part2_local_code", format!("kph{n}")),
            ],
        ),
        ("POST", "/communes/{code}/restructuring/schemes/{id}/rename") => form(
            pg(id, "/rename"),
            vec![
                ("unit", "26743-kp07".into()),
                ("name", "Bảy".into()),
                ("kind", "khu_pho".into()),
            ],
        ),
        ("POST", "/communes/{code}/restructuring/schemes/{id}/items/{item}/remove") => {
            form(pg(id, &format!("/items/{merge}/remove")), vec![])
        }
        ("POST", "/communes/{code}/restructuring/schemes/{id}/items/{item}/households") => form(
            pg(id, &format!("/items/{split}/households")),
            vec![
                ("h", kp05[0].to_string()),
                ("h", kp05[1].to_string()),
                ("part", part.to_string()),
            ],
        ),
        ("POST", "/communes/{code}/restructuring/schemes/{id}/consult") => {
            form(pg(id, "/consult"), vec![])
        }
        ("POST", "/communes/{code}/restructuring/schemes/{id}/approve") => {
            let id = consulting(server, &n, false).await;
            form(pg(id, "/approve"), vec![])
        }
        ("POST", "/communes/{code}/restructuring/schemes/{id}/override") => {
            let id = consulting(server, &n, false).await;
            form(
                pg(id, "/override"),
                vec![
                    ("reason", "Lý do".into()),
                    ("number", "2/QĐ".into()),
                    ("date", "2026-01-02".into()),
                    ("signer", "Chủ tịch".into()),
                ],
            )
        }
        ("POST", "/communes/{code}/restructuring/schemes/{id}/abandon") => {
            form(pg(id, "/abandon"), vec![])
        }
        ("POST", "/communes/{code}/restructuring/schemes/{id}/apply") => {
            let id = consulting(server, &n, true).await;
            form(pg(id, "/apply"), vec![])
        }
        ("POST", "/provinces/{code}/restructuring/standards") => form(
            "/provinces/79/restructuring/standards".into(),
            vec![
                ("kind", "thon".into()),
                ("min_households", "300".into()),
                ("effective_from", "2032-01-01".into()),
            ],
        ),
        ("POST", "/provinces/{code}/restructuring/freezes") => form(
            "/provinces/79/restructuring/freezes".into(),
            vec![
                ("scope", "province".into()),
                ("starts_on", "2098-01-01".into()),
                ("basis", "Kiểm toán".into()),
            ],
        ),
        other => panic!("no restructuring audit probe for {other:?}"),
    })
}

/// The leadership of a residential unit (made if missing): its id.
async fn leadership(server: &Server, unit: &str) -> i64 {
    let (s, g) = post(
        server,
        &server.token,
        &format!("/api/v1/units/{unit}/leadership"),
        json!({}),
    )
    .await;
    assert!(s == 200 || s == 201, "{g}");
    g["id"].as_i64().unwrap()
}

/// A thanks record of the demo ward, written directly for a position not yet thanked (the
/// audit probe needs one without applying a scheme).
async fn a_thanks_record(db: &TestDb) -> i64 {
    db.execute(
        "INSERT INTO service_thanks (province_code, commune_code, unit_code, unit_path, \
         resident_id, position_id, group_id, role, served_from, served_to, reason, created_at) \
         SELECT g.province_code, '26743', g.unit_code, g.unit_path, p.resident_id, p.id, g.id, \
         p.role, p.starts_on, p.starts_on, 'unit_restructured', '2026-01-01T00:00:00Z' \
         FROM group_positions p JOIN community_groups g ON g.id = p.group_id \
         WHERE g.unit_path LIKE (SELECT path FROM units WHERE code = '26743') || '%' \
         AND NOT EXISTS (SELECT 1 FROM service_thanks t WHERE t.position_id = p.id) \
         ORDER BY p.id LIMIT 1",
    )
    .await;
    db.count("SELECT MAX(id) FROM service_thanks").await
}
