//! The owner's rules on who may be invited (allowed domains) and how many
//! (seats), at every way in.

use crate::harness::{Backend, Person, TestApp};
use crate::on_both_databases;
use crate::rest::{Script, token_for};
use boardroom::error::AppError;
use serde_json::json;

async fn set_rules(owner: &Person, ws: &str, domains: &str, seats: &str) {
    owner
        .call::<serde_json::Value>(
            "set_workspace_policy",
            &[
                ("workspace_id", ws),
                ("allowed_domains", domains),
                ("seat_limit", seats),
            ],
        )
        .await
        .ok();
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

/// An owner lists domains; every way of inviting, renewing, restoring,
/// handing over and accepting holds to them, including an invitation made
/// before the rule.
async fn allowed_domains_hold_at_every_way_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, ws) = app.owner("Ada", "ada@example.com", "Acme").await;
    // Made before the rule.
    owner.invite(&ws, "jon@outside.test").await.ok();
    let token = app.smtp.wait_for("jon@outside.test", 1).await.invite_token();
    owner.invite(&ws, "ann@example.com").await.ok();

    set_rules(&owner, &ws, "example.com\n*.corp.example", "").await;
    let api = Script::new(&app, &token_for(&owner).await);
    let policy = api.get(&format!("/workspaces/{ws}/policy")).await;
    assert_eq!(
        policy.body,
        json!({"allowed_domains": ["example.com", "*.corp.example"], "seat_limit": null})
    );

    // The form: outside refused with the reason, inside (and a subdomain rule) sent.
    let refused = owner.invite(&ws, "kim@outside.test").await.err();
    assert!(
        refused
            .to_string()
            .contains("only invites addresses at its allowed domains, and outside.test"),
        "{refused:?}"
    );
    let report = owner
        .invite(&ws, "lee@example.com, max@eu.corp.example, ned@eu.example.com")
        .await
        .ok();
    assert_eq!(report.sent, ["lee@example.com", "max@eu.corp.example"]);
    assert_eq!(report.failed[0].email, "ned@eu.example.com");
    // The REST API: the same rule and its code.
    let by_api = api
        .post(
            &format!("/workspaces/{ws}/invitations"),
            json!({"email": "kim@outside.test"}),
        )
        .await;
    assert_eq!(
        (by_api.status, by_api.code()),
        (403, "domain_not_allowed"),
        "{}",
        by_api.body
    );

    // The invitation from before the rule: no renewal, no link, no acceptance.
    let jon = pending_id(&owner, &ws, "jon@outside.test").await;
    let args = [("workspace_id", ws.as_str()), ("invitation_id", jon.as_str())];
    app.backdate_invitation(&jon).await;
    let resent = owner.call::<String>("resend_invitation", &args).await;
    assert_eq!(resent.status, 403);
    assert!(matches!(resent.err(), AppError::DomainNotAllowed(_)));
    assert!(matches!(
        owner
            .call::<serde_json::Value>("share_invitation_link", &args)
            .await
            .err(),
        AppError::DomainNotAllowed(_)
    ));
    let accepted = app.person().accept_new(&token, "Jon", "winter is here").await;
    assert_eq!(accepted.status, 403);
    assert!(accepted.err().to_string().contains("Ask the person who invited you"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = $1", "jon@outside.test")
            .await,
        0
    );
    // The lists mark it, and Ada (a member from before, inside the rule) is not marked.
    let listed = owner.pending(&ws).await.ok();
    let blocked: Vec<(&str, bool)> = listed.iter().map(|p| (p.email.as_str(), p.blocked)).collect();
    assert!(blocked.contains(&("jon@outside.test", true)) && blocked.contains(&("ann@example.com", false)));
    assert!(!owner.member(&ws, "ada@example.com").await.outside_domains);
    // It can still be withdrawn.
    owner.call::<String>("delete_invitation", &args).await.ok();

    // Restoring an invitation the rule now leaves out is refused.
    let ann = pending_id(&owner, &ws, "ann@example.com").await;
    let args = [("workspace_id", ws.as_str()), ("invitation_id", ann.as_str())];
    owner.call::<String>("delete_invitation", &args).await.ok();
    set_rules(&owner, &ws, "other.test", "").await;
    // Members outside the new rule stay, marked.
    let ada = owner.member(&ws, "ada@example.com").await;
    assert!(ada.outside_domains);
    let by_api = api.get(&format!("/workspaces/{ws}/users/ada@example.com")).await;
    assert_eq!(by_api.body["outside_domains"], true, "{}", by_api.body);
    assert!(matches!(
        owner.call::<String>("restore_invitation", &args).await.err(),
        AppError::DomainNotAllowed(_)
    ));

    // Without JavaScript: refused rules come back to the form as typed.
    let settings = format!("{}/w/{ws}/settings", app.address);
    let posted = owner
        .post_plain_form(
            "set_workspace_policy",
            &settings,
            &[
                ("workspace_id", &ws),
                ("allowed_domains", "example.com\nnot a domain"),
                ("seat_limit", ""),
            ],
        )
        .await;
    assert!(posted.status().is_redirection());
    let back = posted.headers()["location"].to_str().unwrap().to_string();
    let back = back.strip_prefix(&app.address).unwrap_or(&back).to_string();
    let page = owner.get(&back).await.text().await.unwrap();
    assert!(
        page.contains("example.com\nnot a domain</textarea>"),
        "the form keeps what was typed"
    );
    assert!(page.contains("\u{201c}not a domain\u{201d} is not a domain"));

    // Only owners change the rules; bad domains are named.
    let bad = api
        .send(
            reqwest::Method::PATCH,
            &format!("/workspaces/{ws}/policy"),
            Some(json!({"allowed_domains": ["not a domain"]})),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    let (_, member) = app.member_holding(&ws, "meg@example.com", &[]).await;
    let by_member = member
        .call::<String>(
            "set_workspace_policy",
            &[
                ("workspace_id", ws.as_str()),
                ("allowed_domains", ""),
                ("seat_limit", ""),
            ],
        )
        .await;
    assert_eq!(by_member.status, 403);
    app.stop().await;
}

/// Seats are members plus open invitations; past the limit, inviting is
/// refused with the numbers, and a withdrawn invitation frees its seat.
async fn seats_are_counted_and_refused_with_the_numbers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, ws) = app.owner("Ada", "ada@example.com", "Acme").await;
    let api = Script::new(&app, &token_for(&owner).await);
    let set = api
        .send(
            reqwest::Method::PATCH,
            &format!("/workspaces/{ws}/policy"),
            Some(json!({"seat_limit": 3})),
        )
        .await;
    assert_eq!(set.body["seat_limit"], 3, "{}", set.body);
    owner.invite(&ws, "jon@example.com, kim@example.com").await.ok();
    let full = owner.invite(&ws, "lee@example.com").await.err();
    assert!(
        full.to_string()
            .contains("3 of 3 seats used: withdraw an invitation or raise the limit"),
        "{full:?}"
    );
    let by_api = api
        .post(
            &format!("/workspaces/{ws}/invitations"),
            json!({"email": "lee@example.com"}),
        )
        .await;
    assert_eq!(
        (by_api.status, by_api.code()),
        (409, "seat_limit_reached"),
        "{}",
        by_api.body
    );
    // Resending one already counted takes no new seat.
    app.backdate_invitation(&pending_id(&owner, &ws, "jon@example.com").await)
        .await;
    let jon = pending_id(&owner, &ws, "jon@example.com").await;
    owner
        .call::<String>(
            "resend_invitation",
            &[("workspace_id", ws.as_str()), ("invitation_id", jon.as_str())],
        )
        .await
        .ok();
    // Withdrawn, its seat is free.
    owner
        .call::<String>(
            "delete_invitation",
            &[("workspace_id", ws.as_str()), ("invitation_id", jon.as_str())],
        )
        .await
        .ok();
    owner.invite(&ws, "lee@example.com").await.ok();
    // No limit again.
    set_rules(&owner, &ws, "", "").await;
    owner.invite(&ws, "max@example.com").await.ok();
    app.stop().await;
}

