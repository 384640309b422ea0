//! The Boardroom server.

use boardroom::platform::config::Config;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")))
        .init();

    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("boardroom: configuration error: {e}");
            std::process::exit(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("boardroom: LISTEN_ADDR: cannot listen on {} ({e})", config.listen);
            std::process::exit(2);
        }
    };
    if let Err(e) = boardroom::server::serve(config, listener, boardroom::server::shutdown_signal()).await {
        eprintln!("boardroom: {e}");
        std::process::exit(1);
    }
}
