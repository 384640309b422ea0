//! Lists at size: read a page at a time from the database (keyset), with
//! search, filters and true totals, and walked safely while they change.

use crate::harness::{Backend, Person, TestApp};
use crate::on_both_databases;
use crate::rest::{Script, token_for};
use boardroom::domain::{Listing, Window};
use boardroom::invitations::PendingInvitation;
use boardroom::members::Member;
use boardroom::pages::users::{UsersPageData, UsersView};
use serde_json::Value;
use std::collections::HashSet;

on_both_databases!(
    the_users_page_of_a_large_workspace_shows_fifty_of_each_and_the_true_totals,
    a_list_walked_while_it_changes_shows_each_row_that_stayed_once,
    pages_go_back_as_well_as_forward,
    search_and_filters_keep_what_they_say,
    a_cursor_from_elsewhere_is_refused_plainly,
    the_kept_totals_agree_with_the_rows_after_every_kind_of_change,
);

/// The headings' totals are kept by the database as rows change; after each
/// kind of change they equal a count of the rows, and the page shows them.
async fn the_kept_totals_agree_with_the_rows_after_every_kind_of_change(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("INVITATION_RESEND_INTERVAL", "0")]).await;
    let (ada, _jon, ws) = app.workspace_with_member().await;
    let agree = |step: &'static str| {
        let app = &app;
        let ws = ws.clone();
        async move {
            let kept: (i64, i64, i64) =
                sqlx::query_as("SELECT members, owners, pending FROM workspace_counts WHERE workspace_id = $1")
                    .bind(&ws)
                    .fetch_one(&app.db)
                    .await
                    .unwrap();
            let counted = (
                app.count("SELECT COUNT(*) FROM memberships WHERE workspace_id = $1", &ws)
                    .await,
                app.count(
                    "SELECT COUNT(*) FROM memberships WHERE workspace_id = $1 AND is_owner = 1",
                    &ws,
                )
                .await,
                app.count(
                    "SELECT COUNT(*) FROM invitations WHERE workspace_id = $1 AND status = 'pending'",
                    &ws,
                )
                .await,
            );
            assert_eq!(kept, counted, "after {step}");
        }
    };
    agree("an invitation accepted").await;
    let report = ada
        .invite(&ws, "kim@example.com, lee@example.com, max@example.com")
        .await
        .ok();
    assert_eq!(report.sent.len(), 3);
    agree("three invited").await;
    ada.invite(&ws, "kim@example.com").await.ok();
    agree("one invited again").await;
    let pending = ada.pending(&ws).await.ok();
    let lee = pending.iter().find(|p| p.email == "lee@example.com").unwrap();
    ada.call::<String>(
        "delete_invitation",
        &[("workspace_id", &ws), ("invitation_id", &lee.id)],
    )
    .await
    .ok();
    agree("one withdrawn").await;
    let jon_id = ada.member(&ws, "jon@example.com").await.user_id;
    ada.call::<String>("grant_ownership", &[("workspace_id", &ws), ("user_id", &jon_id)])
        .await
        .ok();
    agree("an owner made").await;
    ada.call::<String>("revoke_ownership", &[("workspace_id", &ws), ("user_id", &jon_id)])
        .await
        .ok();
    agree("an owner unmade").await;
    ada.call::<String>("remove_member", &[("workspace_id", &ws), ("user_id", &jon_id)])
        .await
        .ok();
    agree("a member removed").await;
    let ada_id = ada.member(&ws, "ada@example.com").await.user_id;
    app.seed(&ws, &ada_id, 120, 80).await;
    agree("rows written straight into the database").await;

    let page = users_page(&ada, &ws, &UsersView::default()).await;
    assert_eq!(page.members.total, 121);
    assert_eq!(page.pending.unwrap().total, 82);
    assert_eq!(page.owners, 1);
    app.stop().await;
}

