//! Rules that read and then write, hit by requests arriving at the same
//! instant. On PostgreSQL two transactions really interleave, so each rule must
//! hold there, not only under SQLite's single writer.

use crate::harness::{Backend, Person, TestApp};
use crate::on_both_databases;
use crate::rest::{Script, token_for};
use boardroom::error::AppError;

on_both_databases!(
    owners_removing_each_other_at_once_keep_one_owner,
    owners_leaving_at_once_keep_one_owner,
    owners_giving_up_ownership_at_once_keep_one_owner,
    sign_ups_racing_through_one_link_make_one_member,
    a_role_deleted_while_it_is_given_is_either_kept_and_held_or_gone_and_not,
    one_address_invited_by_many_at_once_with_no_resend_wait_is_renewed_never_refused,
);

const ROUNDS: usize = 10;

/// A workspace owned by Ada and Bo. Returns (Ada, Ada's id, Bo, Bo's id, workspace id).
async fn two_owners(app: &TestApp, round: usize) -> (Person, String, Person, String, String) {
    let ada = app.person();
    let ada_email = format!("ada{round}@example.com");
    let ws = ada.sign_up("Ada", &ada_email, &format!("Acme {round}")).await;
    let ada_id = ada.member(&ws, &ada_email).await.user_id;
    let bo_id = app.new_user("Bo", &format!("bo{round}@example.com")).await;
    app.add_membership(&ws, &bo_id, true).await;
    let bo = app.signed_in_as(&bo_id).await;
    (ada, ada_id, bo, bo_id, ws)
}

async fn owners(app: &TestApp, ws: &str) -> i64 {
    app.count(
        "SELECT COUNT(*) FROM memberships WHERE workspace_id = $1 AND is_owner = 1",
        ws,
    )
    .await
}

/// Each owner removes the other over the API at the same moment: one wins.
async fn owners_removing_each_other_at_once_keep_one_owner(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for round in 0..ROUNDS {
        let (ada, ada_id, bo, bo_id, ws) = two_owners(&app, round).await;
        let (ada_api, bo_api) = (
            Script::new(&app, &token_for(&ada).await),
            Script::new(&app, &token_for(&bo).await),
        );
        let (remove_bo, remove_ada) = (
            format!("/workspaces/{ws}/users/{bo_id}"),
            format!("/workspaces/{ws}/users/{ada_id}"),
        );
        let (a, b) = tokio::join!(ada_api.delete(&remove_bo), bo_api.delete(&remove_ada));
        assert_eq!(owners(&app, &ws).await, 1, "round {round}: {} / {}", a.status, b.status);
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert_eq!(statuses[0], 204, "round {round}: one removal goes through");
        assert!(
            [403, 404, 409].contains(&statuses[1]),
            "round {round}: the other is refused, not {}: {} / {}",
            statuses[1],
            a.body,
            b.body
        );
    }
    app.stop().await;
}

/// Both owners press Leave at the same moment: one of them stays.
async fn owners_leaving_at_once_keep_one_owner(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for round in 0..ROUNDS {
        let (ada, _, bo, _, ws) = two_owners(&app, round).await;
        let form = [("workspace_id", ws.as_str())];
        let (a, b) = tokio::join!(
            ada.call::<()>("leave_workspace", &form),
            bo.call::<()>("leave_workspace", &form)
        );
        assert_eq!(owners(&app, &ws).await, 1, "round {round}");
        let refused: Vec<AppError> = [a, b].into_iter().filter_map(|x| x.result.err()).collect();
        assert_eq!(refused.len(), 1, "round {round}: exactly one leaves");
        assert!(
            refused[0].to_string().starts_with("You are the only owner of"),
            "{}",
            refused[0]
        );
    }
    app.stop().await;
}

