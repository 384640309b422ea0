//! Signing in through the company's identity provider: a real OpenID
//! provider (see `idp.rs`) with PKCE required, the app discovering it.

use crate::harness::{Backend, TestApp};
use crate::idp::{AtProvider, Idp};
use crate::on_both_databases;
use serde_json::json;

/// Who the browser is signed in as, if anyone.
async fn signed_in_email(person: &crate::harness::Person) -> Option<String> {
    person.me().await.map(|u| u.email)
}

async fn identities_of(app: &TestApp, email: &str) -> i64 {
    app.count(
        "SELECT COUNT(*) FROM identities i JOIN users u ON u.id = i.user_id WHERE u.email = $1",
        email,
    )
    .await
}

/// A unique address for this run (the provider outlives each app).
fn address(name: &str) -> String {
    format!("{name}-{}@example.com", uuid::Uuid::new_v4().simple())
}

/// A proven account is linked by its address when the provider vouches for
/// it; from then on the identity is found by its subject, whatever address
/// the provider gives later, and a second identity cannot take the account.
async fn links_a_proven_account_then_finds_it_by_subject(backend: Backend) {
    let app = TestApp::spawn_with_company_sign_in(backend).await;
    let ada = address("ada");
    let (_, ws) = app.owner("Ada", &ada, "Acme").await;
    let browser = app.person();
    let page = browser.get("/signin").await.text().await.unwrap();
    assert!(page.contains("Sign in with Acme SSO"), "the sign-in page offers it");

    let subject = format!("sub-{}", uuid::Uuid::new_v4().simple());
    Idp::get()
        .set_claims(
            &subject,
            json!({ "email": ada, "email_verified": true, "name": "Ada L." }),
        )
        .await;
    let to = browser.company_sign_in(None, &subject).await;
    assert_eq!(to, format!("/w/{ws}/boards"));
    assert_eq!(signed_in_email(&browser).await.as_deref(), Some(ada.as_str()));
    assert_eq!(identities_of(&app, &ada).await, 1);

    // The provider now says another (even unverified) address: the subject decides.
    Idp::get()
        .set_claims(&subject, json!({ "email": address("other"), "email_verified": false }))
        .await;
    let again = app.person();
    assert_eq!(again.company_sign_in(None, &subject).await, format!("/w/{ws}/boards"));
    assert_eq!(signed_in_email(&again).await.as_deref(), Some(ada.as_str()));

    // Another identity with Ada's verified address is not linked to her account.
    let imposter = format!("sub-{}", uuid::Uuid::new_v4().simple());
    Idp::get()
        .set_claims(&imposter, json!({ "email": ada, "email_verified": true }))
        .await;
    let third = app.person();
    assert_eq!(
        third.company_sign_in(None, &imposter).await,
        "/signin?sso=other_identity"
    );
    assert_eq!(signed_in_email(&third).await, None);
    assert_eq!(identities_of(&app, &ada).await, 1);
    app.stop().await;
}

/// An address the provider does not say is verified is never linked.
async fn an_unverified_provider_address_is_never_linked(backend: Backend) {
    let app = TestApp::spawn_with_company_sign_in(backend).await;
    let ada = address("ada");
    app.owner("Ada", &ada, "Acme").await;
    let browser = app.person();
    let to = browser.company_sign_in(None, &format!("unverified:{ada}")).await;
    assert_eq!(to, "/signin?sso=unverified");
    assert_eq!(signed_in_email(&browser).await, None);
    assert_eq!(identities_of(&app, &ada).await, 0);
    let page = browser.get(&to).await.text().await.unwrap();
    assert!(page.contains("did not confirm your email address"), "the page says why");
    app.stop().await;
}

