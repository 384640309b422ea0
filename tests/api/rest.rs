//! The REST API under /api/v1, driven with API tokens as scripts drive it.

use crate::harness::{Backend, Person, TestApp};
use crate::on_both_databases;
use boardroom::tokens::NewToken;
use serde_json::{Value, json};

on_both_databases!(
    the_seed_calls_work_over_rest,
    errors_have_one_shape_and_honest_statuses,
    a_token_acts_with_its_owners_grants_and_stops_when_revoked,
    lists_come_in_pages,
    an_invitation_without_email_hands_back_its_link,
    groups_are_managed_over_rest,
    the_admin_command_makes_an_account_and_a_token,
    the_openapi_document_describes_every_route,
    a_tokens_last_use_is_written_at_most_once_a_minute,
    one_address_is_sent_at_most_one_invitation_a_minute,
    an_invitation_never_emailed_can_be_emailed_at_once,
    resends_count_against_the_hourly_invitation_limits,
    malformed_requests_get_the_one_error_shape,
    the_document_states_the_limits_the_server_enforces,
);

/// A script holding an API token.
pub struct Script {
    pub base: String,
    pub token: String,
    pub http: reqwest::Client,
}

pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    /// The error code, for failures.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

impl Script {
    pub fn new(app: &TestApp, token: &str) -> Script {
        Script {
            base: format!("{}/api/v1", app.address),
            token: token.to_string(),
            http: reqwest::Client::new(),
        }
    }

    pub async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Reply {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {text}"))
        };
        Reply { status, body }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(reqwest::Method::GET, path, None).await
    }
    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }
    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }
    pub async fn delete(&self, path: &str) -> Reply {
        self.send(reqwest::Method::DELETE, path, None).await
    }
}

/// Creates an API token the way the account menu does.
pub async fn token_for(person: &Person) -> String {
    person
        .call::<NewToken>("create_api_token", &[("name", "script")])
        .await
        .ok()
        .secret
}

