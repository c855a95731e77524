//! The demo's consultation (see `tuquan_app::consultations::seed_demo`).

use tuquan_store::Store;

/// An open draft hương ước in Khu phố 1 with comments online and from paper.
pub async fn demo_consultations(store: &Store) -> anyhow::Result<()> {
    let app = tuquan_app::App::new(store.clone());
    tuquan_app::consultations::seed_demo(&app, super::seed::DEMO_COMMUNE)
        .await
        .map_err(|e| anyhow::anyhow!("demo consultation: {e}"))
}
