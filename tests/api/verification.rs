//! Proving an address: sign-up's emailed link, what an account may do before
//! it is opened, and an invitation's link taking over an account whose
//! address was never proven (pre-account hijacking).

use crate::harness::{Backend, Person, TestApp};
use crate::on_both_databases;
use boardroom::domain::User;

on_both_databases!(
    sign_up_is_finished_by_the_emailed_link,
    the_link_can_be_sent_again_and_only_the_newest_works,
    a_workspace_name_taken_before_the_link_is_opened_is_asked_for_again,
    an_invitation_link_takes_over_an_account_whose_address_was_never_proven,
    two_claims_of_one_invitation_at_once_one_wins,
    a_link_handed_over_proves_no_address,
    an_account_from_before_addresses_were_checked_works_but_proves_nothing,
    signing_up_again_with_an_unconfirmed_address_sends_a_link_to_choose_its_password,
);

const CONFIRM: &str = "Confirm your email address for Boardroom";

async fn me(person: &Person) -> Option<User> {
    person.me().await
}

async fn sign_up_is_finished_by_the_emailed_link(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    // As a plain form: the browser goes to a page that says where the link went.
    let posted = ada
        .post_plain_form(
            "sign_up",
            &format!("{}/signup", app.address),
            &[
                ("name", "Ada"),
                ("email", "Ada@Example.com"),
                ("password", "correct horse"),
                ("workspace", "Acme"),
            ],
        )
        .await;
    assert_eq!(posted.headers()["location"], "/check-inbox");
    let page = ada.get("/check-inbox").await.text().await.unwrap();
    assert!(page.contains("We sent a link to ada@example.com."), "{page}");
    assert!(me(&ada).await.is_none(), "nobody is signed in by signing up");

    // Before the link is opened, signing in only leads to that page.
    let signed_in = ada.sign_in("ada@example.com", "correct horse").await;
    assert_eq!(signed_in.redirect.as_deref(), Some("/check-inbox"));
    assert!(me(&ada).await.is_none());
    assert_eq!(ada.get("/account/tokens").await.headers()["location"], "/check-inbox");
    let page = ada.get("/check-inbox").await.text().await.unwrap();
    assert!(page.contains("We sent a link to ada@example.com.") && page.contains("Sign out"));
    assert_eq!(
        ada.call::<()>("create_workspace", &[("workspace", "Sneaky")])
            .await
            .status,
        403
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM workspaces WHERE name <> $1", "").await,
        0
    );

    let email = app.smtp.wait_for_subject("ada@example.com", CONFIRM, 1).await;
    assert!(email.header("Message-ID").is_some());
    let body = email.decoded();
    assert!(body.contains("Content-Type: text/plain") && body.contains("Content-Type: text/html"));
    assert!(body.contains("(24 hours)"));
    let token = email.token_of("/verify/");
    assert!(body.contains(&format!("{}/verify/{token}", app.address)));

    // Opening the link changes nothing (mail scanners open links); its button does.
    let page = app.person().get(&format!("/verify/{token}")).await;
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    let html = page.text().await.unwrap();
    assert!(html.contains("Confirm your email address") && html.contains("ada@example.com"));
    assert!(me(&ada).await.is_none());

    let phone = app.person();
    let confirmed = phone.call::<()>("confirm_email", &[("token", &token)]).await;
    let to = confirmed.redirect.clone().unwrap();
    confirmed.ok();
    let ws = to.trim_start_matches("/w/").trim_end_matches("/boards").to_string();
    assert_eq!(me(&phone).await.unwrap().email, "ada@example.com");
    assert_eq!(phone.member(&ws, "ada@example.com").await.email, "ada@example.com");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM workspaces WHERE name = $1", "Acme")
            .await,
        1
    );
    // Whoever signed in before the link was opened need not hold the
    // mailbox: that session ended with the proof.
    assert!(me(&ada).await.is_none());

    let again = app.person().call::<()>("confirm_email", &[("token", &token)]).await;
    assert_eq!(again.status, 404);
    app.stop().await;
}