async fn the_seed_calls_work_over_rest(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let api = Script::new(&app, &token_for(&ada).await);

    // create_role(uuid=…, role_name="test_role", permission="WRITE", resource="DATA", target="USER")
    let rol1 = api
        .post(
            &format!("/workspaces/{ws}/roles"),
            json!({"role_name": "test_role", "permission": "WRITE", "resource": "DATA", "target": "USER"}),
        )
        .await;
    assert_eq!(rol1.status, 201, "{}", rol1.body);
    assert_eq!(rol1.body["name"], "test_role");
    assert_eq!(rol1.body["permission"], "WRITE");

    // invite_user(email=…, name=…, roles=[rol1]): the workspace by name, the role as returned.
    let invited = api
        .post(
            "/workspaces/acme/invitations",
            json!({"email": "Jon@Example.com", "roles": [rol1.body]}),
        )
        .await;
    assert_eq!(invited.status, 201, "{}", invited.body);
    assert_eq!(invited.body["status"], "sent");
    assert_eq!(invited.body["invitation"]["roles"], json!(["test_role"]));
    assert!(invited.body.get("accept_url").is_none());
    app.smtp.wait_for("jon@example.com", 1).await;

    // get_pending_invitations
    let pending = api.get(&format!("/workspaces/{ws}/invitations")).await;
    assert_eq!(pending.body["items"][0]["email"], "jon@example.com");
    // delete_pending_invitation(email=…)
    assert_eq!(
        api.delete(&format!("/workspaces/{ws}/invitations/jon@example.com"))
            .await
            .status,
        204
    );
    assert_eq!(
        api.get(&format!("/workspaces/{ws}/invitations")).await.body["items"],
        json!([])
    );

    // Invited again, Jon joins with the role.
    api.post(
        &format!("/workspaces/{ws}/invitations"),
        json!({"email": "jon@example.com", "roles": ["test_role"]}),
    )
    .await;
    let token = app.smtp.wait_for("jon@example.com", 2).await.invite_token();
    app.person().accept_new(&token, "Jon", "winter is here").await.ok();

    // get_all_workspace_users
    let users = api.get(&format!("/workspaces/{ws}/users")).await;
    let emails: Vec<&str> = users.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["ada@example.com", "jon@example.com"]);
    let jon = api.get(&format!("/workspaces/{ws}/users/jon@example.com")).await;
    assert_eq!(jon.body["roles"], json!(["test_role"]));
    let changed = api
        .put(
            &format!("/workspaces/{ws}/users/jon@example.com/roles"),
            json!({"roles": []}),
        )
        .await;
    assert_eq!(changed.body["roles"], json!([]));

    // An invitation that was accepted is gone, not missing.
    let r = api
        .delete(&format!("/workspaces/{ws}/invitations/jon@example.com"))
        .await;
    assert_eq!((r.status, r.code()), (410, "gone"));
    assert_eq!(
        r.body["error"]["message"],
        "The invitation to jon@example.com was accepted; it is no longer pending"
    );
    let r = api
        .delete(&format!("/workspaces/{ws}/invitations/nobody@example.com"))
        .await;
    assert_eq!((r.status, r.code()), (404, "not_found"));

    // remove_user_from_workspace(email=…)
    assert_eq!(
        api.delete(&format!("/workspaces/{ws}/users/jon@example.com"))
            .await
            .status,
        204
    );
    assert_eq!(
        api.get(&format!("/workspaces/{ws}/users/jon@example.com")).await.status,
        404
    );

    // The role, by name and by the id create_role returned; then deleted.
    let by_id = api
        .get(&format!("/workspaces/{ws}/roles/{}", rol1.body["id"].as_str().unwrap()))
        .await;
    assert_eq!(by_id.body["name"], "test_role");
    assert_eq!(
        api.delete(&format!("/workspaces/{ws}/roles/test_role")).await.status,
        204
    );
    assert_eq!(api.get(&format!("/workspaces/{ws}/roles/test_role")).await.status, 404);

    // Workspaces: list, create, get by name or id.
    let made = api.post("/workspaces", json!({"name": "Beta"})).await;
    assert_eq!(made.status, 201);
    let beta = made.body["id"].as_str().unwrap();
    assert_eq!(api.get("/workspaces/BETA").await.body["id"], beta);
    assert_eq!(api.get(&format!("/workspaces/{beta}")).await.body["name"], "Beta");
    assert_eq!(api.get("/workspaces").await.body["items"].as_array().unwrap().len(), 2);
    app.stop().await;
}

