//! The account page: a person's name, password, address, sessions, and
//! deleting the account.

use crate::harness::{Backend, Person, TestApp};
use crate::on_both_databases;
use boardroom::domain::User;
use boardroom::pages::account::AccountPageData;

on_both_databases!(
    a_name_is_changed_everywhere_it_shows,
    a_password_change_needs_the_current_one_and_signs_out_every_other_browser,
    a_new_address_is_confirmed_from_there_and_the_old_one_is_told,
    a_password_reset_cancels_a_pending_change_of_address,
    sessions_are_listed_and_ended_one_or_all_others,
    an_account_is_deleted_unless_it_is_a_workspaces_only_owner,
    ending_sessions_and_deleting_the_account_as_plain_forms_ask_first,
);

async fn me(person: &Person) -> Option<User> {
    person.me().await
}

async fn page(person: &Person) -> AccountPageData {
    person.call::<AccountPageData>("account_page", &[]).await.ok()
}

/// A browser of Ada's own that says what it is.
async fn browser(app: &TestApp, user_agent: &str) -> Person {
    let mut person = app.person();
    person.http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(user_agent)
        .build()
        .unwrap();
    person
}

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const SAFARI: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

async fn a_name_is_changed_everywhere_it_shows(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (ada, jon, ws) = app.workspace_with_member().await;
    let bad = jon.call::<String>("rename_me", &[("name", "  ")]).await;
    assert_eq!(bad.status, 422);
    assert_eq!(bad.err().message_for("name").unwrap(), "Enter your name");
    assert_eq!(
        jon.call::<String>("rename_me", &[("name", "Jon Snow")]).await.ok(),
        "Your name is now Jon Snow"
    );
    assert_eq!(ada.member(&ws, "jon@example.com").await.name, "Jon Snow");
    assert_eq!(page(&jon).await.user.name, "Jon Snow");
    app.stop().await;
}

async fn a_password_change_needs_the_current_one_and_signs_out_every_other_browser(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let laptop = app.person();
    laptop.sign_in("ada@example.com", "correct horse").await.ok();

    let wrong = ada
        .call::<String>(
            "change_password",
            &[("current_password", "nope"), ("new_password", "short")],
        )
        .await;
    assert_eq!(wrong.status, 422);
    let e = wrong.err();
    assert_eq!(e.message_for("current_password").unwrap(), "Your password is not right");
    assert_eq!(
        e.message_for("new_password").unwrap(),
        "Password must be at least 8 characters"
    );
    assert!(me(&laptop).await.is_some(), "a refused change changes nothing");

    let before: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM sessions")
        .fetch_all(&app.db)
        .await
        .unwrap();
    ada.call::<String>(
        "change_password",
        &[
            ("current_password", "correct horse"),
            ("new_password", "a brand new one"),
        ],
    )
    .await
    .ok();
    assert!(me(&ada).await.is_some(), "this browser stays signed in");
    assert!(me(&laptop).await.is_none(), "every other browser is signed out");
    let after: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM sessions")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(after.len(), 1);
    assert!(!before.contains(&after[0]), "this browser has a new session id");
    app.smtp
        .wait_for_subject("ada@example.com", "Your Boardroom password was changed", 1)
        .await;
    app.person().sign_in("ada@example.com", "a brand new one").await.ok();
    app.stop().await;
}

