//! Starting and stopping the whole app: database, mail worker, router.

use crate::mail::Mailer;
use crate::mail::mailbox::DevMailbox;
use crate::mail::transport::Transport;
use crate::mail::worker::Worker;
use crate::platform::config::Config;
use crate::platform::ratelimit::RateLimiter;
use crate::platform::state::AppState;
use crate::platform::{db, http};
use leptos::config::LeptosOptions;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// Where the compiled site (WASM, CSS) is: from cargo-leptos's environment when
/// it runs the app, otherwise the defaults of this repository.
pub fn leptos_options(listen: SocketAddr) -> LeptosOptions {
    let mut options = leptos::config::get_configuration(None)
        .map(|c| c.leptos_options)
        .unwrap_or_else(|_| LeptosOptions::builder().output_name("boardroom").build());
    if options.output_name.is_empty() {
        options.output_name = "boardroom".into();
    }
    if options.site_root.as_ref() == "." && std::env::var("LEPTOS_SITE_ROOT").is_err() {
        options.site_root = "target/site".into();
    }
    options.site_addr = listen;
    options
}

/// Serves on `listener` until `shutdown` completes; then lets requests in
/// flight finish and the mail worker put down the email in hand.
pub async fn serve(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let db = db::connect(config.database_url.expose(), config.pool_size())
        .await
        .map_err(|e| format!("DATABASE_URL: cannot open the database ({e})"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let mut config = config;
    config.listen = local;
    let config = Arc::new(config);

    let mailbox = DevMailbox::default();
    let mailer = Mailer::new(config.dev_mailbox_enabled().then(|| mailbox.clone()));
    let transport = Transport::from_config(&config, mailbox)?;
    match &config.smtp_url {
        Some(_) => tracing::info!("mail: delivered through SMTP_URL"),
        None if config.dev_mailbox_enabled() => tracing::warn!(
            "mail: no SMTP_URL, so email is kept in the dev mailbox at {} and written to the log (with its links)",
            config.url_for("/dev/mailbox")
        ),
        None => tracing::warn!(
            "mail: no SMTP_URL and not on loopback, so email is only written to the log (with its links); set SMTP_URL"
        ),
    }

    let state = AppState {
        leptos_options: leptos_options(local),
        db: db.clone(),
        config: config.clone(),
        mailer: mailer.clone(),
        limiter: Arc::new(RateLimiter::new()),
    };
    let (stop_worker, worker_stopped) = watch::channel(false);
    let worker = tokio::spawn(
        Worker {
            db: db.clone(),
            config: config.clone(),
            transport,
            mailer,
        }
        .run(worker_stopped),
    );

    tracing::info!(
        "Boardroom listening on http://{local} (people reach it at {})",
        config.base_url
    );
    let app = http::router(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;

    let _ = stop_worker.send(true);
    let _ = worker.await;
    db.close().await;
    tracing::info!("Boardroom stopped");
    served.map_err(|e| e.to_string())
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
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
        _ = ctrl_c => {}
        _ = terminate => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}
