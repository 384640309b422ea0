use crate::harness::{Backend, TestApp};
use crate::on_both_databases;

on_both_databases!(
    other_workspaces_are_invisible,
    signed_out_callers_are_refused,
    cross_site_posts_are_refused,
    workspace_pages_ask_to_sign_in,
    tokens_and_passwords_are_stored_hashed,
    the_dev_mailbox_exists_only_without_smtp,
    plain_form_posts_return_to_their_page_with_a_notice_shown_once,
    every_limit_answers_429_with_retry_after,
    the_same_origin_rule_case_by_case,
    the_session_cookie_is_guarded_and_new_at_each_sign_in,
    https_makes_the_session_cookie_secure,
    pages_and_the_api_carry_the_security_headers,
    the_client_address_comes_from_trusted_proxies_only,
);

async fn other_workspaces_are_invisible(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let acme = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    ada.invite(&acme, "jon@example.com").await.ok();
    let invitation = ada.pending(&acme).await.ok()[0].id.clone();
    let ada_id = ada.members(&acme).await.ok()[0].user_id.clone();

    // Eve owns another workspace: owner there, nothing here.
    let eve = app.person();
    let evil = eve.sign_up("Eve", "eve@example.com", "Evil").await;
    for status in [
        eve.members(&acme).await.status,
        eve.pending(&acme).await.status,
        eve.invite(&acme, "x@example.com").await.status,
        eve.call::<String>(
            "delete_invitation",
            &[("workspace_id", &acme), ("invitation_id", &invitation)],
        )
        .await
        .status,
        eve.call::<String>("remove_member", &[("workspace_id", &acme), ("user_id", &ada_id)])
            .await
            .status,
        eve.call::<String>(
            "create_board",
            &[("workspace_id", &acme), ("name", "x"), ("content", "")],
        )
        .await
        .status,
        eve.call::<boardroom::components::Frame>("get_workspace_context", &[("workspace_id", &acme)])
            .await
            .status,
    ] {
        assert_eq!(status, 404);
    }
    // Acme's ids used through Eve's own workspace do nothing either.
    assert_eq!(
        eve.call::<String>(
            "delete_invitation",
            &[("workspace_id", &evil), ("invitation_id", &invitation)]
        )
        .await
        .status,
        404
    );
    assert_eq!(
        eve.call::<String>("remove_member", &[("workspace_id", &evil), ("user_id", &ada_id)])
            .await
            .status,
        404
    );
    assert_eq!(ada.pending(&acme).await.ok().len(), 1);
    app.stop().await;
}

async fn signed_out_callers_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let nobody = app.person();
    for status in [
        nobody.members(&ws).await.status,
        nobody.pending(&ws).await.status,
        nobody.invite(&ws, "x@example.com").await.status,
        nobody
            .call::<Vec<boardroom::boards::Board>>("list_boards", &[("workspace_id", &ws)])
            .await
            .status,
        nobody.call::<()>("accept_invitation", &[("token", "x")]).await.status,
    ] {
        assert_eq!(status, 401);
    }
    app.stop().await;
}

