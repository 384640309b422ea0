//! The whole app: starting and stopping it (database, mail worker, router),
//! the router, and what wraps every request: one log line each (tokens
//! redacted), a time limit, a same-origin check on state-changing requests,
//! sign-in for workspace pages, and protective headers.

use crate::accounts::service as accounts;
use crate::accounts::session::{RequestCache, SignedIn, session_token};
use crate::app::{App, shell};
use crate::error::ErrorCode;
use crate::invitations::email::{InvitationEmails, KIND as INVITATION};
use crate::mail::Mailer;
use crate::mail::mailbox::DevMailbox;
use crate::mail::transport::Transport;
use crate::mail::worker::{Kinds, Worker};
use crate::platform::config::Config;
use crate::platform::db;
use crate::platform::ratelimit::RateLimiter;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;

use crate::platform::assets::{self, Assets};
use tokio::sync::watch;

/// Leptos's options: its own environment variables when cargo-leptos runs the
/// app (live reload), with the site and its asset names as found.
pub fn leptos_options(listen: SocketAddr, assets: &Assets) -> LeptosOptions {
    let mut options = leptos::config::get_configuration(None)
        .map(|c| c.leptos_options)
        .unwrap_or_else(|_| LeptosOptions::builder().output_name("boardroom").build());
    if options.output_name.is_empty() {
        options.output_name = "boardroom".into();
    }
    assets.configure(&mut options);
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

    // Changes committed by any instance reach this one's live views: on
    // PostgreSQL through one listening connection, made before the first
    // request so that no change is missed.
    let (stop_streams, stopping) = watch::channel(false);
    let relay = if db.is_postgres() {
        let url = config.database_url.expose().to_string();
        let first = crate::platform::changes::listen(&url)
            .await
            .map_err(|e| format!("DATABASE_URL: cannot listen for changes ({e})"))?;
        // Ended (dropped) when `serve` returns.
        Some(AbortOnDrop(tokio::spawn(crate::platform::changes::relay(
            url,
            first,
            db.changes().clone(),
        ))))
    } else {
        None
    };

    let assets = Arc::new(Assets::find(&config.site_root, "boardroom", &config.hash_file));
    let state = AppState {
        leptos_options: leptos_options(local, &assets),
        assets,
        db: db.clone(),
        config: config.clone(),
        mailer: mailer.clone(),
        limiter: Arc::new(RateLimiter::for_db(&db)),
        watchers: crate::platform::changes::Watchers::new(crate::live::STREAMS_PER_PERSON, stopping),
        draining: Arc::default(),
        oidc: match &config.oidc {
            Some(settings) => Some(Arc::new(crate::platform::oidc::Provider::new(settings, &config)?)),
            None => None,
        },
    };
    let (stop_worker, worker_stopped) = watch::channel(false);
    let mut kinds: Kinds = [(
        INVITATION,
        Arc::new(InvitationEmails {
            db: db.clone(),
            config: config.clone(),
        }) as Arc<dyn crate::mail::worker::Compose>,
    )]
    .into_iter()
    .collect();
    kinds.extend(crate::accounts::email::AccountEmails::kinds(&db, &config));
    // Dropped with this future (the process ending without its shutdown
    // path), the worker goes with it and its claims lapse.
    let mut worker = AbortOnDrop(tokio::spawn(
        Worker {
            db: db.clone(),
            transport,
            mailer,
            kinds,
            claim_timeout: config.mail_claim_timeout,
        }
        .run(worker_stopped.clone()),
    ));
    let pruner = AbortOnDrop(tokio::spawn(keep_pruned(
        db.clone(),
        config.audit_retention,
        worker_stopped,
    )));

    // `/metrics` on a listener of its own, when asked for.
    let metrics_listener = match config.metrics_addr {
        Some(addr) => {
            let listener = TcpListener::bind(addr)
                .await
                .map_err(|e| format!("METRICS_ADDR: cannot listen on {addr} ({e})"))?;
            tracing::info!("metrics at http://{}/metrics", listener.local_addr().unwrap_or(addr));
            let app = Router::new()
                .route("/metrics", get(open_metrics))
                .with_state(state.clone());
            Some(AbortOnDrop(tokio::spawn(async move {
                if let Err(e) = axum::serve(listener, app).await {
                    tracing::error!(error = %e, "metrics listener stopped");
                }
            })))
        }
        None => None,
    };

    tracing::info!(
        "Boardroom listening on http://{local} (people reach it at {})",
        config.base_url
    );
    let (draining, grace) = (state.draining.clone(), config.shutdown_grace);
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    // Told to stop, the live views end first: a stream never holds up the
    // shutdown that waits for every response to finish.
    // Told to stop, the instance first says so on /readyz and keeps serving
    // for SHUTDOWN_GRACE, so that a load balancer sends it nothing new.
    let shutdown = async move {
        shutdown.await;
        draining.store(true, std::sync::atomic::Ordering::SeqCst);
        if !grace.is_zero() {
            tracing::info!("draining: /readyz answers 503, requests are served for {grace:?} more");
            tokio::time::sleep(grace).await;
        }
        let _ = stop_streams.send(true);
    };
    let served = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
    drop(relay);

    let _ = stop_worker.send(true);
    let _ = (&mut worker.0).await;
    drop(pruner);
    drop(metrics_listener);
    db.close().await;
    tracing::info!("Boardroom stopped");
    served.map_err(|e| e.to_string())
}

