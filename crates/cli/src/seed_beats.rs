//! The demo's beats (see `tuquan_app::restructuring::beats::seed_demo`).

use tuquan_store::Store;

/// Four beats covering the ward's twelve khu phố, a militia head in each, and (`concerns`:
/// the feedback demo is on) two concerns in the feedback category about the rearrangement.
pub async fn demo_beats(store: &Store, concerns: bool) -> anyhow::Result<()> {
    let app = tuquan_app::App::new(store.clone());
    tuquan_app::restructuring::beats::seed_demo(&app, super::seed::DEMO_COMMUNE, concerns)
        .await
        .map_err(|e| anyhow::anyhow!("demo beats: {e}"))
}
