//! The start page ("Việc của tôi"): where sign-in leads, and its figures equal those of the
//! pages each line opens; pages are compressed and light; the stylesheet is versioned.

use crate::harness::{browser, form, login_csrf, page, Server, TestDb};
use crate::on_both_backends;

const PASSWORD: &str = "tuquan-demo";

/// A number as the pages print it (`1.234` or `1,234`).
fn number(s: &str) -> i64 {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {s:?}"))
}

/// The text right after the element with `id` opens, up to the next tag.
fn text_of(html: &str, id: &str) -> String {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {html}"));
    let rest = &html[at..];
    let start = rest.find('>').unwrap() + 1;
    let end = rest[start..].find('<').unwrap() + start;
    rest[start..end].trim().to_owned()
}

/// The count of the start page's line `id`.
fn line_count(html: &str, id: &str) -> i64 {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no line #{id} in {html}"));
    let rest = &html[at..];
    let end = rest.find("</a>").unwrap();
    let strong = rest[..end]
        .find("class=\"start-n\">")
        .unwrap_or_else(|| panic!("line #{id} has no count"));
    let from = strong + "class=\"start-n\">".len();
    let to = rest[from..].find('<').unwrap() + from;
    number(&rest[from..to])
}

/// The href of the start page's line `id`.
fn line_href(html: &str, id: &str) -> String {
    let at = html.find(&format!("id=\"{id}\"")).unwrap();
    let rest = &html[at..];
    let from = rest.find("href=\"").unwrap() + 6;
    let to = rest[from..].find('"').unwrap() + from;
    rest[from..to].replace("&amp;", "&")
}

/// The value after a `<dt>label</dt>` on a unit's page.
fn fact(html: &str, label: &str) -> i64 {
    let at = html
        .find(&format!("<dt>{label}</dt><dd>"))
        .unwrap_or_else(|| panic!("no {label} in {html}"));
    let rest = &html[at + label.len() + 13..];
    number(&rest[..rest.find('<').unwrap()])
}

/// The inbox's count for the state links whose address has one of `statuses`.
fn inbox_counts(html: &str, statuses: &[&str]) -> i64 {
    let list = &html[html.find("class=\"fbs-counts\"").expect("inbox counts")..];
    let list = &list[..list.find("</ul>").unwrap()];
    list.split("<li")
        .filter(|li| {
            statuses.iter().any(|s| {
                li.contains(&format!("status={s}\"")) || li.contains(&format!("status={s}&"))
            })
        })
        .map(|li| {
            let from = li.find("<strong>").unwrap() + 8;
            number(&li[from..from + li[from..].find('<').unwrap()])
        })
        .sum()
}

/// The inbox's total ("all").
fn inbox_total(html: &str) -> i64 {
    let list = &html[html.find("class=\"fbs-counts\"").expect("inbox counts")..];
    let from = list.find("<strong>").unwrap() + 8;
    number(&list[from..from + list[from..].find('<').unwrap()])
}