async fn a_new_address_is_confirmed_from_there_and_the_old_one_is_told(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, jon, _) = app.workspace_with_member().await;
    let other = app.person();
    other.sign_in("jon@example.com", "winter is here").await.ok();

    let refused = jon
        .call::<String>("change_email", &[("email", "ada@example.com"), ("password", "nope")])
        .await;
    assert_eq!(refused.status, 422);
    let e = refused.err();
    assert_eq!(e.message_for("password").unwrap(), "Your password is not right");
    let taken = jon
        .call::<String>(
            "change_email",
            &[("email", "ada@example.com"), ("password", "winter is here")],
        )
        .await;
    assert_eq!(
        taken.err().message_for("email").unwrap(),
        "ada@example.com has a Boardroom account of its own"
    );
    let asked = jon
        .call::<String>(
            "change_email",
            &[("email", "Jon.Snow@Example.com"), ("password", "winter is here")],
        )
        .await
        .ok();
    assert_eq!(
        asked,
        "We sent a link to jon.snow@example.com. Your address changes when you open it"
    );
    assert_eq!(page(&jon).await.pending_email.as_deref(), Some("jon.snow@example.com"));
    assert_eq!(
        me(&jon).await.unwrap().email,
        "jon@example.com",
        "nothing moves before the link is opened"
    );

    let email = app
        .smtp
        .wait_for_subject("jon.snow@example.com", "Confirm your new address for Boardroom", 1)
        .await;
    let token = email.token_of("/confirm-email/");
    let opened = jon.get(&format!("/confirm-email/{token}")).await;
    assert_eq!(opened.headers()["referrer-policy"], "no-referrer");
    let html = opened.text().await.unwrap();
    assert!(html.contains("jon.snow@example.com") && html.contains("Confirm new address"));

    // Only the account itself, signed in, moves it: not whoever holds the
    // new address, nor another account.
    assert_eq!(
        app.person()
            .call::<()>("confirm_email_change", &[("token", &token)])
            .await
            .status,
        401
    );
    let stranger = app.person();
    stranger.sign_in("ada@example.com", "correct horse").await.ok();
    assert_eq!(
        stranger
            .call::<()>("confirm_email_change", &[("token", &token)])
            .await
            .status,
        404
    );
    let page = stranger
        .get(&format!("/confirm-email/{token}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Sign in to confirm your new address"), "{page}");
    let phone = app.person();
    phone.sign_in("jon@example.com", "winter is here").await.ok();
    let moved = phone.call::<()>("confirm_email_change", &[("token", &token)]).await;
    assert_eq!(moved.redirect.as_deref(), Some("/account"));
    moved.ok();
    assert_eq!(me(&phone).await.unwrap().email, "jon.snow@example.com");
    assert!(
        me(&jon).await.is_none() && me(&other).await.is_none(),
        "every earlier session ended"
    );
    let told = app
        .smtp
        .wait_for_subject("jon@example.com", "Your Boardroom account moved to a new address", 1)
        .await;
    assert!(told.decoded().contains("jon.snow@example.com"));
    assert_eq!(
        app.person().sign_in("jon@example.com", "winter is here").await.status,
        422
    );
    app.person()
        .sign_in("jon.snow@example.com", "winter is here")
        .await
        .ok();
    assert_eq!(
        phone
            .call::<()>("confirm_email_change", &[("token", &token)])
            .await
            .status,
        404
    );
    app.stop().await;
}

async fn a_password_reset_cancels_a_pending_change_of_address(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, jon, _) = app.workspace_with_member().await;
    jon.call::<String>(
        "change_email",
        &[("email", "elsewhere@example.com"), ("password", "winter is here")],
    )
    .await
    .ok();
    let change = app
        .smtp
        .wait_for_subject("elsewhere@example.com", "Confirm your new address for Boardroom", 1)
        .await
        .token_of("/confirm-email/");
    app.reset_password("jon@example.com", "taken back now").await;
    let back = app.person();
    back.sign_in("jon@example.com", "taken back now").await.ok();
    assert_eq!(
        back.call::<()>("confirm_email_change", &[("token", &change)])
            .await
            .status,
        404
    );
    app.person().sign_in("jon@example.com", "taken back now").await.ok();
    app.stop().await;
}

async fn sessions_are_listed_and_ended_one_or_all_others(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let firefox = browser(&app, FIREFOX).await;
    firefox.sign_in("ada@example.com", "correct horse").await.ok();
    let phone = browser(&app, SAFARI).await;
    phone.sign_in("ada@example.com", "correct horse").await.ok();

    let listed = page(&firefox).await.sessions;
    assert_eq!(listed.len(), 3);
    let mine: Vec<_> = listed.iter().filter(|s| s.current).collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].device, "Firefox on Linux");
    assert!(listed.iter().any(|s| s.device == "Safari on iPhone"), "{listed:?}");
    assert!(listed.iter().all(|s| s.ip == "127.0.0.1"));

    // This browser's own session is not ended from the list (that is signing out).
    let own = mine[0].id.clone();
    assert_eq!(
        firefox
            .call::<String>("end_session", &[("session_id", &own)])
            .await
            .status,
        404
    );
    let phones = listed
        .iter()
        .find(|s| s.device == "Safari on iPhone")
        .unwrap()
        .id
        .clone();
    firefox
        .call::<String>("end_session", &[("session_id", &phones)])
        .await
        .ok();
    assert!(me(&phone).await.is_none());
    assert!(me(&ada).await.is_some());
    // Someone else's session is not theirs to end.
    let (_, bea_ws) = app.owner("Bea", "bea@example.com", "Bravo").await;
    let _ = bea_ws;
    let beas: String =
        sqlx::query_scalar("SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1")
            .bind("bea@example.com")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        firefox
            .call::<String>("end_session", &[("session_id", &beas)])
            .await
            .status,
        404
    );
    assert_eq!(
        firefox.call::<String>("end_other_sessions", &[]).await.ok(),
        "1 other browser was signed out"
    );
    assert!(me(&ada).await.is_none());
    assert!(me(&firefox).await.is_some());
    app.stop().await;
}