/// Each owner takes ownership from the other at the same moment.
async fn owners_giving_up_ownership_at_once_keep_one_owner(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for round in 0..ROUNDS {
        let (ada, ada_id, bo, bo_id, ws) = two_owners(&app, round).await;
        let (of_bo, of_ada) = (
            [("workspace_id", ws.as_str()), ("user_id", bo_id.as_str())],
            [("workspace_id", ws.as_str()), ("user_id", ada_id.as_str())],
        );
        let (a, b) = tokio::join!(
            ada.call::<String>("revoke_ownership", &of_bo),
            bo.call::<String>("revoke_ownership", &of_ada)
        );
        assert_eq!(owners(&app, &ws).await, 1, "round {round}");
        assert_eq!(
            [a.result.is_ok(), b.result.is_ok()].iter().filter(|ok| **ok).count(),
            1,
            "round {round}: exactly one goes through"
        );
        // And the same for giving up one's own ownership.
        app.make_owner(&ws, &bo_id).await;
        let (a, b) = tokio::join!(
            ada.call::<String>("revoke_ownership", &of_ada),
            bo.call::<String>("revoke_ownership", &of_bo)
        );
        assert_eq!(
            owners(&app, &ws).await,
            1,
            "round {round}, giving up: {a:?} / {b:?}",
            a = a.result,
            b = b.result
        );
    }
    app.stop().await;
}

/// Many people open one link and sign up at once, through one database
/// connection that a request may wait 3 s for: exactly one account joins,
/// everyone else gets the message for a used link, and nobody sees a server
/// error. (Were the connection held while argon2 hashes each password, about
/// 0.4 s each here, the later sign-ups would wait longer than that and fail.)
async fn sign_ups_racing_through_one_link_make_one_member(backend: Backend) {
    let app = TestApp::spawn_with(
        backend,
        &[("DATABASE_MAX_CONNECTIONS", "1"), ("DATABASE_ACQUIRE_TIMEOUT", "3s")],
    )
    .await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    ada.invite(&ws, "jon@example.com").await.ok();
    let token = app.smtp.wait_for("jon@example.com", 1).await.invite_token();

    // 25 stays under the 30 accepts a minute one address may make.
    let racers: Vec<_> = (0..25)
        .map(|i| {
            let (person, token) = (app.person(), token.clone());
            tokio::spawn(async move { person.accept_new(&token, &format!("Jon {i}"), "winter is here").await })
        })
        .collect();
    let mut joined = 0;
    for racer in racers {
        let answer = racer.await.unwrap();
        match answer.result {
            Ok(()) => joined += 1,
            Err(e) => {
                assert_eq!(answer.status, 404, "{e:?}");
                assert!(e.to_string().starts_with("This invitation link can't be used"), "{e}");
            }
        }
    }
    assert_eq!(joined, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = $1", "jon@example.com")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM memberships WHERE workspace_id = $1", &ws)
            .await,
        2
    );
    app.stop().await;
}