/// How often what is kept for a while is pruned.
const PRUNE_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Prunes the audit trail of what is older than `retention`, and the rate
/// limits' ended windows, now and every hour after, until `stop` turns true.
/// Instances sharing a database may prune at once: each deletes what is left.
async fn keep_pruned(db: db::Db, retention: std::time::Duration, mut stop: watch::Receiver<bool>) {
    loop {
        let before = crate::platform::time::now_ms() - i64::try_from(retention.as_millis()).unwrap_or(i64::MAX / 2);
        match crate::audit::service::prune(&db, before).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(events = n, "audit trail: pruned events past the retention"),
            Err(e) => tracing::error!(error = %e, "audit trail: cannot prune"),
        }
        if let Err(e) = crate::platform::ratelimit::prune(&db).await {
            tracing::error!(error = %e, "rate limits: cannot prune ended windows");
        }
        tokio::select! {
            _ = tokio::time::sleep(PRUNE_EVERY) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
    }
}

/// A task that ends when its handle is dropped (aborting a task that has
/// finished does nothing).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The app's page routes, listed once per process.
///
/// Listing them renders the app once with resources suppressed, and Leptos 0.8
/// keeps that switch in one process-wide flag (leptos-rs/leptos#4773): a page
/// whose resource is first polled while any listing runs waits forever. So no
/// listing may run while pages are being served, however many routers a
/// process builds (the tests build one per app).
pub fn page_routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

pub fn router(state: AppState) -> Router {
    let routes = page_routes();
    // Runs once per request: each page render and server-function call gets
    // the shared state and a fresh cache.
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            provide_context(RequestCache::default());
        }
    };
    let mut router = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/livez", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .nest("/api/v1", crate::rest::router())
        .merge(state.assets.routes())
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            context, shell,
        ));
    router = router
        .route("/w/{wid}/events", get(workspace_events))
        .route(crate::rest::EXPORT_PAGE_PATH, get(crate::rest::download_activity))
        .route(
            crate::invitations::upload::PATH,
            axum::routing::post(crate::invitations::upload::upload),
        );
    if state.oidc.is_some() {
        use crate::sso::oidc;
        router = router
            .route(oidc::START_PATH, axum::routing::post(oidc::start))
            .route(oidc::CALLBACK_PATH, get(oidc::callback));
    }
    if let Some(mailbox) = state.mailer.dev_mailbox.clone() {
        router = router.route("/dev/mailbox", get(move || std::future::ready(mailbox.page())));
    }
    if state.config.metrics_token.is_some() {
        router = router.route("/metrics", get(metrics_with_token));
    }
    let measured = state.config.metrics_token.is_some() || state.config.metrics_addr.is_some();
    if measured {
        crate::platform::metrics::install();
        router = router.route_layer(middleware::from_fn(crate::platform::metrics::note_route));
    }
    let router = router
        .layer(middleware::from_fn_with_state(
            state.clone(),
            require_session_for_workspace_pages,
        ))
        .layer(middleware::from_fn(ask_first))
        .layer(middleware::from_fn_with_state(state.clone(), referer_from_back))
        .layer(middleware::from_fn(same_origin_only))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn(assets::cache_policy))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn(time_limit))
        .layer(middleware::from_fn(log_request))
        .layer(middleware::from_fn(crate::audit::service::track_origin));
    // Before anything reads the caller's address.
    let router = if state.config.trusted_proxies.is_empty() {
        router
    } else {
        let trusted: Arc<[ipnet::IpNet]> = state.config.trusted_proxies.clone().into();
        router.layer(middleware::from_fn(move |req, next| {
            crate::platform::proxy::from_trusted_proxies(trusted.clone(), req, next)
        }))
    };
    // Outermost, so that each request is timed whole.
    let router = if measured {
        router.layer(middleware::from_fn(crate::platform::metrics::track_requests))
    } else {
        router
    };
    router.with_state(state)
}