async fn errors_have_one_shape_and_honest_statuses(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (ada, jon, ws) = app.workspace_with_member().await;
    let api = Script::new(&app, &token_for(&ada).await);
    let invitations = format!("/workspaces/{ws}/invitations");

    let anonymous = reqwest::get(format!("{}/api/v1/workspaces", app.address))
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    let body: Value = anonymous.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthenticated");
    let forged = Script::new(&app, "brd_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    let r = forged.get("/workspaces").await;
    assert_eq!((r.status, r.code()), (401, "invalid_token"));

    let r = api.get("/workspaces/nowhere/users").await;
    assert_eq!((r.status, r.code()), (404, "not_found"));
    let r = api.post(&invitations, json!({"email": "jon@example.com"})).await;
    assert_eq!((r.status, r.code()), (409, "already_member"));
    assert_eq!(r.body["error"]["field"], "email");
    assert_eq!(
        r.body["error"]["message"],
        "jon@example.com is already a member of Acme"
    );
    let r = api.post(&invitations, json!({"email": "jon@"})).await;
    assert_eq!(
        (r.status, r.code(), r.body["error"]["field"].as_str()),
        (422, "invalid_email", Some("email"))
    );
    let r = api.post(&invitations, json!({"address": "kim@example.com"})).await;
    assert_eq!((r.status, r.code()), (400, "bad_request"));
    let r = api
        .post(
            &invitations,
            json!({"email": "kim@example.com", "roles": ["no_such_role"]}),
        )
        .await;
    assert_eq!(
        (r.status, r.code(), r.body["error"]["field"].as_str()),
        (422, "invalid", Some("roles"))
    );
    assert_eq!(r.body["error"]["message"], "There is no role named no_such_role");
    let r = api
        .post(
            &format!("/workspaces/{ws}/roles"),
            json!({"role_name": "x", "permission": "WRITE", "resource": "DATUM", "target": "USER"}),
        )
        .await;
    assert_eq!((r.status, r.body["error"]["field"].as_str()), (422, Some("resource")));
    let r = api.get(&format!("/workspaces/{ws}/users?limit=0")).await;
    assert_eq!((r.status, r.code()), (400, "bad_request"));
    let r = api.get("/nothing/here").await;
    assert_eq!((r.status, r.code()), (404, "not_found"));

    // Jon holds only what everyone holds: reading is fine, inviting is not.
    let jons = Script::new(&app, &token_for(&jon).await);
    assert_eq!(jons.get(&invitations).await.status, 200);
    let r = jons.post(&invitations, json!({"email": "kim@example.com"})).await;
    assert_eq!((r.status, r.code()), (403, "forbidden"));
    assert_eq!(
        r.body["error"]["message"],
        "You need WRITE on USER_MANAGEMENT to invite people"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM invitations WHERE email = $1", "kim@example.com")
            .await,
        0
    );
    app.stop().await;
}

async fn a_token_acts_with_its_owners_grants_and_stops_when_revoked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let acme = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let bea = app.person();
    let bravo = bea.sign_up("Bea", "bea@example.com", "Bravo").await;
    let created = ada.call::<NewToken>("create_api_token", &[("name", "ci")]).await.ok();
    assert!(created.secret.starts_with("brd_"));
    // Only its hash is kept.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1", &created.secret)
            .await,
        0
    );
    let api = Script::new(&app, &created.secret);

    // Never another workspace, whether named by id or by name.
    for key in [bravo.as_str(), "bravo", "Bravo"] {
        let r = api
            .post(
                &format!("/workspaces/{key}/invitations"),
                json!({"email": "x@example.com"}),
            )
            .await;
        assert_eq!((r.status, r.code()), (404, "not_found"), "{key}");
    }
    assert_eq!(api.get(&format!("/workspaces/{acme}/users")).await.status, 200);

    let page = ada
        .call::<boardroom::pages::tokens::TokensPageData>("tokens_page", &[])
        .await
        .ok();
    assert_eq!(page.tokens.len(), 1);
    assert!(page.tokens[0].last_used_at.is_some(), "last use is recorded");
    let revoked = ada
        .call::<String>("revoke_api_token", &[("token_id", &created.token.id)])
        .await;
    assert_eq!(revoked.ok(), "ci");
    let r = api.get(&format!("/workspaces/{acme}/users")).await;
    assert_eq!((r.status, r.code()), (401, "invalid_token"));
    // Nobody revokes another person's token.
    let beas = bea.call::<NewToken>("create_api_token", &[("name", "mine")]).await.ok();
    let r = ada
        .call::<String>("revoke_api_token", &[("token_id", &beas.token.id)])
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(Script::new(&app, &beas.secret).get("/workspaces").await.status, 200);
    app.stop().await;
}

async fn lists_come_in_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let api = Script::new(&app, &token_for(&ada).await);
    for n in 0..5 {
        api.post(
            &format!("/workspaces/{ws}/invitations"),
            json!({"email": format!("p{n}@example.com"), "send_email": false}),
        )
        .await;
    }
    let mut seen = Vec::new();
    let mut path = format!("/workspaces/{ws}/invitations?limit=2");
    loop {
        let page = api.get(&path).await;
        assert!(page.body["items"].as_array().unwrap().len() <= 2);
        seen.extend(
            page.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["email"].as_str().unwrap().to_string()),
        );
        match page.body["next_token"].as_str() {
            Some(t) => path = format!("/workspaces/{ws}/invitations?limit=2&next_token={t}"),
            None => break,
        }
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            "p0@example.com",
            "p1@example.com",
            "p2@example.com",
            "p3@example.com",
            "p4@example.com"
        ]
    );
    app.stop().await;
}