async fn the_link_can_be_sent_again_and_only_the_newest_works(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    ada.start_sign_up("Ada", "ada@example.com", "Acme").await;
    let first = app
        .smtp
        .wait_for_subject("ada@example.com", CONFIRM, 1)
        .await
        .token_of("/verify/");
    let again = |email: &'static str| {
        let person = app.person();
        async move {
            person
                .call::<String>("send_verification_again", &[("email", email)])
                .await
        }
    };
    let said = again("ada@example.com").await.ok();
    assert_eq!(
        said,
        "We sent a link to ada@example.com. Open it to confirm your address and finish setting up your account"
    );
    // The same answer for an address with no account waiting.
    assert_eq!(again("nobody@example.com").await.ok().replace("nobody@", "ada@"), said);
    let second = app
        .smtp
        .wait_for_subject("ada@example.com", CONFIRM, 2)
        .await
        .token_of("/verify/");
    assert_eq!(
        app.person()
            .call::<()>("confirm_email", &[("token", &first)])
            .await
            .status,
        404
    );
    // Three an hour for an address.
    again("ada@example.com").await.ok();
    again("ada@example.com").await.ok();
    let refused = again("ada@example.com").await;
    assert_eq!(refused.status, 429);

    let expiry = app
        .count(
            "SELECT MAX(expires_at - created_at) FROM account_tokens WHERE purpose = $1",
            "verify",
        )
        .await;
    assert_eq!(expiry, 86_400_000);
    // The newest link still makes the workspace the sign-up asked for. (A
    // link replaced before its email went out is not sent at all.)
    for _ in 0..400 {
        let unsent = "SELECT COUNT(*) FROM emails WHERE state IN ('queued', 'sending') AND kind <> $1";
        if app.count(unsent, "").await == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let third = app
        .smtp
        .received()
        .into_iter()
        .rfind(|e| e.subject() == CONFIRM)
        .unwrap()
        .token_of("/verify/");
    assert_eq!(
        app.person()
            .call::<()>("confirm_email", &[("token", &second)])
            .await
            .status,
        404
    );
    let done = app.person().call::<()>("confirm_email", &[("token", &third)]).await;
    assert!(done.redirect.unwrap().ends_with("/boards"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM workspaces WHERE name = $1", "Acme")
            .await,
        1
    );
    app.stop().await;
}

async fn a_workspace_name_taken_before_the_link_is_opened_is_asked_for_again(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    ada.start_sign_up("Ada", "ada@example.com", "Acme").await;
    // Taken at sign-up: said at once, next to the field.
    let bea = app.person();
    bea.sign_up("Bea", "bea@example.com", "Bravo").await;
    let taken = bea
        .call::<String>(
            "sign_up",
            &[
                ("name", "Cy"),
                ("email", "cy@example.com"),
                ("password", "correct horse"),
                ("workspace", "bravo"),
            ],
        )
        .await;
    assert_eq!(taken.status, 422);
    assert!(taken.err().message_for("workspace").unwrap().contains("already exists"));
    // Taken while Ada's link waited: she is signed in and asked for another.
    let (_, _) = app.owner("Dee", "dee@example.com", "Acme").await;
    let token = app
        .smtp
        .wait_for_subject("ada@example.com", CONFIRM, 1)
        .await
        .token_of("/verify/");
    let done = ada.call::<()>("confirm_email", &[("token", &token)]).await;
    assert_eq!(done.redirect.as_deref(), Some("/workspaces/new"));
    assert_eq!(me(&ada).await.unwrap().email, "ada@example.com");
    app.stop().await;
}

async fn an_invitation_link_takes_over_an_account_whose_address_was_never_proven(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    // Someone signs up with Sam's address first, stays signed in, and has a
    // token from the host; the account waits for a link only Sam receives.
    let squatter = app.person();
    squatter.start_sign_up("Not Sam", "sam@example.com", "Trap").await;
    squatter.sign_in("sam@example.com", "correct horse").await.ok();
    let sam_id = app.user_id("sam@example.com").await;
    let (_, left_behind) = boardroom::tokens::service::create(
        &app.db,
        &boardroom::accounts::service::find_by_email(&app.db, "sam@example.com")
            .await
            .unwrap()
            .unwrap(),
        "left behind",
    )
    .await
    .unwrap();

    owner.invite(&ws, "sam@example.com").await.ok();
    let token = app.smtp.wait_for("sam@example.com", 1).await.invite_token();
    let sam = app.person();
    let preview = sam
        .call::<boardroom::invitations::InvitationPreview>("get_invitation_preview", &[("token", &token)])
        .await
        .ok();
    assert_eq!(preview.account, boardroom::invitations::InvitedAccount::Unproven);
    let page = sam.get(&format!("/invite/{token}")).await.text().await.unwrap();
    assert!(page.contains("Take over the account and join"), "{page}");
    // The maker's password does not get in through the invitation.
    let by_password = sam
        .call::<()>(
            "accept_invitation_sign_in",
            &[("token", &token), ("password", "correct horse")],
        )
        .await;
    assert_eq!(by_password.status, 422);

    let short = sam
        .call::<()>(
            "accept_invitation_claim",
            &[("token", &token), ("name", ""), ("password", "x")],
        )
        .await;
    assert_eq!(short.status, 422);
    let claimed = sam
        .call::<()>(
            "accept_invitation_claim",
            &[("token", &token), ("name", "Sam"), ("password", "sams own password")],
        )
        .await;
    assert_eq!(
        claimed.redirect.as_deref(),
        Some(format!("/w/{ws}/boards?joined=1").as_str())
    );
    claimed.ok();
    assert_eq!(me(&sam).await.unwrap().name, "Sam");
    assert_eq!(owner.member(&ws, "sam@example.com").await.name, "Sam");
    // Whatever the maker held is gone: the session, the token, the links.
    assert!(me(&squatter).await.is_none());
    let page = squatter.get("/check-inbox").await.text().await.unwrap();
    assert!(!page.contains("Sign out"));
    let refused = reqwest::Client::new()
        .get(format!("{}/api/v1/workspaces", app.address))
        .bearer_auth(&left_behind)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM account_tokens WHERE user_id = $1", &sam_id)
            .await,
        0
    );
    assert_eq!(
        app.person().sign_in("sam@example.com", "correct horse").await.status,
        422
    );
    app.person().sign_in("sam@example.com", "sams own password").await.ok();
    // The old link that would have proven the maker's sign-up is dead.
    let old = app
        .smtp
        .wait_for_subject("sam@example.com", CONFIRM, 1)
        .await
        .token_of("/verify/");
    assert_eq!(
        app.person()
            .call::<()>("confirm_email", &[("token", &old)])
            .await
            .status,
        404
    );
    app.stop().await;
}

