//! Who may call what over REST: every operation of the served OpenAPI
//! document, for every kind of caller, addressing the workspace and the
//! objects by id and by name. The expected answer comes from the table here
//! (`NEEDS`, `holds`); an operation of the document without a row fails the
//! test. A refused call must leave the workspace's rows as they were; an
//! allowed call that changes something must change them.

use crate::authorization::holds;
use crate::harness::{Backend, Person, TestApp};
use crate::on_both_databases;
use crate::rest::{operations, served_document, token_for};
use boardroom::access::{Grant, Permission, Resource};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};

on_both_databases!(every_api_operation_answers_each_caller_as_the_table_says);

#[derive(Clone, Copy, Debug)]
enum Need {
    /// Any valid token.
    Token,
    /// Any member of the workspace.
    Member,
    /// Only the person an invitation is addressed to (the fixtures' are
    /// addressed to no caller).
    Addressee,
    /// Only an owner of the workspace.
    Owner,
    Grant(Permission, Resource),
}

use Need::*;
use Permission::{Read, Write};
use Resource::UserManagement;

const fn um(p: Permission) -> Need {
    Need::Grant(p, UserManagement)
}

/// Every operation and what it needs. (What a call gives away, a role or a
/// grant, is READ on USER_MANAGEMENT, which every holder of WRITE on it holds:
/// that nobody gives what they don't hold is tested on its own, in `roles`.)
const NEEDS: &[(&str, &str, Need)] = &[
    ("get", "/me", Token),
    ("get", "/me/invitations", Token),
    ("post", "/me/invitations/{invitation}/accept", Addressee),
    ("post", "/me/invitations/{invitation}/decline", Addressee),
    ("get", "/workspaces", Token),
    ("post", "/workspaces", Token),
    ("get", "/workspaces/{ws}", Member),
    ("get", "/workspaces/{ws}/policy", um(Read)),
    ("patch", "/workspaces/{ws}/policy", Need::Owner),
    ("get", "/workspaces/{ws}/audit-events", um(Read)),
    ("get", "/workspaces/{ws}/audit-events/export", um(Read)),
    ("get", "/workspaces/{ws}/roles", um(Read)),
    ("post", "/workspaces/{ws}/roles", um(Write)),
    ("get", "/workspaces/{ws}/roles/{role}", um(Read)),
    ("delete", "/workspaces/{ws}/roles/{role}", um(Write)),
    ("get", "/workspaces/{ws}/invitations", um(Read)),
    ("post", "/workspaces/{ws}/invitations", um(Write)),
    ("post", "/workspaces/{ws}/invitations/batch", um(Write)),
    ("delete", "/workspaces/{ws}/invitations/{invitation}", um(Write)),
    ("post", "/workspaces/{ws}/invitations/{invitation}/resend", um(Write)),
    ("post", "/workspaces/{ws}/invitations/{invitation}/link", um(Write)),
    ("put", "/workspaces/{ws}/invitations/{invitation}/roles", um(Write)),
    ("get", "/workspaces/{ws}/users", um(Read)),
    ("get", "/workspaces/{ws}/users/{user}", um(Read)),
    ("delete", "/workspaces/{ws}/users/{user}", um(Write)),
    ("put", "/workspaces/{ws}/users/{user}/roles", um(Write)),
    ("get", "/workspaces/{ws}/events", um(Read)),
    ("get", "/workspaces/{ws}/groups", um(Read)),
    ("post", "/workspaces/{ws}/groups", um(Write)),
    ("get", "/workspaces/{ws}/groups/{group}", um(Read)),
    ("patch", "/workspaces/{ws}/groups/{group}", um(Write)),
    ("delete", "/workspaces/{ws}/groups/{group}", um(Write)),
    ("put", "/workspaces/{ws}/groups/{group}/members/{user}", um(Write)),
    ("delete", "/workspaces/{ws}/groups/{group}/members/{user}", um(Write)),
    ("put", "/workspaces/{ws}/groups/{group}/roles/{role}", um(Write)),
    ("delete", "/workspaces/{ws}/groups/{group}/roles/{role}", um(Write)),
];

#[derive(Clone, Copy, Debug)]
enum Actor {
    Owner,
    /// A member whose only role carries this one grant (`everyone` emptied).
    Holding(Grant),
    NoGrant,
    /// The owner of another workspace.
    Outsider,
    /// The owner's token, revoked.
    Revoked,
    NoToken,
}