/// Deleting a role reads whether anyone holds it and then deletes it; giving a
/// role reads that it exists and then gives it. Sent at the same instant, the
/// role must end up either deleted and held by nobody, or kept and held: never
/// held by someone after it is gone.
async fn a_role_deleted_while_it_is_given_is_either_kept_and_held_or_gone_and_not(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let jon_id = app.new_user("Jon", "jon@example.com").await;
    app.add_membership(&ws, &jon_id, false).await;
    ada.invite(&ws, "kim@example.com").await.ok();
    let kim = ada.pending(&ws).await.ok()[0].id.clone();
    let group = ada
        .call::<boardroom::groups::Group>("create_group", &[("workspace_id", &ws), ("name", "ops")])
        .await
        .ok()
        .id;
    for round in 0..ROUNDS * 2 {
        for (target, give) in [
            ("USER", "set_member_roles"),
            ("USER", "set_invitation_roles"),
            ("GROUP", "grant_group_role"),
        ] {
            let role = format!("r{round}_{give}");
            ada.call::<boardroom::roles::RoleRow>(
                "create_role",
                &[
                    ("workspace_id", &ws),
                    ("role_name", &role),
                    ("permission", "READ"),
                    ("resource", "DATA"),
                    ("target", target),
                ],
            )
            .await
            .ok();
            let giving: Vec<(&str, &str)> = match give {
                "set_member_roles" => vec![("workspace_id", &ws), ("user_id", &jon_id), ("roles", &role)],
                "set_invitation_roles" => vec![("workspace_id", &ws), ("invitation_id", &kim), ("roles", &role)],
                _ => vec![("workspace_id", &ws), ("group_id", &group), ("role_name", &role)],
            };
            let deleting = [("workspace_id", ws.as_str()), ("role_name", role.as_str())];
            let (given, deleted) = tokio::join!(
                ada.call::<serde_json::Value>(give, &giving),
                ada.call::<serde_json::Value>("delete_role", &deleting)
            );
            let exists = app.count("SELECT COUNT(*) FROM roles WHERE name = $1", &role).await > 0;
            let held = app
                .count("SELECT COUNT(*) FROM member_roles WHERE role_name = $1", &role)
                .await
                + app
                    .count("SELECT COUNT(*) FROM invitation_roles WHERE role_name = $1", &role)
                    .await
                + app
                    .count("SELECT COUNT(*) FROM group_roles WHERE role_name = $1", &role)
                    .await;
            let case = format!(
                "round {round}, {give}: given {}, deleted {}",
                given.status, deleted.status
            );
            assert!(exists || held == 0, "{case}: the role is gone but still held");
            assert_eq!(exists, deleted.result.is_err(), "{case}");
            assert_eq!(held > 0, given.result.is_ok(), "{case}");
            assert!(
                given.result.is_ok() || deleted.result.is_ok(),
                "{case}: one of them goes through"
            );
        }
    }
    app.stop().await;
}

/// With the resend interval off, twenty requests inviting one address at the
/// same moment each make or renew its invitation (201), or find it made a
/// moment ago (409): never a "sent moments ago" refusal. What is left is one
/// pending invitation, and of the links emailed for it exactly one works.
async fn one_address_invited_by_many_at_once_with_no_resend_wait_is_renewed_never_refused(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("INVITATION_RESEND_INTERVAL", "0")]).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let api = Script::new(&app, &token_for(&ada).await);
    let invitations = format!("/workspaces/{ws}/invitations");
    for round in 0..20 {
        let email = format!("dup{round}@example.test");
        let body = serde_json::json!({ "email": email });
        let answers = futures_util::future::join_all((0..20).map(|_| api.post(&invitations, body.clone()))).await;
        let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
        for a in &answers {
            *statuses.entry(a.status).or_default() += 1;
            assert!([201, 409].contains(&a.status), "round {round}: {} {}", a.status, a.body);
        }
        assert!(
            statuses.get(&201).is_some_and(|n| *n >= 1),
            "round {round}: {statuses:?}"
        );
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM invitations WHERE email = $1 AND status = 'pending'",
                &email
            )
            .await,
            1,
            "round {round}"
        );

        // Once the outbox is done with this address, one emailed link works.
        let unsent = "SELECT COUNT(*) FROM emails WHERE recipient = $1 AND state IN ('queued', 'sending')";
        for _ in 0..2400 {
            if app.count(unsent, &email).await == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        assert_eq!(app.count(unsent, &email).await, 0, "round {round}: the outbox is done");
        let sent = app
            .count(
                "SELECT COUNT(*) FROM emails WHERE recipient = $1 AND state = 'sent'",
                &email,
            )
            .await as usize;
        app.smtp.wait_for(&email, sent).await;
        let stored: String =
            sqlx::query_scalar("SELECT token_hash FROM invitations WHERE email = $1 AND status = 'pending'")
                .bind(&email)
                .fetch_one(&app.db)
                .await
                .unwrap();
        let working = app
            .smtp
            .received()
            .iter()
            .filter(|e| e.to == [email.clone()])
            .filter(|e| boardroom::platform::crypto::token_matches(&e.invite_token(), &stored))
            .count();
        assert_eq!(working, 1, "round {round}: of {sent} emails, {working} links work");
    }
    app.stop().await;
}
