//! The main pages of every area (issue 12, points 4 and 7), with the whole demo loaded
//! (meetings, ballots, consultation, scheme, announcements, beats and feedback): each is
//! under 50 KB on the wire with `Accept-Encoding: gzip`, and no page shows a date as
//! `yyyy-mm-dd` in its text (values of date inputs, `datetime=` and links keep ISO dates).

use crate::harness::{page, Server, TestDb};
use crate::on_both_backends;

const PASSWORD: &str = "tuquan-demo";

/// `seed demo` with every part of the demo on (the suite turns some off).
pub(crate) fn seed_whole_demo(db: &TestDb) {
    let o = db
        .command()
        .args(["seed", "demo"])
        .env("TUQUAN_DEMO_MEETINGS", "true")
        .env("TUQUAN_DEMO_FEEDBACK", "true")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Every distinct link of `html` that starts with `prefix` and goes on with an id (an
/// item's page: `/meetings/3`, `/feedback/inbox/PA-…`), without query or fragment, in page
/// order.
pub(crate) fn links(html: &str, prefix: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in html.split("href=\"").skip(1) {
        let href = part.split(['"', '?', '#']).next().unwrap_or("");
        let Some(rest) = href.strip_prefix(prefix) else {
            continue;
        };
        // An id (digits) or a tracking code (capitals), not a page like `/households/new`.
        let id: String = rest
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        let is_id =
            id.chars().any(|c| c.is_ascii_digit()) || id.chars().all(|c| c.is_ascii_uppercase());
        if id.is_empty() || rest.len() != id.len() || !is_id {
            continue;
        }
        if !out.iter().any(|h| h == href) {
            out.push(href.to_owned());
        }
    }
    out
}

/// The first item link of the list page `list`.
pub(crate) async fn first_link(
    b: &reqwest::Client,
    server: &Server,
    list: &str,
    prefix: &str,
) -> String {
    let (status, html) = page(b, server, list).await;
    assert_eq!(status, 200, "{list}");
    links(&html, prefix)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{list} links to no {prefix}…"))
}

/// The text a reader sees: the page without its tags (so without attribute values, where
/// dates keep ISO form for inputs, `datetime=` and links), scripts and styles.
fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push(' ');
        rest = &rest[open..];
        let skip_to = ["<script", "<style"]
            .iter()
            .find(|t| rest.starts_with(*t))
            .map(|t| format!("</{}>", &t[1..]));
        let end = match skip_to {
            Some(close) => rest.find(&close).map(|i| i + close.len()),
            None => rest.find('>').map(|i| i + 1),
        };
        rest = &rest[end.unwrap_or(rest.len())..];
    }
    out.push_str(rest);
    out
}

