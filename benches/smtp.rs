//! What `TCP_NODELAY` is worth on SMTP: the same 1,000 invitation-sized
//! messages to a local listener, 16 at once, through lettre's own pooled
//! transport (its sockets as lettre opens them, with Nagle's algorithm on)
//! and through the app's `mail::smtp::Pool` (its sockets opened with
//! `TCP_NODELAY`). The listener's kernel delays its ACKs, as Linux does by
//! default, so that with Nagle on each message's closing dot waits for the
//! ACK of its body.
//!
//!   cargo bench --features ssr --bench smtp -- PORT
//!
//! (`make bench` points it at `scripts/bench/smtp_sink.py`.) Prints one
//! Markdown row per transport.

use futures_util::StreamExt;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::{Duration, Instant};

const MESSAGES: usize = 1_000;
const AT_ONCE: usize = 16;

/// A message of an invitation's size: a plain part and an HTML part.
fn message(n: usize) -> Message {
    let to: Mailbox = format!("smtp-bench-{n}@bench.example").parse().expect("an address");
    let text = "Ada Lovelace (ada@bench.example) invited you to join Acme on Boardroom.\n".repeat(10);
    let html = format!(
        "<p>{}</p>",
        "Ada Lovelace invited you to join <b>Acme</b> on Boardroom. ".repeat(40)
    );
    Message::builder()
        .from("Boardroom <boardroom@bench.example>".parse().expect("an address"))
        .to(to)
        .subject("Ada Lovelace invited you to join Acme on Boardroom")
        .multipart(MultiPart::alternative_plain_html(text, html))
        .expect("a message")
}

/// Sends every message, `AT_ONCE` at a time, through `send`; the time taken.
async fn time<F, Fut>(send: F) -> Duration
where
    F: Fn(Message) -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let started = Instant::now();
    futures_util::stream::iter(0..MESSAGES)
        .for_each_concurrent(AT_ONCE, |n| {
            let sent = send(message(n));
            async move { sent.await.expect("the listener takes every message") }
        })
        .await;
    started.elapsed()
}

fn row(what: &str, took: Duration) {
    let seconds = took.as_secs_f64();
    println!(
        "| {MESSAGES} messages, {AT_ONCE} at once, {what} | {seconds:.2} s ({:.0} messages/s) |",
        MESSAGES as f64 / seconds
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let port: u16 = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .and_then(|a| a.parse().ok())
        .expect("usage: cargo bench --features ssr --bench smtp -- PORT");

    let lettre_own = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(port)
        .pool_config(PoolConfig::new().max_size(AT_ONCE as u32))
        .build();
    let took = time(|m| {
        let transport = &lettre_own;
        async move { transport.send(m).await.map(drop).map_err(|e| e.to_string()) }
    })
    .await;
    row("lettre's own sockets (Nagle on)", took);

    let pool = boardroom::mail::smtp::Pool::new(&format!("smtp://127.0.0.1:{port}"), AT_ONCE, Duration::from_secs(20))
        .expect("a pool");
    let took = time(|m| {
        let pool = &pool;
        async move { pool.send(m.envelope(), &m.formatted()).await }
    })
    .await;
    row("the app's sockets (TCP_NODELAY)", took);
}
