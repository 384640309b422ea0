//! The Activity tab and the audit-events API: every kind of event recorded
//! with who, how, from where, to whom and what changed; read back through
//! the page, the API and both exports; filtered and paged at size; exported
//! as a stream; pruned past the retention.

use crate::harness::{Backend, Person, TestApp};
use crate::on_both_databases;
use crate::rest::{Script, token_for};
use serde_json::Value;
use std::collections::BTreeSet;

/// Every event the list holds, walking its pages `limit` at a time.
async fn every_event(api: &Script, ws: &str, filter: &str, limit: usize) -> Vec<Value> {
    let mut out = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let mut path = format!("/workspaces/{ws}/audit-events?limit={limit}{filter}");
        if let Some(token) = &next {
            path.push_str(&format!("&next_token={token}"));
        }
        let page = api.get(&path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        let items = page.body["items"].as_array().unwrap();
        assert!(items.len() <= limit);
        out.extend(items.iter().cloned());
        match page.body["next_token"].as_str() {
            Some(token) => next = Some(token.to_string()),
            None => return out,
        }
    }
}

fn find<'a>(events: &'a [Value], kind: &str, target: &str) -> &'a Value {
    events
        .iter()
        .find(|e| e["kind"] == kind && e["target"] == target)
        .unwrap_or_else(|| panic!("no {kind} on {target} in {events:#?}"))
}

async fn pending_id(owner: &Person, ws: &str, email: &str) -> String {
    owner
        .pending(ws)
        .await
        .ok()
        .into_iter()
        .find(|p| p.email == email)
        .unwrap_or_else(|| panic!("{email} is pending"))
        .id
}

/// A new member `email` of `ws`, invited by `owner` and signed up through
/// the link. Returns them and their user id.
async fn join(app: &TestApp, owner: &Person, ws: &str, email: &str) -> (Person, String) {
    owner.invite(ws, email).await.ok();
    let token = app.smtp.wait_for(email, 1).await.invite_token();
    let person = app.person();
    person.accept_new(&token, "Someone", "winter is here").await.ok();
    (person, app.user_id(email).await)
}