/// The ISO dates (`dddd-dd-dd` not inside a longer run of digits) in `text`, with some
/// context.
fn iso_dates(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let mut out = Vec::new();
    for i in 0..b.len().saturating_sub(9) {
        let shape = (0..10).all(|k| match k {
            4 | 7 => b[i + k] == b'-',
            _ => digit(i + k),
        });
        if shape && (i == 0 || !digit(i - 1)) && !digit(i + 10) {
            let from = text.floor_char_boundary(i.saturating_sub(40));
            let to = text.ceil_char_boundary((i + 20).min(text.len()));
            out.push(
                text[from..to]
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
    }
    out
}

/// `GET path` with `Accept-Encoding: gzip`: the status, the encoding and the size as it
/// came over the wire.
async fn on_the_wire(b: &reqwest::Client, server: &Server, path: &str) -> (u16, String, usize) {
    let (status, enc, bytes) = crate::start::wire(b, server, path, "gzip").await;
    (status, enc, bytes.len())
}

/// The pages of the newer areas, found from their lists: the announcements board, the
/// meetings and ballots of Khu phố 1, the consultations, the restructuring scheme and the
/// beats' alignment report.
pub(crate) async fn area_pages(ward: &reqwest::Client, server: &Server) -> Vec<String> {
    let mut pages = vec![
        "/territory/26743/notices".to_owned(),
        "/territory/26743-kp01/notices".to_owned(),
        "/territory/26743-kp01/meetings".to_owned(),
        "/territory/26743-kp01/votes".to_owned(),
        "/communes/26743/restructuring".to_owned(),
        "/communes/26743/beats".to_owned(),
        "/communes/26743/beats/alignment".to_owned(),
    ];
    pages.push(first_link(ward, server, "/territory/26743/notices", "/announcements/").await);
    let (_, meetings) = page(ward, server, "/territory/26743-kp01/meetings").await;
    pages.extend(links(&meetings, "/meetings/"));
    // Every ballot of the unit: the closed ones show their result.
    let (_, votes) = page(ward, server, "/territory/26743-kp01/votes").await;
    let votes = links(&votes, "/votes/");
    assert!(!votes.is_empty(), "the demo's ballots");
    pages.extend(votes);
    pages.push(first_link(ward, server, "/start", "/consultations/").await);
    pages.push(
        first_link(
            ward,
            server,
            "/communes/26743/restructuring",
            "/communes/26743/restructuring/schemes/",
        )
        .await,
    );
    pages
}

on_both_backends!(main_pages_of_every_area_are_light_and_show_dates_as_people_read_them);
async fn main_pages_of_every_area_are_light_and_show_dates_as_people_read_them(db: &TestDb) {
    const LIMIT: usize = 50 * 1024;
    seed_whole_demo(db);
    let server = Server::start(db);
    let (ward, _) = server.sign_in("canbo.benthanh", PASSWORD).await;
    let mut pages = vec![
        "/start".to_owned(),
        "/households/new?unit=26743-kp01".to_owned(),
        "/territory/26743-kp01/households".to_owned(),
        "/units/26743/feedback-stats".to_owned(),
        "/feedback/inbox".to_owned(),
        "/audit".to_owned(),
    ];
    pages.extend(area_pages(&ward, &server).await);
    // A few more pages of each area for the dates: the territory (also as of a date), a
    // unit's history, a household and a resident, a group, an item of feedback (staff and
    // public), action items.
    let household = first_link(
        &ward,
        &server,
        "/territory/26743-kp01/households",
        "/households/",
    )
    .await;
    let resident = first_link(&ward, &server, &household, "/residents/").await;
    let item = first_link(&ward, &server, "/feedback/inbox", "/feedback/inbox/PA-").await;
    let group = first_link(&ward, &server, "/territory/26743-kp01/groups", "/groups/").await;
    let mut dated = pages.clone();
    dated.extend([
        "/territory/26743".to_owned(),
        "/territory/26743?as_of=2025-08-01".to_owned(),
        "/units/26743-kp01/history".to_owned(),
        household,
        resident,
        group,
        item.clone(),
        item.replace("/feedback/inbox/", "/feedback/"),
        "/territory/26743-kp01/action-items".to_owned(),
    ]);
    let mut problems = Vec::new();
    for path in &pages {
        let (status, enc, bytes) = on_the_wire(&ward, &server, path).await;
        if status != 200 || enc != "gzip" || bytes >= LIMIT {
            problems.push(format!("{path}: {status} {enc:?} {bytes} bytes"));
        }
    }
    for path in &dated {
        let (status, html) = page(&ward, &server, path).await;
        assert_eq!(status, 200, "{path}");
        for d in iso_dates(&visible_text(&html)) {
            problems.push(format!("{path}: ISO date in the text: …{d}…"));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_scanner_sees_text_dates_only() {
    let html = r#"<p>Từ 2025-07-01</p><input type="date" value="2025-07-01"><time datetime="2025-07-01">01/07/2025</time><a href="/x?as_of=2025-07-01">x</a><script>var d="2025-07-01"</script>12025-07-011"#;
    let found = iso_dates(&visible_text(html));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("Từ 2025-07-01"));
    assert_eq!(
        links(
            r#"<a href="/meetings/3">a</a><a href="/meetings/3/x">b</a><a href="/meetings/4?y">c</a>"#,
            "/meetings/"
        ),
        ["/meetings/3", "/meetings/4"]
    );
}