async fn an_invitation_without_email_hands_back_its_link(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let api = Script::new(&app, &token_for(&ada).await);
    let r = api
        .post(
            &format!("/workspaces/{ws}/invitations"),
            json!({"email": "kim@example.com", "send_email": false}),
        )
        .await;
    assert_eq!(r.status, 201);
    assert_eq!(r.body["invitation"]["delivery"], "NotRequested");
    let url = r.body["accept_url"].as_str().expect("the link comes back").to_string();
    let token = url.rsplit('/').next().unwrap();
    app.person().accept_new(token, "Kim", "winter is here").await.ok();
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM emails WHERE kind = 'invitation' AND recipient = $1",
            "kim@example.com"
        )
        .await,
        0
    );
    // A link handed over proves no address: Kim's own is confirmed by email.
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM emails WHERE kind = 'verify_email' AND recipient = $1",
            "kim@example.com"
        )
        .await,
        1
    );
    assert_eq!(
        api.get(&format!("/workspaces/{ws}/users/kim@example.com")).await.status,
        200
    );
    app.stop().await;
}

async fn groups_are_managed_over_rest(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (ada, _jon, ws) = app.workspace_with_member().await;
    let api = Script::new(&app, &token_for(&ada).await);
    let base = format!("/workspaces/{ws}/groups");
    api.post(
        &format!("/workspaces/{ws}/roles"),
        json!({"role_name": "writers", "permission": "WRITE", "resource": "DATA", "target": "GROUP"}),
    )
    .await;
    assert_eq!(api.post(&base, json!({"name": "Editors"})).await.status, 201);
    let g = api
        .put(&format!("{base}/editors/members/jon@example.com"), json!({}))
        .await;
    assert_eq!(g.body["members"][0]["email"], "jon@example.com", "{}", g.body);
    let g = api.put(&format!("{base}/Editors/roles/writers"), json!({})).await;
    assert_eq!(g.body["roles"], json!(["writers"]));
    let g = api
        .send(
            reqwest::Method::PATCH,
            &format!("{base}/editors"),
            Some(json!({"name": "Writers"})),
        )
        .await;
    assert_eq!(g.body["name"], "Writers");
    let r = api.delete(&format!("{base}/everyone")).await;
    assert_eq!((r.status, r.code()), (409, "conflict"));
    assert_eq!(
        api.delete(&format!("{base}/writers/roles/writers")).await.body["roles"],
        json!([])
    );
    assert_eq!(
        api.delete(&format!("{base}/writers/members/jon@example.com"))
            .await
            .body["members"],
        json!([])
    );
    assert_eq!(api.delete(&format!("{base}/writers")).await.status, 204);
    assert_eq!(api.get(&base).await.body["items"].as_array().unwrap().len(), 1);
    app.stop().await;
}

async fn the_admin_command_makes_an_account_and_a_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let url: String = app.database_url.clone();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_boardroom"))
            .arg("admin")
            .args(args)
            .env("DATABASE_URL", &url)
            .env("RUST_LOG", "error")
            .output()
            .unwrap()
    };
    let out = run(&[
        "create-user",
        "--email",
        "ops@example.com",
        "--name",
        "Ops",
        "--workspace",
        "Ops Space",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let token = stdout
        .lines()
        .find_map(|l| l.strip_prefix("API token: "))
        .expect(&stdout)
        .to_string();
    assert!(!stdout.to_lowercase().contains("password"));
    let api = Script::new(&app, &token);
    assert_eq!(api.get("/workspaces/ops%20space").await.body["is_owner"], true);

    let out = run(&["create-token", "--email", "ops@example.com", "--token-name", "second"]);
    assert!(out.status.success());
    let again = String::from_utf8(out.stdout).unwrap();
    let second = again.rsplit(' ').next().unwrap().trim();
    assert_eq!(Script::new(&app, second).get("/workspaces").await.status, 200);

    let out = run(&["create-token", "--email", "nobody@example.com"]);
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "boardroom admin: There is no account for nobody@example.com"
    );
    let out = run(&["create-user", "--email", "ops@example.com", "--name", "Ops"]);
    assert!(!out.status.success());
    app.stop().await;
}