/// A hundred invitations at once with one seat left: exactly one is made.
async fn the_last_seat_goes_once_under_a_hundred_invitations_at_once(backend: Backend) {
    let app = TestApp::spawn_with(
        backend,
        &[
            ("INVITATIONS_PER_HOUR_PER_WORKSPACE", "0"),
            ("INVITATIONS_PER_HOUR_PER_INVITER", "0"),
        ],
    )
    .await;
    let (owner, ws) = app.owner("Ada", "ada@example.com", "Acme").await;
    set_rules(&owner, &ws, "", "2").await;
    let api = std::sync::Arc::new(Script::new(&app, &token_for(&owner).await));
    let tries = (0..100).map(|i| {
        let api = api.clone();
        let ws = ws.clone();
        tokio::spawn(async move {
            api.post(
                &format!("/workspaces/{ws}/invitations"),
                json!({"email": format!("p{i}@example.com")}),
            )
            .await
        })
    });
    let mut made = 0;
    for t in futures_util::future::join_all(tries).await {
        let reply = t.unwrap();
        match reply.status {
            201 => made += 1,
            409 => assert_eq!(reply.code(), "seat_limit_reached", "{}", reply.body),
            other => panic!("{other}: {}", reply.body),
        }
    }
    assert_eq!(made, 1);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM invitations WHERE workspace_id = $1 AND status = 'pending'",
            &ws
        )
        .await,
        1
    );
    app.stop().await;
}

on_both_databases!(
    allowed_domains_hold_at_every_way_in,
    seats_are_counted_and_refused_with_the_numbers,
    the_last_seat_goes_once_under_a_hundred_invitations_at_once,
);
