use crate::harness::{Backend, TestApp};
use crate::on_both_databases;

on_both_databases!(
    other_workspaces_are_invisible,
    signed_out_callers_are_refused,
    cross_site_posts_are_refused,
    workspace_pages_ask_to_sign_in,
    tokens_and_passwords_are_stored_hashed,
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
        eve.call::<boardroom::workspaces::WorkspaceContext>("get_workspace_context", &[("workspace_id", &acme)])
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
    // A plain form post (before the page's WASM) is sent back to the page.
    let plain = ada
        .http
        .post(format!("{}/api/invite_user", app.address))
        .header("Accept", "text/html")
        .header("Referer", format!("{}/w/{ws}/users", app.address))
        .form(&[("workspace_id", ws.as_str()), ("emails", "kim@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 302);
    assert_eq!(
        plain.headers()["location"].to_str().unwrap(),
        format!("/w/{ws}/users?notice=Invitation+sent+to+kim%40example.com")
    );
    app.stop().await;
}