async fn cross_site_posts_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let forged = ada
        .http
        .post(format!("{}/api/invite_user", app.address))
        .header("Origin", "http://evil.example")
        .form(&[("workspace_id", ws.as_str()), ("emails", "x@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let by_fetch_metadata = ada
        .http
        .post(format!("{}/api/invite_user", app.address))
        .header("Sec-Fetch-Site", "cross-site")
        .form(&[("workspace_id", ws.as_str()), ("emails", "x@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(by_fetch_metadata.status(), 403);
    let same_origin = ada
        .http
        .post(format!("{}/api/invite_user", app.address))
        .header("Origin", app.address.as_str())
        .header("Sec-Fetch-Site", "same-origin")
        .form(&[("workspace_id", ws.as_str()), ("emails", "x@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(same_origin.status(), 200);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM invitations WHERE workspace_id = $1", &ws)
            .await,
        1
    );
    app.stop().await;
}

async fn workspace_pages_ask_to_sign_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ws = app.person().sign_up("Ada", "ada@example.com", "Acme").await;
    let page = app.person().get(&format!("/w/{ws}/users")).await;
    assert_eq!(page.status(), 303);
    assert_eq!(
        page.headers()["location"].to_str().unwrap(),
        format!("/signin?next=%2Fw%2F{ws}%2Fusers")
    );
    app.stop().await;
}

async fn tokens_and_passwords_are_stored_hashed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    ada.invite(&ws, "jon@example.com").await.ok();
    let token = app.smtp.wait_for("jon@example.com", 1).await.invite_token();
    use sqlx::Row;
    let row = sqlx::query("SELECT token_hash FROM invitations")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let stored: String = row.get("token_hash");
    assert_ne!(stored, token);
    assert_eq!(stored.len(), 64);
    let hash: String = sqlx::query("SELECT password_hash FROM users")
        .fetch_one(&app.db)
        .await
        .unwrap()
        .get("password_hash");
    assert!(hash.starts_with("$argon2id$"));
    app.stop().await;
}

async fn plain_form_posts_return_to_their_page_with_a_notice_shown_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let users = format!("{}/w/{ws}/users", app.address);
    let plain = ada
        .post_plain_form(
            "invite_user",
            &users,
            &[("workspace_id", &ws), ("emails", "kim@example.com")],
        )
        .await;
    assert_eq!(plain.status(), 302);
    assert_eq!(
        plain.headers()["location"].to_str().unwrap().trim_end_matches('?'),
        users
    );
    let page = ada.get(&format!("/w/{ws}/users")).await.text().await.unwrap();
    assert!(page.contains("Invitation sent to kim@example.com"), "{page}");
    let again = ada.get(&format!("/w/{ws}/users")).await.text().await.unwrap();
    assert!(!again.contains("Invitation sent to"), "a notice is shown once");

    // Words in a crafted link are never shown as a notice.
    let forged = ada
        .get(&format!("/w/{ws}/users?notice=Your+account+is+locked"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!forged.contains("Your account is locked"));

    // A plain post that fails comes back to the page, which shows why.
    let failed = ada
        .post_plain_form(
            "invite_user",
            &users,
            &[("workspace_id", &ws), ("emails", "ada@example.com")],
        )
        .await;
    assert_eq!(failed.status(), 302);
    let back = failed.headers()["location"].to_str().unwrap().to_string();
    let page = ada.http.get(back).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("There is a problem") && page.contains("ada@example.com is already a member of Acme"));
    app.stop().await;
}

async fn the_dev_mailbox_exists_only_without_smtp(backend: Backend) {
    let with_smtp = TestApp::spawn(backend).await;
    assert_eq!(with_smtp.person().get("/dev/mailbox").await.status(), 404);
    with_smtp.stop().await;

    let app = TestApp::spawn_with(backend, &[("SMTP_URL", "")]).await;
    let (ada, ws) = app.owner("Ada", "ada@example.com", "Acme").await;
    ada.invite(&ws, "jon@example.com").await.ok();
    let mut page = String::new();
    for _ in 0..200 {
        page = app.person().get("/dev/mailbox").await.text().await.unwrap();
        if page.contains("Ada invited you to join Acme on Boardroom") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert!(page.contains("Ada invited you to join Acme on Boardroom"), "{page}");
    let token = regex::Regex::new(r"/invite/([A-Za-z0-9_-]{43})")
        .unwrap()
        .captures(&page)
        .unwrap()[1]
        .to_string();
    app.person().accept_new(&token, "Jon", "winter is here").await.ok();
    app.stop().await;
}

/// Posts `form` to server function `endpoint` until it answers 429 (at most
/// `tries` times); returns that answer, or fails when the limit never came.
async fn post_until_limited(
    http: &reqwest::Client,
    address: &str,
    endpoint: &str,
    form: &[(&str, &str)],
    tries: usize,
) -> reqwest::Response {
    for _ in 0..tries {
        let res = http
            .post(format!("{address}/api/{endpoint}"))
            .form(form)
            .send()
            .await
            .unwrap();
        if res.status() == 429 {
            return res;
        }
    }
    panic!("{endpoint}: no 429 in {tries} tries");
}

/// The seconds a 429 says to wait, which must be there and sensible.
fn retry_after(res: &reqwest::Response) -> u64 {
    let header = res
        .headers()
        .get("retry-after")
        .unwrap_or_else(|| panic!("{}: 429 without Retry-After", res.url()));
    let secs: u64 = header.to_str().unwrap().parse().unwrap();
    assert!((1..=3600).contains(&secs), "{}: Retry-After {secs}", res.url());
    secs
}

/// Every limit a caller can run into answers 429 with `Retry-After`, through
/// HTTP as a browser or a script meets it: sign-in, sign-up and opening
/// invitation links (per address), the invite form, guessed API tokens and
/// invitations over the API (both in the API's error shape with `retry_after`).
async fn every_limit_answers_429_with_retry_after(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("INVITATIONS_PER_HOUR_PER_WORKSPACE", "2")]).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let stranger = reqwest::Client::new();

    let res = post_until_limited(
        &stranger,
        &app.address,
        "sign_in",
        &[("email", "nobody@example.com"), ("password", "wrong password")],
        12,
    )
    .await;
    retry_after(&res);
    let res = post_until_limited(
        &stranger,
        &app.address,
        "sign_up",
        &[
            ("name", "Kim"),
            ("email", "not an address"),
            ("password", "correct horse"),
            ("workspace", "Kim's"),
        ],
        12,
    )
    .await;
    retry_after(&res);
    let res = post_until_limited(
        &stranger,
        &app.address,
        "accept_invitation",
        &[("token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")],
        32,
    )
    .await;
    retry_after(&res);

    // Guessed API tokens: the API's error shape, with the wait in it too.
    let mut guessed = None;
    for _ in 0..12 {
        let res = stranger
            .get(format!("{}/api/v1/workspaces", app.address))
            .bearer_auth("brd_not-a-real-token")
            .send()
            .await
            .unwrap();
        if res.status() == 429 {
            guessed = Some(res);
            break;
        }
        assert_eq!(res.status(), 401);
    }
    let guessed = guessed.expect("guessing tokens is limited");
    let secs = retry_after(&guessed);
    let body: serde_json::Value = guessed.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    assert_eq!(body["error"]["retry_after"].as_u64(), Some(secs));

    // Invitations: two an hour here, over the API and then through the form.
    let token = crate::rest::token_for(&ada).await;
    let script = reqwest::Client::new();
    let invite = |email: &'static str| {
        script
            .post(format!("{}/api/v1/workspaces/{ws}/invitations", app.address))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "email": email }))
            .send()
    };
    assert_eq!(invite("one@example.com").await.unwrap().status(), 201);
    assert_eq!(invite("two@example.com").await.unwrap().status(), 201);
    let third = invite("three@example.com").await.unwrap();
    assert_eq!(third.status(), 429);
    let secs = retry_after(&third);
    let body: serde_json::Value = third.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    assert_eq!(body["error"]["retry_after"].as_u64(), Some(secs));
    let form = ada
        .http
        .post(format!("{}/api/invite_user", app.address))
        .form(&[("workspace_id", ws.as_str()), ("emails", "four@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 429);
    retry_after(&form);
    app.stop().await;
}

/// Each kind of state-changing request the same-origin rule meets, and what
/// it does with it (as the README states): refused ones change nothing.
async fn the_same_origin_rule_case_by_case(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let host = app.address.trim_start_matches("http://").to_string();
    let port: u16 = host.rsplit(':').next().unwrap().parse().unwrap();
    let other_port = format!("http://127.0.0.1:{}", if port == 65535 { 1 } else { port + 1 });
    // What the request is, the headers it carries, the status it gets.
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], u16);
    let cases: [Case; 8] = [
        ("another site", &[("Origin", "http://evil.example")], 403),
        ("an opaque origin (Origin: null)", &[("Origin", "null")], 403),
        ("the same host on another port", &[("Origin", other_port.as_str())], 403),
        ("Sec-Fetch-Site: cross-site", &[("Sec-Fetch-Site", "cross-site")], 403),
        ("Sec-Fetch-Site: same-site", &[("Sec-Fetch-Site", "same-site")], 403),
        (
            "this origin",
            &[("Origin", app.address.as_str()), ("Sec-Fetch-Site", "same-origin")],
            200,
        ),
        (
            "this origin, from a page that sends no referrer",
            &[("Origin", "null"), ("Sec-Fetch-Site", "same-origin")],
            200,
        ),
        ("neither header (an old browser's plain form, or a script)", &[], 200),
    ];
    let mut invited = 0;
    for (i, (what, headers, status)) in cases.iter().enumerate() {
        let email = format!("case{i}@example.com");
        let mut req = ada
            .http
            .post(format!("{}/api/invite_user", app.address))
            .form(&[("workspace_id", ws.as_str()), ("emails", email.as_str())]);
        for (name, value) in headers.iter() {
            req = req.header(*name, *value);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status().as_u16(), *status, "{what}");
        if *status == 200 {
            invited += 1;
        }
        assert_eq!(
            app.count("SELECT COUNT(*) FROM invitations WHERE workspace_id = $1", &ws)
                .await,
            invited,
            "{what}: only allowed requests invite"
        );
    }
    // The API answers a refused one in its own shape.
    let token = crate::rest::token_for(&ada).await;
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/workspaces/{ws}/invitations", app.address))
        .bearer_auth(&token)
        .header("Origin", "http://evil.example")
        .json(&serde_json::json!({ "email": "api@example.com" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "cross_site");
    app.stop().await;
}

/// The `boardroom_session` cookie of a response, as set.
fn session_cookie(res: &reqwest::Response) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("boardroom_session="))
        .unwrap_or_else(|| panic!("{}: no session cookie set", res.url()))
        .to_string()
}