/// One of each kind the issue lists, done through the pages' server
/// functions and the API, then read back through the API, the page and both
/// exports, which agree.
async fn every_kind_is_recorded_and_read_back(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let call = |endpoint: &'static str, args: Vec<(&'static str, String)>| {
        let ada = &ada;
        let ws = ws.clone();
        async move {
            let mut form: Vec<(&str, String)> = vec![("workspace_id", ws)];
            form.extend(args);
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            ada.call::<Value>(endpoint, &form).await.ok();
        }
    };

    call(
        "create_role",
        vec![
            ("role_name", "viewer".into()),
            ("permission", "READ".into()),
            ("resource", "DATA".into()),
            ("target", "USER".into()),
        ],
    )
    .await;

    // Invited, resent, link copied, roles changed, withdrawn, restored.
    ada.invite(&ws, "bob@example.com").await.ok();
    let bob = pending_id(&ada, &ws, "bob@example.com").await;
    app.backdate_invitation(&bob).await;
    call("resend_invitation", vec![("invitation_id", bob.clone())]).await;
    call("share_invitation_link", vec![("invitation_id", bob.clone())]).await;
    call(
        "set_invitation_roles",
        vec![("invitation_id", bob.clone()), ("roles[0]", "viewer".into())],
    )
    .await;
    call("delete_invitation", vec![("invitation_id", bob.clone())]).await;
    call("restore_invitation", vec![("invitation_id", bob.clone())]).await;

    // Declined by the addressee, who is nobody here.
    ada.invite(&ws, "cy@example.com").await.ok();
    let token = app.smtp.wait_for("cy@example.com", 1).await.invite_token();
    app.person()
        .call::<String>("decline_invitation", &[("token", &token)])
        .await
        .ok();

    // Accepted; roles changed; ownership given and taken; left; removed.
    let (jon, jon_id) = join(&app, &ada, &ws, "jon@example.com").await;
    call(
        "set_member_roles",
        vec![("user_id", jon_id.clone()), ("roles[0]", "viewer".into())],
    )
    .await;
    call("grant_ownership", vec![("user_id", jon_id.clone())]).await;
    call("revoke_ownership", vec![("user_id", jon_id.clone())]).await;
    jon.call::<Value>("leave_workspace", &[("workspace_id", &ws)])
        .await
        .ok();
    let (_, kim_id) = join(&app, &ada, &ws, "kim@example.com").await;
    call("remove_member", vec![("user_id", kim_id)]).await;

    // The policy; a token made, used, and revoked.
    call(
        "set_workspace_policy",
        vec![("allowed_domains", "example.com".into()), ("seat_limit", "40".into())],
    )
    .await;
    let made: boardroom::tokens::NewToken = ada.call("create_api_token", &[("name", "deploy bot")]).await.ok();
    let api = Script::new(&app, &made.secret);
    let by_token = api
        .post(
            &format!("/workspaces/{ws}/invitations"),
            serde_json::json!({"email": "lee@example.com"}),
        )
        .await;
    assert_eq!(by_token.status, 201, "{}", by_token.body);
    let reader = Script::new(&app, &token_for(&ada).await);
    ada.call::<String>("revoke_api_token", &[("token_id", &made.token.id)])
        .await
        .ok();

    // Through the API, a few at a time.
    let events = every_event(&reader, &ws, "", 7).await;
    let kinds: BTreeSet<&str> = events.iter().filter_map(|e| e["kind"].as_str()).collect();
    for kind in [
        "workspace.create",
        "invitation.create",
        "invitation.resend",
        "invitation.link",
        "invitation.roles",
        "invitation.revoke",
        "invitation.restore",
        "invitation.decline",
        "invitation.accept",
        "member.roles",
        "owner.grant",
        "owner.revoke",
        "member.leave",
        "member.remove",
        "policy.change",
        "token.create",
        "token.revoke",
    ] {
        assert!(kinds.contains(kind), "{kind} missing from {kinds:?}");
    }
    // Newest first, each once.
    let ats: Vec<i64> = events.iter().map(|e| e["at"].as_i64().unwrap()).collect();
    assert!(ats.windows(2).all(|w| w[0] >= w[1]), "{ats:?}");
    let ids: BTreeSet<&str> = events.iter().filter_map(|e| e["id"].as_str()).collect();
    assert_eq!(ids.len(), events.len());

    // Who, how, from where, to whom, what changed.
    let roles = find(&events, "member.roles", "jon@example.com");
    assert_eq!(roles["actor"], "ada@example.com");
    assert_eq!(roles["ip"], "127.0.0.1");
    assert_eq!(roles["token"], Value::Null);
    assert_eq!(
        (roles["before"].as_str(), roles["after"].as_str()),
        (Some("none"), Some("viewer"))
    );
    let invited = find(&events, "invitation.create", "lee@example.com");
    assert_eq!(
        (invited["actor"].as_str(), invited["token"].as_str()),
        (Some("ada@example.com"), Some("deploy bot"))
    );
    assert_eq!(invited["ip"], "127.0.0.1");
    let declined = find(&events, "invitation.decline", "cy@example.com");
    assert_eq!(declined["actor"], Value::Null);
    let accepted = find(&events, "invitation.accept", "jon@example.com");
    assert_eq!(accepted["actor"], "jon@example.com");
    let granted = find(&events, "owner.grant", "jon@example.com");
    assert_eq!(
        (granted["before"].as_str(), granted["after"].as_str()),
        (Some("member"), Some("owner"))
    );
    let policy = find(&events, "policy.change", "Acme");
    assert_eq!(policy["before"], "any domain; no seat limit");
    assert!(policy["after"].as_str().unwrap().contains("example.com"), "{policy}");
    let invitation_roles = find(&events, "invitation.roles", "bob@example.com");
    assert_eq!(invitation_roles["after"], "viewer");
    find(&events, "token.create", "deploy bot");
    find(&events, "token.revoke", "deploy bot");

    // The page shows them, worded; a filter in the URL narrows it.
    let page = ada.get(&format!("/w/{ws}/activity")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for words in [
        "Invitation declined",
        "Made an owner",
        "API token created",
        "Invitation policy changed",
    ] {
        assert!(html.contains(words), "{words} not on the page");
    }
    let html = ada
        .get(&format!("/w/{ws}/activity?kind=member.roles"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("none \u{2192} viewer"), "{html}");
    assert_eq!(html.matches("<li class=\"grid").count(), 1, "the filter holds");

    // Both exports hold exactly what the API lists, in its order.
    let csv = ada.get(&format!("/w/{ws}/activity/export?format=csv")).await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(
        csv.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"acme-activity-")
    );
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "id,at,kind,actor,token,ip,target,before,after");
    assert_eq!(lines.len() - 1, events.len());
    for (line, event) in lines[1..].iter().zip(&events) {
        assert!(
            line.starts_with(&format!("{},", event["id"].as_str().unwrap())),
            "{line}"
        );
        assert!(
            line.contains(&format!(",{},", event["kind"].as_str().unwrap())),
            "{line}"
        );
    }
    let jsonl = ada
        .get(&format!("/w/{ws}/activity/export?format=jsonl"))
        .await
        .text()
        .await
        .unwrap();
    let exported: Vec<Value> = jsonl.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(exported, events);
    // The API's export is the same file.
    let by_api = reader
        .http
        .get(format!(
            "{}/workspaces/{ws}/audit-events/export?format=jsonl",
            reader.base
        ))
        .bearer_auth(&reader.token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(by_api, jsonl);

    // A member without READ on USER_MANAGEMENT sees none of it.
    let (outsider, _) = join(&app, &ada, &ws, "zed@example.com").await;
    ada.empty_everyone(&ws).await;
    assert_eq!(outsider.get(&format!("/w/{ws}/activity")).await.status(), 403);
    let refused = outsider.get(&format!("/w/{ws}/activity/export?format=csv")).await;
    assert_eq!(refused.status(), 403);
    app.stop().await;
}