/// Every operation the API serves; the tests above call each of them.
const OPERATIONS: &[(&str, &str)] = &[
    ("get", "/me"),
    ("get", "/me/invitations"),
    ("post", "/me/invitations/{invitation}/accept"),
    ("post", "/me/invitations/{invitation}/decline"),
    ("get", "/workspaces"),
    ("post", "/workspaces"),
    ("get", "/workspaces/{ws}"),
    ("get", "/workspaces/{ws}/policy"),
    ("get", "/workspaces/{ws}/audit-events"),
    ("post", "/workspaces/{ws}/invitations/batch"),
    ("get", "/workspaces/{ws}/audit-events/export"),
    ("patch", "/workspaces/{ws}/policy"),
    ("get", "/workspaces/{ws}/roles"),
    ("post", "/workspaces/{ws}/roles"),
    ("get", "/workspaces/{ws}/roles/{role}"),
    ("delete", "/workspaces/{ws}/roles/{role}"),
    ("get", "/workspaces/{ws}/invitations"),
    ("post", "/workspaces/{ws}/invitations"),
    ("delete", "/workspaces/{ws}/invitations/{invitation}"),
    ("post", "/workspaces/{ws}/invitations/{invitation}/resend"),
    ("post", "/workspaces/{ws}/invitations/{invitation}/link"),
    ("put", "/workspaces/{ws}/invitations/{invitation}/roles"),
    ("get", "/workspaces/{ws}/users"),
    ("get", "/workspaces/{ws}/users/{user}"),
    ("delete", "/workspaces/{ws}/users/{user}"),
    ("put", "/workspaces/{ws}/users/{user}/roles"),
    ("get", "/workspaces/{ws}/events"),
    ("get", "/workspaces/{ws}/groups"),
    ("post", "/workspaces/{ws}/groups"),
    ("get", "/workspaces/{ws}/groups/{group}"),
    ("patch", "/workspaces/{ws}/groups/{group}"),
    ("delete", "/workspaces/{ws}/groups/{group}"),
    ("put", "/workspaces/{ws}/groups/{group}/members/{user}"),
    ("delete", "/workspaces/{ws}/groups/{group}/members/{user}"),
    ("put", "/workspaces/{ws}/groups/{group}/roles/{role}"),
    ("delete", "/workspaces/{ws}/groups/{group}/roles/{role}"),
];

/// The OpenAPI document the app serves.
pub async fn served_document(app: &TestApp) -> Value {
    reqwest::get(format!("{}/api/v1/openapi.json", app.address))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Every operation of `doc`: (method, path, the operation).
pub fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "patch", "delete"] {
            if let Some(op) = item.get(method) {
                found.push((method.to_string(), path.clone(), op));
            }
        }
    }
    found
}

async fn the_openapi_document_describes_every_route(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc = served_document(&app).await;
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    let mut documented = Vec::new();
    for (method, path, op) in operations(&doc) {
        assert!(
            op["responses"]["401"].is_object(),
            "{method} {path} documents its refusals"
        );
        documented.push((method, path));
    }
    for (method, path) in OPERATIONS {
        assert!(
            documented.iter().any(|(m, p)| m == method && p == path),
            "{method} {path} is missing from the document"
        );
    }
    assert_eq!(documented.len(), OPERATIONS.len(), "documented: {documented:?}");

    // Every documented operation is served, and only with a token.
    let http = reqwest::Client::new();
    for (method, path) in &documented {
        let concrete = path
            .replace("{ws}", "acme")
            .replace("{role}", "r")
            .replace("{invitation}", "i")
            .replace("{user}", "u")
            .replace("{group}", "g");
        let res = http
            .request(
                method.to_uppercase().parse().unwrap(),
                format!("{}/api/v1{concrete}", app.address),
            )
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{method} {path}");
    }
    let docs = reqwest::get(format!("{}/api/v1/docs", app.address)).await.unwrap();
    assert_eq!(docs.status(), 200);
    let html = docs.text().await.unwrap();
    assert!(html.contains("/vendor/swagger-ui/swagger-ui-bundle.js") && html.contains("/api-docs.js"));
    app.stop().await;
}

