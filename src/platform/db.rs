//! One pool over SQLite or PostgreSQL, chosen by the URL's scheme. Queries use
//! `$N` placeholders and types both databases share (TEXT, BIGINT), so each is
//! written once.

use futures_util::{StreamExt, TryStreamExt};
use sqlx::any::{AnyPoolOptions, AnyQueryResult, AnyRow, AnyStatement, AnyTypeInfo, install_default_drivers};
use sqlx::{Any, AnyConnection, AnyPool, Describe, Either, Execute, Executor};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::changes::{Bus, CHANNEL, Change, Heard, payload};

/// The database: a pool of connections and, on SQLite, the one door its
/// writes go through.
///
/// SQLite lets one writer in at a time; a writer that finds another inside
/// sleeps in steps of up to 100 ms before it looks again, so under load most
/// writes waited on sleep, not on work. Here writers queue in turn instead,
/// each going in as soon as the one before commits: a transaction (`begin`)
/// holds the door until it ends, a lone INSERT, UPDATE or DELETE for its one
/// statement. Reads never wait at it. PostgreSQL, with row locks, has no door.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    writer: Option<Arc<Mutex<()>>>,
    /// How long a write waits at the door before it fails, as a request waits
    /// for a connection.
    wait: Duration,
    /// Where this instance hears the changes committed (by it, or on
    /// PostgreSQL by any instance).
    changes: Arc<Bus>,
    postgres: bool,
    /// Requests waiting for a connection now.
    waiting: Arc<std::sync::atomic::AtomicI64>,
}

/// Counts a request among those waiting for a connection while it lives.
struct Waiting<'a>(&'a std::sync::atomic::AtomicI64);

impl<'a> Waiting<'a> {
    fn new(count: &'a std::sync::atomic::AtomicI64) -> Self {
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Waiting(count)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// A transaction; on SQLite it holds the write door until it commits or is
/// dropped (rolled back).
pub struct Tx<'a> {
    inner: sqlx::Transaction<'a, Any>,
    _door: Option<OwnedMutexGuard<()>>,
    /// Changes announced in this transaction, heard when it commits (SQLite;
    /// PostgreSQL holds them itself until the commit).
    announced: Vec<Change>,
    changes: Arc<Bus>,
    postgres: bool,
}

impl Tx<'_> {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        let Tx {
            inner,
            _door,
            announced,
            changes,
            ..
        } = self;
        inner.commit().await?;
        drop(_door);
        for change in announced {
            changes.publish(Heard::Change(Arc::new(change)));
        }
        Ok(())
    }

    /// Announces a change made in this transaction: heard by the pages and
    /// streams watching the workspace when, and only if, it commits.
    pub async fn announce(&mut self, workspace_id: &str, kind: &str, id: &str) -> Result<(), sqlx::Error> {
        let change = Change::new(workspace_id, kind, id);
        if self.postgres {
            notify(&mut self.inner, std::slice::from_ref(&change)).await
        } else {
            self.announced.push(change);
            Ok(())
        }
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.inner.rollback().await
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.inner
    }
}

impl std::ops::DerefMut for Tx<'_> {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }
}