/// Signs in through the form without a page to return to: the answer's `Location`.
async fn sign_in_plain(server: &Server, username: &str) -> (reqwest::Client, String) {
    let b = browser();
    let csrf = login_csrf(server, &b).await;
    let (status, location, _) = form(
        &b,
        server,
        "/login",
        &[
            ("csrf", &csrf),
            ("username", username),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, 303, "sign-in of {username}");
    (b, location)
}

on_both_backends!(start_page_figures_equal_the_unit_pages);
async fn start_page_figures_equal_the_unit_pages(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    // A khu phố head lands on the start page.
    let (b, location) = sign_in_plain(&server, "totruong.kp01").await;
    assert_eq!(location, "/start");
    let (s, html) = page(&b, &server, "/start").await;
    assert_eq!(s, 200, "{html}");
    let card = "start-26743-kp01";
    assert!(html.contains(&format!("id=\"{card}\"")), "{html}");

    // Households and residents: those of the unit's page.
    let (_, unit) = page(&b, &server, "/territory/26743-kp01").await;
    let households = number(&text_of(&html, &format!("{card}-households-n")));
    assert!(households > 0, "the demo has households");
    assert_eq!(households, fact(&unit, "Số hộ"));
    assert_eq!(
        number(&text_of(&html, &format!("{card}-residents-n"))),
        fact(&unit, "Số nhân khẩu")
    );
    assert_eq!(line_count(&html, &format!("{card}-households")), households);
    // One tap to the households, residents, groups and the inbox.
    for line in ["households", "residents", "groups", "feedback-open"] {
        let href = line_href(&html, &format!("{card}-{line}"));
        let (s, _) = page(&b, &server, &href).await;
        assert_eq!(s, 200, "{line}: {href}");
    }
    assert_eq!(
        line_href(&html, &format!("{card}-households")),
        "/territory/26743-kp01/households"
    );

    // Feedback waiting and overdue: the inbox's counts.
    let href = line_href(&html, &format!("{card}-feedback-open"));
    let (_, inbox) = page(&b, &server, &href).await;
    let open = inbox_counts(&inbox, &["new", "acknowledged", "in_progress"]);
    assert_eq!(line_count(&html, &format!("{card}-feedback-open")), open);
    let href = line_href(&html, &format!("{card}-feedback-overdue"));
    assert!(href.contains("overdue=true"), "{href}");
    let (_, overdue) = page(&b, &server, &href).await;
    assert_eq!(
        line_count(&html, &format!("{card}-feedback-overdue")),
        inbox_total(&overdue)
    );
    // A head sees no ward table, and no erasure line (not theirs to decide).
    assert!(!html.contains(&format!("id=\"{card}-children\"")));
    assert!(!html.contains(&format!("{card}-erasures-waiting")));

    // A ward official: every khu phố with the statistics' figures.
    let (b, location) = sign_in_plain(&server, "canbo.benthanh").await;
    assert_eq!(location, "/start");
    let (s, html) = page(&b, &server, "/start").await;
    assert_eq!(s, 200, "{html}");
    let (_, stats) = server.get_json("/api/v1/units/26743/feedback-stats").await;
    let table = &html[html
        .find("id=\"start-26743-children\"")
        .expect("ward table")..];
    let table = &table[..table.find("</table>").unwrap()];
    let rows: Vec<&str> = table.split("<tr>").skip(2).collect();
    let children = stats["children"].as_array().unwrap();
    assert_eq!(rows.len(), children.len(), "{table}");
    assert!(!rows.is_empty());
    for (row, child) in rows.iter().zip(children) {
        let cells: Vec<i64> = row
            .split("<td")
            .skip(1)
            .take(3)
            .map(|td| number(&td[td.find('>').unwrap() + 1..td.find("</td>").unwrap()]))
            .collect();
        let name = child["name"].as_str().unwrap();
        assert!(row.contains(name), "{row} vs {name}");
        assert_eq!(cells[0], child["population"]["households"], "{name}");
        assert_eq!(cells[1], child["stats"]["received"], "{name}");
        assert_eq!(cells[2], child["stats"]["overdue_now"], "{name}");
    }
    // The ward's lines: erasures waiting as the erasure page lists them, groups.
    let erasures = line_count(&html, "start-26743-erasures-waiting");
    let (s, list) = page(&b, &server, "/erasure-requests?unit=26743").await;
    assert_eq!(s, 200);
    assert_eq!(
        erasures,
        list.matches("/erasure-requests/").count() as i64 / 2
    );
    for line in ["groups-without-head", "groups-term-ending"] {
        line_count(&html, &format!("start-26743-{line}"));
    }

    // A province official sees the province's communes.
    let (b, _) = sign_in_plain(&server, "tinh.hcm").await;
    let (s, html) = page(&b, &server, "/start").await;
    assert_eq!(s, 200);
    assert!(html.contains("id=\"start-79-children\""), "{html}");
    assert!(html.contains("Phường Bến Thành"));

    // Anonymous: sent to sign in.
    let r = server.get("/start").await;
    assert_eq!(r.status(), 303);
}

on_both_backends!(groups_without_a_head_are_counted);
async fn groups_without_a_head_are_counted(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let (b, _) = sign_in_plain(&server, "canbo.benthanh").await;
    let (_, html) = page(&b, &server, "/start").await;
    let before = line_count(&html, "start-26743-groups-without-head");
    // An active group with nobody in office: one more without a head.
    db.execute(
        "UPDATE group_positions SET ended_on = '2000-01-01' WHERE role = 'head' AND group_id = \
         (SELECT MIN(g.id) FROM community_groups g JOIN group_positions p ON p.group_id = g.id \
          WHERE g.status = 'active' AND p.role = 'head' AND p.ended_on IS NULL \
          AND g.unit_path LIKE '79/26743%')",
    )
    .await;
    let (_, html) = page(&b, &server, "/start").await;
    assert_eq!(
        line_count(&html, "start-26743-groups-without-head"),
        before + 1
    );
}

/// `GET path` asking for `encoding`: the status, the `Content-Encoding` and the bytes as
/// they came over the wire (the test client does not decompress).
pub(crate) async fn wire(
    b: &reqwest::Client,
    server: &Server,
    path: &str,
    encoding: &str,
) -> (u16, String, Vec<u8>) {
    let r = b
        .get(server.url(path))
        .header("accept-encoding", encoding)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let enc = r
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, enc, r.bytes().await.unwrap().to_vec())
}

