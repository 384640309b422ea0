use crate::harness::{Backend, TestApp};
use crate::on_both_databases;
use boardroom::error::AppError;
use boardroom::invitations::Delivery;

on_both_databases!(
    an_email_given_up_on_says_why_and_resend_queues_a_fresh_one,
    invite_email_accept_and_become_active,
    opening_the_link_changes_nothing,
    a_used_link_cannot_be_used_again,
    tampered_expired_and_revoked_links_get_one_message,
    inviting_again_renews_instead_of_duplicating,
    bad_addresses_and_members_get_specific_messages,
    a_batch_invites_the_good_and_reports_the_bad,
    an_existing_user_signs_in_to_accept,
    signed_in_as_someone_else_never_accepts,
    two_simultaneous_accepts_give_one_membership,
    a_dead_smtp_server_never_fails_the_invite,
    shutdown_finishes_the_email_in_hand,
    every_email_has_a_message_id_and_names_the_roles,
    the_outbox_sends_several_at_once_each_once_across_a_restart,
    a_connection_the_smtp_server_closed_while_idle_costs_no_retry,
    a_copied_link_replaces_the_emailed_one_and_sends_nothing,
    declining_closes_the_invitation_and_the_inviter_sees_it,
    a_withdrawn_invitation_can_be_restored_for_a_minute,
    the_database_never_holds_a_usable_link,
    an_invitation_and_its_email_are_written_together_or_not_at_all,
    shutdown_lets_a_request_in_flight_finish,
);

async fn invite_email_accept_and_become_active(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada Lovelace", "ada@example.com", "Acme").await;

    let report = owner.invite(&ws, "Jon@Example.com").await.ok();
    assert_eq!(report.summary(), "Invitation sent to jon@example.com");
    let pending = owner.pending(&ws).await.ok();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].email, "jon@example.com");
    assert_eq!(pending[0].invited_by, "Ada Lovelace");

    let email = app.smtp.wait_for("jon@example.com", 1).await;
    assert_eq!(
        email.header("Subject").unwrap(),
        "Ada Lovelace invited you to join Acme on Boardroom"
    );
    assert!(email.header("Reply-To").unwrap().contains("ada@example.com"));
    assert!(
        email
            .header("Content-Type")
            .unwrap()
            .starts_with("multipart/alternative")
    );
    assert!(email.raw.contains("text/plain") && email.raw.contains("text/html"));
    assert!(email.decoded().contains("This invitation expires on"));
    let token = email.invite_token();

    let invitee = app.person();
    let page = invitee.get(&format!("/invite/{token}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Join Acme"), "{html}");
    assert!(html.contains("Ada Lovelace"));

    let accepted = invitee.accept_new(&token, "Jon Snow", "winter is here").await;
    assert_eq!(
        accepted.redirect.as_deref(),
        Some(format!("/w/{ws}/boards?joined=1").as_str())
    );
    accepted.ok();

    // The invitee is now signed in and sees the workspace's boards.
    invitee
        .call::<Vec<boardroom::boards::Board>>("list_boards", &[("workspace_id", &ws)])
        .await
        .ok();
    let members = owner.members(&ws).await.ok();
    let jon = members
        .iter()
        .find(|m| m.email == "jon@example.com")
        .expect("Jon is active");
    assert_eq!(jon.name, "Jon Snow");
    assert!(!jon.is_owner);
    assert!(owner.pending(&ws).await.ok().is_empty());
    app.stop().await;
}

async fn opening_the_link_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    owner.invite(&ws, "jon@example.com").await.ok();
    let token = app.smtp.wait_for("jon@example.com", 1).await.invite_token();

    let scanner = app.person();
    for _ in 0..3 {
        assert_eq!(scanner.get(&format!("/invite/{token}")).await.status(), 200);
    }
    assert_eq!(owner.pending(&ws).await.ok().len(), 1);
    app.person().accept_new(&token, "Jon", "winter is here").await.ok();
    app.stop().await;
}

async fn a_used_link_cannot_be_used_again(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    owner.invite(&ws, "jon@example.com").await.ok();
    let token = app.smtp.wait_for("jon@example.com", 1).await.invite_token();
    app.person().accept_new(&token, "Jon", "winter is here").await.ok();

    let again = app.person().accept_new(&token, "Jon Again", "winter is here").await;
    assert_eq!(again.status, 404);
    assert!(matches!(again.err(), AppError::NotFound(m) if m.starts_with("This invitation link can't be used")));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM memberships WHERE workspace_id = $1", &ws)
            .await,
        2
    );
    app.stop().await;
}

