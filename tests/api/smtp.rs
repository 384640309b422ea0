//! A real SMTP listener for tests: speaks enough SMTP for lettre and keeps each
//! message it receives.

use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// The subjects of the emails about an account (not about an invitation).
pub const ACCOUNT_SUBJECTS: &[&str] = &[
    "Confirm your email address for Boardroom",
    "Someone tried to sign up to Boardroom with your address",
    "Reset your Boardroom password",
    "Your Boardroom password was changed",
];

#[derive(Clone, Debug)]
pub struct ReceivedEmail {
    pub to: Vec<String>,
    pub raw: String,
}

impl ReceivedEmail {
    /// A header's value (unfolded).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self
            .raw
            .split("\r\n\r\n")
            .next()
            .unwrap_or_default()
            .replace("\r\n ", " ")
            .replace("\r\n\t", " ");
        head.lines().find_map(|l| {
            l.split_once(':')
                .filter(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim().to_string())
        })
    }

    /// The body with quoted-printable soft breaks and escapes undone.
    pub fn decoded(&self) -> String {
        let s = self.raw.replace("=\r\n", "");
        let mut out = String::with_capacity(s.len());
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'='
                && i + 2 < bytes.len()
                && bytes[i + 1].is_ascii_hexdigit()
                && bytes[i + 2].is_ascii_hexdigit()
            {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap() as char);
                i += 3;
            } else {
                out.push(bytes[i] as char);
                i += 1;
            }
        }
        out
    }

    /// The token of the invitation link in the email.
    pub fn invite_token(&self) -> String {
        self.token_of("/invite/")
    }

    /// The token of the email's link to `page` (`/reset/`, say).
    pub fn token_of(&self, page: &str) -> String {
        let re = regex::Regex::new(&format!("{}([A-Za-z0-9_-]{{43}})", regex::escape(page))).unwrap();
        re.captures(&self.decoded())
            .unwrap_or_else(|| panic!("no {page} link in the email"))[1]
            .to_string()
    }

    /// The subject line.
    pub fn subject(&self) -> String {
        self.header("Subject").unwrap_or_default()
    }
}

#[derive(Clone)]
pub struct SmtpServer {
    pub port: u16,
    inbox: Arc<Mutex<Vec<ReceivedEmail>>>,
    arrived: Arc<Notify>,
    /// Signalled when a message's data has been read, before it is acknowledged.
    pub receiving: Arc<Notify>,
    /// How long to wait before acknowledging a message (a slow server).
    delay: std::time::Duration,
    /// A message is acknowledged only with a permit: a held server gets none
    /// until `release`.
    permits: Arc<tokio::sync::Semaphore>,
    /// Messages being received right now, and the most there were at once.
    in_flight: Arc<std::sync::atomic::AtomicUsize>,
    pub most_at_once: Arc<std::sync::atomic::AtomicUsize>,
    /// Tells every connection waiting for a command to hang up, as a server
    /// does with a client quiet for too long.
    hang_up: Arc<Notify>,
    /// Connections accepted so far.
    pub connections: Arc<std::sync::atomic::AtomicUsize>,
}

impl SmtpServer {
    pub async fn start() -> SmtpServer {
        Self::start_slow(std::time::Duration::ZERO).await
    }

    pub async fn start_slow(delay: std::time::Duration) -> SmtpServer {
        Self::listen(delay, tokio::sync::Semaphore::MAX_PERMITS).await
    }

    /// A server that reads each message and then holds it, unacknowledged,
    /// until the test calls `release`.
    pub async fn start_held() -> SmtpServer {
        Self::listen(std::time::Duration::ZERO, 0).await
    }

    /// Closes every connection that is waiting for the client's next
    /// command (the idle ones a client keeps for its next message).
    pub fn hang_up_idle(&self) {
        self.hang_up.notify_waiters();
    }