/// Whether the call must succeed, or the status it must be refused with.
fn expected(need: Need, actor: Actor) -> Result<(), u16> {
    match (need, actor) {
        (_, Actor::Revoked | Actor::NoToken) => Err(401),
        (Token, _) => Ok(()),
        (Addressee, _) => Err(404),
        (_, Actor::Outsider) => Err(404),
        (Need::Owner, Actor::Owner) => Ok(()),
        (Need::Owner, _) => Err(403),
        (_, Actor::Owner) | (Member, _) => Ok(()),
        (Grant(p, r), Actor::Holding(held)) if holds(held, p, r) => Ok(()),
        (Grant(..), _) => Err(403),
    }
}

/// The rows of everything a call could change, as text (delivery state and
/// link hashes are left out: the mail worker changes them on its own).
const DIGEST: &[&str] = &[
    "SELECT id || '|' || name || '|' || allowed_domains || '|' || COALESCE(CAST(seat_limit AS TEXT), '') FROM workspaces ORDER BY 1",
    "SELECT workspace_id || '|' || user_id || '|' || CAST(is_owner AS TEXT) FROM memberships ORDER BY 1",
    "SELECT id || '|' || email || '|' || status || '|' || CAST(expires_at AS TEXT) || '|' || CAST(created_at AS TEXT) \
     || '|' || CAST(send_email AS TEXT) FROM invitations ORDER BY 1",
    "SELECT invitation_id || '|' || role_name FROM invitation_roles ORDER BY 1",
    "SELECT id || '|' || name || '|' || permission || '|' || resource || '|' || target FROM roles ORDER BY 1",
    "SELECT id || '|' || name FROM groups ORDER BY 1",
    "SELECT group_id || '|' || user_id FROM group_members ORDER BY 1",
    "SELECT group_id || '|' || role_name FROM group_roles ORDER BY 1",
    "SELECT workspace_id || '|' || user_id || '|' || role_name FROM member_roles ORDER BY 1",
    "SELECT id FROM emails ORDER BY 1",
];

async fn digest(app: &TestApp) -> Vec<String> {
    let mut all = Vec::new();
    for sql in DIGEST {
        let rows: Vec<String> = sqlx::query_scalar(sql).fetch_all(&app.db).await.unwrap();
        all.push(rows.join("\n"));
    }
    all
}

struct Fixtures<'a> {
    app: &'a TestApp,
    owner: &'a Person,
    ws: &'a str,
    n: AtomicUsize,
}

