//! A small fixed-window limiter for what can be abused by one address: sign-in,
//! sign-up, accept attempts and guessed API tokens. In memory, per app
//! instance. (Invitations are limited per workspace and inviter in the database.)

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimiter {
    windows: Mutex<HashMap<String, (Instant, u32)>>,
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

impl RateLimiter {
    pub fn new() -> Self {
        RateLimiter {
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one attempt for `key`. Over its limit, the error says how long
    /// until the key's window starts again.
    pub fn check(&self, key: &str, limit: Limit) -> Result<(), Duration> {
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
            let what = key.split(':').next().unwrap_or_default().to_string();
            metrics::counter!(super::metrics::RATE_LIMITED, "limit" => what).increment(1);
            Err(limit.per.saturating_sub(now.duration_since(entry.0)))
        }
    }
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
        assert!((0..3).all(|_| limiter.check("a", limit).is_ok()));
        let wait = limiter.check("a", limit).unwrap_err();
        assert!(wait > Duration::from_secs(55) && wait <= Duration::from_secs(60));
        assert!(limiter.check("b", limit).is_ok());
    }
}