async fn two_claims_of_one_invitation_at_once_one_wins(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    app.person().start_sign_up("Not Sam", "sam@example.com", "Trap").await;
    owner.invite(&ws, "sam@example.com").await.ok();
    let token = app.smtp.wait_for("sam@example.com", 1).await.invite_token();
    let (a, b) = (app.person(), app.person());
    let (form_a, form_b) = (
        [
            ("token", token.as_str()),
            ("name", "Sam A"),
            ("password", "first of the two"),
        ],
        [
            ("token", token.as_str()),
            ("name", "Sam B"),
            ("password", "second of the two"),
        ],
    );
    let (one, two) = tokio::join!(
        a.call::<()>("accept_invitation_claim", &form_a),
        b.call::<()>("accept_invitation_claim", &form_b),
    );
    let mut statuses = [one.status, two.status];
    statuses.sort();
    assert_eq!(statuses, [200, 404]);
    let (winner, password) = if one.status == 200 {
        (&a, "first of the two")
    } else {
        (&b, "second of the two")
    };
    let loser = if one.status == 200 { &b } else { &a };
    assert!(me(winner).await.is_some());
    assert!(me(loser).await.is_none());
    app.person().sign_in("sam@example.com", password).await.ok();
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM memberships WHERE user_id = $1",
            &app.user_id("sam@example.com").await
        )
        .await,
        1
    );
    app.stop().await;
}

/// The inviter's link, handed over rather than emailed.
async fn shared_link(owner: &Person, ws: &str, email: &str) -> String {
    owner.invite(ws, email).await.ok();
    let id = owner
        .pending(ws)
        .await
        .ok()
        .into_iter()
        .find(|i| i.email == email)
        .unwrap()
        .id;
    let link = owner
        .call::<boardroom::invitations::SharedLink>(
            "share_invitation_link",
            &[("workspace_id", ws), ("invitation_id", &id)],
        )
        .await
        .ok();
    link.url.rsplit('/').next().unwrap().to_string()
}

