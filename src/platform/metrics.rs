//! What the service tells Prometheus: the `metrics` facade, recorded by
//! `metrics-exporter-prometheus` (no HTTP server of its own: the app serves
//! the text at `/metrics`, behind `METRICS_TOKEN` or on `METRICS_ADDR`).
//! Every name is listed here, and in the README with what to alert on.

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

/// Request duration, by `route` (the matched pattern), `method` and `status`.
pub const REQUEST_DURATION: &str = "http_server_request_duration_seconds";
/// Requests being answered now.
pub const ACTIVE_REQUESTS: &str = "http_server_active_requests";
/// The database pool's connections, by `state`: `in_use` or `idle`.
pub const POOL_CONNECTIONS: &str = "db_pool_connections";
/// Requests waiting for a database connection.
pub const POOL_WAITING: &str = "db_pool_waiting";
/// Emails waiting in the outbox to be sent.
pub const OUTBOX_QUEUED: &str = "boardroom_outbox_queued";
/// How long the oldest of them has waited.
pub const OUTBOX_OLDEST_AGE: &str = "boardroom_outbox_oldest_age_seconds";
/// Emails the SMTP server took.
pub const EMAILS_SENT: &str = "boardroom_emails_sent_total";
/// Attempts that failed, by `outcome`: `retry` (tried again later) or
/// `gave_up` (shown as "Not delivered").
pub const EMAILS_FAILED: &str = "boardroom_emails_failed_total";
/// Invitations, by `event`: `created`, `renewed`, `accepted`, `declined`.
pub const INVITATIONS: &str = "boardroom_invitations_total";
/// Pending invitations whose link has expired (counted when scraped).
pub const INVITATIONS_EXPIRED: &str = "boardroom_invitations_expired";
/// Requests refused by a rate limit, by `limit` (`sign_in`, `invite`, …).
pub const RATE_LIMITED: &str = "boardroom_rate_limited_total";
/// Live event streams open now.
pub const EVENT_STREAMS: &str = "boardroom_event_streams";

/// Request durations' buckets, in seconds: 1 ms to 10 s.
const BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 7.5, 10.0,
];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process's recorder (once; every app in the process shares
/// it). `None` when another recorder was installed first.
pub fn install() -> Option<PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let built = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(REQUEST_DURATION.into()), &BUCKETS)
                .and_then(PrometheusBuilder::install_recorder);
            match built {
                Ok(handle) => {
                    describe();
                    Some(handle)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "metrics: no recorder");
                    None
                }
            }
        })
        .clone()
}

/// Says what each metric is (Prometheus's `# HELP`), and starts the
/// counters of every outcome at zero, so that a rate over them exists
/// before the first one happens.
fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_histogram!(
        REQUEST_DURATION,
        Unit::Seconds,
        "How long requests took, by route, method and status"
    );
    describe_gauge!(ACTIVE_REQUESTS, "Requests being answered now");
    describe_gauge!(POOL_CONNECTIONS, "Database connections, by state (in_use, idle)");
    describe_gauge!(POOL_WAITING, "Requests waiting for a database connection");
    describe_gauge!(OUTBOX_QUEUED, "Emails waiting to be sent");
    describe_gauge!(
        OUTBOX_OLDEST_AGE,
        Unit::Seconds,
        "How long the oldest waiting email has waited"
    );
    describe_counter!(EMAILS_SENT, "Emails the SMTP server took");
    describe_counter!(
        EMAILS_FAILED,
        "Sending attempts that failed, by outcome (retry, gave_up)"
    );
    describe_counter!(
        INVITATIONS,
        "Invitations, by event (created, renewed, accepted, declined)"
    );
    describe_gauge!(INVITATIONS_EXPIRED, "Pending invitations whose link has expired");
    describe_counter!(RATE_LIMITED, "Requests refused by a rate limit, by limit");
    describe_gauge!(EVENT_STREAMS, "Live event streams open now");
    metrics::counter!(EMAILS_SENT).absolute(0);
    for outcome in ["retry", "gave_up"] {
        metrics::counter!(EMAILS_FAILED, "outcome" => outcome).absolute(0);
    }
    for event in ["created", "renewed", "accepted", "declined"] {
        metrics::counter!(INVITATIONS, "event" => event).absolute(0);
    }
}

/// The route a request matched, carried out on its response for
/// `track_requests` (which runs before routing).
#[derive(Clone)]
struct Route(String);

/// Route middleware: notes the matched pattern on the response.
pub async fn note_route(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string());
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(Route(route));
    }
    response
}

/// Middleware: counts requests in flight and times each by route, method
/// and status. A request that matched no route is `unmatched`, so that
/// made-up paths do not make new series.
pub async fn track_requests(request: Request, next: Next) -> Response {
    let method = request.method().as_str().to_string();
    let started = Instant::now();
    let active = metrics::gauge!(ACTIVE_REQUESTS);
    active.increment(1.0);
    let response = next.run(request).await;
    active.decrement(1.0);
    let route = response
        .extensions()
        .get::<Route>()
        .map_or_else(|| "unmatched".to_string(), |r| r.0.clone());
    metrics::histogram!(
        REQUEST_DURATION,
        "route" => route,
        "method" => method,
        "status" => response.status().as_u16().to_string(),
    )
    .record(started.elapsed().as_secs_f64());
    response
}

/// Counts an event of `name` with one label.
pub fn count(name: &'static str, label: &'static str, value: &'static str) {
    metrics::counter!(name, label => value).increment(1);
}
