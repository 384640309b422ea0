//! Signed mail: every email sent through SMTP carries a DKIM signature that
//! an independent verifier (dkimpy, given the public key directly) accepts
//! on the message exactly as the SMTP server received it, and rejects once
//! the body is altered.

use crate::harness::{Backend, TestApp};
use crate::on_both_databases;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/dkim");

/// What dkimpy says of `raw` for the key published as `public` (a p= value).
fn verifies(raw: &str, algorithm: &str, public: &str) -> bool {
    let file = std::env::temp_dir().join(format!("boardroom-dkim-{}.eml", uuid::Uuid::new_v4()));
    std::fs::write(&file, raw).unwrap();
    let out = std::process::Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/target/pyenv/bin/python"))
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/dkim_verify.py"))
        .args([
            file.to_str().unwrap(),
            "mail.example.com",
            "boardroom",
            algorithm,
            public,
        ])
        .output()
        .expect("dkimpy in target/pyenv (scripts/setup.sh --test)");
    // KEEP_EML=1 keeps the message for a look.
    if std::env::var("KEEP_EML").is_err() {
        std::fs::remove_file(&file).ok();
    }
    match out.status.code() {
        Some(0) => true,
        Some(1) => false,
        _ => panic!("the verifier failed: {}", String::from_utf8_lossy(&out.stderr)),
    }
}

/// Sends an invitation with the app signing by `key` and checks the result.
async fn signed_with(backend: Backend, key: &str, algorithm: &str, public_file: &str) {
    let key_file = format!("{FIXTURES}/{key}");
    let app = TestApp::spawn_with(
        backend,
        &[
            ("DKIM_DOMAIN", "mail.example.com"),
            ("DKIM_SELECTOR", "boardroom"),
            ("DKIM_PRIVATE_KEY_FILE", &key_file),
            ("DKIM_ALGORITHM", algorithm),
        ],
    )
    .await;
    let (owner, ws) = app.owner("Ada", "ada@example.com", "Acme").await;
    owner.invite(&ws, "jon@example.com").await.ok();
    let email = app.smtp.wait_for("jon@example.com", 1).await;
    let signature = email.header("DKIM-Signature").expect("the email is signed");
    let algo = if algorithm == "rsa" {
        "rsa-sha256"
    } else {
        "ed25519-sha256"
    };
    assert!(signature.contains(&format!("a={algo}")), "{signature}");
    assert!(signature.contains("d=mail.example.com") && signature.contains("s=boardroom"));
    for header in ["From", "To", "Subject", "Date", "Message-ID"] {
        let signed = signature
            .split("h=")
            .nth(1)
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_lowercase();
        assert!(
            signed.contains(&header.to_lowercase()),
            "{header} is signed: {signature}"
        );
    }
    let public = std::fs::read_to_string(format!("{FIXTURES}/{public_file}")).unwrap();
    assert!(verifies(&email.raw, algorithm, public.trim()), "the signature verifies");

    // An email about an account (no Reply-To) is signed too.
    app.person().start_sign_up("Kim", "kim@example.com", "Kim's").await;
    let about_account = app
        .smtp
        .wait_for_subject("kim@example.com", "Confirm your email address for Boardroom", 1)
        .await;
    assert!(
        verifies(&about_account.raw, algorithm, public.trim()),
        "an account email verifies"
    );

    // One changed word in the body: the signature no longer holds.
    let (head, body) = email.raw.split_once("\r\n\r\n").unwrap();
    let altered = format!("{head}\r\n\r\n{}", body.replacen("invited", "inv1ted", 1));
    assert_ne!(altered, email.raw);
    assert!(!verifies(&altered, algorithm, public.trim()), "an altered body fails");
    // And another key's record does not verify it.
    let other = if algorithm == "rsa" { "ed25519.pub" } else { "rsa.pub" };
    let other = std::fs::read_to_string(format!("{FIXTURES}/{other}")).unwrap();
    assert!(!verifies(&email.raw, algorithm, other.trim()));
    app.stop().await;
}

async fn rsa_pkcs1_signs_every_email(backend: Backend) {
    signed_with(backend, "rsa-pkcs1.pem", "rsa", "rsa.pub").await;
}

async fn rsa_pkcs8_signs_every_email(backend: Backend) {
    signed_with(backend, "rsa-pkcs8.pem", "rsa", "rsa.pub").await;
}

async fn ed25519_signs_every_email(backend: Backend) {
    signed_with(backend, "ed25519.seed", "ed25519", "ed25519.pub").await;
}

on_both_databases!(
    rsa_pkcs1_signs_every_email,
    rsa_pkcs8_signs_every_email,
    ed25519_signs_every_email,
);

/// A key that cannot be used stops start-up, naming the variable.
#[tokio::test]
async fn a_bad_key_stops_start_up() {
    sqlx::any::install_default_drivers();
    for (file, algorithm) in [
        ("rsa.pub", "rsa"),
        ("ed25519.seed", "rsa"),
        ("rsa-pkcs1.pem", "ed25519"),
        ("no-such-file.pem", "rsa"),
    ] {
        let dir = std::env::temp_dir().join("boardroom-tests");
        std::fs::create_dir_all(&dir).unwrap();
        let db = format!(
            "sqlite://{}",
            dir.join(format!("{}.db", uuid::Uuid::new_v4())).display()
        );
        let key = format!("{FIXTURES}/{file}");
        let vars = [
            ("DATABASE_URL", db.as_str()),
            ("SMTP_URL", "smtp://127.0.0.1:9"),
            ("DKIM_DOMAIN", "mail.example.com"),
            ("DKIM_SELECTOR", "boardroom"),
            ("DKIM_PRIVATE_KEY_FILE", key.as_str()),
            ("DKIM_ALGORITHM", algorithm),
        ];
        let config = boardroom::platform::config::Config::from_lookup(|k| {
            vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        })
        .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let stopped = boardroom::server::serve(config, listener, std::future::pending()).await;
        let message = stopped.expect_err("a bad key stops start-up");
        assert!(message.starts_with("DKIM_PRIVATE_KEY_FILE:"), "{file}: {message}");
    }
}
