//! The delivery worker under `serve`, and `tuquan outbox run` for a pass by hand or from cron.

use anyhow::anyhow;
use clap::Subcommand;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tuquan_app::outbox::Deliverer;
use tuquan_store::Store;

use crate::config::Config;

#[derive(Subcommand)]
pub enum OutboxCommand {
    /// Deliver due messages until none is due, then print what was done.
    Run,
}

/// The running worker: a stop signal and its task.
pub struct Running(Option<(watch::Sender<bool>, JoinHandle<()>)>);

/// Starts the worker (unless `[delivery] enabled = false`).
pub fn start(config: &Config, app: &tuquan_app::App) -> anyhow::Result<Running> {
    if !config.delivery.enabled {
        return Ok(Running(None));
    }
    let worker = Deliverer::new(app.clone(), config.delivery.clone()).map_err(|e| anyhow!(e))?;
    let (tx, mut rx) = watch::channel(false);
    let task = tokio::spawn(worker.run(async move {
        let _ = rx.wait_for(|stop| *stop).await;
    }));
    Ok(Running(Some((tx, task))))
}

/// Stops the worker after its current pass (a message it held is claimed again later).
pub async fn stop(r: Running) {
    if let Some((tx, task)) = r.0 {
        let _ = tx.send(true);
        let _ = task.await;
    }
}

pub async fn command(config: &Config, store: Store, c: OutboxCommand) -> anyhow::Result<()> {
    match c {
        OutboxCommand::Run => {
            let app = tuquan_app::App::new(store);
            let worker = Deliverer::new(app, config.delivery.clone()).map_err(|e| anyhow!(e))?;
            let mut total = tuquan_app::outbox::PassReport::default();
            loop {
                let r = worker
                    .run_once()
                    .await
                    .map_err(|e| anyhow!("delivery failed: {e}"))?;
                total.claimed += r.claimed;
                total.sent += r.sent;
                total.retried += r.retried;
                total.failed += r.failed;
                if r.claimed == 0 {
                    break;
                }
            }
            println!(
                "sent {}, to retry {}, failed {}",
                total.sent, total.retried, total.failed
            );
            Ok(())
        }
    }
}
