//! A small fixed-window limiter for what can be abused by one address: sign-in,
//! sign-up, accept attempts and guessed API tokens. On PostgreSQL the windows
//! are rows of `rate_limits`, so that every instance sharing the database
//! counts the same attempts (three instances behind a load balancer allow ten
//! sign-ins a minute, not thirty); on SQLite, where one process owns the file,
//! they are kept in memory. (Invitations are limited per workspace and
//! inviter in the database on both.)

use crate::platform::db::Db;
use crate::platform::time::now_ms;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimiter {
    windows: Mutex<HashMap<String, (Instant, u32)>>,
    /// Where the windows are kept when instances share them.
    shared: Option<Db>,
}

/// How many attempts a key may make per window.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub max: u32,
    pub per: Duration,
}

impl Limit {
    pub const SIGN_IN: Limit = Limit {
        max: 10,
        per: Duration::from_secs(60),
    };
    pub const SIGN_UP: Limit = Limit {
        max: 10,
        per: Duration::from_secs(600),
    };
    /// Reset links asked for by one client, and for one address.
    pub const RESET_PER_CLIENT: Limit = Limit {
        max: 10,
        per: Duration::from_secs(3600),
    };
    pub const RESET_PER_ADDRESS: Limit = Limit {
        max: 3,
        per: Duration::from_secs(3600),
    };
    pub const ACCEPT: Limit = Limit {
        max: 30,
        per: Duration::from_secs(60),
    };
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::new()
    }
}

/// One statement counts the attempt and reads the window back, so that
/// attempts arriving at once on several instances are each counted once.
const COUNT: &str = "INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1) \
     ON CONFLICT (key) DO UPDATE SET \
       hits = CASE WHEN rate_limits.window_start <= $3 THEN 1 ELSE rate_limits.hits + 1 END, \
       window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2 ELSE rate_limits.window_start END \
     RETURNING window_start, hits";

/// Windows older than this are deleted (longer than any limit's window).
const KEPT: Duration = Duration::from_secs(86_400);

impl RateLimiter {
    /// Windows in this process's memory.
    pub fn new() -> Self {
        RateLimiter {
            windows: Mutex::new(HashMap::new()),
            shared: None,
        }
    }

    /// Windows in the database when it is PostgreSQL (which several
    /// instances may share), in memory otherwise.
    pub fn for_db(db: &Db) -> Self {
        RateLimiter {
            shared: db.is_postgres().then(|| db.clone()),
            ..Self::new()
        }
    }

    /// Counts one attempt for `key`. Over its limit, the error says how long
    /// until the key's window starts again.
    pub async fn check(&self, key: &str, limit: Limit) -> Result<(), Duration> {
        let Some(db) = &self.shared else {
            return self.check_here(key, limit);
        };
        let now = now_ms();
        let per = i64::try_from(limit.per.as_millis()).unwrap_or(i64::MAX / 2);
        let counted: Result<(i64, i64), sqlx::Error> = sqlx::query_as(COUNT)
            .bind(key)
            .bind(now)
            .bind(now - per)
            .fetch_one(db)
            .await;
        match counted {
            Ok((_, hits)) if u32::try_from(hits).is_ok_and(|h| h <= limit.max) => Ok(()),
            Ok((start, _)) => {
                let left = u64::try_from(start + per - now).unwrap_or(0);
                Err(refused(key, Duration::from_millis(left)))
            }
            Err(e) => {
                // The database being unreachable fails what the attempt was
                // for anyway; until then this instance counts by itself.
                tracing::warn!(error = %e, "rate limit: cannot count in the database, counting in memory");
                self.check_here(key, limit)
            }
        }
    }

    fn check_here(&self, key: &str, limit: Limit) -> Result<(), Duration> {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > 100_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(3600));
        }
        let entry = windows.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= limit.per {
            *entry = (now, 0);
        }
        entry.1 += 1;
        if entry.1 <= limit.max {
            Ok(())
        } else {
            Err(refused(key, limit.per.saturating_sub(now.duration_since(entry.0))))
        }
    }
}

/// Counts a refusal by what was limited (the key's first part) and passes on
/// how long until the window starts again.
fn refused(key: &str, wait: Duration) -> Duration {
    let what = key.split(':').next().unwrap_or_default().to_string();
    metrics::counter!(super::metrics::RATE_LIMITED, "limit" => what).increment(1);
    wait
}

/// Deletes the shared windows that ended long ago.
pub async fn prune(db: &Db) -> Result<u64, sqlx::Error> {
    let before = now_ms() - i64::try_from(KEPT.as_millis()).unwrap_or(0);
    Ok(sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
        .bind(before)
        .execute(db)
        .await?
        .rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_past_the_limit_per_key() {
        let limiter = RateLimiter::new();
        let limit = Limit {
            max: 3,
            per: Duration::from_secs(60),
        };
        assert!((0..3).all(|_| limiter.check_here("a", limit).is_ok()));
        let wait = limiter.check_here("a", limit).unwrap_err();
        assert!(wait > Duration::from_secs(55) && wait <= Duration::from_secs(60));
        assert!(limiter.check_here("b", limit).is_ok());
    }
}