/// `/metrics` on the app's port: for the bearer of `METRICS_TOKEN` only.
async fn metrics_with_token(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    use subtle::ConstantTimeEq;
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .trim();
    let allowed = state
        .config
        .metrics_token
        .as_ref()
        .is_some_and(|t| bool::from(t.expose().as_bytes().ct_eq(presented.as_bytes())));
    if !allowed {
        return (
            axum::http::StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "Send the metrics token: Authorization: Bearer <METRICS_TOKEN>",
        )
            .into_response();
    }
    metrics_text(&state).await
}

/// `/metrics` on `METRICS_ADDR`'s own listener.
async fn open_metrics(State(state): State<AppState>) -> Response {
    metrics_text(&state).await
}

/// The Prometheus text, with the gauges read now.
async fn metrics_text(state: &AppState) -> Response {
    use crate::platform::metrics::*;
    let Some(handle) = install() else {
        return (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "metrics are not being recorded",
        )
            .into_response();
    };
    let (size, idle, waiting) = state.db.pool_state();
    metrics::gauge!(POOL_CONNECTIONS, "state" => "in_use").set(size.saturating_sub(idle as u32) as f64);
    metrics::gauge!(POOL_CONNECTIONS, "state" => "idle").set(idle as f64);
    metrics::gauge!(POOL_WAITING).set(waiting as f64);
    metrics::gauge!(EVENT_STREAMS).set(state.watchers.count() as f64);
    match crate::mail::outbox::backlog(&state.db).await {
        Ok((queued, oldest)) => {
            metrics::gauge!(OUTBOX_QUEUED).set(queued as f64);
            let age = oldest.map_or(0, |at| (crate::platform::time::now_ms() - at).max(0));
            metrics::gauge!(OUTBOX_OLDEST_AGE).set(age as f64 / 1000.0);
        }
        Err(e) => e.log(),
    }
    match crate::invitations::service::expired_count(&state.db).await {
        Ok(n) => metrics::gauge!(INVITATIONS_EXPIRED).set(n as f64),
        Err(e) => e.log(),
    }
    handle.run_upkeep();
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        handle.render(),
    )
        .into_response()
}

/// Whether this instance should be sent requests: 200 "ready", or 503 with
/// the reason (stopping; the database unreachable or behind this version).
async fn readyz(State(state): State<AppState>) -> Response {
    let unavailable = |why: String| (axum::http::StatusCode::SERVICE_UNAVAILABLE, why).into_response();
    if state.draining.load(std::sync::atomic::Ordering::SeqCst) {
        return unavailable("draining: this instance is stopping".into());
    }
    match tokio::time::timeout(
        std::time::Duration::from_secs(2),
        crate::platform::db::unready(&state.db),
    )
    .await
    {
        Ok(None) => "ready".into_response(),
        Ok(Some(why)) => unavailable(why),
        Err(_) => unavailable("database: no answer within 2 s".into()),
    }
}

