//! Inviting from a spreadsheet: a file with one row of each kind, previewed
//! on the page (uploaded as a browser without JavaScript does), sent, then
//! the same file again; the batch API with the same rows; the name and the
//! groups travelling to the new member.

use crate::harness::{Backend, Person, TestApp};
use crate::on_both_databases;
use crate::rest::{Script, token_for};
use serde_json::{Value, json};

/// One row of each kind the preview tells apart.
const FILE: &str = "\u{feff}email,name,roles,groups\r\n\
new1@example.com,New One,viewer,Design\r\n\
not-an-address,,,\r\n\
new2@example.com,,nosuchrole,\r\n\
NEW1@example.com,,,\r\n\
ada@example.com,,,\r\n\
old@example.com,,,\r\n\
x@elsewhere.test,,,\r\n\
new3@example.com,,,\r\n\
new4@example.com,,,Nonexistent\r\n";

/// The statuses of `FILE`'s rows before anything is sent: a seat limit of
/// three, Ada and old@ holding two, leaves one for new1@.
const PREVIEW: [&str; 9] = [
    "ready",
    "invalid_email",
    "unknown_role",
    "duplicate",
    "already_member",
    "will_resend",
    "domain_not_allowed",
    "seat_limit_reached",
    "unknown_group",
];

/// Uploads `csv` on the page as a plain multipart form; returns the
/// preview's address.
async fn upload(person: &Person, ws: &str, csv: &str, as_file: bool) -> String {
    let form = if as_file {
        reqwest::multipart::Form::new()
            .part(
                "file",
                reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("people.csv"),
            )
            .text("csv", "")
    } else {
        reqwest::multipart::Form::new().text("csv", csv.to_string())
    };
    let res = person
        .http
        .post(format!("{}/w/{ws}/users/import", person.address))
        .header("Origin", person.address.clone())
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    res.headers()["location"].to_str().unwrap().to_string()
}

/// The statuses the page shows, row by row, as the API spells them.
fn statuses(html: &str) -> Vec<String> {
    use boardroom::invitations::bulk::RowStatus;
    let cell = regex::Regex::new(r#"<span class="font-medium text-(?:green|amber)-[0-9]+">([^<]+)</span>"#).unwrap();
    cell.captures_iter(html)
        .map(|c| {
            let label = c[1].replace("&amp;", "&");
            let status = RowStatus::ALL
                .into_iter()
                .find(|s| s.label() == label)
                .unwrap_or_else(|| panic!("no status reads {label}"));
            serde_json::to_value(status).unwrap().as_str().unwrap().to_string()
        })
        .collect()
}

async fn setup(app: &TestApp) -> (Person, String) {
    let (ada, ws) = app.owner("Ada", "ada@example.com", "Acme").await;
    for (endpoint, args) in [
        (
            "create_role",
            vec![
                ("role_name", "viewer"),
                ("permission", "READ"),
                ("resource", "DATA"),
                ("target", "USER"),
            ],
        ),
        ("create_group", vec![("name", "Design")]),
        (
            "set_workspace_policy",
            vec![("allowed_domains", "example.com"), ("seat_limit", "3")],
        ),
    ] {
        let mut form = vec![("workspace_id", ws.as_str())];
        form.extend(args);
        ada.call::<Value>(endpoint, &form).await.ok();
    }
    ada.invite(&ws, "old@example.com").await.ok();
    app.smtp.wait_for("old@example.com", 1).await;
    (ada, ws)
}

async fn a_file_is_previewed_sent_and_sent_again(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (ada, ws) = setup(&app).await;

    // Upload, as a file; the preview says what each row will do.
    let preview = upload(&ada, &ws, FILE, true).await;
    assert!(
        preview.starts_with(&format!("/w/{ws}/users/import?upload=")),
        "{preview}"
    );
    let html = ada.get(&preview).await.text().await.unwrap();
    assert_eq!(statuses(&html), PREVIEW);
    assert!(html.contains(">Send 2<"), "two can go");
    assert!(
        html.contains("new1@example.com is on line 2 too"),
        "the duplicate names its line"
    );
    assert!(html.contains("3 of 3 seats used"), "the seat refusal gives the numbers");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM invitations WHERE email = $1", "new1@example.com")
            .await,
        0,
        "the preview sends nothing"
    );

    // Send, as a plain form: back to the preview, which now says what happened.
    let upload_id = preview.rsplit('=').next().unwrap().to_string();
    let res = ada
        .post_plain_form(
            "send_invitation_import",
            &format!("{}{preview}", app.address),
            &[("workspace_id", &ws), ("upload", &upload_id)],
        )
        .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    let html = ada.get(&preview).await.text().await.unwrap();
    let mut sent = PREVIEW.map(str::to_string).to_vec();
    sent[0] = "sent".into();
    // old@ was emailed moments ago: renewing it now would email it twice.
    sent[5] = "too_soon".into();
    assert_eq!(statuses(&html), sent);
    assert!(html.contains("1 invitation sent"), "{html}");
    // A second press sends nothing more.
    ada.call::<Value>(
        "send_invitation_import",
        &[("workspace_id", &ws), ("upload", &upload_id)],
    )
    .await
    .ok();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM invitations WHERE email = $1", "new1@example.com")
            .await,
        1
    );

    // The name and the group travel to the new member.
    let email = app.smtp.wait_for("new1@example.com", 1).await;
    let token = email.invite_token();
    let guest = app.person();
    let page = guest.get(&format!("/invite/{token}")).await.text().await.unwrap();
    assert!(
        page.contains(r#"value="New One""#),
        "the sign-up starts with the file's name"
    );
    guest.accept_new(&token, "New One", "winter is here").await.ok();
    let design = ada
        .call::<Vec<boardroom::groups::Group>>("list_groups", &[("workspace_id", &ws)])
        .await
        .ok()
        .into_iter()
        .find(|g| g.name == "Design")
        .unwrap();
    assert_eq!(
        design.members.iter().map(|m| m.email.as_str()).collect::<Vec<_>>(),
        ["new1@example.com"]
    );
    let member = ada.member(&ws, "new1@example.com").await;
    assert_eq!(member.roles, ["viewer"]);

    // The same file again, pasted this time: new1@ is in now; the seat it
    // held is a member's.
    let again = upload(&ada, &ws, FILE, false).await;
    let html = ada.get(&again).await.text().await.unwrap();
    let mut second = PREVIEW.map(str::to_string).to_vec();
    second[0] = "already_member".into();
    assert_eq!(statuses(&html), second);
    app.stop().await;
}