/// Filters and pages over 20,000 events: every page is at most its limit,
/// each event comes once, newest first, and what comes is exactly what the
/// filter names.
async fn filters_and_pages_hold_at_size(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let base = 1_780_000_000_000i64; // 2026-05-28T20:26:40Z
    app.seed_events(&ws, 20_000, base, 0).await;
    let api = Script::new(&app, &token_for(&ada).await);

    // kind and actor: i % 3 == 0 and i % 10 == 4, one in thirty.
    let found = every_event(&api, &ws, "&kind=member.roles&actor=Actor4@Example.com", 200).await;
    assert_eq!(found.len(), (1..=20_000).filter(|i| i % 3 == 0 && i % 10 == 4).count());
    assert!(
        found
            .iter()
            .all(|e| e["kind"] == "member.roles" && e["actor"] == "actor4@example.com")
    );
    let ats: Vec<i64> = found.iter().map(|e| e["at"].as_i64().unwrap()).collect();
    assert!(ats.windows(2).all(|w| w[0] > w[1]));

    // target and a date range: the first day holds events 1 to 12,799
    // (base is 73,600 s into its day).
    let found = every_event(&api, &ws, "&target=target7@example.com&to=2026-05-28", 200).await;
    assert_eq!(found.len(), (1..=12_799).filter(|i| i % 100 == 7).count());
    let found = every_event(&api, &ws, "&from=2026-05-29T00:00:00Z&to=2026-05-29T00:16:40Z", 50).await;
    assert_eq!(found.len(), 1000);

    // The page: 50 and a link to older ones, which holds the filter.
    let html = ada
        .get(&format!("/w/{ws}/activity?kind=invitation.create"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(html.matches("<li class=\"grid").count(), 50);
    let older = regex_lite_find(&html, "href=\"([^\"]*after=[^\"]*)\" rel=\"next\"")
        .unwrap_or_else(|| panic!("a link to older events: {html}"));
    assert!(older.contains("kind=invitation.create"), "{older}");
    let html = ada.get(&older.replace("&amp;", "&")).await.text().await.unwrap();
    assert_eq!(html.matches("<li class=\"grid").count(), 50);
    assert!(html.contains("rel=\"prev\""));

    // Bad filters are named; nothing is read.
    for (query, field) in [
        ("kind=invitation.eaten", "kind"),
        ("from=2026-13-01", "from"),
        ("from=2026-12-02&to=2026-12-01", "to"),
    ] {
        let reply = api.get(&format!("/workspaces/{ws}/audit-events?{query}")).await;
        assert_eq!(reply.status, 400, "{query}");
        assert_eq!(reply.body["error"]["field"], field, "{query}: {}", reply.body);
        let page = ada
            .get(&format!("/w/{ws}/activity?{query}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains(&format!("id=\"filter-{field}-error\"")), "{query}");
    }
    let bad_token = api
        .get(&format!("/workspaces/{ws}/audit-events?next_token=nonsense"))
        .await;
    assert_eq!(bad_token.status, 400);
    app.stop().await;
}

fn regex_lite_find(html: &str, pattern: &str) -> Option<String> {
    regex::Regex::new(pattern)
        .unwrap()
        .captures(html)
        .map(|c| c[1].to_string())
}

/// Events older than `AUDIT_RETENTION` are pruned (the pruner runs as the
/// app starts, and hourly); newer ones stay.
async fn the_trail_is_pruned_past_its_retention(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    // 12,000 events from 40 days ago (more than one pruning batch), 10
    // from 20 days ago.
    app.seed_events(&ws, 12_000, now - 40 * 86_400_000, 0).await;
    sqlx::query("UPDATE audit_events SET at = $1 WHERE id IN ('seed-1', 'seed-2', 'seed-3', 'seed-4', 'seed-5', 'seed-6', 'seed-7', 'seed-8', 'seed-9', 'seed-10')")
        .bind(now - 20 * 86_400_000)
        .execute(&app.db)
        .await
        .unwrap();
    let (database_url, smtp) = (app.database_url.clone(), app.smtp.clone());
    app.stop().await;
    let app = TestApp::resume(database_url, smtp, &[("AUDIT_RETENTION", "30d")]).await;
    let mut left = i64::MAX;
    for _ in 0..200 {
        left = app
            .count("SELECT COUNT(*) FROM audit_events WHERE id LIKE $1", "seed-%")
            .await;
        if left == 10 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(left, 10);
    // What was done now is kept.
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_events WHERE action = $1",
            "workspace.create"
        )
        .await,
        1
    );
    app.stop().await;
}

