//! Issue 16's "Done means", walked in a real Chromium at 360 px on the demo with meetings: the
//! ward official opens the demo scheme (three small khu phố merged into one, the largest
//! split), sees the consent on record, previews (a dry run) and applies it, then sees the new
//! tree, an old unit's history, a moved household, the thanks list, carries the beats and
//! militia heads, and finds the alignment report clean (and its PDF offered).
//! Screenshots of each page go to `$WALK_SCREENSHOTS` when set.

use std::time::Duration;

use fantoccini::{Client, Locator};

use crate::harness::{chromium, sign_in_chromium, CHROMEDRIVER};
use crate::harness::{Backend, Server, TestDb};

const WARD: &str = "26743";

type Step<T> = Result<T, fantoccini::error::CmdError>;

/// Opens `path`, checks the page does not scroll sideways, keeps a screenshot, and returns
/// the text of the main content.
async fn visit(c: &Client, server: &Server, path: &str, shot: &str) -> Step<String> {
    c.goto(&server.url(path)).await?;
    look(c, path, shot).await
}

async fn look(c: &Client, what: &str, shot: &str) -> Step<String> {
    let v = c
        .execute(
            "return [document.scrollingElement.scrollWidth, window.innerWidth, \
             (document.querySelector('main') || document.body).innerText];",
            vec![],
        )
        .await?;
    let (scroll, inner) = (v[0].as_i64().unwrap_or(0), v[1].as_i64().unwrap_or(0));
    assert!(scroll <= inner, "{what}: scrollWidth {scroll} > {inner}");
    if let Some(dir) = std::env::var_os("WALK_SCREENSHOTS") {
        let png = c.screenshot().await?;
        std::fs::write(std::path::Path::new(&dir).join(format!("{shot}.png")), png).ok();
    }
    Ok(v[2].as_str().unwrap_or_default().to_owned())
}

async fn submit(c: &Client, css: &str) -> Step<()> {
    c.find(Locator::Css(css)).await?.click().await?;
    Ok(())
}

async fn wait_for(c: &Client, css: &str) -> Step<()> {
    c.wait()
        .at_most(Duration::from_secs(120))
        .for_element(Locator::Css(css))
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_done_walk_of_issue_16() {
    let Some((_driver, c)) = chromium().await else {
        crate::skip!("{CHROMEDRIVER} is not installed (apt-get install chromium chromium-driver)");
    };
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    db.seed_demo_with_meetings();
    let server = Server::start(&db);
    let scheme = db
        .count("SELECT id FROM restructuring_schemes WHERE status = 'approved'")
        .await;
    let href = format!("/communes/{WARD}/restructuring/schemes/{scheme}");
    let result = async {
        sign_in_chromium(&c, &server, "canbo.benthanh", "tuquan-demo").await?;
        // The scheme: its items and the consent on record.
        let text = visit(&c, &server, &href, "01-scheme").await?;
        assert!(text.contains("Khu phố Bến Thành"), "{text}");
        let consent = c.find(Locator::Css("#consent")).await?.text().await?;
        assert!(consent.lines().count() >= 4, "{consent}");
        // The dry run.
        let text = visit(&c, &server, &format!("{href}/preview"), "02-preview").await?;
        assert!(c.find(Locator::Css("#report")).await.is_ok(), "{text}");
        // Apply.
        visit(&c, &server, &format!("{href}/apply"), "03-apply").await?;
        submit(&c, "form.confirm button[type=submit]").await?;
        wait_for(&c, "#applied").await?;
        look(&c, "applied", "04-applied").await?;
        // The applied page leads on to the next steps: carrying the beats and the thanks.
        let next = c
            .find(Locator::Css("#next-steps"))
            .await?
            .html(false)
            .await?;
        assert!(
            next.contains(&format!("/communes/{WARD}/beats/carry")),
            "{next}"
        );
        assert!(
            next.contains(&format!("/communes/{WARD}/restructuring/thanks")),
            "{next}"
        );
        // The new tree.
        let tree = visit(&c, &server, &format!("/territory/{WARD}"), "05-tree").await?;
        assert!(tree.contains("Khu phố Bến Thành"), "{tree}");
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    if let Err(e) = result {
        c.close().await.ok();
        panic!("browser steps before the checks after applying: {e}");
    }
    // What the apply did, read from the database for the pages to show.
    let moved = db
        .count("SELECT household_id FROM household_moves ORDER BY id LIMIT 1")
        .await;
    let old_unit: String = {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&db.url()).await.unwrap();
        sqlx::query_scalar(
            "SELECT p.unit_code FROM unit_event_participants p JOIN unit_events e ON e.id = p.event_id \
             WHERE p.role = 'predecessor' AND e.kind = 'create_from_parts' ORDER BY p.unit_code LIMIT 1",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap()
    };
    let result = async {
        // An old unit's history: closed, with the event and its successor.
        let text = visit(
            &c,
            &server,
            &format!("/units/{old_unit}/history"),
            "06-history",
        )
        .await?;
        assert!(text.contains("Khu phố Bến Thành"), "{text}");
        // A moved household: its move in its history.
        let text = visit(&c, &server, &format!("/households/{moved}"), "07-household").await?;
        assert!(text.contains("→"), "{text}");
        // The thanks list.
        visit(
            &c,
            &server,
            &format!("/communes/{WARD}/restructuring/thanks"),
            "08-thanks",
        )
        .await?;
        let rows = c.find_all(Locator::Css("#thanks tbody tr")).await?;
        assert!(!rows.is_empty());
        // Carry the beats and the militia heads to the new khu phố.
        visit(
            &c,
            &server,
            &format!("/communes/{WARD}/beats/carry"),
            "09-carry",
        )
        .await?;
        submit(&c, "form[action$='/beats/carry'] button[type=submit]").await?;
        wait_for(&c, "#carried").await?;
        look(&c, "carried", "10-carried").await?;
        // The alignment report: clean, with its PDF.
        let text = visit(
            &c,
            &server,
            &format!("/communes/{WARD}/beats/alignment"),
            "11-alignment",
        )
        .await?;
        assert!(c.find(Locator::Css("#clean")).await.is_ok(), "{text}");
        assert!(c.find(Locator::Css("#alignment-pdf")).await.is_ok());
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    c.close().await.ok();
    result.expect("browser steps after applying");
}
