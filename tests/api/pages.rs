use crate::harness::{Backend, TestApp};
use crate::on_both_databases;

on_both_databases!(
    pages_render_whole_under_concurrent_requests,
    the_invite_form_states_the_configured_lifetime,
    pages_load_the_assets_cargo_leptos_builds,
    every_control_is_named_first_by_what_it_shows,
);

/// Many browsers on the Users page at once, each reusing its connection: every
/// answer is the whole page. (A page's reactive values once outlived their
/// request under this load and the connection was dropped.)
async fn pages_render_whole_under_concurrent_requests(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    ada.invite(&ws, "jon@example.com, kim@example.com").await.ok();

    let mut clients = Vec::new();
    for _ in 0..16 {
        let http = ada.http.clone();
        let url = format!("{}/w/{ws}/users", app.address);
        clients.push(tokio::spawn(async move {
            for _ in 0..15 {
                let res = http.get(&url).send().await.expect("the connection holds");
                assert_eq!(res.status(), 200);
                let body = res.text().await.expect("the whole body arrives");
                assert!(body.contains("kim@example.com") && body.contains("Active users") && body.contains("</html>"));
            }
        }));
    }
    for c in clients {
        c.await.unwrap();
    }
    app.stop().await;
}

async fn the_invite_form_states_the_configured_lifetime(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("INVITATION_TTL", "36h")]).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let page = ada.get(&format!("/w/{ws}/users")).await.text().await.unwrap();
    assert!(page.contains("Links expire after 36 hours."), "{page}");
    ada.invite(&ws, "jon@example.com").await.ok();
    let pending = ada.pending(&ws).await.ok();
    let lifetime = pending[0].expires_at.millis() - pending[0].sent_at.millis();
    assert_eq!(lifetime, 36 * 3_600_000);
    app.stop().await;
}

/// Whatever built the binary, pages ask for the files cargo-leptos writes to
/// target/site/pkg (boardroom.js, boardroom.wasm, boardroom.css).
async fn pages_load_the_assets_cargo_leptos_builds(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let page = app.person().get("/signin").await.text().await.unwrap();
    for asset in ["/pkg/boardroom.js", "/pkg/boardroom.wasm", "/pkg/boardroom.css"] {
        assert!(page.contains(asset), "{asset} missing from {page}");
    }
    assert!(!page.contains("boardroom_bg.wasm"));
    app.stop().await;
}

/// People using voice control say what they see: a control's accessible name
/// starts with its visible text ("Make owner: Bo", not "Make Bo an owner").
async fn every_control_is_named_first_by_what_it_shows(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (ada, _jon, ws) = app.workspace_with_member().await;
    let bo = app.new_user("Bo", "bo@example.com").await;
    app.add_membership(&ws, &bo, true).await;
    ada.invite(&ws, "kim@example.com").await.ok();
    ada.call::<boardroom::roles::RoleRow>(
        "create_role",
        &[
            ("workspace_id", ws.as_str()),
            ("role_name", "viewer"),
            ("permission", "READ"),
            ("resource", "DATA"),
            ("target", "GROUP"),
        ],
    )
    .await
    .ok();
    let group = ada
        .call::<boardroom::groups::Group>("create_group", &[("workspace_id", &ws), ("name", "Finance")])
        .await
        .ok();
    ada.call::<String>(
        "grant_group_role",
        &[("workspace_id", &ws), ("group_id", &group.id), ("role_name", "viewer")],
    )
    .await
    .ok();
    ada.call::<String>(
        "add_group_member",
        &[("workspace_id", &ws), ("group_id", &group.id), ("user_id", &bo)],
    )
    .await
    .ok();
    ada.call::<boardroom::tokens::NewToken>("create_api_token", &[("name", "script")])
        .await
        .ok();

    let control = regex::Regex::new(r#"(?s)<(button|summary|a)\b([^>]*)>(.*?)</(?:button|summary|a)>"#).unwrap();
    let label = regex::Regex::new(r#"aria-label="([^"]*)""#).unwrap();
    let tag = regex::Regex::new(r"(?s)<[^>]*>").unwrap();
    let mut checked = 0;
    for path in ["users", "groups", "roles", "settings", "boards"]
        .map(|p| format!("/w/{ws}/{p}"))
        .into_iter()
        .chain(["/account/tokens".to_string()])
    {
        let html = ada.get(&path).await.text().await.unwrap();
        for c in control.captures_iter(&html) {
            let Some(name) = label.captures(&c[2]).map(|l| l[1].replace("&amp;", "&")) else {
                continue;
            };
            let visible = tag
                .replace_all(&c[3], " ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if !visible.chars().any(char::is_alphanumeric) {
                continue; // an icon or a symbol: the name is all there is
            }
            assert!(
                name.to_lowercase().starts_with(&visible.to_lowercase()),
                "{path}: \"{name}\" does not start with what it shows, \"{visible}\""
            );
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} labelled controls were found");
    app.stop().await;
}
