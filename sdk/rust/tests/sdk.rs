//! The Rust SDK against a real server: every call, and each error code a
//! well-formed call can meet.

mod support;

use boardroom_sdk::{AuditFilter, Client, Error, ErrorCode, ExportFormat, Policy, Retry, Workspace};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::Server;

fn code(e: Error) -> (u16, ErrorCode, Option<String>) {
    match e {
        Error::Api {
            status, code, field, ..
        } => (status, code, field),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn every_call_works_against_a_running_server() {
    let server = Server::start().await;
    let client = Client::new(&server.url, &server.token).unwrap();
    let acme = Workspace::both(&server.workspace_id, "Acme");

    // The seed's calls.
    let rol1 = client
        .create_role(&acme, "test_role", "WRITE", "DATA", "USER")
        .await
        .unwrap();
    assert_eq!((rol1.permission.as_str(), rol1.resource.as_str()), ("WRITE", "DATA"));
    let made = client.invite_user(&acme, "jon@gmail.com", &[&rol1.name]).await.unwrap();
    assert_eq!(
        (made.status.as_str(), made.invitation.roles.as_slice()),
        ("sent", &["test_role".to_string()][..])
    );
    let pending = client.get_pending_invitations(&acme).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        client
            .set_invitation_roles(&acme, "jon@gmail.com", &[])
            .await
            .unwrap()
            .roles
            .len(),
        0
    );
    assert_eq!(
        client.resend_invitation(&acme, "jon@gmail.com").await.unwrap().email,
        "jon@gmail.com"
    );
    let link = client.invitation_link(&acme, "jon@gmail.com").await.unwrap();
    assert_eq!(link.invitation.email, "jon@gmail.com");
    assert!(link.accept_url.contains("/invite/"), "{}", link.accept_url);
    client.delete_pending_invitation(&acme, "jon@gmail.com").await.unwrap();
    assert!(client.get_pending_invitations(&acme).await.unwrap().is_empty());

    let made = client
        .invite_user_with(&acme, "jon@gmail.com", &["test_role"], false)
        .await
        .unwrap();
    server.accept(made.accept_url.as_deref().unwrap(), "Jon").await;
    let gone = client
        .delete_pending_invitation(&acme, "jon@gmail.com")
        .await
        .unwrap_err();
    assert_eq!(code(gone), (410, ErrorCode::Gone, None));
    let users = client.get_all_workspace_users(&acme).await.unwrap();
    assert_eq!(
        users.iter().map(|u| u.email.as_str()).collect::<Vec<_>>(),
        ["ada@example.com", "jon@gmail.com"]
    );
    assert_eq!(
        client.get_user(&acme, "jon@gmail.com").await.unwrap().roles,
        ["test_role"]
    );
    assert!(
        client
            .change_user_roles(&acme, "jon@gmail.com", &[])
            .await
            .unwrap()
            .roles
            .is_empty()
    );

    // Groups.
    client
        .create_role(&acme, "writers", "WRITE", "DATA", "GROUP")
        .await
        .unwrap();
    client.create_group(&acme, "Editors").await.unwrap();
    let g = client
        .add_group_member(&acme, "Editors", "jon@gmail.com")
        .await
        .unwrap();
    assert_eq!(g.members.len(), 1);
    assert_eq!(
        client
            .grant_group_role(&acme, "Editors", "writers")
            .await
            .unwrap()
            .roles,
        ["writers"]
    );
    assert_eq!(
        client.rename_group(&acme, "Editors", "Writers").await.unwrap().name,
        "Writers"
    );
    assert_eq!(client.get_group(&acme, "writers").await.unwrap().name, "Writers");
    assert!(
        client
            .revoke_group_role(&acme, "Writers", "writers")
            .await
            .unwrap()
            .roles
            .is_empty()
    );
    assert!(
        client
            .remove_group_member(&acme, "Writers", "jon@gmail.com")
            .await
            .unwrap()
            .members
            .is_empty()
    );
    client.delete_group(&acme, "Writers").await.unwrap();
    assert_eq!(client.list_groups(&acme).await.unwrap().len(), 1);

    client.remove_user_from_workspace(&acme, "jon@gmail.com").await.unwrap();
    assert_eq!(client.get_all_workspace_users(&acme).await.unwrap().len(), 1);

    // Roles and workspaces.
    assert_eq!(client.get_role(&acme, &rol1.id).await.unwrap().name, "test_role");
    assert!(
        client
            .get_roles(&acme)
            .await
            .unwrap()
            .iter()
            .any(|r| r.name == "business_read")
    );
    client.delete_role(&acme, "test_role").await.unwrap();
    let beta = client.create_workspace("Beta").await.unwrap();
    assert_eq!(
        client.get_workspace(&Workspace::name("beta")).await.unwrap().id,
        beta.id
    );
    assert_eq!(
        client.get_workspace(&Workspace::uuid(&beta.id)).await.unwrap().name,
        "Beta"
    );
    assert_eq!(client.list_workspaces().await.unwrap().len(), 2);
}

#[tokio::test]
async fn each_refusal_comes_back_typed() {
    let server = Server::start().await;
    let client = Client::new(&server.url, &server.token).unwrap();
    let acme = Workspace::name("Acme");

    let mismatch = client
        .get_pending_invitations(&Workspace::both(&server.workspace_id, "Other"))
        .await;
    assert!(matches!(mismatch, Err(Error::WorkspaceMismatch { .. })));
    assert_eq!(
        code(client.get_workspace(&Workspace::name("nowhere")).await.unwrap_err()).1,
        ErrorCode::NotFound
    );
    assert_eq!(
        code(client.invite_user(&acme, "ada@example.com", &[]).await.unwrap_err()),
        (409, ErrorCode::AlreadyMember, Some("email".into()))
    );
    assert_eq!(
        code(client.invite_user(&acme, "ada@", &[]).await.unwrap_err()),
        (422, ErrorCode::InvalidEmail, Some("email".into()))
    );
    assert_eq!(
        code(
            client
                .create_role(&acme, "r", "WRITE", "DATUM", "USER")
                .await
                .unwrap_err()
        ),
        (422, ErrorCode::Invalid, Some("resource".into()))
    );
    assert_eq!(
        code(client.delete_role(&acme, "business_read").await.unwrap_err()).1,
        ErrorCode::Conflict
    );
    let stranger = Client::new(&server.url, &format!("brd_{}", "A".repeat(43)))
        .unwrap()
        .with_retry(Retry::NEVER);
    assert_eq!(
        code(stranger.list_workspaces().await.unwrap_err()).1,
        ErrorCode::InvalidToken
    );
    assert!(matches!(Client::new(&server.url, " "), Err(Error::Config(_))));
    // Guessing tokens is slowed down.
    let mut last = None;
    for _ in 0..12 {
        last = Some(code(stranger.list_workspaces().await.unwrap_err()));
    }
    assert_eq!(last.unwrap().1, ErrorCode::RateLimited);

    // A member holding only what everyone holds may look but not invite.
    let made = client
        .invite_user_with(&acme, "jon@example.com", &[], false)
        .await
        .unwrap();
    server.accept(made.accept_url.as_deref().unwrap(), "Jon").await;
    let jon = Client::new(&server.url, &server.token_for("jon@example.com")).unwrap();
    assert_eq!(jon.get_pending_invitations(&acme).await.unwrap().len(), 0);
    let refused = jon.invite_user(&acme, "kim@example.com", &[]).await.unwrap_err();
    assert_eq!(
        refused.to_string(),
        "You need WRITE on USER_MANAGEMENT to invite people (403 forbidden)"
    );
}

/// A `429` is waited out as its `Retry-After` says, then the call goes
/// through; a client told not to retry, or not to wait that long, gets the
/// refusal with the wait in it.
#[tokio::test]
async fn a_429_is_waited_out_as_retry_after_says() {
    let server = Server::start_with(&[("INVITATION_RESEND_INTERVAL", "2s")]).await;
    let acme = Workspace::name("Acme");
    let client = Client::new(&server.url, &server.token).unwrap();
    client.invite_user(&acme, "kim@example.com", &[]).await.unwrap();

    let refused = client
        .clone()
        .with_retry(Retry::NEVER)
        .resend_invitation(&acme, "kim@example.com")
        .await
        .unwrap_err();
    let wait = refused.retry_after().expect("a 429 says how long to wait");
    assert!(wait > Duration::ZERO && wait <= Duration::from_secs(2), "{wait:?}");
    assert_eq!(code(refused), (429, ErrorCode::RateLimited, None));

    let impatient = Retry {
        times: 5,
        longest_wait: Duration::from_millis(500),
    };
    let impatient_waits = Arc::new(Mutex::new(0));
    let refused = client
        .clone()
        .with_retry(impatient)
        .on_wait({
            let waits = impatient_waits.clone();
            move |_| *waits.lock().unwrap() += 1
        })
        .resend_invitation(&acme, "kim@example.com")
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Some(&ErrorCode::RateLimited));
    assert_eq!(
        *impatient_waits.lock().unwrap(),
        0,
        "a wait longer than allowed is not waited"
    );

    let waits = Arc::new(Mutex::new(Vec::new()));
    let patient = client.clone().on_wait({
        let waits = waits.clone();
        move |wait| waits.lock().unwrap().push(wait.clone())
    });
    let started = Instant::now();
    let resent = patient.resend_invitation(&acme, "kim@example.com").await.unwrap();
    assert_eq!(resent.email, "kim@example.com");
    let waits = waits.lock().unwrap().clone();
    assert!(!waits.is_empty(), "it waited");
    assert_eq!(waits[0].retry, 1);
    assert!(waits[0].message.contains("kim@example.com"), "{}", waits[0].message);
    let waited: Duration = waits.iter().map(|w| w.duration).sum();
    assert!(started.elapsed() >= waited, "{:?} < {waited:?}", started.elapsed());
}

