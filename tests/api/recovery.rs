//! Getting back in after a forgotten password: the emailed link, the host's
//! link, and what a reset ends.

use crate::harness::{Backend, Person, TestApp};
use crate::on_both_databases;
use boardroom::domain::User;

on_both_databases!(
    a_forgotten_password_is_reset_through_the_emailed_link,
    an_unknown_address_gets_the_same_answer_and_no_email,
    reset_requests_are_limited_per_address_and_per_client,
    only_the_newest_link_works_and_only_for_an_hour,
    a_reset_ends_the_api_tokens_of_an_account_whose_address_was_never_proven,
    the_host_prints_a_reset_link,
    two_uses_of_one_reset_link_at_once_one_wins,
);

const NEW: &str = "a much better one";
const RESET: &str = "Reset your Boardroom password";

async fn signed_in(person: &Person) -> bool {
    person
        .call::<Option<User>>("get_current_user", &[])
        .await
        .ok()
        .is_some()
}

async fn ask(person: &Person, email: &str) -> crate::harness::Answer<String> {
    person.call("request_password_reset", &[("email", email)]).await
}

async fn a_forgotten_password_is_reset_through_the_emailed_link(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    app.person().sign_up("Ada", "ada@example.com", "Acme").await;
    ada.sign_in("ada@example.com", "correct horse").await.ok();
    let laptop = app.person();
    laptop.sign_in("ada@example.com", "correct horse").await.ok();

    // Asked from a browser that says it is another host: the link is still
    // built from BASE_URL.
    let asked = app
        .person()
        .http
        .post(format!("{}/api/request_password_reset", app.address))
        .header("Host", "evil.example")
        .form(&[("email", " ADA@example.com ")])
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 200);
    let said: String = asked.json().await.unwrap();
    assert!(
        said.starts_with("If ada@example.com has a Boardroom account, a link"),
        "{said}"
    );

    let email = app.smtp.wait_for_subject("ada@example.com", RESET, 1).await;
    assert_eq!(email.subject(), "Reset your Boardroom password");
    assert!(email.header("Message-ID").is_some());
    let body = email.decoded();
    assert!(body.contains("Content-Type: text/plain") && body.contains("Content-Type: text/html"));
    let token = email.token_of("/reset/");
    assert!(body.contains(&format!("{}/reset/{token}", app.address)), "{body}");
    assert!(body.contains("The link works once, until"));

    let page = app.person().get(&format!("/reset/{token}")).await;
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    let html = page.text().await.unwrap();
    assert!(html.contains("Choose a new password") && html.contains("ada@example.com"));

    // A bad password changes nothing and keeps the link.
    let short = app
        .person()
        .call::<()>("reset_password", &[("token", &token), ("password", "short")])
        .await;
    assert_eq!(short.status, 422);
    assert!(signed_in(&ada).await);
    // Posted as a plain form from the page, which sends no referrer (so its
    // Origin is null): the browser's word that it is this site is taken, and
    // the answer goes back to the page the form names, with what went wrong.
    let back = format!("/reset/{token}");
    let plain = app
        .person()
        .http
        .post(format!("{}/api/reset_password", app.address))
        .header("Accept", "text/html")
        .header("Origin", "null")
        .header("Sec-Fetch-Site", "same-origin")
        .form(&[("back", back.as_str()), ("token", &token), ("password", "short")])
        .send()
        .await
        .unwrap();
    assert!(plain.status().is_redirection(), "{}", plain.status());
    let location = plain.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with(&format!("{}{back}?", app.address)), "{location}");
    assert!(signed_in(&ada).await);

    let stranger = app.person();
    let done = stranger
        .call::<()>("reset_password", &[("token", &token), ("password", NEW)])
        .await;
    assert_eq!(done.redirect.as_deref(), Some("/signin?reset=1"));
    done.ok();
    // No one is signed in by the reset, and everyone who was is signed out.
    assert!(!signed_in(&stranger).await);
    assert!(!signed_in(&ada).await);
    assert!(!signed_in(&laptop).await);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions WHERE user_id <> $1", "").await,
        0
    );

    assert_eq!(
        app.person().sign_in("ada@example.com", "correct horse").await.status,
        422
    );
    app.person().sign_in("ada@example.com", NEW).await.ok();

    let again = app
        .person()
        .call::<()>("reset_password", &[("token", &token), ("password", "yet another one")])
        .await;
    assert_eq!(again.status, 404);
    assert_eq!(
        again.err().to_string(),
        "This link has expired or was already used. Ask for a new one"
    );
    let dead = app.person().get(&format!("/reset/{token}")).await.text().await.unwrap();
    assert!(dead.contains("This link can&#x27;t be used") || dead.contains("This link can't be used"));

    let notice = app
        .smtp
        .wait_for_subject("ada@example.com", "Your Boardroom password was changed", 1)
        .await;
    assert_eq!(notice.subject(), "Your Boardroom password was changed");
    assert!(
        notice
            .decoded()
            .contains("Every browser signed in to it was signed out.")
    );
    app.stop().await;
}

