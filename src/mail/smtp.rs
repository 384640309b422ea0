//! SMTP connections, pooled, each on a socket this module opens with
//! `TCP_NODELAY`.
//!
//! lettre writes a message's body and its closing dot in two writes. On a
//! socket with Nagle's algorithm on, the dot then waits for the server to
//! acknowledge the body, which a server delaying its ACKs does ~40 ms later:
//! every message took that long, however fast the server. lettre 0.11.23 sets
//! no option on the sockets it opens (fixed upstream, not yet released), so
//! plain and STARTTLS connections are opened here and handed to lettre's
//! `AsyncSmtpConnection`. Implicit TLS (`smtps://`) still goes through
//! lettre's own socket.

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, Semaphore};

/// How TLS is used, as `SMTP_URL` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tls {
    None,
    /// STARTTLS, refusing a server that does not offer it (`?tls=required`).
    Required,
    /// STARTTLS when offered (`?tls=opportunistic`).
    Opportunistic,
    /// TLS from the first byte (`smtps://`).
    Wrapper,
}

/// Where and how to connect, read from `SMTP_URL` as lettre reads it.
#[derive(Clone, Debug)]
struct Server {
    host: String,
    port: u16,
    tls: Tls,
    credentials: Option<Credentials>,
    hello: ClientId,
}