async fn users_page(person: &Person, ws: &str, view: &UsersView) -> UsersPageData {
    let view = serde_json::to_value(view).unwrap();
    let mut form: Vec<(String, String)> = vec![("workspace_id".into(), ws.into())];
    for (k, v) in view.as_object().unwrap() {
        form.push((format!("view[{k}]"), v.as_str().unwrap().to_string()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    person.call::<UsersPageData>("users_page", &form).await.ok()
}

fn emails<T>(list: &Listing<T>, email: impl Fn(&T) -> &str) -> Vec<String> {
    list.items.iter().map(|i| email(i).to_string()).collect()
}

async fn the_users_page_of_a_large_workspace_shows_fifty_of_each_and_the_true_totals(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let ada_id = ada.member(&ws, "ada@example.com").await.user_id;
    app.seed(&ws, &ada_id, 10_000, 10_000).await;

    let page = users_page(&ada, &ws, &UsersView::default()).await;
    assert_eq!((page.members.items.len(), page.members.total), (50, 10_001));
    let members = emails(&page.members, |m: &Member| &m.email);
    assert_eq!(members[0], "ada@example.com", "by name: ada comes first");
    assert_eq!(members[1], "member00001@example.com");
    let pending = page.pending.unwrap();
    assert_eq!((pending.items.len(), pending.total), (50, 10_000));
    assert_eq!(pending.items[0].email, "invitee10000@example.com", "newest first");
    assert!(page.members.next.is_some() && page.members.previous.is_none());

    // The page as a browser gets it: the totals in the headings, 50 rows each,
    // and a link to the next page of each list.
    let html = ada.get(&format!("/w/{ws}/users")).await.text().await.unwrap();
    assert!(
        html.contains(">10000</span>") && html.contains(">10001</span>"),
        "totals"
    );
    let rows = regex::Regex::new(r"(member|invitee|ada)\d{0,5}@example\.com</td>").unwrap();
    assert_eq!(
        rows.find_iter(&html).count(),
        100,
        "50 members (Ada among them) and 50 invitations"
    );
    assert!(html.contains(r#"rel="next""#));
    assert!(html.len() <= 100_000, "the page is {} bytes", html.len());
    app.stop().await;
}

/// Walks `path` over the API, `limit` at a time, calling `between` after each
/// page; returns every item's `key`, in the order seen.
async fn walk(api: &Script, path: &str, key: &str, mut between: impl AsyncFnMut(usize)) -> Vec<String> {
    let mut seen = Vec::new();
    let mut next: Option<String> = None;
    for page_number in 0.. {
        let url = match &next {
            Some(t) => format!("{path}?limit=50&next_token={t}"),
            None => format!("{path}?limit=50"),
        };
        let page = api.get(&url).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let items = page.body["items"].as_array().unwrap();
        assert!(items.len() <= 50);
        seen.extend(items.iter().map(|i| i[key].as_str().unwrap().to_string()));
        match page.body["next_token"].as_str() {
            Some(t) => next = Some(t.to_string()),
            None => break,
        }
        between(page_number).await;
    }
    seen
}

async fn a_list_walked_while_it_changes_shows_each_row_that_stayed_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let ada_id = ada.member(&ws, "ada@example.com").await.user_id;
    app.seed(&ws, &ada_id, 300, 300).await;
    let api = Script::new(&app, &token_for(&ada).await);

    // Members, by name. Between pages some join (before and after where the
    // walk stands) and some leave (seen, and not yet seen).
    let mut gone = HashSet::new();
    let seen = walk(&api, &format!("/workspaces/{ws}/users"), "email", async |n| {
        let (early, late) = (format!("aaron{n}@example.com"), format!("zed{n}@example.com"));
        for (email, name) in [(&early, format!("Aaron {n}")), (&late, format!("Zed {n}"))] {
            let id = app.new_user(&name, email).await;
            app.add_membership(&ws, &id, false).await;
        }
        for leaver in [10 + n * 50, 200 + n] {
            let email = format!("member{leaver:05}@example.com");
            sqlx::query("DELETE FROM memberships WHERE user_id = (SELECT id FROM users WHERE email = $1)")
                .bind(&email)
                .execute(&app.db)
                .await
                .unwrap();
            gone.insert(email);
        }
    })
    .await;
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no member twice");
    for n in 1..=300 {
        let email = format!("member{n:05}@example.com");
        if !gone.contains(&email) {
            assert!(unique.contains(&email), "{email} stayed and was skipped");
        }
    }
    assert!(unique.contains(&"ada@example.com".to_string()));
    let mut sorted = seen.clone();
    sorted.sort_by_key(|e| e.to_lowercase());

    // Pending invitations, newest first, while new ones arrive and some are withdrawn.
    let mut withdrawn = HashSet::new();
    let seen = walk(&api, &format!("/workspaces/{ws}/invitations"), "email", async |n| {
        api.post(
            &format!("/workspaces/{ws}/invitations"),
            serde_json::json!({"email": format!("new{n}@example.com"), "send_email": false}),
        )
        .await;
        let old = format!("invitee{:05}@example.com", 20 + n);
        sqlx::query("UPDATE invitations SET status = 'revoked' WHERE email = $1")
            .bind(&old)
            .execute(&app.db)
            .await
            .unwrap();
        withdrawn.insert(old);
    })
    .await;
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no invitation twice");
    for n in 1..=300 {
        let email = format!("invitee{n:05}@example.com");
        if !withdrawn.contains(&email) {
            assert!(unique.contains(&email), "{email} stayed and was skipped");
        }
    }
    app.stop().await;
}

async fn pages_go_back_as_well_as_forward(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let ada_id = ada.member(&ws, "ada@example.com").await.user_id;
    app.seed(&ws, &ada_id, 120, 120).await;
    let first = users_page(&ada, &ws, &UsersView::default()).await;
    let second = users_page(
        &ada,
        &ws,
        &UsersView {
            after: first.members.next.clone().unwrap(),
            pafter: first.pending.as_ref().unwrap().next.clone().unwrap(),
            ..Default::default()
        },
    )
    .await;
    assert!(second.members.previous.is_some() && second.members.next.is_some());
    let back = users_page(
        &ada,
        &ws,
        &UsersView {
            before: second.members.previous.clone().unwrap(),
            pbefore: second.pending.as_ref().unwrap().previous.clone().unwrap(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(back.members.items, first.members.items);
    assert!(back.members.previous.is_none(), "the first page has none before it");
    assert_eq!(
        back.pending.as_ref().unwrap().items,
        first.pending.as_ref().unwrap().items
    );
    let third = users_page(
        &ada,
        &ws,
        &UsersView {
            after: second.members.next.clone().unwrap(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(third.members.items.len(), 21, "121 members: 50, 50, 21");
    assert!(third.members.next.is_none());
    app.stop().await;
}

async fn search_and_filters_keep_what_they_say(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let ada_id = ada.member(&ws, "ada@example.com").await.user_id;
    app.seed(&ws, &ada_id, 200, 200).await;
    let view = |q: &str, show: &str, state: &str| UsersView {
        q: q.into(),
        show: show.into(),
        state: state.into(),
        ..Default::default()
    };
    let members = async |v: UsersView| {
        let page = users_page(&ada, &ws, &v).await;
        (page.members.total, emails(&page.members, |m: &Member| &m.email))
    };
    // By name, by email, any case; `%` and `_` are only themselves.
    assert_eq!(members(view("MEMBER 0001", "", "")).await.0, 10);
    assert_eq!(members(view("member0002", "", "")).await.0, 10);
    assert_eq!(
        members(view("member00150@", "", "")).await.1,
        ["member00150@example.com"]
    );
    assert_eq!(members(view("%", "", "")).await.0, 0);
    assert_eq!(members(view("_", "", "")).await.0, 0);
    // Owners, and the holders of a role.
    assert_eq!(members(view("", "owners", "")).await.1, ["ada@example.com"]);
    ada.call::<boardroom::roles::RoleRow>(
        "create_role",
        &[
            ("workspace_id", ws.as_str()),
            ("role_name", "auditor"),
            ("permission", "READ"),
            ("resource", "DATA"),
            ("target", "USER"),
        ],
    )
    .await
    .ok();
    for n in [3, 7, 42] {
        sqlx::query("INSERT INTO member_roles (workspace_id, user_id, role_name) VALUES ($1, $2, 'auditor')")
            .bind(&ws)
            .bind(format!("seed-user-{n}"))
            .execute(&app.db)
            .await
            .unwrap();
    }
    let (total, found) = members(view("", "role:auditor", "")).await;
    assert_eq!(total, 3);
    assert_eq!(
        found,
        [
            "member00003@example.com",
            "member00007@example.com",
            "member00042@example.com"
        ]
    );
    assert_eq!(members(view("00007", "role:auditor", "")).await.0, 1);

    // Pending: by address; waiting, expired, not delivered.
    let pending = async |v: UsersView| {
        let page = users_page(&ada, &ws, &v).await.pending.unwrap();
        (page.total, emails(&page, |i: &PendingInvitation| &i.email))
    };
    assert_eq!(pending(view("INVITEE0003", "", "")).await.0, 10);
    sqlx::query(
        "UPDATE invitations SET expires_at = 1 WHERE email IN ('invitee00001@example.com', 'invitee00002@example.com')",
    )
    .execute(&app.db)
    .await
    .unwrap();
    for (n, state, at) in [(5, "failed", 1), (6, "failed", 1), (6, "queued", 2), (9, "sent", 1)] {
        sqlx::query(
            "INSERT INTO emails (id, kind, subject_id, recipient, state, attempts, next_attempt_at, created_at) \
             VALUES ($1, 'invitation', $2, 'x@example.com', $3, 6, 0, $4)",
        )
        .bind(format!("seed-email-{n}-{at}"))
        .bind(format!("seed-invitation-{n}"))
        .bind(state)
        .bind(at)
        .execute(&app.db)
        .await
        .unwrap();
    }
    assert_eq!(pending(view("", "", "expired")).await.0, 2);
    assert_eq!(
        pending(view("", "", "undelivered")).await.1,
        ["invitee00005@example.com"],
        "only where the newest email failed"
    );
    assert_eq!(pending(view("", "", "waiting")).await.0, 197);
    assert_eq!(pending(view("", "", "")).await.0, 200);
    app.stop().await;
}

async fn a_cursor_from_elsewhere_is_refused_plainly(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let answer = ada
        .call::<Vec<Member>>(
            "list_members",
            &[
                ("workspace_id", ws.as_str()),
                ("window[after]", "not-a-cursor"),
                ("window[limit]", "5"),
            ],
        )
        .await;
    assert_eq!(answer.status, 400);
    let api = Script::new(&app, &token_for(&ada).await);
    let r = api
        .get(&format!("/workspaces/{ws}/invitations?next_token=bm9wZQ"))
        .await;
    assert_eq!((r.status, r.code()), (400, "bad_request"));
    assert_eq!(r.body["error"]["field"], Value::from("next_token"));
    let _ = Window::first(1);
    app.stop().await;
}