impl Db {
    /// Begins a transaction (on SQLite, once the writers before it are done).
    pub async fn begin(&self) -> Result<Tx<'static>, sqlx::Error> {
        let door = self.enter().await?;
        let waiting = Waiting::new(&self.waiting);
        let inner = self.pool.begin().await?;
        drop(waiting);
        Ok(Tx {
            inner,
            _door: door,
            announced: Vec::new(),
            changes: self.changes.clone(),
            postgres: self.postgres,
        })
    }

    /// A pool opened elsewhere (tools and tests beside a running app), with
    /// no door: its writes take their turn through SQLite's own locking.
    pub fn from_pool(pool: AnyPool) -> Db {
        let postgres = pool.connect_options().database_url.scheme().starts_with("postgres");
        Db {
            pool,
            writer: None,
            wait: Duration::from_secs(10),
            changes: Arc::default(),
            postgres,
            waiting: Arc::default(),
        }
    }

    /// The pool now: connections open, of which idle, and requests waiting
    /// for one.
    pub fn pool_state(&self) -> (u32, usize, i64) {
        (
            self.pool.size(),
            self.pool.num_idle(),
            self.waiting.load(std::sync::atomic::Ordering::Relaxed),
        )
    }

    /// A connection, counted among those waited for until it comes.
    async fn acquire(&self) -> Result<sqlx::pool::PoolConnection<Any>, sqlx::Error> {
        let _waiting = Waiting::new(&self.waiting);
        self.pool.acquire().await
    }

    /// Where this instance hears committed changes.
    pub fn changes(&self) -> &Arc<Bus> {
        &self.changes
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres
    }

    /// Announces a change already committed (outside any transaction).
    pub async fn announce(&self, workspace_id: &str, kind: &str, id: &str) -> Result<(), sqlx::Error> {
        self.announce_all(vec![Change::new(workspace_id, kind, id)]).await
    }

    /// Announces several changes already committed, in one statement on
    /// PostgreSQL.
    pub async fn announce_all(&self, changes: Vec<Change>) -> Result<(), sqlx::Error> {
        if changes.is_empty() {
            return Ok(());
        }
        if !self.postgres {
            for change in changes {
                self.changes.publish(Heard::Change(Arc::new(change)));
            }
            return Ok(());
        }
        notify(&mut *self.acquire().await?, &changes).await
    }

    /// The pool itself.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await
    }

    async fn enter(&self) -> Result<Option<OwnedMutexGuard<()>>, sqlx::Error> {
        match &self.writer {
            None => Ok(None),
            Some(door) => tokio::time::timeout(self.wait, door.clone().lock_owned())
                .await
                .map(Some)
                .map_err(|_| sqlx::Error::PoolTimedOut),
        }
    }

    /// The door, when `sql` writes.
    async fn enter_for(&self, sql: &str) -> Result<Option<OwnedMutexGuard<()>>, sqlx::Error> {
        if self.writer.is_some() && writes(sql) {
            self.enter().await
        } else {
            Ok(None)
        }
    }
}

/// Whether a statement changes rows (what SQLite lets one connection do at a time).
fn writes(sql: &str) -> bool {
    let verb = sql.trim_start().get(..6).unwrap_or_default();
    ["INSERT", "UPDATE", "DELETE"]
        .iter()
        .any(|w| verb.eq_ignore_ascii_case(w))
}

impl<'p> Executor<'p> for &'_ Db {
    type Database = Any;

    fn fetch_many<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> futures_util::stream::BoxStream<'e, Result<Either<AnyQueryResult, AnyRow>, sqlx::Error>>
    where
        'p: 'e,
        E: 'q + Execute<'q, Any>,
    {
        let db = self.clone();
        futures_util::stream::once(async move {
            let _door = db.enter_for(query.sql()).await?;
            let mut conn = db.acquire().await?;
            let steps: Vec<_> = conn.fetch_many(query).try_collect().await?;
            Ok::<_, sqlx::Error>(futures_util::stream::iter(steps.into_iter().map(Ok)))
        })
        .try_flatten()
        .boxed()
    }

    fn fetch_optional<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> futures_util::future::BoxFuture<'e, Result<Option<AnyRow>, sqlx::Error>>
    where
        'p: 'e,
        E: 'q + Execute<'q, Any>,
    {
        let db = self.clone();
        Box::pin(async move {
            let _door = db.enter_for(query.sql()).await?;
            db.acquire().await?.fetch_optional(query).await
        })
    }

    fn prepare_with<'e, 'q: 'e>(
        self,
        sql: &'q str,
        parameters: &'e [AnyTypeInfo],
    ) -> futures_util::future::BoxFuture<'e, Result<AnyStatement<'q>, sqlx::Error>>
    where
        'p: 'e,
    {
        (&self.pool).prepare_with(sql, parameters)
    }

    fn describe<'e, 'q: 'e>(
        self,
        sql: &'q str,
    ) -> futures_util::future::BoxFuture<'e, Result<Describe<Any>, sqlx::Error>>
    where
        'p: 'e,
    {
        (&self.pool).describe(sql)
    }
}

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// Why the database cannot serve this version of the app, if it cannot: it
/// does not answer, or it lacks a migration this binary knows.
pub async fn unready(db: &Db) -> Option<String> {
    let migrator = if db.is_postgres() { &POSTGRES } else { &SQLITE };
    let known = migrator
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .map(|m| m.version)
        .max()
        .unwrap_or(0);
    let applied: Result<Option<i64>, sqlx::Error> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&db.pool)
            .await;
    match applied {
        Ok(Some(v)) if v >= known => None,
        Ok(_) => Some(format!("database: migration {known} is not applied")),
        Err(e) => Some(format!("database: not reachable ({})", short(&e))),
    }
}