/// The Users page's live view: the workspace's changes as server-sent
/// events, for the signed-in person (the session cookie) if they may see its
/// users.
async fn workspace_events(
    State(state): State<AppState>,
    axum::extract::Path(wid): axum::extract::Path<String>,
    headers: axum::http::HeaderMap,
    signed_in: Option<axum::Extension<SignedIn>>,
) -> Response {
    // A refusal in the API's error shape, with its status and Retry-After.
    let Some(axum::Extension(SignedIn(user))) = signed_in else {
        return crate::rest::ApiError::from(crate::error::AppError::Unauthenticated).into_response();
    };
    let Some(session) = crate::accounts::session::session_token(&headers) else {
        return crate::rest::ApiError::from(crate::error::AppError::Unauthenticated).into_response();
    };
    match crate::live::open(
        &state,
        user,
        crate::live::Credential::Session(session, state.config.session_idle),
        &wid,
    )
    .await
    {
        Ok(res) => res,
        Err(e) => crate::rest::ApiError::from(e).into_response(),
    }
}

/// The path as it may be logged: invitation tokens are cut out, queries dropped.
pub fn loggable_path(path: &str) -> String {
    use crate::accounts::links::Purpose;
    let pages = Purpose::ALL.iter().map(|p| p.path()).chain(["/invite"]);
    for page in pages {
        if path.strip_prefix(page).is_some_and(|rest| rest.starts_with('/')) {
            return format!("{page}/[token]");
        }
    }
    path.to_string()
}

async fn log_request(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = loggable_path(req.uri().path());
    let res = next.run(req).await;
    tracing::info!(
        %method,
        path,
        status = res.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    res
}

/// No request may hold a visitor (or a worker) forever: after 30 seconds the
/// answer is 408 (in the API's error shape under `/api/v1`).
async fn time_limit(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/v1/");
    match tokio::time::timeout(std::time::Duration::from_secs(30), next.run(req)).await {
        Ok(res) => res,
        Err(_) if api => {
            crate::rest::ApiError::new(ErrorCode::Timeout, "The request took too long and was stopped").into_response()
        }
        Err(_) => (StatusCode::REQUEST_TIMEOUT, "The request took too long and was stopped").into_response(),
    }
}

/// Browsers say where a request comes from; a state-changing request from
/// another site is refused (CSRF). Clients that are not browsers send neither
/// header and are judged by their credentials alone.
async fn same_origin_only(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let cross_by_fetch = matches!(fetch_site, Some("cross-site") | Some("same-site"));
    // A browser that says the request comes from this origin is believed: a
    // page that sends no referrer (a reset link's) posts with `Origin: null`.
    let same_by_fetch = fetch_site == Some("same-origin");
    let cross_by_origin = !same_by_fetch
        && match (
            headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
            headers.get(header::HOST).and_then(|v| v.to_str().ok()),
        ) {
            (Some(origin), Some(host)) => {
                origin == "null"
                    || url::Url::parse(origin)
                        .ok()
                        .and_then(|u| {
                            let origin_host = match u.port() {
                                Some(p) => format!("{}:{p}", u.host_str()?),
                                None => u.host_str()?.to_string(),
                            };
                            Some(origin_host != host)
                        })
                        .unwrap_or(true)
            }
            _ => false,
        };
    if cross_by_fetch || cross_by_origin {
        let message = "Cross-site requests are not accepted";
        if req.uri().path().starts_with("/api/v1/") {
            return crate::rest::ApiError::new(ErrorCode::CrossSite, message).into_response();
        }
        return (StatusCode::FORBIDDEN, message).into_response();
    }
    next.run(req).await
}

/// A plain form post from a page that sends no referrer (one opened from an
/// emailed link) names the page in its `back` field instead, so that Leptos
/// can send it back there with what went wrong.
async fn referer_from_back(State(state): State<AppState>, req: Request, next: Next) -> Response {
    use crate::pages::confirm::{BACK, local_path};
    let plain_post = req.method() == Method::POST
        && req.uri().path().starts_with("/api/")
        && !req.uri().path().starts_with("/api/v1/")
        && !req.headers().contains_key(header::REFERER)
        && crate::state::accepts_html(req.headers());
    if !plain_post {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "The form is too large").into_response();
    };
    let back = url::form_urlencoded::parse(&body)
        .find(|(k, _)| k == BACK)
        .map(|(_, v)| local_path(&v));
    // Absolute, as a browser's Referer is: Leptos adds the error to it.
    if let Some(back) = back.and_then(|b| HeaderValue::from_str(&state.config.url_for(&b)).ok()) {
        parts.headers.insert(header::REFERER, back);
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(body))).await
}

