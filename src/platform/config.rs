//! Configuration from the environment. A bad value stops start-up with a message
//! that names the variable.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;
use url::Url;

/// A value that must never be printed (it may hold a password).
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    /// `sqlite://path` or `postgres://…`.
    pub database_url: Secret,
    /// The most database connections one instance opens (default 8 for SQLite,
    /// 16 for PostgreSQL).
    pub database_max_connections: Option<u32>,
    /// How long a request waits for a free connection before it fails.
    pub database_acquire_timeout: Duration,
    /// lettre's `smtp://` / `smtps://` form; `None` means the dev mailbox.
    pub smtp_url: Option<Secret>,
    /// The From header of every email.
    pub mail_from: String,
    /// Where the app is reached from outside; links in emails start with it.
    pub base_url: Url,
    pub listen: SocketAddr,
    pub invitation_ttl: Duration,
    /// The most invitation emails (new, renewed or resent) one workspace, and
    /// one person in it, may send in an hour; 0 means no limit.
    pub invitations_per_hour_per_workspace: u32,
    pub invitations_per_hour_per_inviter: u32,
    /// How soon one address may be sent its invitation again (resend or renew);
    /// zero lets it be sent again at once.
    pub resend_interval: Duration,
    /// How long an email a mail worker has taken stays its own without the
    /// worker renewing its claim: what a dead instance held is sent by another
    /// within about this long.
    pub mail_claim_timeout: Duration,
    /// A session unused for this long is over (`SESSION_IDLE`, default 7 days).
    pub session_idle: Duration,
    /// A session is over this long after its sign-in, however busy
    /// (`SESSION_MAX`, default 30 days).
    pub session_max: Duration,
    /// Serve the dev mailbox even when not on loopback (it shows live links).
    pub dev_mailbox_forced: bool,
    /// The compiled site (WASM, JS, CSS and `public/`), as cargo-leptos writes it.
    pub site_root: String,
    /// The file in which cargo-leptos lists the hashes in the asset names
    /// (`hash-files`): a path, or a name looked for next to the server binary.
    pub hash_file: String,
    /// Sign-in through the company's OpenID Connect provider, when set up.
    pub oidc: Option<OidcSettings>,
    /// DKIM signing of every email sent through SMTP, when set up.
    pub dkim: Option<DkimSettings>,
    /// How long a stopping instance keeps serving while `/readyz` says 503,
    /// so that a load balancer stops sending it requests first
    /// (`SHUTDOWN_GRACE`, default 5 s; 0 for none).
    pub shutdown_grace: Duration,
    /// The most seats (members plus open invitations) any workspace may
    /// have (`MAX_SEATS_PER_WORKSPACE`); `None`: no limit from the host.
    pub max_seats_per_workspace: Option<i64>,
    /// How long the audit trail keeps an event (`AUDIT_RETENTION`, default
    /// 400 days); older ones are pruned in the background.
    pub audit_retention: Duration,
    /// Where `/metrics` is served on a listener of its own, open to whoever
    /// reaches it (`METRICS_ADDR`).
    pub metrics_addr: Option<SocketAddr>,
    /// The bearer token `/metrics` on the app's own port asks for
    /// (`METRICS_TOKEN`); without it (or `METRICS_ADDR`) there is no `/metrics`.
    pub metrics_token: Option<Secret>,
    /// The load balancers whose `X-Forwarded-For` names the client
    /// (`TRUSTED_PROXIES`: addresses or networks, comma-separated, such as
    /// `127.0.0.1,10.0.0.0/8`); none by default.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