/// An error's first line, for a health answer.
fn short(e: &sqlx::Error) -> String {
    e.to_string()
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(120)
        .collect()
}

/// How many connections a pool holds, and how long a caller waits for one.
#[derive(Clone, Copy, Debug)]
pub struct PoolSize {
    /// Defaults to 8 for SQLite (one writer at a time) and 16 for PostgreSQL.
    pub max_connections: Option<u32>,
    pub acquire_timeout: Duration,
}

impl Default for PoolSize {
    fn default() -> Self {
        PoolSize {
            max_connections: None,
            acquire_timeout: Duration::from_secs(10),
        }
    }
}

/// Connects and brings the schema up to date. A SQLite file and its folder are
/// created when missing.
pub async fn connect(url: &str, size: PoolSize) -> Result<Db, sqlx::Error> {
    install_default_drivers();
    let sqlite = url.starts_with("sqlite:");
    let url = if sqlite { prepare_sqlite(url)? } else { url.to_string() };
    let pool = AnyPoolOptions::new()
        .max_connections(size.max_connections.unwrap_or(if sqlite { 8 } else { 16 }))
        .acquire_timeout(size.acquire_timeout)
        // A SQLite connection is a file handle on a thread of ours: it cannot
        // go stale, and testing it cost a round trip to that thread on every
        // query. PostgreSQL connections are tested before use.
        .test_before_acquire(!sqlite)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if sqlite {
                    use sqlx::Executor;
                    // WAL with synchronous NORMAL: a commit is durable against a crash of
                    // the app, and reaches the disk at the next checkpoint; a power
                    // loss can lose the last moments of commits, never corrupt.
                    // Reads through a memory map (up to 256 MB of the file): a
                    // connection whose cache another's commit made stale reads
                    // the pages straight from the OS's cache rather than copying
                    // each with a read() call, which was most of a 200-row list's
                    // cost at 100,000 rows.
                    conn.execute(
                        "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL; \
                         PRAGMA mmap_size = 268435456;",
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .connect(&url)
        .await?;
    if sqlite {
        sqlx::query("PRAGMA journal_mode = WAL").execute(&pool).await?;
        SQLITE.run(&pool).await?;
    } else {
        POSTGRES.run(&pool).await?;
    }
    Ok(Db {
        pool,
        writer: sqlite.then(|| Arc::new(Mutex::new(()))),
        wait: size.acquire_timeout,
        changes: Arc::default(),
        postgres: !sqlite,
        waiting: Arc::default(),
    })
}

/// Sends `change` as a PostgreSQL notice on `conn` (inside a transaction,
/// it goes at commit).
/// A PostgreSQL query that announces `changes` (as they commit), its
/// arguments added to `sql`; it may follow a `WITH` that writes, so that
/// one statement both writes and tells.
pub fn notices(sql: &mut Sql, changes: &[Change]) -> String {
    let channel = sql.arg(CHANNEL);
    let rows = changes
        .iter()
        .map(|change| format!("({})", sql.arg(payload(change))))
        .collect::<Vec<_>>()
        .join(", ");
    // pg_notify returns void, which the Any driver cannot decode: count instead.
    format!("SELECT COUNT(*) FROM (SELECT pg_notify({channel}, p) FROM (VALUES {rows}) AS changes (p)) AS sent")
}

/// Announces `changes` on PostgreSQL through `conn` (as they commit, in a
/// transaction).
async fn notify(conn: &mut AnyConnection, changes: &[Change]) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("");
    let notices = notices(&mut sql, changes);
    sql.push(&notices);
    sql.query().execute(conn).await.map(drop)
}

fn prepare_sqlite(url: &str) -> Result<String, sqlx::Error> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if let Some(parent) = std::path::Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(sqlx::Error::Io)?;
    }
    Ok(if url.contains('?') {
        url.to_string()
    } else {
        format!("{url}?mode=rwc")
    })
}

pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A write's outcome, with a unique-constraint clash (on either database)
/// turned into the error `clash` makes: how a taken name becomes a message
/// beside its field.
pub fn or_clash<T, E: From<sqlx::Error>>(result: Result<T, sqlx::Error>, clash: impl FnOnce() -> E) -> Result<T, E> {
    match result {
        Err(e) if is_unique_violation(&e) => Err(clash()),
        other => other.map_err(E::from),
    }
}

/// Whether `err` is a unique-constraint violation (on either database).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(e) if e.is_unique_violation())
}

/// A value bound to a statement built at run time.
#[derive(Clone, Debug)]
pub enum Arg {
    Text(String),
    Int(i64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_string())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}

impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Int(n)
    }
}

/// A statement assembled from parts (a list's filters and cursor), with its
/// arguments numbered as they are added.
#[derive(Clone, Debug, Default)]
pub struct Sql {
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Sql {
            text: text.to_string(),
            args: Vec::new(),
        }
    }

    /// Appends SQL text.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Adds an argument; returns its placeholder (`$3`) for the text.
    pub fn arg(&mut self, value: impl Into<Arg>) -> String {
        self.args.push(value.into());
        format!("${}", self.args.len())
    }

    /// Adds each of `values` as an argument; returns their placeholders for
    /// an `IN (…)` list (`$2, $3, $4`).
    pub fn args<'a>(&mut self, values: impl IntoIterator<Item = &'a String>) -> String {
        values
            .into_iter()
            .map(|v| self.arg(v.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The arguments, bound in order.
    fn arguments(&self) -> sqlx::any::AnyArguments<'_> {
        use sqlx::Arguments;
        let mut bound = sqlx::any::AnyArguments::default();
        for arg in &self.args {
            match arg {
                Arg::Text(s) => bound.add(s.as_str()),
                Arg::Int(n) => bound.add(*n),
            }
            .expect("the Any driver encodes text and integers without fail");
        }
        bound
    }

    /// The statement, mapping each row to `T`.
    pub fn query_as<'q, T>(&'q self) -> sqlx::query::QueryAs<'q, sqlx::Any, T, sqlx::any::AnyArguments<'q>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        sqlx::query_as_with(&self.text, self.arguments())
    }

    /// The statement, for its effect.
    pub fn query<'q>(&'q self) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        sqlx::query_with(&self.text, self.arguments())
    }

    /// The statement, reading one value from each row.
    pub fn query_scalar<'q, T>(&'q self) -> sqlx::query::QueryScalar<'q, sqlx::Any, T, sqlx::any::AnyArguments<'q>>
    where
        (T,): for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        sqlx::query_scalar_with(&self.text, self.arguments())
    }
}

/// A `LIKE` pattern that finds `text` anywhere, with `%`, `_` and `\\`
/// taken literally (use with `ESCAPE '\\'`).
pub fn contains_pattern(text: &str) -> String {
    let mut out = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// A list cursor: the values of the last (or first) row's sort key, opaque to
/// whoever holds it.
pub mod cursor {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    pub fn encode(parts: &[&str]) -> String {
        URL_SAFE_NO_PAD.encode(parts.join("\u{1f}"))
    }

    /// The parts of a cursor this app made, `None` for anything else.
    pub fn decode(cursor: &str, parts: usize) -> Option<Vec<String>> {
        let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let out: Vec<String> = text.split('\u{1f}').map(str::to_string).collect();
        (out.len() == parts).then_some(out)
    }
}

/// A page read by keyset: the rows, and the cursors of the pages on either side.
pub struct Keyset<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
    pub previous: Option<String>,
}

/// Why a keyset page could not be read.
#[derive(Debug)]
pub enum KeysetError {
    /// The cursor is not one this app gave out.
    Cursor,
    Db(sqlx::Error),
}

impl From<sqlx::Error> for KeysetError {
    fn from(e: sqlx::Error) -> Self {
        KeysetError::Db(e)
    }
}

/// How a list is ordered: by `columns` (a sort key, then a unique id), one way.
pub struct Order<'a> {
    pub columns: [&'a str; 2],
    pub descending: bool,
}

/// A row of a list read by keyset: its sort values, for its cursor, and back.
pub trait Keyed: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin {
    /// The row's values of the list's order, as text.
    fn key(&self) -> [String; 2];
    /// A cursor's values as arguments; `None` when they cannot be this list's.
    fn args(parts: &[String]) -> Option<[Arg; 2]>;
}