on_both_databases!(
    every_kind_is_recorded_and_read_back,
    filters_and_pages_hold_at_size,
    the_trail_is_pruned_past_its_retention,
);

/// The anonymous memory (heap and stacks, not the database file SQLite
/// maps) process `pid` holds now, in kB.
fn anon_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("RssAnon:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// An export of about 100 MB comes out whole while the server's memory
/// barely moves: it is streamed, a chunk at a time. (The server runs as its
/// own process, so that what it holds is measured alone, sampled as each
/// chunk arrives.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_export_streams() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let token = token_for(&ada).await;
    // 150,000 events of about 650 bytes each: close to 100 MB of CSV.
    app.seed_events(&ws, 150_000, 1_780_000_000_000, 300).await;

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = tokio::process::Command::new(env!("CARGO_BIN_EXE_boardroom"))
        .env("DATABASE_URL", &app.database_url)
        .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
        .env("BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("SHUTDOWN_GRACE", "0")
        .env("RUST_LOG", "error")
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let pid = server.id().unwrap();
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}/api/v1/workspaces/{ws}/audit-events");
    for _ in 0..400 {
        if http.get(format!("http://127.0.0.1:{port}/livez")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    // Warm: a small export and a page, so that what is measured is the large one.
    let small = http
        .get(format!("{base}/export?format=csv&target=target1@example.com"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(small.status(), 200);
    small.bytes().await.unwrap();
    let before = anon_kb(pid);

    let mut res = http
        .get(format!("{base}/export?format=csv"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (mut bytes, mut lines, mut most) = (0usize, 0usize, before);
    while let Some(chunk) = res.chunk().await.unwrap() {
        bytes += chunk.len();
        lines += chunk.iter().filter(|b| **b == b'\n').count();
        most = most.max(anon_kb(pid));
    }
    let events = app
        .count("SELECT COUNT(*) FROM audit_events WHERE workspace_id = $1", &ws)
        .await;
    assert_eq!(lines as i64, events + 1, "every event and the header");
    assert!(bytes > 90_000_000, "{bytes} bytes");
    let grew = most.saturating_sub(before);
    assert!(
        grew < 30_000,
        "the server's memory grew by {grew} kB over a {} MB export",
        bytes / 1_000_000
    );
    server.kill().await.unwrap();
    app.stop().await;
}
