//! The demo's action items (see `tuquan_app::action_items::seed_demo`).

use tuquan_store::Store;

/// Action items in Khu phố 1 owned by named residents, an account and group posts, some
/// overdue; one in Khu phố 2.
pub async fn demo_action_items(store: &Store) -> anyhow::Result<()> {
    let app = tuquan_app::App::new(store.clone());
    tuquan_app::action_items::seed_demo(&app, super::seed::DEMO_COMMUNE)
        .await
        .map_err(|e| anyhow::anyhow!("demo action items: {e}"))
}
