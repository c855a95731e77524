//! The demo's announcement (see `tuquan_app::announcements::seed_demo`).

use tuquan_store::Store;

/// A ward announcement passed on by Khu phố 1's head, with a few acknowledgements.
pub async fn demo_announcements(store: &Store) -> anyhow::Result<()> {
    let app = tuquan_app::App::new(store.clone());
    tuquan_app::announcements::seed_demo(&app, super::seed::DEMO_COMMUNE)
        .await
        .map_err(|e| anyhow::anyhow!("demo announcement: {e}"))
}