/// Reads one page of `sql` (a SELECT with its WHERE, to which this adds the
/// cursor's condition, the ORDER BY and the LIMIT) by keyset: never more than
/// `limit + 1` rows, however long the list, and a list walked while rows come
/// and go never shows a row twice nor skips one that stayed.
pub async fn keyset<T: Keyed>(
    db: &Db,
    mut sql: Sql,
    order: Order<'_>,
    after: Option<&str>,
    before: Option<&str>,
    limit: usize,
) -> Result<Keyset<T>, KeysetError> {
    let backwards = before.is_some();
    if let Some(cursor) = before.or(after) {
        let parts = cursor::decode(cursor, 2).ok_or(KeysetError::Cursor)?;
        let [first, second] = T::args(&parts).ok_or(KeysetError::Cursor)?;
        let (a, b) = (sql.arg(first), sql.arg(second));
        let later = if order.descending { "<" } else { ">" };
        let earlier = if order.descending { ">" } else { "<" };
        let op = if backwards { earlier } else { later };
        sql.push(&format!(
            " AND ({}, {}) {op} ({a}, {b})",
            order.columns[0], order.columns[1]
        ));
    }
    // Read backwards, a page before a cursor comes nearest first.
    let dir = if order.descending != backwards { "DESC" } else { "ASC" };
    let fetch = sql.arg((limit + 1) as i64);
    sql.push(&format!(
        " ORDER BY {} {dir}, {} {dir} LIMIT {fetch}",
        order.columns[0], order.columns[1]
    ));
    let mut rows: Vec<T> = sql.query_as().fetch_all(db).await?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    if backwards {
        rows.reverse();
    }
    let cursor_of = |row: &T| {
        let k = row.key();
        cursor::encode(&[&k[0], &k[1]])
    };
    let (next, previous) = if backwards {
        (rows.last().map(cursor_of), rows.first().filter(|_| more).map(cursor_of))
    } else {
        (
            rows.last().filter(|_| more).map(cursor_of),
            rows.first().filter(|_| after.is_some()).map(cursor_of),
        )
    };
    Ok(Keyset {
        items: rows,
        next,
        previous,
    })
}

#[cfg(test)]
mod tests {
    use super::writes;

    #[test]
    fn statements_that_change_rows_go_through_the_door() {
        for sql in ["INSERT INTO t VALUES (1)", "  update t SET a = 1", "\nDELETE FROM t"] {
            assert!(writes(sql), "{sql}");
        }
        for sql in ["SELECT 1", "PRAGMA foreign_keys = ON", "", "DEL"] {
            assert!(!writes(sql), "{sql}");
        }
    }

    /// Writers on SQLite take turns at the door instead of sleeping in
    /// SQLite's busy handler: many at once all succeed, none waits long.
    #[tokio::test]
    async fn many_writers_at_once_take_turns() {
        let dir = std::env::temp_dir().join(format!("boardroom-door-{}", uuid::Uuid::new_v4()));
        let url = format!("sqlite://{}/door.db", dir.display());
        let db = super::connect(&url, super::PoolSize::default()).await.unwrap();
        sqlx::query("CREATE TABLE turns (id TEXT PRIMARY KEY, name TEXT NOT NULL, n BIGINT NOT NULL)")
            .execute(&db)
            .await
            .unwrap();
        let started = std::time::Instant::now();
        let mut writers = Vec::new();
        for n in 0..64 {
            let db = db.clone();
            writers.push(tokio::spawn(async move {
                let mut tx = db.begin().await.unwrap();
                sqlx::query("INSERT INTO turns (id, name, n) VALUES ($1, 'W', 1)")
                    .bind(format!("w{n}"))
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                tokio::task::yield_now().await;
                sqlx::query("UPDATE turns SET name = 'Writer' WHERE id = $1")
                    .bind(format!("w{n}"))
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
                sqlx::query("UPDATE turns SET n = 2 WHERE id = $1")
                    .bind(format!("w{n}"))
                    .execute(&db)
                    .await
                    .unwrap();
            }));
        }
        for w in writers {
            w.await.unwrap();
        }
        let written: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM turns WHERE name = 'Writer' AND n = 2")
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(written, 64);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        db.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }
}