fn cookie_value(set_cookie: &str) -> &str {
    set_cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("boardroom_session=")
}

async fn sign_in_raw(app: &TestApp, cookie: Option<&str>) -> reqwest::Response {
    let mut req = reqwest::Client::new()
        .post(format!("{}/api/sign_in", app.address))
        .form(&[("email", "ada@example.com"), ("password", "correct horse")]);
    if let Some(c) = cookie {
        req = req.header("Cookie", format!("boardroom_session={c}"));
    }
    req.send().await.unwrap()
}

/// HttpOnly and SameSite=Lax, not Secure over plain http; a sign-in always
/// starts a new session (a session id planted beforehand is not adopted), the
/// database keeps only its hash, and signing out deletes its row.
async fn the_session_cookie_is_guarded_and_new_at_each_sign_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    ada.sign_up("Ada", "ada@example.com", "Acme").await;

    let planted = "planted-by-someone-else";
    let first = sign_in_raw(&app, Some(planted)).await;
    assert_eq!(first.status(), 200);
    let set = session_cookie(&first);
    for part in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(set.split("; ").any(|p| p == part), "{part} missing: {set}");
    }
    assert!(!set.contains("Secure"), "not Secure over http: {set}");
    let one = cookie_value(&set).to_string();
    assert_ne!(one, planted);
    let two = cookie_value(&session_cookie(&sign_in_raw(&app, Some(&one)).await)).to_string();
    assert_ne!(one, two, "signing in again starts a new session");

    let hash = boardroom::platform::crypto::token_hash(&two);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions WHERE token_hash = $1", &hash)
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions WHERE token_hash = $1", &two)
            .await,
        0
    );
    let out = reqwest::Client::new()
        .post(format!("{}/api/sign_out", app.address))
        .header("Cookie", format!("boardroom_session={two}"))
        .send()
        .await
        .unwrap();
    assert!(
        out.status().is_success() || out.status().is_redirection(),
        "{}",
        out.status()
    );
    assert!(session_cookie(&out).contains("Max-Age=0"), "the cookie is cleared");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions WHERE token_hash = $1", &hash)
            .await,
        0,
        "signing out deletes the session"
    );
    app.stop().await;
}