async fn an_account_is_deleted_unless_it_is_a_workspaces_only_owner(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (ada, jon, acme) = app.workspace_with_member().await;
    ada.call::<()>("create_workspace", &[("workspace", "Solo")]).await.ok();
    ada.invite(&acme, "kim@example.com").await.ok();
    let token = jon
        .call::<boardroom::tokens::NewToken>("create_api_token", &[("name", "ci")])
        .await
        .ok();

    let wrong = ada.call::<()>("delete_account", &[("password", "nope")]).await;
    assert_eq!(
        wrong.err().message_for("password").unwrap(),
        "Your password is not right"
    );
    let blocked = ada.call::<()>("delete_account", &[("password", "correct horse")]).await;
    assert_eq!(blocked.status, 409);
    assert_eq!(
        blocked.err().to_string(),
        "You are the only owner of Acme, which has other members. Make someone else an owner of it, or remove its members, before you delete your account"
    );

    // Jon, a member only, goes: sessions, token and membership in one step.
    let gone = jon
        .call::<()>("delete_account", &[("password", "winter is here")])
        .await;
    assert_eq!(gone.redirect.as_deref(), Some("/signin?deleted=1"));
    gone.ok();
    assert!(me(&jon).await.is_none());
    let refused = reqwest::Client::new()
        .get(format!("{}/api/v1/workspaces", app.address))
        .bearer_auth(&token.secret)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert!(
        ada.members(&acme)
            .await
            .ok()
            .iter()
            .all(|m| m.email != "jon@example.com")
    );
    assert_eq!(
        app.person().sign_in("jon@example.com", "winter is here").await.status,
        422
    );

    // With another owner, Ada may go too: the workspace only she was in goes
    // with her, and where she invited people her name reads as deleted.
    let (_, bea) = app.member_holding(&acme, "bea@example.com", &[]).await;
    let bea_id = app.user_id("bea@example.com").await;
    ada.call::<String>("grant_ownership", &[("workspace_id", &acme), ("user_id", &bea_id)])
        .await
        .ok();
    ada.call::<()>("delete_account", &[("password", "correct horse")])
        .await
        .ok();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM workspaces WHERE name = $1", "Solo")
            .await,
        0
    );
    let pending = bea.pending(&acme).await.ok();
    assert_eq!(pending[0].email, "kim@example.com");
    assert_eq!(pending[0].invited_by, "(deleted account)");
    // The address is free for a new account.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = $1", "ada@example.com")
            .await,
        0
    );
    app.stop().await;
}

async fn ending_sessions_and_deleting_the_account_as_plain_forms_ask_first(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, jon, _) = app.workspace_with_member().await;
    let phone = browser(&app, SAFARI).await;
    phone.sign_in("jon@example.com", "winter is here").await.ok();
    let phones = page(&jon).await.sessions.into_iter().find(|s| !s.current).unwrap().id;
    let account = format!("{}/account", app.address);
    for (endpoint, form, question, button) in [
        (
            "end_session",
            vec![("session_id", phones.as_str())],
            "Sign out Safari on iPhone? Whoever uses it will have to sign in again.",
            "Sign out",
        ),
        (
            "delete_account",
            vec![("password", "winter is here")],
            "Delete your account? You leave every workspace, your tokens stop working, and this can't be undone.",
            "Delete account",
        ),
    ] {
        let asked = jon.post_plain_form(endpoint, &account, &form).await;
        assert_eq!(asked.status(), 303, "{endpoint}");
        let asking = asked.headers()["location"].to_str().unwrap().to_string();
        assert!(asking.starts_with(&format!("/confirm?action={endpoint}&")), "{asking}");
        let html = jon.get(&asking).await.text().await.unwrap();
        let html = html.replace("&#x27;", "'");
        assert!(html.contains(question) && html.contains(button), "{endpoint}: {html}");
        assert!(me(&jon).await.is_some(), "asking does nothing");
        if endpoint == "end_session" {
            assert!(me(&phone).await.is_some(), "asking does nothing");
        }
        if endpoint == "end_session" {
            let mut confirmed = form.clone();
            confirmed.extend([("confirmed", "yes"), ("back", "/account")]);
            let done = jon
                .post_plain_form(endpoint, &format!("{}{asking}", app.address), &confirmed)
                .await;
            assert_eq!(done.headers()["location"], "/account");
            assert!(me(&phone).await.is_none());
            let html = jon.get("/account").await.text().await.unwrap();
            assert!(html.contains("That browser was signed out"));
        }
    }
    app.stop().await;
}