/// An account whose address was never proven here is not linked, even to
/// a verified address (whoever made it may not hold the mailbox).
async fn an_unproven_account_is_not_linked(backend: Backend) {
    let app = TestApp::spawn_with_company_sign_in(backend).await;
    let bob = address("bob");
    app.person().start_sign_up("Bob", &bob, "Bob's").await;
    let browser = app.person();
    assert_eq!(browser.company_sign_in(None, &bob).await, "/signin?sso=unconfirmed");
    assert_eq!(signed_in_email(&browser).await, None);
    assert_eq!(identities_of(&app, &bob).await, 0);
    app.stop().await;
}

/// Without an account or an invitation, the provider's word makes no account.
async fn no_account_is_made_without_an_invitation(backend: Backend) {
    let app = TestApp::spawn_with_company_sign_in(backend).await;
    let zed = address("zed");
    let browser = app.person();
    assert_eq!(browser.company_sign_in(None, &zed).await, "/signin?sso=no_account");
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE email = $1", &zed).await, 0);
    app.stop().await;
}

/// An app with company sign-in, an owner's workspace, and the link emailed
/// to the address it invited: (app, owner, workspace id, address, token).
async fn invited(backend: Backend) -> (TestApp, crate::harness::Person, String, String, String) {
    let app = TestApp::spawn_with_company_sign_in(backend).await;
    let (owner, ws) = app.owner("Ada", &address("ada"), "Acme").await;
    let jon = address("jon");
    owner.invite(&ws, &jon).await.ok();
    let token = app.smtp.wait_for(&jon, 1).await.invite_token();
    (app, owner, ws, jon, token)
}

/// The invited person accepts through the provider: their account is made
/// (address proven, no password), linked, and joins with the roles offered.
async fn an_invitation_is_accepted_through_the_provider(backend: Backend) {
    let (app, owner, ws, jon, token) = invited(backend).await;
    let page = app
        .person()
        .get(&format!("/invite/{token}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Accept with Acme SSO"), "the invitation page offers it");

    let browser = app.person();
    let to = browser.company_sign_in(Some(&token), &jon).await;
    assert_eq!(to, format!("/w/{ws}/boards?joined=1"));
    assert_eq!(signed_in_email(&browser).await.as_deref(), Some(jon.as_str()));
    assert!(owner.members(&ws).await.ok().iter().any(|m| m.email == jon));
    assert_eq!(identities_of(&app, &jon).await, 1);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM users WHERE email = $1 AND email_verified_at > 0",
            &jon
        )
        .await,
        1
    );
    // No password was chosen, so none signs in; asked for one, the account
    // page says how to choose one, and a reset link does.
    assert!(app.person().sign_in(&jon, "!").await.result.is_err());
    let asked = browser.call::<()>("delete_account", &[("password", "!")]).await.err();
    assert!(
        format!("{asked:?}").contains(boardroom::accounts::profile::NO_PASSWORD),
        "{asked:?}"
    );
    app.reset_password(&jon, "a password of my own").await;
    assert!(app.person().sign_in(&jon, "a password of my own").await.result.is_ok());
    // The link is used up.
    let used = app
        .person()
        .get(&format!("/invite/{token}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(used.contains("can't be used"));
    app.stop().await;
}

/// An invitation is accepted through the provider only by the invited
/// address; nothing is made or closed otherwise.
async fn an_invitation_for_another_address_is_refused(backend: Backend) {
    let (app, _, _, jon, token) = invited(backend).await;
    let kim = address("kim");
    let browser = app.person();
    assert_eq!(
        browser.company_sign_in(Some(&token), &kim).await,
        "/signin?sso=wrong_address"
    );
    assert_eq!(signed_in_email(&browser).await, None);
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE email = $1", &kim).await, 0);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM invitations WHERE email = $1 AND status = 'pending'",
            &jon
        )
        .await,
        1
    );
    // An unverified invited address is refused too.
    let other = app.person();
    assert_eq!(
        other.company_sign_in(Some(&token), &format!("unverified:{jon}")).await,
        "/signin?sso=unverified"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE email = $1", &jon).await, 0);
    app.stop().await;
}