#[tokio::test]
async fn me_and_the_invitations_addressed_to_me() {
    let server = Server::start().await;
    let ada = Client::new(&server.url, &server.token).unwrap();
    // Jon's account is made by the host, so his address counts as proven.
    let jon = Client::new(&server.url, &server.account("jon@gmail.com", "Jon")).unwrap();
    let me = jon.me().await.unwrap();
    assert_eq!(
        (me.email.as_str(), me.name.as_str(), me.email_verified),
        ("jon@gmail.com", "Jon", true)
    );
    assert!(jon.my_invitations().await.unwrap().is_empty());

    let bravo = ada.create_workspace("Bravo").await.unwrap();
    let charlie = ada.create_workspace("Charlie").await.unwrap();
    for ws in [&bravo, &charlie] {
        ada.invite_user(&Workspace::uuid(&ws.id), "jon@gmail.com", &[])
            .await
            .unwrap();
    }
    let waiting = jon.my_invitations().await.unwrap();
    let names: Vec<&str> = waiting.iter().map(|i| i.workspace_name.as_str()).collect();
    assert_eq!(names, ["Charlie", "Bravo"]);
    assert_eq!(waiting[0].invited_by_email, "ada@example.com");
    let joined = jon.accept_my_invitation(&waiting[1].id).await.unwrap();
    assert_eq!(joined.workspace_id, bravo.id);
    jon.decline_my_invitation(&waiting[0].id).await.unwrap();
    assert!(jon.my_invitations().await.unwrap().is_empty());
    assert!(
        ada.get_pending_invitations(&Workspace::uuid(&charlie.id))
            .await
            .unwrap()
            .is_empty()
    );
    let (status, _, _) = code(jon.accept_my_invitation(&waiting[0].id).await.unwrap_err());
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_policy_limits_domains_and_seats() {
    let server = Server::start().await;
    let ada = Client::new(&server.url, &server.token).unwrap();
    let ws = Workspace::name("Acme");
    assert_eq!(ada.get_policy(&ws).await.unwrap(), Policy::default());
    let set = ada
        .set_policy(
            &ws,
            &Policy {
                allowed_domains: vec!["Example.com".into()],
                seat_limit: Some(50),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (set.allowed_domains, set.seat_limit),
        (vec!["example.com".to_string()], Some(50))
    );
    let refused = ada.invite_user(&ws, "kim@elsewhere.test", &[]).await.unwrap_err();
    assert_eq!(refused.code(), Some(&ErrorCode::DomainNotAllowed));
    ada.set_policy(&ws, &Policy::default()).await.unwrap();
    ada.invite_user(&ws, "kim@elsewhere.test", &[]).await.unwrap();
}

#[tokio::test]
async fn the_audit_trail_is_read_and_exported() {
    let server = Server::start().await;
    let ada = Client::new(&server.url, &server.token).unwrap();
    let ws = Workspace::name("Acme");
    ada.invite_user(&ws, "audit.jon@example.com", &[]).await.unwrap();
    let only = AuditFilter {
        kind: Some("invitation.create".into()),
        target: Some("Audit.Jon@Example.com".into()),
        ..AuditFilter::default()
    };
    let events = ada.audit_events(&ws, &only).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].target, "audit.jon@example.com");
    assert!(events[0].token.is_some(), "done with a token");
    let all = ada.audit_events(&ws, &AuditFilter::default()).await.unwrap();
    let first = ada
        .audit_events_page(&ws, &AuditFilter::default(), 1, None)
        .await
        .unwrap();
    assert_eq!(first.items[0], all[0]);
    assert!(first.next_token.is_some() || all.len() == 1);
    let refused = ada
        .audit_events(
            &ws,
            &AuditFilter {
                from: Some("soon".into()),
                ..AuditFilter::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Some(&ErrorCode::BadRequest));

    let mut csv = Vec::new();
    let written = ada
        .export_audit_events(&ws, &only, ExportFormat::Csv, &mut csv)
        .await
        .unwrap();
    assert_eq!(written as usize, csv.len());
    let text = String::from_utf8(csv).unwrap();
    assert!(text.starts_with("id,at,kind,actor,token,ip,target,before,after\r\n"));
    assert_eq!(text.matches("audit.jon@example.com").count(), 1);
}
