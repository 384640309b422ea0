//! `/me`: who a token acts for, and the invitations waiting for a signed-in
//! person, accepted or declined from their own list.

use crate::harness::{Backend, TestApp};
use crate::on_both_databases;
use crate::rest::{Script, token_for};

on_both_databases!(
    me_says_who_the_token_acts_for,
    invitations_waiting_for_a_proven_address_are_listed_and_accepted_there,
    an_unproven_account_sees_no_invitations_and_cannot_take_them,
    declining_from_the_list_as_a_plain_form_asks_first,
);

/// Makes one more workspace for `person`; its id.
async fn another_workspace(person: &crate::harness::Person, name: &str) -> String {
    let made = person.call::<()>("create_workspace", &[("workspace", name)]).await;
    let to = made.redirect.clone().unwrap();
    made.ok();
    to.trim_start_matches("/w/").trim_end_matches("/boards").to_string()
}

async fn me_says_who_the_token_acts_for(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (ada, jon, _) = app.workspace_with_member().await;
    let me = Script::new(&app, &token_for(&jon).await).get("/me").await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["email"], "jon@example.com");
    assert_eq!(me.body["name"], "Jon");
    assert_eq!(me.body["email_verified"], true);
    let me = Script::new(&app, &token_for(&ada).await).get("/me").await;
    assert_eq!(me.body["email"], "ada@example.com");
    let none = reqwest::get(format!("{}/api/v1/me", app.address)).await.unwrap();
    assert_eq!(none.status(), 401);
    app.stop().await;
}

async fn invitations_waiting_for_a_proven_address_are_listed_and_accepted_there(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, jon, acme) = app.workspace_with_member().await;
    let bea = app.person();
    let bravo = bea.sign_up("Bea", "bea@example.com", "Bravo").await;
    let charlie = another_workspace(&bea, "Charlie").await;
    bea.invite(&bravo, "jon@example.com").await.ok();
    bea.invite(&charlie, "jon@example.com").await.ok();
    bea.invite(&bravo, "someone.else@example.com").await.ok();
    // One more, expired: not listed.
    let delta = another_workspace(&bea, "Delta").await;
    bea.invite(&delta, "jon@example.com").await.ok();
    sqlx::query("UPDATE invitations SET expires_at = 1 WHERE workspace_id = $1")
        .bind(&delta)
        .execute(&app.db)
        .await
        .unwrap();

    let api = Script::new(&app, &token_for(&jon).await);
    let list = api.get("/me/invitations").await;
    assert_eq!(list.status, 200, "{}", list.body);
    let names: Vec<&str> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["workspace_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Charlie", "Bravo"]);
    assert_eq!(list.body["total"], 2);
    let first = &list.body["items"][0];
    assert_eq!(first["invited_by"], "Bea");
    assert_eq!(first["invited_by_email"], "bea@example.com");
    // Paged in SQL like every list.
    let one = api.get("/me/invitations?limit=1").await;
    assert_eq!(one.body["items"].as_array().unwrap().len(), 1);
    let next = one.body["next_token"].as_str().unwrap().to_string();
    let rest = api.get(&format!("/me/invitations?limit=1&next_token={next}")).await;
    assert_eq!(rest.body["items"][0]["workspace_name"], "Bravo");

    // The Boards page of a workspace Jon is in shows them.
    let page = jon.get(&format!("/w/{acme}/boards")).await.text().await.unwrap();
    assert!(page.contains("2 invitations for you"), "{page}");
    assert!(page.contains("Charlie") && page.contains("Bravo"));

    // Accepted from the page's form: he joins and lands in the workspace.
    let bravo_invitation = rest.body["items"][0]["id"].as_str().unwrap().to_string();
    let accepted = jon
        .call::<String>("accept_invitation_for_me", &[("invitation_id", &bravo_invitation)])
        .await;
    assert_eq!(
        accepted.redirect.as_deref(),
        Some(format!("/w/{bravo}/boards?joined=1").as_str())
    );
    accepted.ok();
    assert_eq!(bea.member(&bravo, "jon@example.com").await.email, "jon@example.com");
    // Used once: a second accept is refused.
    let again = api
        .post(
            &format!("/me/invitations/{bravo_invitation}/accept"),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(again.status, 404);

    // Declined through the API: Bea's list says so.
    let charlie_invitation = first["id"].as_str().unwrap().to_string();
    let declined = api
        .post(
            &format!("/me/invitations/{charlie_invitation}/decline"),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(declined.status, 204, "{}", declined.body);
    assert!(bea.pending(&charlie).await.ok().is_empty());
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM invitations WHERE declined_at IS NOT NULL AND id = $1",
            &charlie_invitation
        )
        .await,
        1
    );
    assert_eq!(api.get("/me/invitations").await.body["total"], 0);
    let page = jon.get(&format!("/w/{acme}/boards")).await.text().await.unwrap();
    assert!(!page.contains("for you"));

    // Someone else's invitation is not Jon's to take.
    let other = bea
        .pending(&bravo)
        .await
        .ok()
        .into_iter()
        .find(|i| i.email == "someone.else@example.com")
        .unwrap()
        .id;
    let taken = api
        .post(&format!("/me/invitations/{other}/accept"), serde_json::json!({}))
        .await;
    assert_eq!(taken.status, 404);
    app.stop().await;
}