async fn tampered_expired_and_revoked_links_get_one_message(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    owner.invite(&ws, "expired@example.com, revoked@example.com").await.ok();
    let expired = app.smtp.wait_for("expired@example.com", 1).await.invite_token();
    let revoked = app.smtp.wait_for("revoked@example.com", 1).await.invite_token();
    app.expire_invitations_for("expired@example.com").await;
    let revoked_id = owner
        .pending(&ws)
        .await
        .ok()
        .into_iter()
        .find(|p| p.email == "revoked@example.com")
        .unwrap()
        .id;
    let deleted = owner
        .call::<String>(
            "delete_invitation",
            &[("workspace_id", &ws), ("invitation_id", &revoked_id)],
        )
        .await;
    assert_eq!(deleted.ok(), "revoked@example.com");

    let mut tampered = expired.clone();
    tampered.replace_range(0..1, if tampered.starts_with('A') { "B" } else { "A" });
    let mut messages = Vec::new();
    for token in [
        expired.as_str(),
        revoked.as_str(),
        tampered.as_str(),
        "short",
        "not*a*token*at*all",
    ] {
        let visitor = app.person();
        let preview = visitor
            .call::<boardroom::invitations::InvitationPreview>("get_invitation_preview", &[("token", token)])
            .await;
        messages.push(preview.err());
        let accept = visitor.accept_new(token, "Eve", "correct horse").await;
        messages.push(accept.err());
        let page = visitor.get(&format!("/invite/{token}")).await.text().await.unwrap();
        assert!(
            page.contains("This invitation link can&#x27;t be used")
                || page.contains("This invitation link can't be used"),
            "{page}"
        );
    }
    assert!(messages.windows(2).all(|w| w[0] == w[1]), "{messages:?}");
    // The expired invitation stays visible, marked expired; the revoked one is gone.
    let pending = owner.pending(&ws).await.ok();
    assert_eq!(pending.len(), 1);
    assert!(pending[0].expired);
    app.stop().await;
}

async fn inviting_again_renews_instead_of_duplicating(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    owner.invite(&ws, "jon@example.com").await.ok();
    let first = app.smtp.wait_for("jon@example.com", 1).await.invite_token();
    app.expire_invitations_for("jon@example.com").await;

    let report = owner.invite(&ws, "jon@example.com").await.ok();
    assert_eq!(report.resent, vec!["jon@example.com"]);
    assert!(report.sent.is_empty());
    let second = app.smtp.wait_for("jon@example.com", 2).await.invite_token();
    assert_ne!(first, second);

    let pending = owner.pending(&ws).await.ok();
    assert_eq!(pending.len(), 1, "renewed, not duplicated");
    assert!(!pending[0].expired, "the expiry restarts");
    assert!(matches!(
        app.person().accept_new(&first, "Jon", "winter is here").await.err(),
        AppError::NotFound(_)
    ));
    app.person().accept_new(&second, "Jon", "winter is here").await.ok();
    app.stop().await;
}

async fn bad_addresses_and_members_get_specific_messages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;

    let empty = owner.invite(&ws, "  ").await;
    assert_eq!(empty.status, 422);
    assert_eq!(empty.err().message_for("emails").unwrap(), "Enter an email address");

    let bad = owner.invite(&ws, "jon@").await.err();
    assert!(
        bad.message_for("emails")
            .unwrap()
            .starts_with("Enter an email address in the correct format, like name@example.com")
    );

    let member = owner.invite(&ws, "ADA@example.com").await;
    assert_eq!(member.status, 422);
    assert_eq!(
        member.err().message_for("emails").unwrap(),
        "ada@example.com is already a member of Acme"
    );

    assert_eq!(
        app.count("SELECT COUNT(*) FROM invitations WHERE workspace_id = $1", &ws)
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM emails WHERE kind = $1", "invitation")
            .await,
        0
    );

    let too_many: Vec<String> = (0..51).map(|i| format!("p{i}@example.com")).collect();
    let capped = owner.invite(&ws, &too_many.join(",")).await.err();
    assert!(
        capped
            .message_for("emails")
            .unwrap()
            .starts_with("You can invite up to 50 people at a time")
    );
    app.stop().await;
}

async fn a_batch_invites_the_good_and_reports_the_bad(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    let report = owner
        .invite(
            &ws,
            "a@example.com, not-an-email\nb@example.com; ada@example.com, a@example.com",
        )
        .await
        .ok();
    assert_eq!(report.sent, vec!["a@example.com", "b@example.com"]);
    assert_eq!(report.summary(), "2 invitations sent");
    let failed: Vec<_> = report.failed.iter().map(|f| f.email.as_str()).collect();
    assert_eq!(failed, vec!["not-an-email", "ada@example.com"]);
    app.smtp.wait_for("a@example.com", 1).await;
    app.smtp.wait_for("b@example.com", 1).await;

    // Exactly the most a batch may hold goes through; one more is refused whole.
    let fifty: Vec<String> = (0..50).map(|i| format!("p{i}@example.com")).collect();
    let report = owner.invite(&ws, &fifty.join(", ")).await.ok();
    assert_eq!((report.sent.len(), report.failed.len()), (50, 0));
    let fifty_one: Vec<String> = (0..51).map(|i| format!("q{i}@example.com")).collect();
    let refused = owner.invite(&ws, &fifty_one.join(", ")).await;
    assert_eq!(refused.status, 422);
    assert_eq!(
        refused.err().to_string(),
        "You can invite up to 50 people at a time; this list has 51"
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM invitations WHERE workspace_id = $1 AND email LIKE 'q%'",
            &ws
        )
        .await,
        0
    );
    app.stop().await;
}