async fn the_batch_api_says_the_same(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (ada, ws) = setup(&app).await;
    let api = Script::new(&app, &token_for(&ada).await);
    let rows: Vec<Value> = boardroom::invitations::bulk::parse_csv(FILE)
        .unwrap()
        .into_iter()
        .map(|r| json!({"email": r.email, "name": r.name, "roles": r.roles, "groups": r.groups}))
        .collect();
    let path = format!("/workspaces/{ws}/invitations/batch");
    let dry = api.post(&path, json!({"invitations": rows, "dry_run": true})).await;
    assert_eq!(dry.status, 200, "{}", dry.body);
    let results = dry.body["results"].as_array().unwrap();
    let got: Vec<&str> = results.iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(got, PREVIEW);
    assert_eq!(results[0], json!({"email": "new1@example.com", "status": "ready"}));
    assert_eq!(results[6]["code"], "domain_not_allowed");
    assert_eq!(results[7]["code"], "seat_limit_reached");
    assert_eq!(results[1]["email"], "not-an-address");
    assert!(results[1]["message"].as_str().unwrap().len() > 10);

    let sent = api.post(&path, json!({"invitations": rows})).await;
    assert_eq!(sent.status, 200);
    assert_eq!(sent.body["results"][0]["status"], "sent");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM invitations WHERE email = $1", "new1@example.com")
            .await,
        1
    );

    // Too many, or none, is refused whole.
    let many: Vec<Value> = (0..101)
        .map(|n| json!({"email": format!("p{n}@example.com")}))
        .collect();
    let refused = api.post(&path, json!({"invitations": many})).await;
    assert_eq!((refused.status, refused.code()), (400, "bad_request"));
    assert_eq!(api.post(&path, json!({"invitations": []})).await.status, 400);
    app.stop().await;
}

/// What cannot be read is said plainly, on the page.
async fn unreadable_files_are_named(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (ada, ws) = setup(&app).await;
    let bad = upload(&ada, &ws, "a@example.com,\"never closed\n", false).await;
    let html = ada.get(&bad).await.text().await.unwrap();
    assert!(html.contains("Line 1: a quoted field is never closed"), "{html}");
    let empty = upload(&ada, &ws, "  \n", false).await;
    assert!(empty.ends_with("?problem=empty"), "{empty}");
    let html = ada.get(&empty).await.text().await.unwrap();
    assert!(html.contains("Choose a file, or paste its rows"));
    let many: String = (0..1001).map(|n| format!("p{n}@example.com\n")).collect();
    let html = ada
        .get(&upload(&ada, &ws, &many, true).await)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("This file has 1001 rows"), "{html}");
    app.stop().await;
}

on_both_databases!(
    a_file_is_previewed_sent_and_sent_again,
    the_batch_api_says_the_same,
    unreadable_files_are_named,
);