/// How email is signed (`DKIM_DOMAIN`, `DKIM_SELECTOR`,
/// `DKIM_PRIVATE_KEY_FILE`, `DKIM_ALGORITHM`). The key is read and checked
/// when the mail transport is made, at start-up.
#[derive(Clone, Debug)]
pub struct DkimSettings {
    /// The signing domain (`d=`).
    pub domain: String,
    /// The selector (`s=`): the key is published at `SELECTOR._domainkey.DOMAIN`.
    pub selector: String,
    pub key_file: std::path::PathBuf,
    pub algorithm: DkimAlgorithm,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DkimAlgorithm {
    /// rsa-sha256: a PKCS#1 or PKCS#8 PEM private key.
    Rsa,
    /// ed25519-sha256 (RFC 8463): the file holds the base64 of the 32-byte seed.
    Ed25519,
}

/// The company's OpenID Connect provider (`OIDC_ISSUER`, `OIDC_CLIENT_ID`,
/// `OIDC_CLIENT_SECRET`, and `OIDC_DISPLAY_NAME` for the button).
#[derive(Clone, Debug)]
pub struct OidcSettings {
    /// Where discovery starts (`/.well-known/openid-configuration` under it).
    pub issuer: Url,
    pub client_id: String,
    pub client_secret: Secret,
    /// The button says "Sign in with" this.
    pub display_name: String,
}

#[derive(Debug, thiserror::Error)]
#[error("{var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|key| std::env::var(key).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads configuration through `get`, so tests can pass their own values.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let err = |var, message: String| ConfigError { var, message };

        let listen: SocketAddr = match get("LISTEN_ADDR") {
            Some(v) => v.parse().map_err(|_| {
                err(
                    "LISTEN_ADDR",
                    format!("expected an address like 127.0.0.1:3000, got {v:?}"),
                )
            })?,
            None => "127.0.0.1:3000".parse().expect("valid default"),
        };