/// The provider's answer counts only with the state this browser was given,
/// once, and with the nonce and PKCE verifier its request carried.
async fn a_wrong_state_nonce_or_verifier_is_refused(backend: Backend) {
    let app = TestApp::spawn_with_company_sign_in(backend).await;
    let ada = address("ada");
    app.owner("Ada", &ada, "Acme").await;

    // A state that was never given out.
    let browser = app.person();
    let back = browser.through_provider(None, AtProvider::SignIn(&ada), |u| u).await;
    let forged = replace_param(&back, "state", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    assert_eq!(browser.finish_company_sign_in(&forged).await, "/signin?sso=expired");
    assert_eq!(signed_in_email(&browser).await, None);
    // The real answer, opened in another browser (login CSRF): refused.
    let other = app.person();
    assert_eq!(other.finish_company_sign_in(&back).await, "/signin?sso=expired");
    assert_eq!(signed_in_email(&other).await, None);

    // In the browser that started it, it works once; replayed, it is refused.
    assert!(browser.finish_company_sign_in(&back).await.starts_with("/w/"));
    assert_eq!(signed_in_email(&browser).await.as_deref(), Some(ada.as_str()));
    assert_eq!(browser.finish_company_sign_in(&back).await, "/signin?sso=expired");

    // Too late: the ten minutes are over.
    let browser = app.person();
    let back = browser.through_provider(None, AtProvider::SignIn(&ada), |u| u).await;
    sqlx::query("UPDATE oidc_logins SET expires_at = 1")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(browser.finish_company_sign_in(&back).await, "/signin?sso=expired");
    assert_eq!(signed_in_email(&browser).await, None);

    // The provider signs a nonce other than the one this sign-in sent.
    let browser = app.person();
    let back = browser
        .through_provider(None, AtProvider::SignIn(&ada), |u| {
            replace_param(u.as_str(), "nonce", "a-nonce-the-app-never-made")
                .parse()
                .unwrap()
        })
        .await;
    assert_eq!(browser.finish_company_sign_in(&back).await, "/signin?sso=failed");
    assert_eq!(signed_in_email(&browser).await, None);

    // The code was asked for with another PKCE challenge: the verifier fails.
    let browser = app.person();
    let back = browser
        .through_provider(None, AtProvider::SignIn(&ada), |u| {
            replace_param(
                u.as_str(),
                "code_challenge",
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            )
            .parse()
            .unwrap()
        })
        .await;
    assert_eq!(browser.finish_company_sign_in(&back).await, "/signin?sso=failed");
    assert_eq!(signed_in_email(&browser).await, None);

    // Cancelled at the provider.
    let browser = app.person();
    let back = browser.through_provider(None, AtProvider::Cancel, |u| u).await;
    assert_eq!(browser.finish_company_sign_in(&back).await, "/signin?sso=cancelled");
    assert_eq!(signed_in_email(&browser).await, None);
    app.stop().await;
}

/// Without OIDC_* set, there is no button and no route.
async fn without_settings_there_is_no_company_sign_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let browser = app.person();
    assert!(
        !browser
            .get("/signin")
            .await
            .text()
            .await
            .unwrap()
            .contains("Sign in with")
    );
    let res = browser
        .http
        .post(format!("{}/auth/oidc/start", app.address))
        .form(&[("next", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    app.stop().await;
}

fn replace_param(url: &str, name: &str, value: &str) -> String {
    let mut url = url::Url::parse(url).unwrap();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            if k == name {
                (k.into_owned(), value.to_string())
            } else {
                (k.into_owned(), v.into_owned())
            }
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    url.to_string()
}

on_both_databases!(
    links_a_proven_account_then_finds_it_by_subject,
    an_unverified_provider_address_is_never_linked,
    an_unproven_account_is_not_linked,
    no_account_is_made_without_an_invitation,
    an_invitation_is_accepted_through_the_provider,
    an_invitation_for_another_address_is_refused,
    a_wrong_state_nonce_or_verifier_is_refused,
    without_settings_there_is_no_company_sign_in,
);