/// With an https BASE_URL the session cookie is Secure.
async fn https_makes_the_session_cookie_secure(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("BASE_URL", "https://boardroom.example")]).await;
    let ada = app.person();
    ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let set = session_cookie(&sign_in_raw(&app, None).await);
    assert!(set.split("; ").any(|p| p == "Secure"), "{set}");
    app.stop().await;
}

/// nosniff, no framing and a same-origin referrer (none at all on a reset
/// link's page) on pages, on the API and on errors.
async fn pages_and_the_api_carry_the_security_headers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let http = reqwest::Client::new();
    for path in [
        "/",
        "/signin",
        "/invite/not-a-token",
        "/reset/not-a-token",
        "/api/v1/workspaces",
        "/api/v1/nowhere",
    ] {
        let res = http.get(format!("{}{path}", app.address)).send().await.unwrap();
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        // A reset link's page never sends its token on.
        let policy = if path.starts_with("/reset/") {
            "no-referrer"
        } else {
            "same-origin"
        };
        assert_eq!(h["referrer-policy"], policy, "{path}");
    }
    app.stop().await;
}

/// Sign-ins posted at once from `from` (an `X-Forwarded-For` value, or none)
/// to the apps at `addresses` in turn; how many were refused with 429.
async fn sign_ins_refused(addresses: &[&str], from: &[Option<&str>]) -> usize {
    let http = reqwest::Client::new();
    let tries = from.iter().enumerate().map(|(i, forwarded)| {
        let mut req = http
            .post(format!("{}/api/sign_in", addresses[i % addresses.len()]))
            .form(&[("email", "nobody@example.com"), ("password", "wrong password")]);
        if let Some(f) = forwarded {
            req = req.header("x-forwarded-for", *f);
        }
        req.send()
    });
    futures_util::future::join_all(tries)
        .await
        .into_iter()
        .filter(|res| res.as_ref().unwrap().status() == 429)
        .count()
}