        let database_url = get("DATABASE_URL").unwrap_or_else(|| "sqlite://data/boardroom.db".into());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(err(
                "DATABASE_URL",
                "expected sqlite://PATH or postgres://USER@HOST/DB".into(),
            ));
        }

        let database_max_connections = match get("DATABASE_MAX_CONNECTIONS") {
            Some(v) => Some(v.trim().parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
                err(
                    "DATABASE_MAX_CONNECTIONS",
                    format!("expected a whole number of connections, 1 or more, got {v:?}"),
                )
            })?),
            None => None,
        };

        let database_acquire_timeout = match get("DATABASE_ACQUIRE_TIMEOUT") {
            Some(v) => parse_duration(&v).ok_or_else(|| {
                err(
                    "DATABASE_ACQUIRE_TIMEOUT",
                    format!("expected a duration like 10s or 1m, got {v:?}"),
                )
            })?,
            None => Duration::from_secs(10),
        };

        let smtp_url = match get("SMTP_URL") {
            Some(v) => {
                let parsed = Url::parse(&v).map_err(|e| err("SMTP_URL", format!("not a URL ({e})")))?;
                if !matches!(parsed.scheme(), "smtp" | "smtps") {
                    return Err(err(
                        "SMTP_URL",
                        "expected smtp://HOST:PORT or smtps://USER:PASSWORD@HOST".into(),
                    ));
                }
                if parsed.host_str().is_none() {
                    return Err(err("SMTP_URL", "the URL names no host".into()));
                }
                Some(Secret(v))
            }
            None => None,
        };

        let mail_from = get("MAIL_FROM").unwrap_or_else(|| "Boardroom <boardroom@localhost>".into());
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(err(
                "MAIL_FROM",
                format!("expected an address like \"Boardroom <noreply@example.com>\", got {mail_from:?}"),
            ));
        }

        let base_url = match get("BASE_URL") {
            Some(v) => {
                let url = Url::parse(&v).map_err(|e| err("BASE_URL", format!("not a URL ({e})")))?;
                if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
                    return Err(err("BASE_URL", "expected http(s)://HOST[:PORT]".into()));
                }
                url
            }
            None => Url::parse(&format!("http://{listen}")).expect("valid default"),
        };

        let invitation_ttl = match get("INVITATION_TTL") {
            Some(v) => parse_duration(&v).ok_or_else(|| {
                err(
                    "INVITATION_TTL",
                    format!("expected a duration like 7d, 48h or 30m, got {v:?}"),
                )
            })?,
            None => Duration::from_secs(7 * 24 * 3600),
        };

        let resend_interval = match get("INVITATION_RESEND_INTERVAL").as_deref().map(str::trim) {
            Some("0") => Duration::ZERO,
            Some(v) => parse_duration(v).ok_or_else(|| {
                err(
                    "INVITATION_RESEND_INTERVAL",
                    format!("expected a duration like 1m or 30s, or 0 for none, got {v:?}"),
                )
            })?,
            None => Duration::from_secs(60),
        };

        let mail_claim_timeout = match get("MAIL_CLAIM_TIMEOUT") {
            Some(v) => parse_duration(&v)
                .filter(|d| *d >= Duration::from_secs(1))
                .ok_or_else(|| {
                    err(
                        "MAIL_CLAIM_TIMEOUT",
                        format!("expected a duration of at least 1s, like 20s, got {v:?}"),
                    )
                })?,
            None => Duration::from_secs(20),
        };

        let lifetime = |var: &'static str, default: Duration| -> Result<Duration, ConfigError> {
            match get(var) {
                Some(v) => parse_duration(&v)
                    .filter(|d| *d >= Duration::from_secs(60))
                    .ok_or_else(|| {
                        err(
                            var,
                            format!("expected a duration of at least 1m, like 7d or 12h, got {v:?}"),
                        )
                    }),
                None => Ok(default),
            }
        };
        let session_idle = lifetime("SESSION_IDLE", Duration::from_secs(7 * 86_400))?;
        let session_max = lifetime("SESSION_MAX", Duration::from_secs(30 * 86_400))?;

        let count = |var: &'static str, default: u32| -> Result<u32, ConfigError> {
            match get(var) {
                Some(v) => v
                    .trim()
                    .parse::<u32>()
                    .map_err(|_| err(var, format!("expected a whole number (0 for no limit), got {v:?}"))),
                None => Ok(default),
            }
        };
        let invitations_per_hour_per_workspace = count("INVITATIONS_PER_HOUR_PER_WORKSPACE", 1000)?;
        let invitations_per_hour_per_inviter = count("INVITATIONS_PER_HOUR_PER_INVITER", 1000)?;

        let dev_mailbox_forced = match get("DEV_MAILBOX").as_deref() {
            None | Some("0") | Some("false") => false,
            Some("1") | Some("true") => true,
            Some(v) => {
                return Err(err("DEV_MAILBOX", format!("expected true or false, got {v:?}")));
            }
        };

        let oidc = oidc_settings(&get)?;
        let dkim = dkim_settings(&get)?;
        let shutdown_grace = match get("SHUTDOWN_GRACE").as_deref().map(str::trim) {
            None => Duration::from_secs(5),
            Some("0") | Some("0s") => Duration::ZERO,
            Some(v) => parse_duration(v).ok_or_else(|| {
                err(
                    "SHUTDOWN_GRACE",
                    format!("expected a duration like 5s or 0 for none, got {v:?}"),
                )
            })?,
        };
        let max_seats_per_workspace = match get("MAX_SEATS_PER_WORKSPACE") {
            Some(v) => Some(v.trim().parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                err(
                    "MAX_SEATS_PER_WORKSPACE",
                    format!("expected a whole number of seats, 1 or more, got {v:?}"),
                )
            })?),
            None => None,
        };

        let audit_retention = match get("AUDIT_RETENTION") {
            Some(v) => parse_duration(&v).ok_or_else(|| {
                err(
                    "AUDIT_RETENTION",
                    format!("expected a duration like 400d or 90d, got {v:?}"),
                )
            })?,
            None => Duration::from_secs(400 * 86_400),
        };

        let metrics_addr = match get("METRICS_ADDR") {
            Some(v) => Some(v.parse::<SocketAddr>().map_err(|_| {
                err(
                    "METRICS_ADDR",
                    format!("expected an address like 127.0.0.1:9100, got {v:?}"),
                )
            })?),
            None => None,
        };
        let metrics_token = match get("METRICS_TOKEN") {
            Some(v) if v.trim().len() < 16 => {
                return Err(err(
                    "METRICS_TOKEN",
                    "expected at least 16 characters (say, openssl rand -hex 32)".into(),
                ));
            }
            Some(v) => Some(Secret(v.trim().to_string())),
            None => None,
        };

        let trusted_proxies = match get("TRUSTED_PROXIES") {
            Some(v) => v
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse::<ipnet::IpNet>()
                        .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                        .map_err(|_| {
                            err(
                                "TRUSTED_PROXIES",
                                format!("expected addresses or networks like 10.0.0.0/8, got {s:?}"),
                            )
                        })
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => Vec::new(),
        };

        let site_root = get("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into());
        let hash_file = get("LEPTOS_HASH_FILE_NAME").unwrap_or_else(|| "hash.txt".into());

        Ok(Config {
            database_url: Secret(database_url),
            database_max_connections,
            database_acquire_timeout,
            smtp_url,
            mail_from,
            base_url,
            listen,
            invitation_ttl,
            resend_interval,
            mail_claim_timeout,
            session_idle,
            session_max,
            invitations_per_hour_per_workspace,
            invitations_per_hour_per_inviter,
            dev_mailbox_forced,
            site_root,
            hash_file,
            oidc,
            dkim,
            shutdown_grace,
            max_seats_per_workspace,
            audit_retention,
            metrics_addr,
            metrics_token,
            trusted_proxies,
        })
    }

    /// The database pool's size, as configured.
    pub fn pool_size(&self) -> super::db::PoolSize {
        super::db::PoolSize {
            max_connections: self.database_max_connections,
            acquire_timeout: self.database_acquire_timeout,
        }
    }

    /// The dev mailbox shows live invitation links, so it exists only without
    /// SMTP and only on loopback, unless forced on.
    pub fn dev_mailbox_enabled(&self) -> bool {
        self.smtp_url.is_none() && (self.listen.ip().is_loopback() || self.dev_mailbox_forced)
    }

    /// Cookies get `Secure` when people reach the app over https.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.scheme() == "https"
    }

    /// An absolute URL for `path` (which starts with `/`).
    pub fn url_for(&self, path: &str) -> String {
        format!("{}{}", self.base_url.as_str().trim_end_matches('/'), path)
    }
}

