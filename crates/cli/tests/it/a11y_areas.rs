//! axe-core (vendored) in real headless Chromium at 360 px on the newer areas' main pages —
//! the announcements board, the meetings, the ballots (their results), a consultation, the
//! restructuring scheme and the beats' report — and on forms showing their errors (a
//! household with nothing filled in, a feedback step with two wrong fields), with the
//! whole demo loaded. With `SCREENSHOTS_DIR` set, it writes the screenshots of
//! `docs/screens/` it can see: the start page, the statistics and the step form's errors.

use std::time::Duration;

use fantoccini::{Client, Locator};

use crate::a11y::{axe_violations, wait_for_url};
use crate::harness::{chromium, sign_in_chromium, CHROMEDRIVER};
use crate::harness::{Backend, Server, TestDb};
use crate::main_pages::{area_pages, first_link, seed_whole_demo};

type Cmd<T> = Result<T, fantoccini::error::CmdError>;

/// Writes a screenshot of the page as `name` in `SCREENSHOTS_DIR`, if set.
async fn screenshot(c: &Client, name: &str) -> Cmd<()> {
    if let Ok(dir) = std::env::var("SCREENSHOTS_DIR") {
        let png = c.screenshot().await?;
        std::fs::write(format!("{dir}/{name}"), png).expect("screenshot");
    }
    Ok(())
}

async fn sign_in(c: &Client, server: &Server, username: &str) -> Cmd<String> {
    sign_in_chromium(c, server, username, "tuquan-demo").await?;
    wait_for_url(c, "/start").await
}

/// Submits the form `form` and waits for the error summary.
async fn submit_for_errors(c: &Client, form: &str) -> Cmd<()> {
    c.find(Locator::Css(&format!("{form} button[type=submit]")))
        .await?
        .click()
        .await?;
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(".error-summary"))
        .await?;
    Ok(())
}

/// The step form of `item` for a duplicate, sent with no original and a note over 2000
/// characters (set by script: the control's `maxlength` stops typing): two errors.
async fn step_form_with_errors(c: &Client, server: &Server, item: &str) -> Cmd<usize> {
    c.goto(&server.url(&format!("{item}?action=duplicate#step")))
        .await?;
    c.execute(
        "document.getElementById('internal_note').value = 'x'.repeat(2001);
         document.getElementById('public_note').value = 'Trùng với phản ánh trước';",
        vec![],
    )
    .await?;
    submit_for_errors(c, "form#step-form").await?;
    c.execute(
        "document.getElementById('step').scrollIntoView({block: 'start'});",
        vec![],
    )
    .await?;
    screenshot(c, "feedback-step-errors-360.png").await?;
    Ok(c.find_all(Locator::Css(".error-summary a")).await?.len())
}

fn note(violations: &mut Vec<String>, path: &str, found: Vec<String>) {
    violations.extend(found.into_iter().map(|v| format!("{path}: {v}")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_finds_nothing_on_the_newer_areas_and_forms_with_errors() {
    let Some((_driver, c)) = chromium().await else {
        crate::skip!("{CHROMEDRIVER} is not installed (apt-get install chromium chromium-driver)");
    };
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    seed_whole_demo(&db);
    let server = Server::start(&db);
    let (ward, _) = server.sign_in("canbo.benthanh", "tuquan-demo").await;
    let pages = area_pages(&ward, &server).await;
    let item = first_link(&ward, &server, "/feedback/inbox", "/feedback/inbox/PA-").await;
    let result = async {
        let mut violations: Vec<String> = Vec::new();
        let landed = sign_in(&c, &server, "canbo.benthanh").await?;
        screenshot(&c, "start-ward-360.png").await?;
        note(&mut violations, "/start", axe_violations(&c).await?);
        for path in &pages {
            c.goto(&server.url(path)).await?;
            note(&mut violations, path, axe_violations(&c).await?);
        }
        c.goto(&server.url("/units/26743/feedback-stats")).await?;
        // The tables, not the filter above them.
        c.execute(
            "document.querySelector('table').scrollIntoView({block: 'start'});
             window.scrollBy(0, -80);",
            vec![],
        )
        .await?;
        screenshot(&c, "stats-tables-360.png").await?;
        // Forms showing their errors.
        c.goto(&server.url("/households/new?unit=26743-kp01"))
            .await?;
        submit_for_errors(&c, "form.stack").await?;
        note(
            &mut violations,
            "/households (errors)",
            axe_violations(&c).await?,
        );
        let step_errors = step_form_with_errors(&c, &server, &item).await?;
        note(
            &mut violations,
            &format!("{item} (step errors)"),
            axe_violations(&c).await?,
        );
        // A khu phố head's start page, for the screenshots.
        c.delete_all_cookies().await?;
        sign_in(&c, &server, "totruong.kp01").await?;
        screenshot(&c, "start-head-360.png").await?;
        note(&mut violations, "/start (head)", axe_violations(&c).await?);
        Ok::<_, fantoccini::error::CmdError>((landed, step_errors, violations))
    }
    .await;
    c.close().await.ok();
    let (landed, step_errors, violations) = result.expect("browser steps");
    assert!(landed.ends_with("/start"), "{landed}");
    assert_eq!(
        step_errors, 2,
        "both errors of the step form in the summary"
    );
    assert!(violations.is_empty(), "axe-core: {violations:#?}");
}