async fn an_existing_user_signs_in_to_accept(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    let jon = app.person();
    jon.sign_up("Jon", "jon@example.com", "Jon's place").await;
    owner.invite(&ws, "jon@example.com").await.ok();
    let token = app.smtp.wait_for("jon@example.com", 1).await.invite_token();

    // In a fresh browser the page asks Jon to sign in.
    let fresh = app.person();
    let preview = fresh
        .call::<boardroom::invitations::InvitationPreview>("get_invitation_preview", &[("token", &token)])
        .await
        .ok();
    assert_eq!(preview.account, boardroom::invitations::InvitedAccount::Proven);
    let wrong = fresh
        .call::<()>(
            "accept_invitation_sign_in",
            &[("token", &token), ("password", "nope nope")],
        )
        .await;
    assert_eq!(
        wrong.err().message_for("password").unwrap(),
        "The password is not right"
    );
    fresh
        .call::<()>(
            "accept_invitation_sign_in",
            &[("token", &token), ("password", "correct horse")],
        )
        .await
        .ok();
    assert!(
        owner
            .members(&ws)
            .await
            .ok()
            .iter()
            .any(|m| m.email == "jon@example.com")
    );

    // Signed in already, accepting is one press.
    owner.invite(&ws, "kim@example.com").await.ok();
    let kim = app.person();
    kim.sign_up("Kim", "kim@example.com", "Kim's").await;
    let token = app.smtp.wait_for("kim@example.com", 1).await.invite_token();
    let a = kim.call::<()>("accept_invitation", &[("token", &token)]).await;
    assert_eq!(a.redirect.as_deref(), Some(format!("/w/{ws}/boards?joined=1").as_str()));
    a.ok();
    app.stop().await;
}

async fn signed_in_as_someone_else_never_accepts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    owner.invite(&ws, "jon@example.com").await.ok();
    let token = app.smtp.wait_for("jon@example.com", 1).await.invite_token();

    let eve = app.person();
    eve.sign_up("Eve", "eve@example.com", "Eve's").await;
    let preview = eve
        .call::<boardroom::invitations::InvitationPreview>("get_invitation_preview", &[("token", &token)])
        .await
        .ok();
    assert_eq!(preview.signed_in_as.as_deref(), Some("eve@example.com"));
    let members_of_acme = "SELECT COUNT(*) FROM memberships WHERE workspace_id = $1";
    // Opening the page signed in as someone else changes nothing.
    let page = eve.get(&format!("/invite/{token}")).await.text().await.unwrap();
    assert!(
        page.contains("but you&#x27;re signed in as eve@example.com")
            || page.contains("but you're signed in as eve@example.com"),
        "{page}"
    );
    assert_eq!(owner.pending(&ws).await.ok().len(), 1);
    assert_eq!(app.count(members_of_acme, &ws).await, 1);
    let refused = eve.call::<()>("accept_invitation", &[("token", &token)]).await;
    assert_eq!(refused.status, 403);
    assert_eq!(
        refused.err().to_string(),
        "This invitation was sent to jon@example.com, but you're signed in as eve@example.com"
    );
    assert_eq!(
        owner.pending(&ws).await.ok().len(),
        1,
        "a refused accept changes nothing"
    );
    assert_eq!(app.count(members_of_acme, &ws).await, 1);
    // Creating an account through the link always gets the invited email.
    let new = eve.accept_new(&token, "Eve", "correct horse").await;
    new.ok();
    let members = owner.members(&ws).await.ok();
    assert!(members.iter().any(|m| m.email == "jon@example.com" && m.name == "Eve"));
    assert!(!members.iter().any(|m| m.email == "eve@example.com"));
    app.stop().await;
}

async fn two_simultaneous_accepts_give_one_membership(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    let jon = app.person();
    jon.sign_up("Jon", "jon@example.com", "Jon's").await;
    // Jon signed in in six browsers at once, all accepting through one link.
    let mut sessions = vec![jon];
    for _ in 0..5 {
        let again = app.person();
        again.sign_in("jon@example.com", "correct horse").await.ok();
        sessions.push(again);
    }
    owner.invite(&ws, "jon@example.com").await.ok();
    let token = app.smtp.wait_for("jon@example.com", 1).await.invite_token();

    let form = [("token", token.as_str())];
    let answers =
        futures_util::future::join_all(sessions.iter().map(|s| s.call::<()>("accept_invitation", &form))).await;
    let (won, lost): (Vec<_>, Vec<_>) = answers.into_iter().partition(|a| a.result.is_ok());
    assert_eq!(won.len(), 1, "exactly one accept goes through");
    for loser in lost {
        assert_eq!(loser.status, 404);
        assert!(
            loser
                .err()
                .to_string()
                .starts_with("This invitation link can't be used")
        );
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM memberships WHERE workspace_id = $1", &ws)
            .await,
        2
    );
    let closed = "SELECT COUNT(*) FROM invitations WHERE email = $1 AND status = 'accepted'";
    assert_eq!(app.count(closed, "jon@example.com").await, 1);
    let accepted = "SELECT COUNT(*) FROM audit_events WHERE action = 'invitation.accept' AND subject = $1";
    assert_eq!(
        app.count(accepted, "jon@example.com").await,
        1,
        "one acceptance recorded"
    );
    app.stop().await;
}

