//! The demo's restructuring scheme (see `tuquan_app::restructuring::schemes::seed_demo`).

use tuquan_store::Store;

/// A scheme merging three small khu phố and splitting a large one, consented and approved.
pub async fn demo_restructuring(store: &Store) -> anyhow::Result<()> {
    let app = tuquan_app::App::new(store.clone());
    tuquan_app::restructuring::schemes::seed_demo(&app, super::seed::DEMO_COMMUNE)
        .await
        .map_err(|e| anyhow::anyhow!("demo restructuring scheme: {e}"))
}
