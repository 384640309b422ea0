//! Writing the trail inside the changes it describes, reading it a page at a
//! time, streaming it out, and pruning what is past its retention. It also
//! answers how often something was done lately, which is what the
//! invitation limits count.
//!
//! Owns the `audit_events` table.

use super::{AuditEvent, ExportFormat, Selection};
use crate::access::{Access, Permission, Resource};
use crate::domain::{Timestamp, User, Window};
use crate::error::AppResult;
use crate::platform::db::{self, Arg, Db, Keyset, Order, Sql, Tx};
use crate::platform::time::now_ms;
use std::sync::{Arc, OnceLock};

/// Where the request being answered comes from, as the trail records it:
/// the client's address, and the API token presented, once it is known.
/// Every request runs inside one (`track_origin`), so each event written
/// while answering it carries both without every call passing them along.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    ip: Option<String>,
    token: Arc<OnceLock<(String, String)>>,
}

tokio::task_local! {
    static ORIGIN: Origin;
}

/// Middleware: answers the request inside its `Origin`.
pub async fn track_origin(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let (parts, body) = request.into_parts();
    let origin = Origin {
        ip: parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_string()),
        token: Arc::default(),
    };
    let request = axum::extract::Request::from_parts(parts, body);
    ORIGIN.scope(origin, next.run(request)).await
}

/// Notes that the request being answered presented API token `id`, called `name`.
pub fn acting_with_token(id: &str, name: &str) {
    let _ = ORIGIN.try_with(|o| o.token.set((id.to_string(), name.to_string())));
}

fn origin() -> Origin {
    ORIGIN.try_with(Origin::clone).unwrap_or_default()
}

/// How a change by the caller ends: `action` on `target` is written to the
/// trail inside the change, and the change is committed.
pub async fn commit(tx: Tx<'_>, access: &Access, action: &str, target: &str) -> AppResult<()> {
    commit_change(tx, access, action, target, Change::default()).await
}

/// What a change made of a value: as it was, and as it is (either absent
/// when there was or is none: a group joined has no "before").
#[derive(Clone, Copy, Debug, Default)]
pub struct Change<'a> {
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
}

impl<'a> Change<'a> {
    pub fn new(before: &'a str, after: &'a str) -> Self {
        Change {
            before: Some(before),
            after: Some(after),
        }
    }
}