async fn a_link_handed_over_proves_no_address(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;

    // An account never confirmed is not taken over through it.
    app.person().start_sign_up("Sam", "sam@example.com", "Sams").await;
    let token = shared_link(&owner, &ws, "sam@example.com").await;
    let preview = app
        .person()
        .call::<boardroom::invitations::InvitationPreview>("get_invitation_preview", &[("token", &token)])
        .await
        .ok();
    assert!(!preview.link_proves_address);
    let claimed = app
        .person()
        .call::<()>(
            "accept_invitation_claim",
            &[
                ("token", &token),
                ("name", "Mallory"),
                ("password", "mallorys password"),
            ],
        )
        .await;
    assert_eq!(claimed.status, 409);
    assert!(
        claimed
            .err()
            .to_string()
            .contains("a link handed over rather than emailed can't confirm it")
    );

    // A new account through it joins, but its address waits for its own link.
    let token = shared_link(&owner, &ws, "kim@example.com").await;
    let kim = app.person();
    kim.accept_new(&token, "Kim", "kims password").await.ok();
    assert!(me(&kim).await.is_none(), "not usable before the address is confirmed");
    assert_eq!(owner.member(&ws, "kim@example.com").await.name, "Kim");
    let proof = app
        .smtp
        .wait_for_subject("kim@example.com", CONFIRM, 1)
        .await
        .token_of("/verify/");
    kim.call::<()>("confirm_email", &[("token", &proof)]).await.ok();
    assert_eq!(me(&kim).await.unwrap().email, "kim@example.com");
    app.stop().await;
}

async fn an_account_from_before_addresses_were_checked_works_but_proves_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, jon, _) = app.workspace_with_member().await;
    // As the migration leaves accounts made before addresses were checked.
    sqlx::query("UPDATE users SET email_verified_at = 0 WHERE email = $1")
        .bind("jon@example.com")
        .execute(&app.db)
        .await
        .unwrap();
    assert!(me(&jon).await.is_some(), "it still signs in and works");
    let waiting = jon
        .call::<Vec<boardroom::invitations::WaitingInvitation>>("invitations_for_me", &[])
        .await
        .ok();
    assert!(waiting.is_empty());
    let token = crate::rest::token_for(&jon).await;
    let api = crate::rest::Script::new(&app, &token);
    assert_eq!(api.get("/me").await.body["email_verified"], false);
    let listed = api.get("/me/invitations").await;
    assert_eq!(listed.status, 403);
    assert!(
        listed.body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Your address has never been confirmed")
    );
    // A reset link opened proves it; the token made before stays.
    app.reset_password("jon@example.com", "a new password").await;
    assert_eq!(api.get("/me").await.body["email_verified"], true);
    assert_eq!(api.get("/me/invitations").await.status, 200);
    app.stop().await;
}

async fn signing_up_again_with_an_unconfirmed_address_sends_a_link_to_choose_its_password(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.person().start_sign_up("Not Sam", "sam@example.com", "Trap").await;
    app.person().start_sign_up("Sam", "sam@example.com", "Sams").await;
    let reset = app
        .smtp
        .wait_for_subject("sam@example.com", "Reset your Boardroom password", 1)
        .await
        .token_of("/reset/");
    app.person()
        .call::<()>(
            "reset_password",
            &[("token", &reset), ("password", "sams own password")],
        )
        .await
        .ok();
    app.person().sign_in("sam@example.com", "sams own password").await.ok();
    assert_eq!(
        app.person().sign_in("sam@example.com", "correct horse").await.status,
        422
    );
    assert!(
        app.smtp
            .received()
            .iter()
            .all(|e| e.subject() != "Someone tried to sign up to Boardroom with your address")
    );
    // Two requests at once leave one live link.
    let (a, b) = (app.person(), app.person());
    let form = [("email", "sam@example.com")];
    let _ = tokio::join!(
        a.call::<String>("request_password_reset", &form),
        b.call::<String>("request_password_reset", &form)
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM account_tokens WHERE purpose = $1", "reset")
            .await,
        1
    );
    app.stop().await;
}