impl Server {
    fn from_url(raw: &str) -> Result<Server, String> {
        let url = url::Url::parse(raw).map_err(|e| format!("not a URL ({e})"))?;
        let host = url.host_str().ok_or("the URL names no host")?.to_string();
        let tls_param = url.query_pairs().find(|(k, _)| k == "tls").map(|(_, v)| v.to_string());
        let (tls, port) = match (url.scheme(), tls_param.as_deref()) {
            ("smtp", None) => (Tls::None, 25),
            ("smtp", Some("required")) => (Tls::Required, 587),
            ("smtp", Some("opportunistic")) => (Tls::Opportunistic, 587),
            ("smtps", _) => (Tls::Wrapper, 465),
            (scheme, tls) => return Err(format!("unknown scheme {scheme:?} or tls={tls:?}")),
        };
        let decode =
            |s: &str| percent_decode(s).ok_or_else(|| "the user or password is not UTF-8 once decoded".to_string());
        let credentials = match url.password() {
            Some(password) => Some(Credentials::new(decode(url.username())?, decode(password)?)),
            None => None,
        };
        let path = url.path().trim_matches('/');
        let hello = if path.is_empty() {
            ClientId::default()
        } else {
            ClientId::Domain(path.to_string())
        };
        Ok(Server {
            port: url.port().unwrap_or(port),
            host,
            tls,
            credentials,
            hello,
        })
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// How long a connection may sit idle and still be reused. Servers hang up
/// on a quiet client (maildev after a minute, Postfix after five); a
/// connection idle for longer is closed rather than found dead when the next
/// message is due.
const IDLE_FOR: Duration = Duration::from_secs(30);

/// Open SMTP connections, reused from one message to the next, at most
/// `size` at once.
pub struct Pool {
    server: Server,
    timeout: Duration,
    /// Connections waiting for a message, with when each became idle.
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
    slots: Semaphore,
}

impl Pool {
    pub fn new(url: &str, size: usize, timeout: Duration) -> Result<Pool, String> {
        Ok(Pool {
            server: Server::from_url(url)?,
            timeout,
            idle: Mutex::new(Vec::new()),
            slots: Semaphore::new(size),
        })
    }

    /// Sends `message` (its bytes as they go out) to `envelope`'s recipients
    /// on a free connection, opening one when none is idle. A connection
    /// that failed is closed, never reused. When a reused connection fails
    /// without the server having answered (it had hung up while the
    /// connection was idle), the message goes at once on a new connection
    /// rather than waiting for the outbox's retry.
    pub async fn send(&self, envelope: &Envelope, message: &[u8]) -> Result<(), String> {
        let _slot = self.slots.acquire().await.map_err(|e| e.to_string())?;
        if let Some(conn) = self.reuse().await {
            match self.send_on(conn, envelope, message).await {
                Err(Failure::NoAnswer(e)) => {
                    tracing::debug!(error = %e, "SMTP: a reused connection had closed; sending on a new one");
                }
                outcome => return outcome.map_err(Failure::into_message),
            }
        }
        let conn = tokio::time::timeout(self.timeout, self.connect())
            .await
            .map_err(|_| format!("no answer from the SMTP server within {:?}", self.timeout))??;
        self.send_on(conn, envelope, message)
            .await
            .map_err(Failure::into_message)
    }

    /// An idle connection still fit to use; those idle too long are closed.
    async fn reuse(&self) -> Option<AsyncSmtpConnection> {
        loop {
            let (conn, since) = self.idle.lock().await.pop()?;
            if !conn.has_broken() && since.elapsed() < IDLE_FOR {
                return Some(conn);
            }
            drop(conn);
        }
    }

    /// Sends on `conn` and keeps it for the next message if that went well.
    async fn send_on(&self, mut conn: AsyncSmtpConnection, envelope: &Envelope, message: &[u8]) -> Result<(), Failure> {
        match tokio::time::timeout(self.timeout, conn.send(envelope, message)).await {
            Ok(Ok(_)) => {
                self.idle.lock().await.push((conn, Instant::now()));
                Ok(())
            }
            Ok(Err(e)) => {
                conn.abort().await;
                if e.is_transient() || e.is_permanent() {
                    Err(Failure::Answered(e.to_string()))
                } else {
                    Err(Failure::NoAnswer(e.to_string()))
                }
            }
            Err(_) => {
                conn.abort().await;
                Err(Failure::Answered(format!(
                    "the SMTP server took longer than {:?}",
                    self.timeout
                )))
            }
        }
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, String> {
        let s = &self.server;
        let tls = || TlsParameters::new(s.host.clone()).map_err(|e| e.to_string());
        let mut conn = if s.tls == Tls::Wrapper {
            AsyncSmtpConnection::connect_tokio1(
                (s.host.as_str(), s.port),
                Some(self.timeout),
                &s.hello,
                Some(tls()?),
                None,
            )
            .await
            .map_err(|e| e.to_string())?
        } else {
            let socket = tokio::net::TcpStream::connect((s.host.as_str(), s.port))
                .await
                .map_err(|e| format!("cannot connect to {}:{} ({e})", s.host, s.port))?;
            socket.set_nodelay(true).map_err(|e| e.to_string())?;
            let mut conn = AsyncSmtpConnection::connect_with_transport(Box::new(socket), &s.hello)
                .await
                .map_err(|e| e.to_string())?;
            match s.tls {
                Tls::Required if !conn.can_starttls() => {
                    conn.abort().await;
                    return Err("the SMTP server does not offer STARTTLS, which tls=required asks for".into());
                }
                Tls::Required | Tls::Opportunistic if conn.can_starttls() => {
                    conn.starttls(tls()?, &s.hello).await.map_err(|e| e.to_string())?;
                }
                _ => {}
            }
            conn
        };
        if let Some(credentials) = &s.credentials {
            conn.auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok(conn)
    }
}

/// How sending on one connection failed.
enum Failure {
    /// The server answered with an error, or took too long to answer.
    Answered(String),
    /// The connection broke before the server answered anything.
    NoAnswer(String),
}

impl Failure {
    fn into_message(self) -> String {
        match self {
            Failure::Answered(e) | Failure::NoAnswer(e) => e,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_read_as_lettre_reads_them() {
        let plain = Server::from_url("smtp://127.0.0.1:1025").unwrap();
        assert_eq!(
            (plain.host.as_str(), plain.port, plain.tls),
            ("127.0.0.1", 1025, Tls::None)
        );
        assert!(plain.credentials.is_none());
        let submission = Server::from_url("smtp://u%40x:p%25w@mail.example.com/client.example?tls=required").unwrap();
        assert_eq!((submission.port, submission.tls), (587, Tls::Required));
        assert_eq!(
            submission.credentials,
            Some(Credentials::new("u@x".into(), "p%w".into()))
        );
        assert_eq!(submission.hello, ClientId::Domain("client.example".into()));
        let wrapped = Server::from_url("smtps://mail.example.com").unwrap();
        assert_eq!((wrapped.port, wrapped.tls), (465, Tls::Wrapper));
        assert!(Server::from_url("smtp://mail.example.com?tls=sometimes").is_err());
    }
}