async fn a_dead_smtp_server_never_fails_the_invite(backend: Backend) {
    // Nothing listens on port 9 of loopback: every delivery attempt fails.
    let app = TestApp::spawn_with(backend, &[("SMTP_URL", "smtp://127.0.0.1:9")]).await;
    let (owner, ws) = app.owner("Ada", "ada@example.com", "Acme").await;
    // The invite answers without waiting for the mail server.
    tokio::time::timeout(std::time::Duration::from_secs(60), owner.invite(&ws, "jon@example.com"))
        .await
        .expect("the invite waited for SMTP")
        .ok();

    // The worker tries, fails and schedules a retry; the email stays queued.
    for _ in 0..400 {
        if app.count("SELECT COUNT(*) FROM emails WHERE recipient = $1 AND attempts = 1 AND state = 'queued' AND last_error IS NOT NULL", "jon@example.com").await == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM emails WHERE recipient = $1 AND attempts = 1 AND state = 'queued' AND last_error IS NOT NULL", "jon@example.com").await,
        1
    );
    let pending = owner.pending(&ws).await.ok();
    assert_eq!(pending[0].delivery, Delivery::Queued);

    // Withdrawing it cancels the email; restoring it queues the email again.
    let args = [("workspace_id", ws.as_str()), ("invitation_id", pending[0].id.as_str())];
    let in_state = "SELECT COUNT(*) FROM emails WHERE recipient = 'jon@example.com' AND state = $1";
    owner.call::<String>("delete_invitation", &args).await.ok();
    assert_eq!(app.count(in_state, "cancelled").await, 1);
    owner.call::<String>("restore_invitation", &args).await.ok();
    // Queued again, and at once due: the worker may already be trying it.
    let going = "SELECT COUNT(*) FROM emails WHERE recipient = $1 AND state IN ('queued', 'sending')";
    assert_eq!(app.count(going, "jon@example.com").await, 1);
    assert_eq!(app.count(in_state, "cancelled").await, 0);
    app.stop().await;
}

async fn shutdown_finishes_the_email_in_hand(backend: Backend) {
    use std::time::Duration;
    // The SMTP server reads the message and holds it until released, so the
    // app is told to stop exactly while an email is in hand.
    let held = crate::smtp::SmtpServer::start_held().await;
    let smtp_url = format!("smtp://127.0.0.1:{}", held.port);
    let app = TestApp::spawn_with(backend, &[("SMTP_URL", &smtp_url)]).await;
    let (owner, ws) = app.owner("Ada", "ada@example.com", "Acme").await;
    let receiving = held.receiving.notified();
    owner.invite(&ws, "jon@example.com").await.ok();
    tokio::time::timeout(Duration::from_secs(60), receiving)
        .await
        .expect("delivery started");
    let db = app.db.clone();
    let state = || async {
        sqlx::Row::get::<String, _>(
            &sqlx::query("SELECT state FROM emails WHERE recipient = 'jon@example.com'")
                .fetch_one(&db)
                .await
                .unwrap(),
            "state",
        )
    };
    assert_eq!(state().await, "sending");

    let mut stopping = tokio::spawn(app.stop());
    // Told to stop, the app waits for the email in hand rather than drop it.
    assert!(
        tokio::time::timeout(Duration::from_millis(300), &mut stopping)
            .await
            .is_err(),
        "the app stopped with an email half sent"
    );
    assert_eq!(state().await, "sending");
    held.release();
    tokio::time::timeout(Duration::from_secs(60), stopping)
        .await
        .expect("the app stopped once the email was sent")
        .unwrap();
    assert_eq!(held.received().len(), 1);
    assert_eq!(state().await, "sent");
}

/// Spam filters count a missing Message-ID against a message; the invitation
/// also says, in both parts, what accepting grants.
async fn every_email_has_a_message_id_and_names_the_roles(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    for role in ["editor", "viewer"] {
        ada.call::<boardroom::roles::RoleRow>(
            "create_role",
            &[
                ("workspace_id", ws.as_str()),
                ("role_name", role),
                ("permission", "READ"),
                ("resource", "DATA"),
                ("target", "USER"),
            ],
        )
        .await
        .ok();
    }
    ada.call::<boardroom::invitations::InviteReport>(
        "invite_user",
        &[
            ("workspace_id", ws.as_str()),
            ("emails", "jon@example.com, kim@example.com"),
            ("roles[0]", "viewer"),
            ("roles[1]", "editor"),
        ],
    )
    .await
    .ok();
    let host = app
        .address
        .trim_start_matches("http://")
        .split(':')
        .next()
        .unwrap()
        .to_string();
    let id_shape = regex::Regex::new(&format!(r"^<[0-9a-f]{{8}}-[0-9a-f-]{{27}}@{}>$", regex::escape(&host))).unwrap();
    let mut ids = Vec::new();
    for to in ["jon@example.com", "kim@example.com"] {
        let email = app.smtp.wait_for(to, 1).await;
        let id = email.header("Message-ID").expect("a Message-ID");
        assert!(id_shape.is_match(&id), "{id}");
        ids.push(id);
        let body = email.decoded();
        let (text, html) = body.split_once("text/html").expect("two parts");
        assert!(
            text.contains("invited you to join Acme on Boardroom as editor and viewer."),
            "{text}"
        );
        assert!(html.contains("on Boardroom as editor and viewer.</p>"), "{html}");
    }
    assert_ne!(ids[0], ids[1], "each message has its own id");
    app.stop().await;
}