async fn last_used(app: &TestApp) -> Option<i64> {
    use sqlx::Row;
    sqlx::query("SELECT last_used_at FROM api_tokens")
        .fetch_one(&app.db)
        .await
        .unwrap()
        .get::<Option<i64>, _>(0)
}

/// Reads stay reads: a script calling many times a minute writes the token's
/// last use once.
async fn a_tokens_last_use_is_written_at_most_once_a_minute(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let api = Script::new(&app, &token_for(&ada).await);
    assert_eq!(last_used(&app).await, None);
    api.get("/workspaces").await;
    let first = last_used(&app).await.expect("the first use is written");
    for _ in 0..5 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        assert_eq!(api.get("/workspaces").await.status, 200);
    }
    assert_eq!(
        last_used(&app).await,
        Some(first),
        "not written again within the minute"
    );
    // A minute on, the next call writes it again.
    sqlx::query("UPDATE api_tokens SET last_used_at = last_used_at - 61000")
        .execute(&app.db)
        .await
        .unwrap();
    api.get("/workspaces").await;
    assert!(last_used(&app).await.unwrap() > first - 61000);
    assert!(last_used(&app).await.unwrap() >= first);
    app.stop().await;
}

/// Resending (or inviting again) within a minute of the last email is refused
/// with 429, `Retry-After` and a sentence saying when; nothing is sent.
async fn one_address_is_sent_at_most_one_invitation_a_minute(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let api = Script::new(&app, &token_for(&ada).await);
    let invitations = format!("/workspaces/{ws}/invitations");
    assert_eq!(
        api.post(&invitations, json!({"email": "jon@example.com"})).await.status,
        201
    );
    app.smtp.wait_for("jon@example.com", 1).await;

    let res = api
        .http
        .post(format!("{}{invitations}/jon@example.com/resend", api.base))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("An invitation was sent to jon@example.com moments ago. You can send it again in "),
        "{message}"
    );
    let again = api.post(&invitations, json!({"email": "jon@example.com"})).await;
    assert_eq!((again.status, again.code()), (429, "rate_limited"), "{}", again.body);
    // Through the Users page's form too.
    let form = ada.invite(&ws, "jon@example.com").await;
    assert_eq!(form.status, 429);

    // A minute later it goes, once.
    sqlx::query("UPDATE invitations SET created_at = created_at - 60000, emailed_at = emailed_at - 60000")
        .execute(&app.db)
        .await
        .unwrap();
    let resent = api
        .post(&format!("{invitations}/jon@example.com/resend"), json!({}))
        .await;
    assert_eq!(resent.status, 200, "{}", resent.body);
    app.smtp.wait_for("jon@example.com", 2).await;
    assert_eq!(
        app.smtp
            .received()
            .iter()
            .filter(|e| e.to == ["jon@example.com"])
            .count(),
        2
    );
    app.stop().await;
}

/// The resend interval counts from the last email queued for the address: an
/// invitation made without one is emailed at once when asked, and only then
/// is a second email refused.
async fn an_invitation_never_emailed_can_be_emailed_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let api = Script::new(&app, &token_for(&ada).await);
    let invitations = format!("/workspaces/{ws}/invitations");
    for who in ["x", "y"] {
        let made = api
            .post(
                &invitations,
                json!({"email": format!("{who}@example.test"), "send_email": false}),
            )
            .await;
        assert_eq!(made.status, 201, "{}", made.body);
        assert_eq!(made.body["invitation"]["delivery"], "NotRequested");
    }

    // Resend, at once.
    let resent = api
        .post(&format!("{invitations}/x%40example.test/resend"), json!({}))
        .await;
    assert_eq!(resent.status, 200, "{}", resent.body);
    app.smtp.wait_for("x@example.test", 1).await;
    // Inviting again, at once, with the email this time.
    let again = api.post(&invitations, json!({"email": "y@example.test"})).await;
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(again.body["status"], "renewed");
    app.smtp.wait_for("y@example.test", 1).await;

    // Now each was emailed moments ago, and saying so is true.
    for who in ["x", "y"] {
        let refused = api
            .post(&format!("{invitations}/{who}%40example.test/resend"), json!({}))
            .await;
        assert_eq!(
            (refused.status, refused.code()),
            (429, "rate_limited"),
            "{}",
            refused.body
        );
        assert!(
            refused.body["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with(&format!("An invitation was sent to {who}@example.test moments ago")),
            "{}",
            refused.body
        );
    }
    // Renewing without an email sends nothing, so it is not held back.
    let quiet = api
        .post(&invitations, json!({"email": "x@example.test", "send_email": false}))
        .await;
    assert_eq!(quiet.status, 201, "{}", quiet.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM emails WHERE recipient = $1", "x@example.test")
            .await,
        1
    );
    app.stop().await;
}