/// Behind a load balancer named in `TRUSTED_PROXIES`, the client is the one
/// `X-Forwarded-For` names: limits count it, and the trail records it. From
/// anyone else the header is only words: twelve sign-ins that each claim a
/// new address are still one address's twelve.
async fn the_client_address_comes_from_trusted_proxies_only(backend: Backend) {
    let untrusting = TestApp::spawn(backend).await;
    let claims: Vec<String> = (1..=12).map(|n| format!("203.0.113.{n}")).collect();
    let claimed: Vec<Option<&str>> = claims.iter().map(|c| Some(c.as_str())).collect();
    assert_eq!(sign_ins_refused(&[&untrusting.address], &claimed).await, 2);
    untrusting.stop().await;

    let app = TestApp::spawn_with(backend, &[("TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1")]).await;
    assert_eq!(sign_ins_refused(&[&app.address], &claimed).await, 0);
    // A client cannot choose its address by writing the header itself: the
    // proxy appends the address it saw, and that one counts.
    let spoofed: Vec<String> = claims.iter().map(|c| format!("{c}, 198.51.100.9")).collect();
    let spoofed: Vec<Option<&str>> = spoofed.iter().map(|c| Some(c.as_str())).collect();
    assert_eq!(sign_ins_refused(&[&app.address], &spoofed).await, 2);

    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let token = crate::rest::token_for(&ada).await;
    let http = reqwest::Client::new();
    let res = http
        .post(format!("{}/api/v1/workspaces/{ws}/invitations", app.address))
        .bearer_auth(&token)
        .header("x-forwarded-for", "192.0.2.44, 10.1.2.3")
        .json(&serde_json::json!({"email": "jon@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let events: serde_json::Value = http
        .get(format!(
            "{}/api/v1/workspaces/{ws}/audit-events?kind=invitation.create",
            app.address
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(events["items"][0]["ip"], "192.0.2.44", "{events}");
    app.stop().await;
}

/// Instances on one PostgreSQL database count the same attempts: twenty
/// sign-ins from one address at once, spread over three instances, and ten
/// get through, as on one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_are_shared_by_instances_on_one_postgres_database() {
    let first = TestApp::spawn(Backend::Postgres).await;
    let second = TestApp::resume(first.database_url.clone(), crate::smtp::SmtpServer::start().await, &[]).await;
    let third = TestApp::resume(first.database_url.clone(), crate::smtp::SmtpServer::start().await, &[]).await;
    let addresses = [first.address.as_str(), second.address.as_str(), third.address.as_str()];
    assert_eq!(sign_ins_refused(&addresses, &[None; 20]).await, 10);
    // A header claiming another address opens no new window.
    let http = reqwest::Client::new();
    let res = http
        .post(format!("{}/api/sign_in", third.address))
        .form(&[("email", "nobody@example.com"), ("password", "wrong password")])
        .header("x-forwarded-for", "203.0.113.1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        429,
        "X-Forwarded-For is not trusted without TRUSTED_PROXIES"
    );
    for app in [third, second, first] {
        app.stop().await;
    }
}