/// Variables that `what` needs together: all of them, or none (`None`). One
/// set without the others is an error naming the first one missing.
fn together<const N: usize>(
    get: &impl Fn(&str) -> Option<String>,
    vars: [&'static str; N],
    what: &str,
) -> Result<Option<[String; N]>, ConfigError> {
    let values = vars.map(get);
    if values.iter().all(Option::is_none) {
        return Ok(None);
    }
    if let Some(i) = values.iter().position(Option::is_none) {
        let (last, rest) = vars.split_last().expect("at least one variable");
        return Err(ConfigError {
            var: vars[i],
            message: format!("{what} needs {} and {last} together", rest.join(", ")),
        });
    }
    Ok(Some(values.map(|v| v.unwrap_or_default())))
}

/// The provider's settings: all three of issuer, client id and secret, or
/// none of them.
fn oidc_settings(get: &impl Fn(&str) -> Option<String>) -> Result<Option<OidcSettings>, ConfigError> {
    let err = |var, message: String| ConfigError { var, message };
    let Some([issuer, client_id, client_secret]) = together(
        get,
        ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"],
        "company sign-in",
    )?
    else {
        return Ok(None);
    };
    let issuer = Url::parse(issuer.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "https" | "http") && u.host_str().is_some() && u.query().is_none())
        .ok_or_else(|| {
            err(
                "OIDC_ISSUER",
                format!("expected the provider's issuer URL, like https://login.example.com, got {issuer:?}"),
            )
        })?;
    let display_name = get("OIDC_DISPLAY_NAME").map_or_else(|| "SSO".to_string(), |n| n.trim().to_string());
    if display_name.chars().count() > 40 {
        return Err(err(
            "OIDC_DISPLAY_NAME",
            "expected a short name for the button (40 characters at most)".into(),
        ));
    }
    Ok(Some(OidcSettings {
        issuer,
        client_id: client_id.trim().to_string(),
        client_secret: Secret(client_secret),
        display_name,
    }))
}