/// Invitations and resends draw on one hourly allowance per inviter (and per
/// workspace): the refusal says whose limit it is and when to try again.
async fn resends_count_against_the_hourly_invitation_limits(backend: Backend) {
    let app = TestApp::spawn_with(
        backend,
        &[
            ("INVITATIONS_PER_HOUR_PER_INVITER", "3"),
            ("INVITATION_RESEND_INTERVAL", "0"),
        ],
    )
    .await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let api = Script::new(&app, &token_for(&ada).await);
    let invitations = format!("/workspaces/{ws}/invitations");
    for who in ["jon", "kim"] {
        let made = api
            .post(&invitations, json!({"email": format!("{who}@example.com")}))
            .await;
        assert_eq!(made.status, 201, "{}", made.body);
    }
    let resent = api
        .post(&format!("{invitations}/jon@example.com/resend"), json!({}))
        .await;
    assert_eq!(resent.status, 200, "{}", resent.body);
    // The fourth in the hour, whether a resend or a new invitation, is refused.
    for refused in [
        api.post(&format!("{invitations}/kim@example.com/resend"), json!({}))
            .await,
        api.post(&invitations, json!({"email": "lee@example.com"})).await,
    ] {
        assert_eq!(
            (refused.status, refused.code()),
            (429, "rate_limited"),
            "{}",
            refused.body
        );
        let message = refused.body["error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with("You have sent 3 invitations in the last hour, the most one person may. Try again in "),
            "{message}"
        );
        assert!(refused.body["error"]["retry_after"].as_u64().unwrap() > 3000);
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM invitations WHERE email = $1", "lee@example.com")
            .await,
        0
    );
    app.stop().await;
}

/// Whatever is wrong with a request, the answer is the documented JSON shape.
async fn malformed_requests_get_the_one_error_shape(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let token = token_for(&ada).await;
    let http = reqwest::Client::new();
    let base = format!("{}/api/v1", app.address);
    let get = |path: String| http.get(format!("{base}{path}")).bearer_auth(&token);
    let post = |path: &str| http.post(format!("{base}{path}")).bearer_auth(&token);
    let cases: Vec<(&str, reqwest::RequestBuilder, u16, Option<&str>)> = vec![
        (
            "limit=abc",
            get(format!("/workspaces/{ws}/roles?limit=abc")),
            400,
            Some("limit"),
        ),
        (
            "limit=",
            get(format!("/workspaces/{ws}/roles?limit=")),
            400,
            Some("limit"),
        ),
        (
            "limit=-1",
            get(format!("/workspaces/{ws}/roles?limit=-1")),
            400,
            Some("limit"),
        ),
        (
            "limit twice",
            get(format!("/workspaces/{ws}/roles?limit=5&limit=6")),
            400,
            Some("limit"),
        ),
        (
            "bad next_token",
            get(format!("/workspaces/{ws}/roles?next_token=zz")),
            400,
            Some("next_token"),
        ),
        ("not UTF-8", get("/workspaces/%FF".into()), 400, None),
        ("a NUL in the path", get("/workspaces/a%00b/users".into()), 400, None),
        (
            "malformed JSON",
            post("/workspaces")
                .header("content-type", "application/json")
                .body("{\"name\": "),
            400,
            None,
        ),
        (
            "wrong content type",
            post("/workspaces").header("content-type", "text/plain").body("x"),
            400,
            None,
        ),
        (
            "a missing field",
            post("/workspaces").json(&json!({"title": "x"})),
            400,
            None,
        ),
        ("an unknown route", get("/nothing/here".into()), 404, None),
        (
            "an unknown method",
            http.patch(format!("{base}/workspaces")).bearer_auth(&token),
            405,
            None,
        ),
        (
            "from another site",
            post("/workspaces")
                .header("origin", "https://evil.example")
                .json(&json!({"name": "x"})),
            403,
            None,
        ),
    ];
    for (what, request, status, field) in cases {
        let res = request.send().await.unwrap();
        assert_eq!(res.status().as_u16(), status, "{what}");
        assert_eq!(
            res.headers()["content-type"].to_str().unwrap(),
            "application/json",
            "{what}"
        );
        let body: Value = res.json().await.unwrap();
        assert!(body["error"]["code"].is_string(), "{what}: {body}");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty(), "{what}: {body}");
        assert_eq!(body["error"]["field"].as_str(), field, "{what}: {body}");
    }
    app.stop().await;
}

