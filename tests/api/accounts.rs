use crate::harness::{Backend, TestApp};
use crate::on_both_databases;
use boardroom::error::AppError;

on_both_databases!(
    sign_up_sign_out_and_sign_in,
    one_message_for_unknown_email_and_wrong_password,
    sign_up_reports_every_bad_field,
    an_email_has_one_account,
    workspaces_are_created_and_names_are_unique,
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
    let again = app
        .person()
        .call::<()>(
            "sign_up",
            &[
                ("name", "Ada"),
                ("email", "ADA@example.com"),
                ("password", "correct horse"),
                ("workspace", "Other"),
            ],
        )
        .await
        .err();
    assert!(
        again
            .message_for("email")
            .unwrap()
            .starts_with("An account with ada@example.com already exists")
    );
    // Nothing half-done: the second workspace was not created either.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM workspaces WHERE name <> $1", "").await,
        1
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