/// `commit`, saying what changed.
pub async fn commit_change(
    mut tx: Tx<'_>,
    access: &Access,
    action: &str,
    target: &str,
    change: Change<'_>,
) -> AppResult<()> {
    write(
        &mut tx,
        &access.workspace_id,
        Some(&access.user),
        action,
        target,
        change,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Appends to the workspace's audit trail, inside the change it describes.
pub async fn record(
    tx: &mut Tx<'_>,
    workspace_id: &str,
    actor: Option<&User>,
    action: &str,
    target: &str,
) -> AppResult<()> {
    write(tx, workspace_id, actor, action, target, Change::default()).await
}

async fn write(
    tx: &mut Tx<'_>,
    workspace_id: &str,
    actor: Option<&User>,
    action: &str,
    target: &str,
    change: Change<'_>,
) -> AppResult<()> {
    let origin = origin();
    let token = origin.token.get();
    sqlx::query(
        "INSERT INTO audit_events (id, workspace_id, actor_id, actor_email, token_id, token_name, ip, action, subject, \
         before_value, after_value, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(db::new_id())
    .bind(workspace_id)
    .bind(actor.map(|u| u.id.as_str()))
    .bind(actor.map(|u| u.email.as_str()))
    .bind(token.map(|t| t.0.as_str()))
    .bind(token.map(|t| t.1.as_str()))
    .bind(origin.ip.as_deref())
    .bind(action)
    .bind(target)
    .bind(change.before)
    .bind(change.after)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes `action` (a token made or revoked) on token `name` into the trail
/// of every workspace `user` is in: each is one the token could act in.
pub async fn token_event(tx: &mut Tx<'_>, user: &User, action: &str, name: &str) -> AppResult<()> {
    let origin = origin();
    let token = origin.token.get();
    // One event per workspace, in one statement: its id is this change's
    // id followed by the workspace's.
    sqlx::query(
        "INSERT INTO audit_events (id, workspace_id, actor_id, actor_email, token_id, token_name, ip, action, subject, at) \
         SELECT $1 || m.workspace_id, m.workspace_id, $2, $3, $4, $5, $6, $7, $8, $9 FROM memberships m WHERE m.user_id = $2",
    )
    .bind(format!("{}:", db::new_id()))
    .bind(&user.id)
    .bind(&user.email)
    .bind(token.map(|t| t.0.as_str()))
    .bind(token.map(|t| t.1.as_str()))
    .bind(origin.ip.as_deref())
    .bind(action)
    .bind(name)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Roles (or any names) as one value of a change: "Admin, Viewer", or
/// "none".
pub fn listed(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

/// When the newest (at most `limit`) of `actions` in the workspace's trail
/// since `since` happened, newest first; only `actor`'s when given.
pub async fn recent_times(
    db: &Db,
    workspace_id: &str,
    actor: Option<&str>,
    actions: [&str; 2],
    since: i64,
    limit: u32,
) -> AppResult<Vec<i64>> {
    let sql = format!(
        "SELECT at FROM audit_events WHERE workspace_id = $1 AND action IN ($2, $3) AND at > $4 {} \
         ORDER BY at DESC LIMIT {limit}",
        if actor.is_some() { "AND actor_id = $5" } else { "" }
    );
    let mut query = sqlx::query_scalar(&sql)
        .bind(workspace_id)
        .bind(actions[0])
        .bind(actions[1])
        .bind(since);
    if let Some(actor) = actor {
        query = query.bind(actor);
    }
    Ok(query.fetch_all(db).await?)
}

/// The most events one page holds.
pub const MAX_PAGE: usize = 200;
/// How many events an export reads at a time.
const EXPORT_CHUNK: usize = 1000;

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    at: i64,
    action: String,
    actor_email: Option<String>,
    token_name: Option<String>,
    ip: Option<String>,
    subject: String,
    before_value: Option<String>,
    after_value: Option<String>,
}

impl db::Keyed for Row {
    fn key(&self) -> [String; 2] {
        [self.at.to_string(), self.id.clone()]
    }

    fn args(parts: &[String]) -> Option<[Arg; 2]> {
        Some([parts[0].parse::<i64>().ok()?.into(), parts[1].clone().into()])
    }
}

impl From<Row> for AuditEvent {
    fn from(r: Row) -> Self {
        AuditEvent {
            id: r.id,
            at: Timestamp(r.at),
            kind: r.action,
            actor: r.actor_email,
            token: r.token_name,
            ip: r.ip,
            target: r.subject,
            before: r.before_value,
            after: r.after_value,
        }
    }
}

/// Who may read the trail.
pub fn authorize(access: &Access) -> AppResult<()> {
    access.authorize(
        Permission::Read,
        Resource::UserManagement,
        "see the workspace's activity",
    )
}

/// The statement selecting what `selection` names in `workspace_id`.
fn selected(workspace_id: &str, selection: &Selection) -> Sql {
    let mut sql = Sql::new(
        "SELECT id, at, action, actor_email, token_name, ip, subject, before_value, after_value FROM audit_events",
    );
    let ws = sql.arg(workspace_id);
    sql.push(&format!(" WHERE workspace_id = {ws}"));
    for (column, value) in [
        ("action", &selection.kind),
        ("actor_email", &selection.actor),
        ("subject", &selection.target),
    ] {
        if let Some(value) = value {
            let p = sql.arg(value.as_str());
            sql.push(&format!(" AND {column} = {p}"));
        }
    }
    if let Some(since) = selection.since {
        let p = sql.arg(since);
        sql.push(&format!(" AND at >= {p}"));
    }
    if let Some(until) = selection.until {
        let p = sql.arg(until);
        sql.push(&format!(" AND at < {p}"));
    }
    sql
}

const NEWEST_FIRST: Order<'static> = Order {
    columns: ["at", "id"],
    descending: true,
};

/// One page of the events `selection` names, newest first: one query
/// however long the trail.
pub async fn page(db: &Db, access: &Access, selection: &Selection, window: &Window) -> AppResult<Keyset<AuditEvent>> {
    authorize(access)?;
    let found = db::keyset::<Row>(
        db,
        selected(&access.workspace_id, selection),
        NEWEST_FIRST,
        window.after.as_deref(),
        window.before.as_deref(),
        window.limit.clamp(1, MAX_PAGE),
    )
    .await?;
    Ok(Keyset {
        items: found.items.into_iter().map(AuditEvent::from).collect(),
        next: found.next,
        previous: found.previous,
    })
}

/// Everything `selection` names, newest first, as `format`: read a chunk at
/// a time, each a query of its own, so neither memory nor a connection is
/// held for as long as a slow reader takes.
pub fn export(
    db: Db,
    access: &Access,
    selection: Selection,
    format: ExportFormat,
) -> AppResult<impl futures_util::Stream<Item = AppResult<String>> + Send + 'static> {
    authorize(access)?;
    let workspace_id = access.workspace_id.clone();
    let header = match format {
        ExportFormat::Csv => Some(super::CSV_HEADER.to_string()),
        ExportFormat::JsonLines => None,
    };
    // (the cursor after the last chunk; whether there is more)
    let chunks = futures_util::stream::try_unfold((None::<String>, true), move |(after, more)| {
        let (db, workspace_id, selection) = (db.clone(), workspace_id.clone(), selection.clone());
        async move {
            if !more {
                return Ok(None);
            }
            let found = db::keyset::<Row>(
                &db,
                selected(&workspace_id, &selection),
                NEWEST_FIRST,
                after.as_deref(),
                None,
                EXPORT_CHUNK,
            )
            .await?;
            let mut text = String::with_capacity(found.items.len() * 160);
            for row in found.items {
                let event = AuditEvent::from(row);
                match format {
                    ExportFormat::Csv => text.push_str(&event.csv_record()),
                    ExportFormat::JsonLines => {
                        text.push_str(&serde_json::to_string(&event).unwrap_or_default());
                        text.push('\n');
                    }
                }
            }
            let more = found.next.is_some();
            Ok(Some((text, (found.next, more))))
        }
    });
    Ok(futures_util::StreamExt::chain(
        futures_util::stream::iter(header.map(Ok)),
        chunks,
    ))
}

/// How many events one pruning statement deletes, so that a large backlog
/// never holds the database for long.
const PRUNE_BATCH: i64 = 5000;

/// Deletes the events older than `before` (milliseconds), a batch at a
/// time. Returns how many went.
pub async fn prune(db: &Db, before: i64) -> AppResult<u64> {
    let mut pruned = 0;
    loop {
        let gone = sqlx::query(
            "DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events WHERE at < $1 ORDER BY at LIMIT $2)",
        )
        .bind(before)
        .bind(PRUNE_BATCH)
        .execute(db)
        .await?
        .rows_affected();
        pruned += gone;
        if gone < PRUNE_BATCH as u64 {
            return Ok(pruned);
        }
        tokio::task::yield_now().await;
    }
}
