use crate::harness::{Backend, TestApp};
use crate::on_both_databases;

on_both_databases!(
    pages_render_whole_under_concurrent_requests,
    the_invite_form_states_the_configured_lifetime,
    pages_load_the_assets_cargo_leptos_builds,
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
    let hours = (pending[0].expires_at_iso.clone(), pending[0].sent_at_iso.clone());
    let parse = |s: &str| time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).unwrap();
    assert_eq!((parse(&hours.0) - parse(&hours.1)).whole_hours(), 36);
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
