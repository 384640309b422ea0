//! The Boardroom server.

use boardroom::platform::config::Config;
use tracing_subscriber::EnvFilter;

/// Many small allocations per page, from many threads: mimalloc serves them
/// faster than the system allocator and returns freed memory more readily.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("admin") {
        std::process::exit(admin(&config, &args[1..]).await);
    }
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

/// `boardroom admin …`: see `boardroom::admin::USAGE`.
async fn admin(config: &Config, args: &[String]) -> i32 {
    let db = match boardroom::platform::db::connect(config.database_url.expose(), config.pool_size()).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("boardroom: DATABASE_URL: cannot open the database ({e})");
            return 2;
        }
    };
    let read_password = || {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .ok()
            .filter(|n| *n > 0)
            .map(|_| line)
    };
    match boardroom::admin::run(&db, config, args, read_password).await {
        Ok(out) => {
            print!("{out}");
            0
        }
        Err(message) => {
            eprintln!("boardroom admin: {message}");
            1
        }
    }
}
