use anyhow::Context;
use tokio::net::TcpListener;
use tuquan_store::Store;
use tuquan_web::{AppState, WebConfig};

use crate::config::Config;

pub async fn serve(config: &Config, store: Store, demo: bool) -> anyhow::Result<()> {
    super::ensure_territory(&store).await?;
    if demo {
        let report = crate::seed::demo(&store, config.demo_feedback, config.demo_meetings).await?;
        print!("{report}");
        if config.delivery.smtp.is_some() {
            crate::seed::demo_email_addresses(&store).await?;
        }
    }
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = listener.local_addr()?;
    let state = app_state(config, store.clone());
    let delivery = crate::delivery::start(config, &state.app)?;
    // Tests and scripts read this line to find a port chosen with `--listen 127.0.0.1:0`.
    println!("Tự Quản is listening on http://{addr}");
    tracing::info!(%addr, backend = store.backend().as_str(), "listening");
    tuquan_web::serve(listener, state, shutdown_signal()).await?;
    crate::delivery::stop(delivery).await;
    tracing::info!("stopped; in-flight requests finished");
    Ok(())
}

/// What the web layer and its jobs run on.
pub fn app_state(config: &Config, store: Store) -> AppState {
    AppState::new(
        tuquan_app::App::configured(
            store,
            tuquan_app::Clock::System,
            config.limits.settings(),
            config
                .public_base_url()
                .expect("checked when the configuration was loaded"),
        ),
        WebConfig {
            secure_cookies: config.secure_cookies,
            request_timeout: config.request_timeout(),
            trusted_proxies: tuquan_web::auth::proxy::TrustedProxies::parse(
                &config.trusted_proxies,
            )
            .expect("checked when the configuration was loaded"),
        },
    )
}

/// One pass of the feedback jobs (escalation and reminders), for cron or by hand.
pub async fn feedback_run_jobs(store: Store) -> anyhow::Result<()> {
    let report = tuquan_app::feedback::jobs::run_once(&tuquan_app::App::new(store))
        .await
        .map_err(|e| anyhow::anyhow!("feedback jobs failed: {e:?}"))?;
    println!(
        "escalated {}, reminded {}",
        report.escalated, report.reminded
    );
    Ok(())
}

/// One pass of the action item job (overdue flags), for cron or by hand.
pub async fn action_items_run_jobs(store: Store) -> anyhow::Result<()> {
    let n = tuquan_app::action_items::run_once(&tuquan_app::App::new(store))
        .await
        .map_err(|e| anyhow::anyhow!("action item jobs failed: {e:?}"))?;
    println!("flagged {n}");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested");
}