/// The signing settings: domain, selector and key file together, or none.
fn dkim_settings(get: &impl Fn(&str) -> Option<String>) -> Result<Option<DkimSettings>, ConfigError> {
    let err = |var, message: String| ConfigError { var, message };
    let Some([domain, selector, key_file]) = together(
        get,
        ["DKIM_DOMAIN", "DKIM_SELECTOR", "DKIM_PRIVATE_KEY_FILE"],
        "signed mail",
    )?
    else {
        if get("DKIM_ALGORITHM").is_some() {
            return Err(err(
                "DKIM_ALGORITHM",
                "set with DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE".into(),
            ));
        }
        return Ok(None);
    };
    let (domain, selector) = (domain.trim().to_lowercase(), selector.trim().to_string());
    let label = |v: &str| {
        !v.is_empty()
            && v.split('.').all(|part| {
                !part.is_empty()
                    && part.len() <= 63
                    && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            })
    };
    if !label(&domain) || !domain.contains('.') {
        return Err(err(
            "DKIM_DOMAIN",
            format!("expected a domain like example.com, got {domain:?}"),
        ));
    }
    if !label(&selector) {
        return Err(err(
            "DKIM_SELECTOR",
            format!("expected a selector like boardroom or mail2026, got {selector:?}"),
        ));
    }
    let algorithm = match get("DKIM_ALGORITHM").as_deref().map(str::trim) {
        None | Some("rsa") => DkimAlgorithm::Rsa,
        Some("ed25519") => DkimAlgorithm::Ed25519,
        Some(v) => return Err(err("DKIM_ALGORITHM", format!("expected rsa or ed25519, got {v:?}"))),
    };
    Ok(Some(DkimSettings {
        domain,
        selector,
        key_file: key_file.into(),
        algorithm,
    }))
}

