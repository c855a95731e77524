//! The demo's meetings (see `tuquan_app::meetings::seed_demo`).

use tuquan_store::Store;

/// A held meeting of Khu phố 1 with attendance and locked minutes, and a planned one.
pub async fn demo_meetings(store: &Store) -> anyhow::Result<()> {
    let app = tuquan_app::App::new(store.clone());
    tuquan_app::meetings::seed_demo(&app, super::seed::DEMO_COMMUNE)
        .await
        .map_err(|e| anyhow::anyhow!("demo meetings: {e}"))
}
