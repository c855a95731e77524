//! Consultations (issue 15, item 9): the unit's list and the comments list paged with a
//! cursor on the API and the pages (a malformed cursor is a 400 naming it), and the head's
//! household picker for a paper form (a search without accents within the unit, then the
//! form for the household picked), usable without JavaScript.

use serde_json::{json, Value};

use crate::announcements::{demo_token, get, post};
use crate::consultations::{draft_body, open_one};
use crate::harness::{Server, TestDb};
use crate::on_both_backends;

fn ids(b: &Value) -> Vec<i64> {
    b["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

async fn page(client: &reqwest::Client, server: &Server, path: &str) -> (u16, String) {
    let r = client.get(server.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The `href` of the page's `rel="next"` link, unescaped.
fn next_href(html: &str) -> Option<String> {
    let at = html.find("rel=\"next\"")?;
    let start = html[..at].rfind("href=\"")? + 6;
    let end = start + html[start..].find('"')?;
    Some(html[start..end].replace("&amp;", "&").replace("&#38;", "&"))
}

on_both_backends!(consultation_and_comment_lists_are_paged);
async fn consultation_and_comment_lists_are_paged(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let head = demo_token(db, "totruong.kp01");
    let units = "/api/v1/units/26743-kp01/consultations";
    let mut made = Vec::new();
    for t in ["Quy ước một", "Quy ước hai", "Quy ước ba"] {
        let (s, b) = post(&server, &head, units, draft_body(t)).await;
        assert_eq!(s, 201, "{b}");
        made.push(b["id"].as_i64().unwrap());
    }
    let (s, first) = get(&server, &head, &format!("{units}?limit=2")).await;
    assert_eq!(s, 200, "{first}");
    assert_eq!(ids(&first), [made[2], made[1]], "newest first");
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = get(&server, &head, &format!("{units}?limit=2&cursor={cursor}")).await;
    assert_eq!(ids(&second), [made[0]]);
    assert!(second["next_cursor"].is_null());
    for (q, field) in [
        ("cursor=abc", "cursor"),
        ("cursor=-3", "cursor"),
        ("limit=0", "limit"),
    ] {
        let (s, b) = get(&server, &head, &format!("{units}?{q}")).await;
        assert_eq!(
            (s, b["error"]["field"].as_str()),
            (400, Some(field)),
            "{q}: {b}"
        );
    }
    // Drafts stay the staff's: nobody else sees them, on any page.
    let (_, anon) = server.get_json(units).await;
    assert!(ids(&anon).is_empty(), "{anon}");

    // The page: a next link, then back to the first; a bad cursor is a 400.
    let (browser, _) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    let (s, html) = page(
        &browser,
        &server,
        "/territory/26743-kp01/consultations?limit=2",
    )
    .await;
    assert_eq!(s, 200);
    assert!(html.contains("Quy ước ba") && !html.contains("Quy ước một"));
    let next = next_href(&html).expect("a next link");
    let (s, html) = page(&browser, &server, &next).await;
    assert_eq!(s, 200);
    assert!(html.contains("Quy ước một") && next_href(&html).is_none());
    assert!(
        html.contains("href=\"/territory/26743-kp01/consultations?limit=2\""),
        "{html}"
    );
    let (s, _) = page(
        &browser,
        &server,
        "/territory/26743-kp01/consultations?cursor=x",
    )
    .await;
    assert_eq!(s, 400);

    // Comments: three paper forms, listed two at a time, oldest first.
    let id = open_one(&server, &head, "26743-kp01", "Hương ước có góp ý").await;
    let (_, found) = get(
        &server,
        &head,
        &format!("/api/v1/consultations/{id}/households"),
    )
    .await;
    let households = ids(&found);
    assert!(households.len() >= 3, "{found}");
    for hid in &households[..3] {
        let (s, b) = post(
            &server,
            &head,
            &format!("/api/v1/consultations/{id}/paper-comments"),
            json!({"household_id": hid, "comments": [{"article": 1, "stance": "agree"}]}),
        )
        .await;
        assert_eq!(s, 201, "{b}");
    }
    let list = format!("/api/v1/consultations/{id}/comments");
    let (s, first) = get(&server, &head, &format!("{list}?limit=2")).await;
    assert_eq!(s, 200, "{first}");
    let firsts: Vec<i64> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["household_id"].as_i64().unwrap())
        .collect();
    assert_eq!(firsts, households[..2]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = get(&server, &head, &format!("{list}?limit=2&cursor={cursor}")).await;
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert!(second["next_cursor"].is_null());
    let (s, b) = get(&server, &head, &format!("{list}?cursor=1.5")).await;
    assert_eq!((s, b["error"]["field"].as_str()), (400, Some("cursor")));
    let (s, html) = page(
        &browser,
        &server,
        &format!("/consultations/{id}/comments?limit=2"),
    )
    .await;
    assert_eq!(s, 200);
    let next = next_href(&html).expect("a next link");
    let (s, html) = page(&browser, &server, &next).await;
    assert_eq!(s, 200);
    assert!(next_href(&html).is_none());
    let (s, _) = page(
        &browser,
        &server,
        &format!("/consultations/{id}/comments?cursor=z"),
    )
    .await;
    assert_eq!(s, 400);
    // Residents do not get the list with households.
    let resident = demo_token(db, "dan.kp01");
    let (s, _) = get(&server, &resident, &list).await;
    assert_eq!(s, 403);
}

on_both_backends!(the_paper_form_picks_its_household_by_search);
async fn the_paper_form_picks_its_household_by_search(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let head = demo_token(db, "totruong.kp01");
    let id = open_one(&server, &head, "26743-kp01", "Hương ước giấy").await;
    let (s, all) = get(
        &server,
        &head,
        &format!("/api/v1/consultations/{id}/households"),
    )
    .await;
    assert_eq!(s, 200, "{all}");
    let one = &all["items"][0];
    let (hid, name) = (
        one["id"].as_i64().unwrap(),
        one["representative_name"].as_str().unwrap(),
    );
    // Found without accents by part of the name; the address works as well.
    let folded = tuquan_domain::text::fold(name);
    let last = folded.split(' ').next_back().unwrap();
    let (_, by_name) = get(
        &server,
        &head,
        &format!("/api/v1/consultations/{id}/households?q={last}"),
    )
    .await;
    assert!(ids(&by_name).contains(&hid), "{by_name}");
    let (_, nobody) = get(
        &server,
        &head,
        &format!("/api/v1/consultations/{id}/households?q=zzzqqq"),
    )
    .await;
    assert!(ids(&nobody).is_empty());
    // Households of another khu phố are never offered.
    let elsewhere = db
        .count("SELECT MIN(id) FROM households WHERE unit_code = '26743-kp02'")
        .await;
    assert!(!ids(&all).contains(&elsewhere));
    let resident = demo_token(db, "dan.kp01");
    let (s, _) = get(
        &server,
        &resident,
        &format!("/api/v1/consultations/{id}/households"),
    )
    .await;
    assert_eq!(s, 403);

    // The page: search, pick, fill in; no household id is ever typed.
    let (browser, csrf) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    let (s, html) = page(
        &browser,
        &server,
        &format!("/consultations/{id}/paper?q={last}"),
    )
    .await;
    assert_eq!(s, 200);
    let pick = format!("href=\"/consultations/{id}/paper?household={hid}\"");
    assert!(html.contains(&pick), "{html}");
    assert!(html.contains("id=\"q\"") && !html.contains("name=\"stance-1\""));
    let (s, html) = page(
        &browser,
        &server,
        &format!("/consultations/{id}/paper?household={hid}"),
    )
    .await;
    assert_eq!(s, 200);
    assert!(
        html.contains(&format!("name=\"household_id\" value=\"{hid}\"")),
        "{html}"
    );
    assert!(html.contains("name=\"stance-1\"") && html.contains("id=\"change-household\""));
    let (s, _) = page(
        &browser,
        &server,
        &format!("/consultations/{id}/paper?household=abc"),
    )
    .await;
    assert_eq!(s, 400);
    let (s, html) = page(
        &browser,
        &server,
        &format!("/consultations/{id}/paper?household={elsewhere}"),
    )
    .await;
    assert_eq!(s, 422, "{html}");
    // A form with a blank article list keeps the household and says what is missing.
    let r = server
        .submit(
            &browser,
            &csrf,
            &format!("/consultations/{id}/paper"),
            &[("household_id", &hid.to_string())],
        )
        .await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!("name=\"household_id\" value=\"{hid}\"")));
    let r = server
        .submit(
            &browser,
            &csrf,
            &format!("/consultations/{id}/paper"),
            &[
                ("household_id", &hid.to_string()),
                ("stance-2", "propose"),
                ("text-2", "Thêm giờ yên tĩnh buổi trưa"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        format!("/consultations/{id}/paper").as_str()
    );
    let (_, list) = get(
        &server,
        &head,
        &format!("/api/v1/consultations/{id}/comments"),
    )
    .await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["household_id"].as_i64(), Some(hid));
    assert_eq!(items[0]["channel"], "paper");
}
