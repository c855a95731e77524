//! The demo's votes (see `tuquan_app::votes::seed_demo`).

use tuquan_store::Store;

/// A meeting vote without a quorum sent to household ballots, entered twice on paper and
/// published; an open ballot with online voting.
pub async fn demo_votes(store: &Store) -> anyhow::Result<()> {
    let app = tuquan_app::App::new(store.clone());
    tuquan_app::votes::seed_demo(&app, super::seed::DEMO_COMMUNE)
        .await
        .map_err(|e| anyhow::anyhow!("demo votes: {e}"))
}
