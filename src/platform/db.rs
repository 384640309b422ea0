//! One pool over SQLite or PostgreSQL, chosen by the URL's scheme. Queries use
//! `$N` placeholders and types both databases share (TEXT, BIGINT), so each is
//! written once.

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use std::time::Duration;

pub type Db = sqlx::AnyPool;
pub type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

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
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if sqlite {
                    use sqlx::Executor;
                    // WAL with synchronous NORMAL: a commit is durable against a crash of
                    // the app, and reaches the disk at the next checkpoint; a power
                    // loss can lose the last moments of commits, never corrupt.
                    conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;")
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
    Ok(pool)
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

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The statement, mapping each row to `T`.
    pub fn query_as<'q, T>(&'q self) -> sqlx::query::QueryAs<'q, sqlx::Any, T, sqlx::any::AnyArguments<'q>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let mut query = sqlx::query_as(&self.text);
        for arg in &self.args {
            query = match arg {
                Arg::Text(s) => query.bind(s.as_str()),
                Arg::Int(n) => query.bind(*n),
            };
        }
        query
    }

    /// The statement, reading one value from each row.
    pub fn query_scalar<'q, T>(&'q self) -> sqlx::query::QueryScalar<'q, sqlx::Any, T, sqlx::any::AnyArguments<'q>>
    where
        (T,): for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let mut query = sqlx::query_scalar(&self.text);
        for arg in &self.args {
            query = match arg {
                Arg::Text(s) => query.bind(s.as_str()),
                Arg::Int(n) => query.bind(*n),
            };
        }
        query
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
