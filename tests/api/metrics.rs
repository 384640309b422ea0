//! `/metrics`: refused without its token, and after some traffic holding
//! every metric (and label) the README lists; or served on a listener of its
//! own, and then not on the app's port.

use crate::harness::{Backend, TestApp};
use crate::on_both_databases;

const TOKEN: &str = "metrics-token-0123456789abcdef";

/// The README's metrics table: each name, with the labels it lists.
fn documented() -> Vec<(String, Vec<String>)> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("\n### Metrics\n")
        .nth(1)
        .expect("the README has a Metrics section");
    let tick = regex::Regex::new("`([^`]+)`").unwrap();
    let mut out = Vec::new();
    for line in section.lines().skip_while(|l| !l.starts_with("| `")) {
        if !line.starts_with('|') {
            break;
        }
        let cells: Vec<&str> = line.split('|').collect();
        let Some(name) = tick.captures(cells[1]).map(|c| c[1].to_string()) else {
            continue;
        };
        let labels = tick.captures_iter(cells[3]).map(|c| c[1].to_string()).collect();
        out.push((name, labels));
    }
    assert!(out.len() >= 12, "{out:?}");
    out
}

async fn metrics_need_the_token_and_hold_every_documented_series(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("METRICS_TOKEN", TOKEN)]).await;
    let http = reqwest::Client::new();
    let url = format!("{}/metrics", app.address);
    assert_eq!(http.get(&url).send().await.unwrap().status(), 401);
    let wrong = http
        .get(&url)
        .bearer_auth("metrics-token-0123456789abcdeX")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);

    // Some traffic: an invitation sent, one accepted and one declined, a
    // rate limit met, pages and a stream.
    let (owner, jon, ws) = app.workspace_with_member().await;
    owner.invite(&ws, "kim@example.com").await.ok();
    let token = app.smtp.wait_for("kim@example.com", 1).await.invite_token();
    app.person()
        .call::<String>("decline_invitation", &[("token", &token)])
        .await
        .ok();
    jon.get(&format!("/w/{ws}/boards")).await;
    for _ in 0..12 {
        http.get(format!("{}/api/v1/me", app.address))
            .bearer_auth("brd_not-a-token")
            .send()
            .await
            .unwrap();
    }
    let stream = owner.get(&format!("/w/{ws}/events")).await;
    assert_eq!(stream.status(), 200);

    let res = http.get(&url).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = res.text().await.unwrap();
    drop(stream);
    for (name, labels) in documented() {
        let series: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter(|l| {
                l.starts_with(&format!("{name} "))
                    || l.starts_with(&format!("{name}{{"))
                    || l.starts_with(&format!("{name}_bucket{{"))
            })
            .collect();
        assert!(!series.is_empty(), "{name} is missing:\n{text}");
        for label in labels {
            let (key, value) = label.split_once('=').unwrap_or((&label, ""));
            let wanted = if value.is_empty() {
                format!("{key}=\"")
            } else {
                format!("{key}=\"{value}\"")
            };
            assert!(
                series.iter().any(|s| s.contains(&wanted)),
                "{name} has no {wanted}: {series:?}"
            );
        }
    }
    // Routes are the matched patterns, never the paths people typed.
    assert!(text.contains(r#"route="/w/{wid}/boards""#), "{text}");
    assert!(!text.contains(&ws));
    app.stop().await;
}

async fn metrics_can_have_a_listener_of_their_own(backend: Backend) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = TestApp::spawn_with(backend, &[("METRICS_ADDR", &format!("127.0.0.1:{port}"))]).await;
    let http = reqwest::Client::new();
    let own = http
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
    assert!(own.text().await.unwrap().contains("db_pool_connections"));
    // Not on the app's port: nothing there answers with metrics.
    let public = http.get(format!("{}/metrics", app.address)).send().await.unwrap();
    assert_eq!(public.status(), 404);
    app.stop().await;
}

on_both_databases!(
    metrics_need_the_token_and_hold_every_documented_series,
    metrics_can_have_a_listener_of_their_own,
);