/// A plain form post (no JavaScript) that would destroy something, and was not
/// confirmed, goes to the confirmation page instead, carrying its fields and
/// the page it came from; nothing is done. A confirmed one goes through and
/// then back to `back`, the page the person started on (Leptos sends a plain
/// post back to its `Referer`). With JavaScript the page asks in a dialog and
/// its post says `confirmed=yes` itself.
async fn ask_first(req: Request, next: Next) -> Response {
    use crate::pages::confirm::{BACK, CONFIRMED, DESTRUCTIVE, local_path};
    let destructive = req.method() == Method::POST
        && req
            .uri()
            .path()
            .strip_prefix("/api/")
            .is_some_and(|endpoint| DESTRUCTIVE.contains(&endpoint));
    if !destructive || !crate::state::accepts_html(req.headers()) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "The form is too large").into_response();
    };
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let value = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    if value(CONFIRMED) == Some("yes") {
        if let Some(back) = value(BACK).and_then(|b| HeaderValue::from_str(&local_path(b)).ok()) {
            parts.headers.insert(header::REFERER, back);
        }
        return next.run(Request::from_parts(parts, axum::body::Body::from(body))).await;
    }
    let came_from = parts
        .headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .map(|u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        })
        .unwrap_or_else(|| "/".into());
    let endpoint = parts.uri.path().trim_start_matches("/api/");
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("action", endpoint)
        .extend_pairs(fields.iter().filter(|(k, _)| k != BACK))
        .append_pair(BACK, &came_from)
        .finish();
    Redirect::to(&format!("/confirm?{query}")).into_response()
}

/// Workspace pages need a signed-in person: the others go to sign in and come back.
/// The page's own lookup of the same session reuses the one made here.
async fn require_session_for_workspace_pages(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    // Everything under /w/ (the spreadsheet upload posts there); elsewhere, pages.
    let guarded = path.starts_with("/w/")
        || req.method() == Method::GET
            && (path.starts_with("/workspaces/")
            || path == "/account"
            || path.starts_with("/account/")
            // Declining needs only the invitation's link.
            || (path == "/confirm" && !req.uri().query().unwrap_or("").starts_with("action=decline_invitation&")));
    if guarded {
        let session = match session_token(req.headers()) {
            Some(token) => accounts::session_of(&state.db, &token, state.config.session_idle)
                .await
                .ok()
                .flatten(),
            None => None,
        };
        // Signed in, but the address is not proven yet: only the page that
        // says to open the emailed link.
        if let Some((_, accounts::Standing::Unproven)) = session {
            return Redirect::to("/check-inbox").into_response();
        }
        let user = session.map(|(user, _)| user);
        if let Some(user) = &user {
            req.extensions_mut().insert(SignedIn(user.clone()));
        }
        if user.is_none() {
            let here = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
            let target = format!(
                "/signin?next={}",
                url::form_urlencoded::byte_serialize(here.as_bytes()).collect::<String>()
            );
            return Redirect::to(&target).into_response();
        }
    }
    next.run(req).await
}

async fn security_headers(req: Request, next: Next) -> Response {
    // Pages opened from a link about an account carry its token in the
    // path: never send it anywhere, not even to this site's own assets.
    let carries_token = crate::accounts::links::Purpose::opens(req.uri().path());
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static(if carries_token { "no-referrer" } else { "same-origin" }),
    );
    res
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

#[cfg(test)]
mod tests {
    #[test]
    fn invitation_tokens_never_reach_the_log() {
        assert_eq!(super::loggable_path("/invite/abcDEF123"), "/invite/[token]");
        assert_eq!(super::loggable_path("/w/1/users"), "/w/1/users");
        for page in ["/reset", "/verify", "/confirm-email"] {
            assert_eq!(
                super::loggable_path(&format!("{page}/abcDEF123")),
                format!("{page}/[token]")
            );
        }
        assert_eq!(super::loggable_path("/resetting"), "/resetting");
    }
}