fn parse_duration(v: &str) -> Option<Duration> {
    let v = v.trim();
    let split = v.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = v.split_at(split);
    let n: u64 = n.parse().ok().filter(|n| *n > 0)?;
    let secs = match unit {
        "d" => n.checked_mul(86_400)?,
        "h" => n.checked_mul(3_600)?,
        "m" => n.checked_mul(60)?,
        "s" => n,
        _ => return None,
    };
    Some(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| vars.get(k).cloned())
    }

    #[test]
    fn defaults_run_on_a_laptop() {
        let c = config(&[]).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(c.invitation_ttl, Duration::from_secs(7 * 86_400));
        assert_eq!(c.resend_interval, Duration::from_secs(60));
        assert_eq!(
            config(&[("INVITATION_RESEND_INTERVAL", "0")]).unwrap().resend_interval,
            Duration::ZERO
        );
        assert!(c.dev_mailbox_enabled());
        assert_eq!(
            (c.session_idle, c.session_max),
            (Duration::from_secs(7 * 86_400), Duration::from_secs(30 * 86_400))
        );
        assert_eq!(c.url_for("/invite/x"), "http://127.0.0.1:3000/invite/x");
        assert_eq!(c.shutdown_grace, Duration::from_secs(5));
        assert_eq!(
            config(&[("SHUTDOWN_GRACE", "0")]).unwrap().shutdown_grace,
            Duration::ZERO
        );
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (var, value) in [
            ("LISTEN_ADDR", "localhost"),
            ("DATABASE_URL", "mysql://x"),
            ("SMTP_URL", "http://mail"),
            ("BASE_URL", "ftp://x"),
            ("SESSION_IDLE", "10s"),
            ("SESSION_MAX", "forever"),
            ("INVITATION_TTL", "7 weeks"),
            ("INVITATION_RESEND_INTERVAL", "soon"),
            ("DATABASE_MAX_CONNECTIONS", "0"),
            ("INVITATIONS_PER_HOUR_PER_WORKSPACE", "many"),
            ("INVITATIONS_PER_HOUR_PER_INVITER", "-1"),
            ("DATABASE_ACQUIRE_TIMEOUT", "forever"),
            ("DEV_MAILBOX", "maybe"),
            ("MAIL_CLAIM_TIMEOUT", "0s"),
            ("MAIL_FROM", "not an address"),
            ("MAX_SEATS_PER_WORKSPACE", "0"),
            ("SHUTDOWN_GRACE", "soon"),
        ] {
            let e = config(&[(var, value)]).unwrap_err();
            assert_eq!(e.var, var);
        }
    }

    #[test]
    fn dev_mailbox_is_off_with_smtp_or_off_loopback() {
        assert!(
            !config(&[("SMTP_URL", "smtp://127.0.0.1:1025")])
                .unwrap()
                .dev_mailbox_enabled()
        );
        assert!(
            !config(&[("LISTEN_ADDR", "0.0.0.0:3000")])
                .unwrap()
                .dev_mailbox_enabled()
        );
        assert!(
            config(&[("LISTEN_ADDR", "0.0.0.0:3000"), ("DEV_MAILBOX", "true")])
                .unwrap()
                .dev_mailbox_enabled()
        );
    }

    #[test]
    fn company_sign_in_needs_all_three_settings() {
        assert!(config(&[]).unwrap().oidc.is_none());
        let set = [
            ("OIDC_ISSUER", "https://login.example.com"),
            ("OIDC_CLIENT_ID", "boardroom"),
            ("OIDC_CLIENT_SECRET", "hunter2"),
        ];
        let oidc = config(&set).unwrap().oidc.unwrap();
        assert_eq!(
            (oidc.client_id.as_str(), oidc.display_name.as_str()),
            ("boardroom", "SSO")
        );
        assert!(!format!("{oidc:?}").contains("hunter2"));
        let e = config(&[set[0], set[2]]).unwrap_err();
        assert_eq!(e.var, "OIDC_CLIENT_ID");
        let e = config(&[("OIDC_ISSUER", "login.example.com"), set[1], set[2]]).unwrap_err();
        assert_eq!(e.var, "OIDC_ISSUER");
    }

    #[test]
    fn signed_mail_needs_domain_selector_and_key() {
        assert!(config(&[]).unwrap().dkim.is_none());
        let set = [
            ("DKIM_DOMAIN", "Example.com"),
            ("DKIM_SELECTOR", "boardroom"),
            ("DKIM_PRIVATE_KEY_FILE", "/etc/boardroom/dkim.pem"),
        ];
        let dkim = config(&set).unwrap().dkim.unwrap();
        assert_eq!(
            (dkim.domain.as_str(), dkim.selector.as_str(), dkim.algorithm),
            ("example.com", "boardroom", DkimAlgorithm::Rsa)
        );
        let ed = config(&[set[0], set[1], set[2], ("DKIM_ALGORITHM", "ed25519")]).unwrap();
        assert_eq!(ed.dkim.unwrap().algorithm, DkimAlgorithm::Ed25519);
        assert_eq!(config(&[set[0], set[2]]).unwrap_err().var, "DKIM_SELECTOR");
        assert_eq!(config(&[("DKIM_ALGORITHM", "rsa")]).unwrap_err().var, "DKIM_ALGORITHM");
        for (var, bad) in [
            ("DKIM_DOMAIN", "localhost"),
            ("DKIM_SELECTOR", "a b"),
            ("DKIM_ALGORITHM", "dsa"),
        ] {
            let mut vars = set.to_vec();
            vars.push((var, bad));
            assert_eq!(config(&vars).unwrap_err().var, var, "{bad}");
        }
    }

    #[test]
    fn secrets_do_not_print() {
        let c = config(&[("SMTP_URL", "smtps://u:hunter2@mail.example.com")]).unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