    /// How many messages are being held (read, not yet acknowledged).
    /// (For `tests/query_count.rs`.)
    #[allow(dead_code)]
    pub fn holding(&self) -> usize {
        self.in_flight.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Lets one held message be acknowledged.
    pub fn release(&self) {
        self.permits.add_permits(1);
    }

    async fn listen(delay: std::time::Duration, permits: usize) -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = SmtpServer {
            port: listener.local_addr().unwrap().port(),
            inbox: Arc::default(),
            arrived: Arc::default(),
            receiving: Arc::default(),
            delay,
            permits: Arc::new(tokio::sync::Semaphore::new(permits)),
            in_flight: Arc::default(),
            most_at_once: Arc::default(),
            hang_up: Arc::default(),
            connections: Arc::default(),
        };
        let s = server.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let s = s.clone();
                tokio::spawn(async move { s.session(stream).await });
            }
        });
        server
    }

    async fn session(&self, stream: tokio::net::TcpStream) {
        self.connections.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read);
        let _ = write.write_all(b"220 test ESMTP\r\n").await;
        let mut to = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            let read = tokio::select! {
                read = lines.read_line(&mut line) => read.unwrap_or(0),
                _ = self.hang_up.notified() => 0,
            };
            if read == 0 {
                return;
            }
            let cmd = line.trim_end().to_ascii_uppercase();
            let reply: &[u8] = if cmd.starts_with("EHLO") {
                b"250-test\r\n250 8BITMIME\r\n"
            } else if cmd.starts_with("HELO")
                || cmd.starts_with("MAIL FROM")
                || cmd.starts_with("RSET")
                || cmd.starts_with("NOOP")
            {
                b"250 OK\r\n"
            } else if cmd.starts_with("RCPT TO") {
                to.push(line.trim_end()[8..].trim().trim_matches(['<', '>']).to_string());
                b"250 OK\r\n"
            } else if cmd == "DATA" {
                let _ = write.write_all(b"354 go ahead\r\n").await;
                let mut raw = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    raw.push_str(
                        line.strip_prefix('.')
                            .filter(|_| line.starts_with(".."))
                            .unwrap_or(&line),
                    );
                }
                self.receiving.notify_waiters();
                use std::sync::atomic::Ordering::SeqCst;
                let now = self.in_flight.fetch_add(1, SeqCst) + 1;
                self.most_at_once.fetch_max(now, SeqCst);
                tokio::time::sleep(self.delay).await;
                match self.permits.acquire().await {
                    Ok(permit) => permit.forget(),
                    Err(_) => return,
                }
                self.in_flight.fetch_sub(1, SeqCst);
                self.inbox.lock().unwrap().push(ReceivedEmail {
                    to: std::mem::take(&mut to),
                    raw,
                });
                self.arrived.notify_waiters();
                b"250 queued\r\n"
            } else if cmd == "QUIT" {
                let _ = write.write_all(b"221 bye\r\n").await;
                return;
            } else {
                b"502 not implemented\r\n"
            };
            if write.write_all(reply).await.is_err() {
                return;
            }
        }
    }

    pub fn received(&self) -> Vec<ReceivedEmail> {
        self.inbox.lock().unwrap().clone()
    }

    /// Waits (up to 60 s) until `count` emails have arrived in all.
    pub async fn wait_for_count(&self, count: usize) {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let arrived = self.arrived.notified();
            if self.received().len() >= count {
                return;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                panic!("{} emails of {count} within 60 s", self.received().len());
            }
        }
    }

    /// Waits (up to 60 s, for a loaded machine) until `count` emails about
    /// invitations have arrived for `to`, and returns the newest. (Emails
    /// about the account itself, like the link that confirms a sign-up, are
    /// waited for by subject: `wait_for_subject`.)
    pub async fn wait_for(&self, to: &str, count: usize) -> ReceivedEmail {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let arrived = self.arrived.notified();
            let mine: Vec<_> = self
                .received()
                .into_iter()
                .filter(|e| e.to.iter().any(|t| t == to) && !ACCOUNT_SUBJECTS.contains(&e.subject().as_str()))
                .collect();
            if mine.len() >= count {
                return mine.last().unwrap().clone();
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                panic!(
                    "no email #{count} for {to} within 60 s; got {:?}",
                    self.received().iter().map(|e| &e.to).collect::<Vec<_>>()
                );
            }
        }
    }

    /// Waits (up to 60 s) until `count` emails with `subject` have arrived
    /// for `to`, and returns the newest.
    pub async fn wait_for_subject(&self, to: &str, subject: &str, count: usize) -> ReceivedEmail {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let arrived = self.arrived.notified();
            let mine: Vec<_> = self
                .received()
                .into_iter()
                .filter(|e| e.to.iter().any(|t| t == to) && e.subject() == subject)
                .collect();
            if mine.len() >= count {
                return mine.last().unwrap().clone();
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                panic!("no email #{count} {subject:?} for {to} within 60 s");
            }
        }
    }
}