/// A client generated from the document cannot send what the server refuses
/// for its shape: page sizes, name lengths, blank names.
async fn the_document_states_the_limits_the_server_enforces(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc: Value = reqwest::get(format!("{}/api/v1/openapi.json", app.address))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let limit = doc["paths"]["/workspaces/{ws}/roles"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "limit")
        .unwrap()
        .clone();
    assert_eq!(
        (limit["schema"]["minimum"].as_u64(), limit["schema"]["maximum"].as_u64()),
        (Some(1), Some(200))
    );
    let schemas = &doc["components"]["schemas"];
    for (schema, field, max) in [
        ("NewWorkspace", "name", 80),
        ("GroupName", "name", 80),
        ("NewRole", "role_name", 64),
    ] {
        let f = &schemas[schema]["properties"][field];
        assert_eq!(
            (f["minLength"].as_u64(), f["maxLength"].as_u64()),
            (Some(1), Some(max)),
            "{schema}.{field}"
        );
        let pattern = regex::Regex::new(f["pattern"].as_str().unwrap()).unwrap();
        assert!(!pattern.is_match("   "), "{schema}.{field} refuses a blank name");
        assert!(pattern.is_match("Acme 2"), "{schema}.{field}");
    }
    assert_eq!(
        schemas["NewRole"]["properties"]["permission"]["$ref"],
        "#/components/schemas/Permission"
    );
    assert_eq!(schemas["NewInvitation"]["properties"]["email"]["maxLength"], 254);

    // What a pattern or length refuses, the server refuses too (422 on that
    // field, nothing made), wherever in the text the offending character is.
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let api = Script::new(&app, &token_for(&ada).await);
    let made = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT (SELECT COUNT(*) FROM workspaces) + (SELECT COUNT(*) FROM groups) + (SELECT COUNT(*) FROM roles)",
        )
        .fetch_one(&app.db)
        .await
        .unwrap()
    };
    let before = made().await;
    let long = format!(" {}", "a".repeat(80));
    for (path, schema, field) in [
        ("/workspaces".to_string(), "NewWorkspace", "name"),
        (format!("/workspaces/{ws}/groups"), "GroupName", "name"),
        (format!("/workspaces/{ws}/roles"), "NewRole", "role_name"),
    ] {
        let f = &schemas[schema]["properties"][field];
        let pattern = regex::Regex::new(f["pattern"].as_str().unwrap()).unwrap();
        let max = f["maxLength"].as_u64().unwrap() as usize;
        for value in ["\u{c}abc", "abc\n", "\tabc", "a\u{7f}b", "abc\u{85}", long.as_str()] {
            assert!(
                !pattern.is_match(value) || value.chars().count() > max,
                "{schema}.{field} allows {value:?}"
            );
            let mut body = json!({"permission": "READ", "resource": "DATA", "target": "USER"});
            body[field] = json!(value);
            let refused = api.post(&path, body).await;
            assert_eq!(
                (refused.status, refused.body["error"]["field"].as_str()),
                (422, Some(field)),
                "{path} {value:?}: {}",
                refused.body
            );
        }
    }
    assert_eq!(made().await, before, "nothing was made");
    app.stop().await;
}