impl Fixtures<'_> {
    fn next(&self) -> usize {
        self.n.fetch_add(1, Ordering::Relaxed)
    }

    fn args<'b>(&self, extra: &'b [(&'b str, &'b str)]) -> Vec<(&'b str, String)> {
        let mut v = vec![("workspace_id", self.ws.to_string())];
        v.extend(extra.iter().map(|(k, x)| (*k, x.to_string())));
        v
    }

    async fn call<T: serde::de::DeserializeOwned + std::fmt::Debug>(
        &self,
        endpoint: &str,
        extra: &[(&str, &str)],
    ) -> T {
        let args = self.args(extra);
        let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.owner.call::<T>(endpoint, &form).await.ok()
    }

    /// A fresh member: (user id, email).
    async fn member(&self) -> (String, String) {
        let email = format!("fixture{}@example.com", self.next());
        let id = self.app.new_user("Fixture", &email).await;
        self.app.add_membership(self.ws, &id, false).await;
        (id, email)
    }

    /// A fresh pending invitation, sent long enough ago to be sent again: (id, email).
    async fn invitation(&self) -> (String, String) {
        let email = format!("invited{}@example.com", self.next());
        self.owner.invite(self.ws, &email).await.ok();
        let id = self
            .owner
            .pending(self.ws)
            .await
            .ok()
            .into_iter()
            .find(|i| i.email == email)
            .unwrap()
            .id;
        self.app.backdate_invitation(&id).await;
        (id, email)
    }

    /// A fresh group: (id, name).
    async fn group(&self) -> (String, String) {
        let name = format!("group {}", self.next());
        let g = self
            .call::<boardroom::groups::Group>("create_group", &[("name", &name)])
            .await;
        (g.id, name)
    }

    /// A fresh role nobody holds: (id of its grant, name).
    async fn role(&self) -> (String, String) {
        let name = format!("unused{}", self.next());
        let row = self
            .call::<boardroom::roles::RoleRow>(
                "create_role",
                &[
                    ("role_name", &name),
                    ("permission", "READ"),
                    ("resource", "USER_MANAGEMENT"),
                    ("target", "USER"),
                ],
            )
            .await;
        (row.id, name)
    }

    /// The path and body of one call of `path`, on objects made for it,
    /// named by id or by name.
    async fn request(&self, method: &str, path: &str, by_name: bool) -> (String, Option<Value>) {
        let pick = |id: String, name: String| if by_name { name } else { id };
        let n = self.next();
        let ws = if by_name {
            "Acme".to_string()
        } else {
            self.ws.to_string()
        };
        let path = path.replace("{ws}", &ws);
        let body = |v: Value| Some(v);
        match (method, path.rsplit_once("/{").map(|(_, last)| last).unwrap_or("")) {
            _ if !path.contains('{') => {
                let b = match (method, path.rsplit('/').next().unwrap()) {
                    ("post", "workspaces") => body(json!({ "name": format!("Workspace {n}") })),
                    ("post", "roles") => body(json!({
                        "role_name": format!("role{n}"), "permission": "READ", "resource": "USER_MANAGEMENT", "target": "USER"
                    })),
                    ("post", "invitations") => body(json!({ "email": format!("new{n}@example.com") })),
                    ("post", "batch") => body(json!({ "invitations": [{ "email": format!("batch{n}@example.com") }] })),
                    ("post", "groups") => body(json!({ "name": format!("new group {n}") })),
                    ("patch", "policy") => body(json!({ "seat_limit": 1000 + n })),
                    _ => None,
                };
                (path, b)
            }
            _ => {
                let mut path = path;
                let mut b = None;
                if path.contains("{role}") && !path.contains("{group}") {
                    let (id, name) = if method == "get" {
                        self.viewer().await
                    } else {
                        self.role().await
                    };
                    path = path.replace("{role}", &pick(id, name));
                }
                if path.contains("{invitation}") {
                    let (id, email) = self.invitation().await;
                    path = path.replace("{invitation}", &pick(id, email));
                    if path.ends_with("/roles") {
                        b = body(json!({ "roles": ["people_reader"] }));
                    }
                }
                if path.contains("{group}") {
                    let (gid, gname) = self.group().await;
                    if path.contains("{user}") {
                        let (uid, email) = self.member().await;
                        if method == "delete" {
                            self.call::<String>("add_group_member", &[("group_id", &gid), ("user_id", &uid)])
                                .await;
                        }
                        path = path.replace("{user}", &pick(uid, email));
                    }
                    if path.contains("{role}") {
                        if method == "delete" {
                            self.call::<String>("grant_group_role", &[("group_id", &gid), ("role_name", "see_people")])
                                .await;
                        }
                        path = path.replace("{role}", "see_people");
                    }
                    if method == "patch" {
                        b = body(json!({ "name": format!("renamed {n}") }));
                    }
                    path = path.replace("{group}", &pick(gid, gname));
                }
                if path.contains("{user}") {
                    let (uid, email) = self.member().await;
                    path = path.replace("{user}", &pick(uid, email));
                    if path.ends_with("/roles") {
                        b = body(json!({ "roles": ["people_reader"] }));
                    }
                }
                (path, b)
            }
        }
    }

    /// The role `people_reader` (READ on USER_MANAGEMENT, for people): (id of
    /// its grant, name).
    async fn viewer(&self) -> (String, String) {
        let roles = self.call::<Vec<boardroom::roles::RoleRow>>("list_roles", &[]).await;
        let row = roles.into_iter().find(|r| r.name == "people_reader").unwrap();
        (row.id, row.name)
    }
}

