use crate::harness::{Backend, TestApp};
use crate::on_both_databases;
use boardroom::error::AppError;

on_both_databases!(
    sign_up_sign_out_and_sign_in,
    one_message_for_unknown_email_and_wrong_password,
    sign_up_reports_every_bad_field,
    an_email_has_one_account,
    workspaces_are_created_and_names_are_unique,
    sessions_end_when_idle_or_too_old_and_each_sign_in_starts_a_new_one,
);

async fn sign_up_sign_out_and_sign_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", " Ada@Example.com ", "Acme").await;
    let me = ada
        .call::<Option<boardroom::domain::User>>("get_current_user", &[])
        .await
        .ok()
        .unwrap();
    assert_eq!(me.email, "ada@example.com");

    ada.call::<()>("sign_out", &[]).await.ok();
    assert!(
        ada.call::<Option<boardroom::domain::User>>("get_current_user", &[])
            .await
            .ok()
            .is_none()
    );
    assert_eq!(ada.members(&ws).await.status, 401);

    let signed_in = ada.sign_in("ADA@example.com", "correct horse").await;
    assert_eq!(signed_in.redirect.as_deref(), Some(format!("/w/{ws}/boards").as_str()));
    ada.members(&ws).await.ok();
    app.stop().await;
}

async fn one_message_for_unknown_email_and_wrong_password(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.person().sign_up("Ada", "ada@example.com", "Acme").await;
    let wrong_password = app.person().sign_in("ada@example.com", "not the one").await.err();
    let unknown_email = app.person().sign_in("nobody@example.com", "not the one").await.err();
    assert_eq!(wrong_password, unknown_email);
    assert_eq!(
        wrong_password.message_for("password").unwrap(),
        "The email address or password is not right"
    );
    app.stop().await;
}

async fn sign_up_reports_every_bad_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let a = app
        .person()
        .call::<()>(
            "sign_up",
            &[
                ("name", ""),
                ("email", "ada@"),
                ("password", "short"),
                ("workspace", ""),
            ],
        )
        .await;
    assert_eq!(a.status, 422);
    let e = a.err();
    assert_eq!(e.message_for("name").unwrap(), "Enter your name");
    assert!(e.message_for("email").unwrap().contains("like name@example.com"));
    assert_eq!(
        e.message_for("password").unwrap(),
        "Password must be at least 8 characters"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE email <> $1", "").await, 0);
    app.stop().await;
}

async fn an_email_has_one_account(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.person().sign_up("Ada", "ada@example.com", "Acme").await;
    let on = &app;
    let sign_up = |email: &'static str, workspace: &'static str| async move {
        let res = on
            .person()
            .http
            .post(format!("{}/api/sign_up", on.address))
            .form(&[
                ("name", "Ada"),
                ("email", email),
                ("password", "another password"),
                ("workspace", workspace),
            ])
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let location = res.headers().get("location").map(|v| v.to_str().unwrap().to_string());
        let cookies = res.headers().get_all("set-cookie").iter().count();
        let body = res.text().await.unwrap();
        (status, location, cookies, body)
    };
    // Signing up with a taken address answers exactly as a new address does.
    let (status, location, cookies, body) = sign_up("ADA@example.com", "Other").await;
    let fresh = sign_up("newcomer@example.com", "Newcomer's").await;
    assert_eq!((status, &location, cookies), (fresh.0, &fresh.1, fresh.2));
    assert_eq!(body.replace("ada@", "X@"), fresh.3.replace("newcomer@", "X@"));
    assert_eq!((status, location.as_deref()), (200, Some("/check-inbox")));
    // The address's holder is told; nothing else changed.
    let told = app
        .smtp
        .wait_for_subject(
            "ada@example.com",
            "Someone tried to sign up to Boardroom with your address",
            1,
        )
        .await;
    assert!(told.decoded().contains("Nothing was changed."));
    assert!(told.decoded().contains("/forgot?email=ada%40example.com"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = $1", "ada@example.com")
            .await,
        1
    );
    app.person().sign_in("ada@example.com", "correct horse").await.ok();
    assert_eq!(
        app.person().sign_in("ada@example.com", "another password").await.status,
        422
    );
    // The second workspace was not created.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM workspaces WHERE name = $1", "Other")
            .await,
        0
    );
    app.stop().await;
}

async fn workspaces_are_created_and_names_are_unique(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let second = ada.call::<()>("create_workspace", &[("workspace", "Research")]).await;
    assert!(second.redirect.clone().unwrap().starts_with("/w/"));
    second.ok();
    let taken = ada.call::<()>("create_workspace", &[("workspace", "ACME")]).await.err();
    assert!(taken.message_for("workspace").unwrap().starts_with("A workspace named"));
    let ctx_count = app
        .count(
            "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = $1",
            "ada@example.com",
        )
        .await;
    assert_eq!(ctx_count, 2);
    assert!(matches!(
        app.person()
            .call::<()>("create_workspace", &[("workspace", "X")])
            .await
            .err(),
        AppError::Unauthenticated
    ));
    app.stop().await;
}

async fn sessions_end_when_idle_or_too_old_and_each_sign_in_starts_a_new_one(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("SESSION_IDLE", "2m"), ("SESSION_MAX", "1h")]).await;
    let ada = app.person();
    ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let me = || async {
        ada.call::<Option<boardroom::domain::User>>("get_current_user", &[])
            .await
            .ok()
    };
    let on = &app;
    let sessions = |sql: &'static str| async move { on.count(sql, "").await };

    // Signing in again in the same browser ends the session it held.
    let signed_in = ada
        .http
        .post(format!("{}/api/sign_in", app.address))
        .form(&[("email", "ada@example.com"), ("password", "correct horse")])
        .send()
        .await
        .unwrap();
    let cookie = signed_in.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("Max-Age=3600"), "{cookie}");
    assert_eq!(sessions("SELECT COUNT(*) FROM sessions WHERE ip <> $1").await, 1);
    assert_eq!(
        sessions("SELECT MAX(expires_at - created_at) FROM sessions WHERE id <> $1").await,
        3_600_000
    );

    // Used within the minute: its last use is not written again.
    let seen = "SELECT MAX(last_seen_at) FROM sessions WHERE id <> $1";
    let first = sessions(seen).await;
    assert!(me().await.is_some());
    assert_eq!(sessions(seen).await, first);
    // A minute later it is.
    sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - 61000")
        .execute(&app.db)
        .await
        .unwrap();
    assert!(me().await.is_some());
    assert!(sessions(seen).await >= first);

    // Unused for longer than SESSION_IDLE: over.
    sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - 121000")
        .execute(&app.db)
        .await
        .unwrap();
    assert!(me().await.is_none());

    // However busy, over at SESSION_MAX.
    ada.sign_in("ada@example.com", "correct horse").await.ok();
    assert!(me().await.is_some());
    sqlx::query("UPDATE sessions SET expires_at = created_at - 1")
        .execute(&app.db)
        .await
        .unwrap();
    assert!(me().await.is_none());
    app.stop().await;
}