/// The worker claims a batch and sends several at once; stopped halfway, it
/// finishes what it is sending and puts back what it had not begun; started
/// again, it sends the rest. Every address gets its email exactly once.
async fn the_outbox_sends_several_at_once_each_once_across_a_restart(backend: Backend) {
    let slow = crate::smtp::SmtpServer::start_slow(std::time::Duration::from_millis(300)).await;
    let smtp_url = format!("smtp://127.0.0.1:{}", slow.port);
    let vars = [("SMTP_URL", smtp_url.as_str())];
    let app = TestApp::spawn_with(backend, &vars).await;
    let (owner, ws) = app.owner("Ada", "ada@example.com", "Acme").await;
    let addresses: Vec<String> = (1..=40).map(|n| format!("p{n:02}@example.com")).collect();
    owner.invite(&ws, &addresses.join(", ")).await.ok();

    slow.wait_for_count(8).await;
    let (database_url, smtp) = (app.database_url.clone(), app.smtp.clone());
    let db = app.db.clone();
    app.stop().await;
    // Nothing was left half-claimed: each email is sent, or queued again.
    let stranded: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM emails WHERE state NOT IN ('sent', 'queued')")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(stranded, 0);
    let sent_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM emails WHERE state = 'sent'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert!((8..40).contains(&sent_before), "stopped halfway: {sent_before} sent");
    let app = TestApp::resume(database_url, smtp, &vars).await;
    slow.wait_for_count(40).await;
    let mut got: Vec<String> = slow.received().iter().flat_map(|e| e.to.clone()).collect();
    got.sort();
    assert_eq!(got, addresses, "every address once");
    assert!(
        slow.most_at_once.load(std::sync::atomic::Ordering::SeqCst) > 1,
        "several were sent at once"
    );
    // Stopping waits for the sends under way to be recorded.
    let db = app.db.clone();
    app.stop().await;
    let sent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM emails WHERE state = 'sent' AND kind = 'invitation'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(sent, 40);
}

/// SMTP servers hang up on a connection left idle (maildev after a minute):
/// the next email finds the pooled connection closed and goes at once on a
/// new one, on its first attempt and once, not half a minute later on the
/// outbox's retry.
async fn a_connection_the_smtp_server_closed_while_idle_costs_no_retry(backend: Backend) {
    use std::sync::atomic::Ordering::SeqCst;
    let app = TestApp::spawn(backend).await;
    let (owner, ws) = app.owner("Ada", "ada@example.com", "Acme").await;
    owner.invite(&ws, "first@example.com").await.ok();
    app.smtp.wait_for("first@example.com", 1).await;
    // Recorded as sent: the worker has the server's answer and the
    // connection waits in the pool for the next message.
    let sent = "SELECT COUNT(*) FROM emails WHERE state = 'sent' AND recipient = $1";
    app.wait_until_count(sent, "first@example.com", 1, "email recorded as sent")
        .await;
    let opened = app.smtp.connections.load(SeqCst);
    app.smtp.hang_up_idle();

    owner.invite(&ws, "second@example.com").await.ok();
    app.smtp.wait_for("second@example.com", 1).await;
    let (attempts, error): (i64, Option<String>) =
        sqlx::query_as("SELECT attempts, last_error FROM emails WHERE recipient = $1")
            .bind("second@example.com")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((attempts, error), (1, None), "sent on its first attempt");
    assert_eq!(app.smtp.connections.load(SeqCst), opened + 1, "on a new connection");
    let copies = app
        .smtp
        .received()
        .iter()
        .filter(|e| e.to == ["second@example.com"])
        .count();
    assert_eq!(copies, 1);
    app.stop().await;
}

/// The sixth failed attempt gives the email up: the pending row says "Not
/// delivered" with the server's answer, and resend queues a fresh email.
/// Deleting an invitation cancels its queued email.
async fn an_email_given_up_on_says_why_and_resend_queues_a_fresh_one(backend: Backend) {
    // Nothing listens on port 9 of loopback: every delivery attempt fails.
    let app = TestApp::spawn_with(
        backend,
        &[("SMTP_URL", "smtp://127.0.0.1:9"), ("INVITATION_RESEND_INTERVAL", "0")],
    )
    .await;
    let (owner, ws) = app.owner("Ada", "ada@example.com", "Acme").await;
    owner.invite(&ws, "jon@example.com").await.ok();
    let first_failure =
        "SELECT COUNT(*) FROM emails WHERE recipient = $1 AND state = 'queued' AND last_error IS NOT NULL";
    for _ in 0..400 {
        if app.count(first_failure, "jon@example.com").await == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(app.count(first_failure, "jon@example.com").await, 1);

    // Five attempts behind it and due now: the next one is the last.
    sqlx::query("UPDATE emails SET attempts = 5, next_attempt_at = 0 WHERE recipient = 'jon@example.com'")
        .execute(&app.db)
        .await
        .unwrap();
    owner.invite(&ws, "kim@example.com").await.ok(); // wakes the worker
    let failed = "SELECT COUNT(*) FROM emails WHERE recipient = $1 AND state = 'failed' AND attempts = 6";
    for _ in 0..400 {
        if app.count(failed, "jon@example.com").await == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(app.count(failed, "jon@example.com").await, 1, "given up after six");
    let pending = owner.pending(&ws).await.ok();
    let jon = pending.iter().find(|p| p.email == "jon@example.com").unwrap();
    assert_eq!(jon.delivery, Delivery::Failed);
    let why = jon.delivery_error.clone().expect("the reason is kept");
    assert!(!why.is_empty());
    let page = owner.get(&format!("/w/{ws}/users")).await.text().await.unwrap();
    assert!(page.contains("Not delivered"), "the row says so");
    assert!(page.contains(&html_escape(&why)), "with the reason: {why}");

    // Resend queues a fresh email; the row is "Sending" again.
    let answer = owner
        .call::<String>(
            "resend_invitation",
            &[("workspace_id", &ws), ("invitation_id", &jon.id)],
        )
        .await;
    assert_eq!(answer.status, 200, "{:?}", answer.result);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM emails WHERE recipient = $1", "jon@example.com")
            .await,
        2,
        "the given-up email stays as it was, beside a fresh one"
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM emails WHERE recipient = $1 AND state IN ('queued', 'sending')",
            "jon@example.com"
        )
        .await,
        1
    );
    let pending = owner.pending(&ws).await.ok();
    let jon = pending.iter().find(|p| p.email == "jon@example.com").unwrap();
    assert_eq!((jon.delivery, jon.delivery_error.clone()), (Delivery::Queued, None));

    // Deleting an invitation cancels its queued email (waiting for its retry).
    for _ in 0..400 {
        if app.count(first_failure, "kim@example.com").await == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let kim = pending
        .iter()
        .find(|p| p.email == "kim@example.com")
        .unwrap()
        .id
        .clone();
    owner
        .call::<String>("delete_invitation", &[("workspace_id", &ws), ("invitation_id", &kim)])
        .await
        .ok();
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM emails WHERE recipient = $1 AND state IN ('queued', 'sending')",
            "kim@example.com"
        )
        .await,
        0,
        "nothing left to send to kim"
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM emails WHERE recipient = $1 AND state = 'cancelled'",
            "kim@example.com"
        )
        .await,
        1
    );
    app.stop().await;
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn token_of(url: &str) -> String {
    url.rsplit("/invite/").next().unwrap().to_string()
}