async fn an_unproven_account_sees_no_invitations_and_cannot_take_them(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let bea = app.person();
    let bravo = bea.sign_up("Bea", "bea@example.com", "Bravo").await;
    bea.invite(&bravo, "sam@example.com").await.ok();
    let id = bea.pending(&bravo).await.ok()[0].id.clone();
    // Someone signs up with Sam's address before Sam, and never opens the
    // link: signed in, the account sees nothing and can take nothing.
    let squatter = app.person();
    squatter.start_sign_up("Not Sam", "sam@example.com", "Mine").await;
    let signed_in = squatter.sign_in("sam@example.com", "correct horse").await;
    assert_eq!(signed_in.redirect.as_deref(), Some("/check-inbox"));
    assert_eq!(
        squatter
            .call::<Vec<boardroom::invitations::WaitingInvitation>>("invitations_for_me", &[])
            .await
            .status,
        403
    );
    // Its pages send it to be told to open the link.
    let page = squatter.get("/workspaces/new").await;
    assert_eq!(page.headers()["location"], "/check-inbox");
    let taken = squatter
        .call::<String>("accept_invitation_for_me", &[("invitation_id", &id)])
        .await;
    assert_eq!(taken.status, 403);
    assert_eq!(
        taken.err().to_string(),
        "Confirm your email address first: open the link we emailed you"
    );
    let made = squatter
        .call::<boardroom::tokens::NewToken>("create_api_token", &[("name", "x")])
        .await;
    assert_eq!(made.status, 403);
    assert_eq!(bea.pending(&bravo).await.ok().len(), 1);
    app.stop().await;
}

async fn declining_from_the_list_as_a_plain_form_asks_first(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, jon, acme) = app.workspace_with_member().await;
    let bea = app.person();
    let bravo = bea.sign_up("Bea", "bea@example.com", "Bravo").await;
    bea.invite(&bravo, "jon@example.com").await.ok();
    let id = bea.pending(&bravo).await.ok()[0].id.clone();
    let boards = format!("/w/{acme}/boards");
    let form = [("invitation_id", id.as_str())];
    let asked = jon
        .post_plain_form("decline_invitation_for_me", &format!("{}{boards}", app.address), &form)
        .await;
    assert_eq!(asked.status(), 303);
    let asking = asked.headers()["location"].to_str().unwrap().to_string();
    assert!(
        asking.starts_with("/confirm?action=decline_invitation_for_me&"),
        "{asking}"
    );
    let page = jon.get(&asking).await.text().await.unwrap();
    assert!(page.contains("Decline the invitation to join Bravo"), "{page}");
    assert_eq!(bea.pending(&bravo).await.ok().len(), 1, "asking changes nothing");

    let confirmed = [
        ("invitation_id", id.as_str()),
        ("confirmed", "yes"),
        ("back", boards.as_str()),
    ];
    let done = jon
        .post_plain_form(
            "decline_invitation_for_me",
            &format!("{}{asking}", app.address),
            &confirmed,
        )
        .await;
    assert!(done.status().is_redirection());
    assert_eq!(done.headers()["location"], boards.as_str());
    assert!(bea.pending(&bravo).await.ok().is_empty());
    let page = jon.get(&boards).await.text().await.unwrap();
    assert!(page.contains("You declined the invitation to join Bravo"), "{page}");
    app.stop().await;
}