on_both_backends!(main_pages_are_compressed_and_under_50_kb);
async fn main_pages_are_compressed_and_under_50_kb(db: &TestDb) {
    const LIMIT: usize = 50 * 1024;
    let server = Server::start_with(db, &["--demo"]);
    let anonymous = browser();
    let (head, _) = sign_in_plain(&server, "totruong.kp01").await;
    let (ward, _) = sign_in_plain(&server, "canbo.benthanh").await;
    let (province, _) = sign_in_plain(&server, "tinh.hcm").await;
    let pages: [(&reqwest::Client, &str); 13] = [
        (&anonymous, "/"),
        (&anonymous, "/territory"),
        (&anonymous, "/territory/26743"),
        (&anonymous, "/feedback/new"),
        (&anonymous, "/units/26743/feedback-stats"),
        (&anonymous, "/feedback-stats"),
        (&head, "/start"),
        (&head, "/territory/26743-kp01/households"),
        (&head, "/territory/26743-kp01/residents"),
        (&head, "/feedback/inbox"),
        (&ward, "/start"),
        (&province, "/start"),
        (&province, "/units/79/feedback-stats"),
    ];
    for (b, path) in pages {
        for encoding in ["gzip", "br"] {
            let (status, enc, body) = wire(b, &server, path, encoding).await;
            assert_eq!(status, 200, "{path}");
            assert_eq!(enc, encoding, "{path} compressed with {encoding}");
            assert!(
                body.len() < LIMIT,
                "{path}: {} bytes with {encoding}",
                body.len()
            );
        }
        let (_, enc, body) = wire(b, &server, path, "gzip").await;
        assert_eq!(&body[..2], &[0x1f, 0x8b], "{path}: {enc} is gzip");
    }
    // Without Accept-Encoding: as it is.
    let (_, enc, body) = wire(&anonymous, &server, "/", "identity").await;
    assert_eq!(enc, "");
    assert!(String::from_utf8(body).unwrap().contains("<html"));
    // The API too.
    let (status, enc, _) = wire(
        &anonymous,
        &server,
        "/api/v1/units/26743/feedback-stats",
        "gzip",
    )
    .await;
    assert_eq!((status, enc.as_str()), (200, "gzip"));

    // The stylesheet has its hash in the name and is cached for a year.
    let (_, html) = page(&anonymous, &server, "/").await;
    let from = html
        .find("href=\"/static/app.")
        .expect("versioned stylesheet")
        + 6;
    let href = &html[from..from + html[from..].find('"').unwrap()];
    assert!(
        href.ends_with(".css") && href.len() > "/static/app.css".len(),
        "{href}"
    );
    let r = anonymous
        .get(server.url(href))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let r = server.get("/static/app.0000000000.css").await;
    assert_eq!(r.status(), 404);
}