async fn every_api_operation_answers_each_caller_as_the_table_says(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Every operation of the served document has a row, and every row an operation.
    let doc = served_document(&app).await;
    let served: Vec<(String, String)> = operations(&doc).into_iter().map(|(m, p, _)| (m, p)).collect();
    let missing: Vec<_> = served
        .iter()
        .filter(|(m, p)| !NEEDS.iter().any(|(nm, np, _)| nm == m && np == p))
        .collect();
    assert!(missing.is_empty(), "operations with no row: {missing:?}");
    assert_eq!(served.len(), NEEDS.len(), "rows for operations not served");

    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    let outsider = app.person();
    outsider.sign_up("Bea", "bea@example.com", "Bravo").await;
    owner.empty_everyone(&ws).await;
    let f = Fixtures {
        app: &app,
        owner: &owner,
        ws: &ws,
        n: AtomicUsize::new(0),
    };
    for (name, permission, resource, target) in [
        ("see_people", "READ", "USER_MANAGEMENT", "GROUP"),
        ("people_reader", "READ", "USER_MANAGEMENT", "USER"),
    ] {
        f.call::<boardroom::roles::RoleRow>(
            "create_role",
            &[
                ("role_name", name),
                ("permission", permission),
                ("resource", resource),
                ("target", target),
            ],
        )
        .await;
    }

    let mut callers: Vec<(Actor, Option<String>)> = vec![(Actor::Owner, Some(token_for(&owner).await))];
    for grant in Grant::all() {
        let role = format!("only_{}_{}", grant.permission, grant.resource).to_lowercase();
        f.call::<boardroom::roles::RoleRow>(
            "create_role",
            &[
                ("role_name", &role),
                ("permission", grant.permission.as_str()),
                ("resource", grant.resource.as_str()),
                ("target", "USER"),
            ],
        )
        .await;
        let (_, member) = app.member_holding(&ws, &format!("{role}@example.com"), &[&role]).await;
        callers.push((Actor::Holding(grant), Some(token_for(&member).await)));
    }
    let (_, nobody) = app.member_holding(&ws, "nothing@example.com", &[]).await;
    callers.push((Actor::NoGrant, Some(token_for(&nobody).await)));
    callers.push((Actor::Outsider, Some(token_for(&outsider).await)));
    let revoked = owner
        .call::<boardroom::tokens::NewToken>("create_api_token", &[("name", "old")])
        .await
        .ok();
    owner
        .call::<String>("revoke_api_token", &[("token_id", &revoked.token.id)])
        .await
        .ok();
    callers.push((Actor::Revoked, Some(revoked.secret)));
    callers.push((Actor::NoToken, None));
    // Every caller's address is proven, so that their own invitations are
    // theirs to see.
    sqlx::query("UPDATE users SET email_verified_at = 1")
        .execute(&app.db)
        .await
        .unwrap();

    let http = reqwest::Client::new();
    // Wrong tokens are rate limited by address: each revoked-token call comes
    // from an address of its own on the loopback network, so every one of
    // them meets the check itself.
    let mut loopback = 0u32;
    let mut wrong = Vec::new();
    let mut cells = 0;
    for (method, path, need) in NEEDS {
        let addressings: &[bool] = if path.contains("{ws}") {
            &[false, true]
        } else {
            &[false]
        };
        for by_name in addressings {
            for (actor, token) in &callers {
                let (url, body) = f.request(method, path, *by_name).await;
                let before = digest(&app).await;
                let client = if matches!(actor, Actor::Revoked) {
                    loopback += 1;
                    let from = std::net::Ipv4Addr::new(127, 1, (loopback / 250) as u8, (loopback % 250 + 1) as u8);
                    reqwest::Client::builder()
                        .local_address(std::net::IpAddr::V4(from))
                        .build()
                        .unwrap()
                } else {
                    http.clone()
                };
                let mut req = client.request(
                    method.to_uppercase().parse().unwrap(),
                    format!("{}/api/v1{url}", app.address),
                );
                if let Some(t) = token {
                    req = req.bearer_auth(t);
                }
                if let Some(b) = &body {
                    req = req.json(b);
                }
                let res = req.send().await.unwrap();
                let status = res.status().as_u16();
                // An event stream stays open: its answer is its status.
                let streams = res
                    .headers()
                    .get("content-type")
                    .is_some_and(|t| t == "text/event-stream");
                let said = if streams {
                    String::new()
                } else {
                    res.text().await.unwrap_or_default()
                };
                let after = digest(&app).await;
                cells += 1;
                let changed = before != after;
                let cell = format!("{method} {url} as {actor:?}");
                match expected(*need, *actor) {
                    Ok(()) if !(200..300).contains(&status) => {
                        wrong.push(format!("{cell}: got {status} ({said}), want success"))
                    }
                    Ok(()) if *method != "get" && !changed => {
                        wrong.push(format!("{cell}: answered {status} but changed nothing"))
                    }
                    Ok(()) if *method == "get" && changed => wrong.push(format!("{cell}: a read changed rows")),
                    Err(want) if status != want => wrong.push(format!("{cell}: got {status} ({said}), want {want}")),
                    Err(_) if changed => wrong.push(format!("{cell}: refused, but rows changed")),
                    _ => {}
                }
            }
        }
    }
    assert!(cells > 600, "only {cells} cells were checked");
    assert!(
        wrong.is_empty(),
        "{} of {cells} cells are wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    app.stop().await;
}