async fn a_copied_link_replaces_the_emailed_one_and_sends_nothing(backend: Backend) {
    use crate::rest::{Script, token_for};
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada Lovelace", "ada@example.com", "Acme").await;
    owner.invite(&ws, "kim@example.com").await.ok();
    let emailed = app.smtp.wait_for("kim@example.com", 1).await.invite_token();
    let id = owner.pending(&ws).await.ok()[0].id.clone();

    let shared = owner
        .call::<boardroom::invitations::SharedLink>(
            "share_invitation_link",
            &[("workspace_id", &ws), ("invitation_id", &id)],
        )
        .await
        .ok();
    assert_eq!(shared.email, "kim@example.com");
    let copied = token_of(&shared.url);
    let kim = app.person();
    let preview = |token: String| {
        let kim = &kim;
        async move {
            kim.call::<boardroom::invitations::InvitationPreview>("get_invitation_preview", &[("token", &token)])
                .await
        }
    };
    assert_eq!(
        preview(emailed.clone()).await.status,
        404,
        "the emailed link stops working"
    );
    assert_eq!(preview(copied.clone()).await.ok().email, "kim@example.com");
    let pending = owner.pending(&ws).await.ok();
    assert_eq!(pending[0].delivery, Delivery::NotRequested);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM emails WHERE recipient = $1", "kim@example.com")
            .await,
        1,
        "no email goes for a copied link"
    );

    // The same over REST, by address; only the newest link works.
    let api = Script::new(&app, &token_for(&owner).await);
    let reply = api
        .post(
            &format!("/workspaces/{ws}/invitations/kim@example.com/link"),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body["invitation"]["email"], "kim@example.com");
    let by_rest = token_of(reply.body["accept_url"].as_str().unwrap());
    assert_eq!(preview(copied).await.status, 404);
    kim.accept_new(&by_rest, "Kim", "correct horse").await.ok();
    assert_eq!(owner.members(&ws).await.ok().len(), 2);

    // A member without the grant is refused, and the link stays as it was.
    owner.invite(&ws, "lee@example.com").await.ok();
    let lee = app.smtp.wait_for("lee@example.com", 1).await.invite_token();
    let lee_id = owner.pending(&ws).await.ok()[0].id.clone();
    let (_, nobody) = app.member_holding(&ws, "nobody@example.com", &[]).await;
    owner.empty_everyone(&ws).await;
    let refused = nobody
        .call::<boardroom::invitations::SharedLink>(
            "share_invitation_link",
            &[("workspace_id", &ws), ("invitation_id", &lee_id)],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(preview(lee).await.ok().email, "lee@example.com");
    app.stop().await;
}