async fn an_unknown_address_gets_the_same_answer_and_no_email(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.person().sign_up("Ada", "ada@example.com", "Acme").await;
    let known = ask(&app.person(), "ada@example.com").await;
    let unknown = ask(&app.person(), "nobody@example.com").await;
    assert_eq!((known.status, unknown.status), (200, 200));
    assert_eq!(known.ok().replace("ada@", "X@"), unknown.ok().replace("nobody@", "X@"));
    app.smtp.wait_for_subject("ada@example.com", RESET, 1).await;
    assert!(app.smtp.received().iter().all(|e| e.to != ["nobody@example.com"]));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM emails WHERE recipient = $1", "nobody@example.com")
            .await,
        0
    );

    let malformed = ask(&app.person(), "nobody@").await;
    assert_eq!(malformed.status, 422);
    assert!(
        malformed
            .err()
            .message_for("email")
            .unwrap()
            .contains("like name@example.com")
    );
    app.stop().await;
}

async fn reset_requests_are_limited_per_address_and_per_client(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let someone = app.person();
    for _ in 0..3 {
        ask(&someone, "ada@example.com").await.ok();
    }
    let refused = someone
        .http
        .post(format!("{}/api/request_password_reset", app.address))
        .form(&[("email", "Ada@Example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 429);
    let wait: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait > 3000 && wait <= 3600, "{wait}");

    // Ten a client in an hour, whatever the addresses.
    for i in 0..6 {
        ask(&someone, &format!("p{i}@example.com")).await.ok();
    }
    assert_eq!(ask(&someone, "p7@example.com").await.status, 429);
    app.stop().await;
}

async fn only_the_newest_link_works_and_only_for_an_hour(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.person().sign_up("Ada", "ada@example.com", "Acme").await;
    ask(&app.person(), "ada@example.com").await.ok();
    let first = app
        .smtp
        .wait_for_subject("ada@example.com", RESET, 1)
        .await
        .token_of("/reset/");
    ask(&app.person(), "ada@example.com").await.ok();
    let second = app
        .smtp
        .wait_for_subject("ada@example.com", RESET, 2)
        .await
        .token_of("/reset/");
    let on = &app;
    let use_it = |token: String| async move {
        on.person()
            .call::<()>("reset_password", &[("token", &token), ("password", NEW)])
            .await
            .status
    };
    assert_eq!(use_it(first).await, 404);

    let expiry = app
        .count(
            "SELECT MAX(expires_at - created_at) FROM account_tokens WHERE purpose <> $1",
            "",
        )
        .await;
    assert_eq!(expiry, 3_600_000);
    sqlx::query("UPDATE account_tokens SET expires_at = expires_at - 3600001")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(use_it(second).await, 404);
    app.person().sign_in("ada@example.com", "correct horse").await.ok();
    app.stop().await;
}

async fn a_reset_ends_the_api_tokens_of_an_account_whose_address_was_never_proven(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Jon's address is proven (he came through an invitation). Sam's account
    // was started by someone who never opened its link, and given a token by
    // the host: it does not work while the address is unproven, and must not
    // start working once the mailbox's holder resets the password.
    let (_, jon, _) = app.workspace_with_member().await;
    let jons: boardroom::tokens::NewToken = jon.call("create_api_token", &[("name", "ci")]).await.ok();
    app.person().start_sign_up("Not Sam", "sam@example.com", "Trap").await;
    let (_, sams) = boardroom::tokens::service::create(
        &app.db,
        &boardroom::accounts::service::find_by_email(&app.db, "sam@example.com")
            .await
            .unwrap()
            .unwrap(),
        "left behind",
    )
    .await
    .unwrap();
    let on = &app;
    let works = |secret: String| async move {
        on.person()
            .http
            .get(format!("{}/api/v1/workspaces", on.address))
            .bearer_auth(secret)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(works(sams.clone()).await, 401);
    for email in ["jon@example.com", "sam@example.com"] {
        ask(&app.person(), email).await.ok();
        let token = app.smtp.wait_for_subject(email, RESET, 1).await.token_of("/reset/");
        app.person()
            .call::<()>("reset_password", &[("token", &token), ("password", NEW)])
            .await
            .ok();
    }
    assert_eq!(works(jons.secret).await, 200);
    assert_eq!(works(sams).await, 401);
    // The reset proved Sam's address.
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM users WHERE email_verified_at IS NULL AND email <> $1",
            ""
        )
        .await,
        0
    );
    app.stop().await;
}

async fn the_host_prints_a_reset_link(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.person().sign_up("Ada", "ada@example.com", "Acme").await;
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_boardroom"))
            .arg("admin")
            .args(args)
            .env("DATABASE_URL", &app.database_url)
            .env("BASE_URL", "https://boardroom.example.com")
            .env("RUST_LOG", "error")
            .output()
            .unwrap()
    };
    let out = run(&["reset-link", "--email", "Ada@example.com"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let link = stdout.lines().last().unwrap();
    let token = link
        .strip_prefix("https://boardroom.example.com/reset/")
        .unwrap_or_else(|| panic!("{stdout}"));
    app.person()
        .call::<()>("reset_password", &[("token", token), ("password", NEW)])
        .await
        .ok();
    app.person().sign_in("ada@example.com", NEW).await.ok();

    let out = run(&["reset-link", "--email", "nobody@example.com"]);
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "boardroom admin: There is no account for nobody@example.com"
    );
    app.stop().await;
}

async fn two_uses_of_one_reset_link_at_once_one_wins(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.person().sign_up("Ada", "ada@example.com", "Acme").await;
    ask(&app.person(), "ada@example.com").await.ok();
    let token = app
        .smtp
        .wait_for_subject("ada@example.com", RESET, 1)
        .await
        .token_of("/reset/");
    let (a, b) = (app.person(), app.person());
    let passwords = ["first of the two", "second of the two"];
    let (form_a, form_b) = (
        [("token", token.as_str()), ("password", passwords[0])],
        [("token", token.as_str()), ("password", passwords[1])],
    );
    let (one, two) = tokio::join!(
        a.call::<()>("reset_password", &form_a),
        b.call::<()>("reset_password", &form_b),
    );
    let mut statuses = [one.status, two.status];
    statuses.sort();
    assert_eq!(statuses, [200, 404]);
    let won = if one.status == 200 { passwords[0] } else { passwords[1] };
    app.person().sign_in("ada@example.com", won).await.ok();
    app.smtp
        .wait_for_subject("ada@example.com", "Your Boardroom password was changed", 1)
        .await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM emails WHERE kind = $1", "password_changed")
            .await,
        1
    );
    app.stop().await;
}