async fn declining_closes_the_invitation_and_the_inviter_sees_it(backend: Backend) {
    use crate::rest::{Script, token_for};
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada Lovelace", "ada@example.com", "Acme").await;
    owner.invite(&ws, "jon@example.com").await.ok();
    let token = app.smtp.wait_for("jon@example.com", 1).await.invite_token();

    // The accept page offers it, with the roles the invitation gives.
    let jon = app.person();
    let page = jon.get(&format!("/invite/{token}")).await.text().await.unwrap();
    assert!(page.contains("Decline invitation"), "{page}");
    // No roles of its own: it says what every member gets, and what that allows.
    assert!(page.contains("What every member may do"), "{page}");
    assert!(page.contains("business_read"), "{page}");
    assert!(page.contains("See people, roles and groups"), "{page}");

    let declined = jon
        .call::<String>("decline_invitation", &[("token", &token)])
        .await
        .ok();
    assert_eq!(declined, "Acme");
    let again = jon.call::<String>("decline_invitation", &[("token", &token)]).await;
    assert_eq!(again.status, 404, "the link no longer works");
    assert!(owner.pending(&ws).await.ok().is_empty());

    // The inviter sees it declined: on the Users page and over REST.
    let users = owner
        .get(&format!("/w/{ws}/users?state=declined"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        users.contains("jon@example.com") && users.contains("Declined"),
        "{users}"
    );
    let api = Script::new(&app, &token_for(&owner).await);
    let reply = api
        .post(
            &format!("/workspaces/{ws}/invitations/jon@example.com/resend"),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(reply.status, 410);
    assert!(
        reply.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("was declined"),
        "{:?}",
        reply.body
    );

    // Without JavaScript: asked first on the confirmation page, which needs no
    // account, then the accept page says what happened.
    owner.invite(&ws, "mia@example.com").await.ok();
    let token = app.smtp.wait_for("mia@example.com", 1).await.invite_token();
    let mia = app.person();
    let page = format!("{}/invite/{token}", mia.address);
    let res = mia
        .post_plain_form("decline_invitation", &page, &[("token", &token)])
        .await;
    assert_eq!(res.status(), 303);
    let asking = res.headers()["location"].to_str().unwrap().to_string();
    let question = mia.get(&asking).await.text().await.unwrap();
    assert!(
        question.contains(
            "Decline the invitation to join Acme? The link stops working, and Ada Lovelace sees that you declined."
        ),
        "{question}"
    );
    assert_eq!(owner.pending(&ws).await.ok().len(), 1, "asking changed nothing");
    let back = format!("/invite/{token}");
    let res = mia
        .post_plain_form(
            "decline_invitation",
            &format!("{}{asking}", mia.address),
            &[("token", &token), ("confirmed", "yes"), ("back", &back)],
        )
        .await;
    assert_eq!(res.headers()["location"].to_str().unwrap(), back);
    let after = mia.get(&back).await.text().await.unwrap();
    assert!(after.contains("You declined the invitation to join Acme"), "{after}");
    assert!(owner.pending(&ws).await.ok().is_empty());

    // They can be invited again.
    owner.invite(&ws, "jon@example.com").await.ok();
    app.stop().await;
}

async fn a_withdrawn_invitation_can_be_restored_for_a_minute(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada Lovelace", "ada@example.com", "Acme").await;
    owner.invite(&ws, "kim@example.com").await.ok();
    let token = app.smtp.wait_for("kim@example.com", 1).await.invite_token();
    let id = owner.pending(&ws).await.ok()[0].id.clone();
    let kim = app.person();
    let args = [("workspace_id", ws.as_str()), ("invitation_id", id.as_str())];
    let form = [("token", token.as_str())];
    let preview = || kim.call::<serde_json::Value>("get_invitation_preview", &form);

    owner.call::<String>("delete_invitation", &args).await.ok();
    assert_eq!(preview().await.status, 404, "withdrawn: the link stops working");
    let restored = owner.call::<String>("restore_invitation", &args).await.ok();
    assert_eq!(restored, "kim@example.com");
    assert_eq!(owner.pending(&ws).await.ok().len(), 1);
    assert_eq!(preview().await.status, 200, "restored: the same link works again");
    let twice = owner.call::<String>("restore_invitation", &args).await.err();
    assert!(matches!(twice, AppError::NotFound(_)), "{twice:?}");

    // Not after a minute.
    owner.call::<String>("delete_invitation", &args).await.ok();
    app.count(
        "UPDATE invitations SET closed_at = closed_at - 61000 WHERE id = $1 RETURNING closed_at",
        &id,
    )
    .await;
    let late = owner.call::<String>("restore_invitation", &args).await.err();
    assert!(late.to_string().contains("can no longer be restored"), "{late}");

    // Not when the address was invited again meanwhile.
    owner.invite(&ws, "lee@example.com").await.ok();
    let lee = owner.pending(&ws).await.ok()[0].id.clone();
    let lee_args = [("workspace_id", ws.as_str()), ("invitation_id", lee.as_str())];
    owner.call::<String>("delete_invitation", &lee_args).await.ok();
    owner.invite(&ws, "lee@example.com").await.ok();
    let clash = owner.call::<String>("restore_invitation", &lee_args).await.err();
    assert!(clash.to_string().contains("invited again"), "{clash}");
    assert_eq!(owner.pending(&ws).await.ok().len(), 1);

    // Without JavaScript: the page a delete returns to offers Undo, once.
    let mia_id = {
        owner.invite(&ws, "mia@example.com").await.ok();
        owner
            .pending(&ws)
            .await
            .ok()
            .into_iter()
            .find(|p| p.email == "mia@example.com")
            .unwrap()
            .id
    };
    let users = format!("{}/w/{ws}/users", app.address);
    let form = [
        ("workspace_id", ws.as_str()),
        ("invitation_id", mia_id.as_str()),
        ("confirmed", "yes"),
    ];
    owner.post_plain_form("delete_invitation", &users, &form).await;
    let page = owner.get(&format!("/w/{ws}/users")).await.text().await.unwrap();
    assert!(page.contains(r#"action="/api/restore_invitation""#), "{page}");
    assert!(page.contains(&format!(r#"name="invitation_id" value="{mia_id}""#)));
    let again = owner.get(&format!("/w/{ws}/users")).await.text().await.unwrap();
    assert!(!again.contains(r#"action="/api/restore_invitation""#), "offered once");
    owner.post_plain_form("restore_invitation", &users, &form[..2]).await;
    assert_eq!(
        owner.pending(&ws).await.ok().len(),
        2,
        "lee's new invitation and mia's, restored"
    );
    app.stop().await;
}

/// What is stored of an invitation's link is its hash: neither the outbox nor
/// the invitation (nor the audit trail) holds the token itself, so a copy of
/// the database opens nothing.
async fn the_database_never_holds_a_usable_link(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    owner.invite(&ws, "jon@example.com").await.ok();
    let token = app.smtp.wait_for("jon@example.com", 1).await.invite_token();
    let anywhere = [
        "SELECT COUNT(*) FROM emails WHERE kind || subject_id || recipient || state || COALESCE(last_error, '') LIKE '%' || $1 || '%'",
        "SELECT COUNT(*) FROM invitations WHERE id || email || COALESCE(token_hash, '') LIKE '%' || $1 || '%'",
        "SELECT COUNT(*) FROM audit_events WHERE action || subject LIKE '%' || $1 || '%'",
    ];
    for sql in anywhere {
        assert_eq!(app.count(sql, &token).await, 0, "{sql}");
    }
    // The stored hash is not itself a link that works.
    let hash: String = sqlx::Row::get(
        &sqlx::query("SELECT token_hash FROM invitations WHERE email = 'jon@example.com'")
            .fetch_one(&app.db)
            .await
            .unwrap(),
        0,
    );
    let kim = app.person();
    for guess in [hash.clone(), hash.chars().take(43).collect()] {
        let status = kim
            .call::<serde_json::Value>("get_invitation_preview", &[("token", &guess)])
            .await
            .status;
        assert_eq!(status, 404);
    }
    app.stop().await;
}

/// The invitation and its outbox row are one transaction: when writing the
/// email fails (here a trigger refuses it), the invitation is not left behind
/// without its email, and nothing is counted.
async fn an_invitation_and_its_email_are_written_together_or_not_at_all(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    let refuse: &[&str] = match backend {
        Backend::Sqlite => {
            &["CREATE TRIGGER refuse_email BEFORE INSERT ON emails BEGIN SELECT RAISE(ABORT, 'refused'); END"]
        }
        Backend::Postgres => &[
            "CREATE FUNCTION refuse_email() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_email BEFORE INSERT ON emails FOR EACH ROW EXECUTE FUNCTION refuse_email()",
        ],
    };
    for sql in refuse {
        sqlx::query(sql).execute(&app.db).await.unwrap();
    }
    let failed = owner.invite(&ws, "jon@example.com").await;
    assert_eq!(failed.status, 500);
    let invitations = "SELECT COUNT(*) FROM invitations WHERE email = $1";
    assert_eq!(
        app.count(invitations, "jon@example.com").await,
        0,
        "no invitation without its email"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM emails WHERE recipient = $1", "jon@example.com")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT pending FROM workspace_counts WHERE workspace_id = $1", &ws)
            .await,
        0
    );

    let drop = match backend {
        Backend::Sqlite => "DROP TRIGGER refuse_email",
        Backend::Postgres => "DROP TRIGGER refuse_email ON emails",
    };
    sqlx::query(drop).execute(&app.db).await.unwrap();
    owner.invite(&ws, "jon@example.com").await.ok();
    assert_eq!(app.count(invitations, "jon@example.com").await, 1);
    app.smtp.wait_for("jon@example.com", 1).await;
    app.stop().await;
}

/// A request the server is in the middle of when it is told to stop is
/// answered in full. `Expect: 100-continue` makes the server say when its
/// handler starts reading the body, so the test stops the app exactly while
/// the request is in flight, and only then sends the body.
async fn shutdown_lets_a_request_in_flight_finish(backend: Backend) {
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    owner.sign_up("Ada", "ada@example.com", "Acme").await;
    let token = crate::rest::token_for(&owner).await;
    let body = r#"{"name":"Started before the stop"}"#;
    let host = app.address.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
    stream
        .write_all(
            format!(
                "POST /api/v1/workspaces HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
                 Content-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 1024];
    while !String::from_utf8_lossy(&seen).contains("100 Continue") {
        let n = tokio::time::timeout(Duration::from_secs(60), stream.read(&mut buf))
            .await
            .expect("the handler started")
            .unwrap();
        assert!(n > 0, "closed before the handler started");
        seen.extend_from_slice(&buf[..n]);
    }

    let db = app.db.clone();
    let mut stopping = tokio::spawn(app.stop());
    assert!(
        tokio::time::timeout(Duration::from_millis(300), &mut stopping)
            .await
            .is_err(),
        "the app stopped with a request in flight"
    );
    stream.write_all(body.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(60), stream.read_to_end(&mut answer))
        .await
        .expect("answered")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    tokio::time::timeout(Duration::from_secs(60), stopping)
        .await
        .expect("stopped once the request was answered")
        .unwrap();
    let made: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM workspaces WHERE name = 'Started before the stop'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(made, 1);
}
