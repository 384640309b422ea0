//! Who may call what: every registered server function and every workspace
//! page, for every kind of caller, with the answer each must get. A server
//! function with no row in `TABLE` fails the test, so none can be added
//! without deciding who may call it.

use crate::harness::{Backend, Person, TestApp};
use crate::on_both_databases;
use boardroom::access::{Grant, Permission, Resource};
use std::sync::atomic::{AtomicUsize, Ordering};

on_both_databases!(
    every_server_function_and_page_answers_each_caller_as_the_table_says,
    a_destructive_plain_post_goes_through_the_confirmation_page,
);

#[derive(Clone, Copy, Debug, PartialEq)]
enum Need {
    /// Open to anyone; these change the browser's session, so they are called
    /// once, from a fresh browser.
    Anyone,
    /// Only a valid invitation link opens these; called once with an unusable one.
    Token,
    SignedIn,
    /// Any member of the workspace.
    Member,
    Grant(Permission, Resource),
    Owner,
    /// Only the person an invitation is addressed to (the ones made here are
    /// addressed to nobody calling).
    Addressee,
    /// Signed in, then refused with this status for what the call carries
    /// (a wrong password, a session that is not there): called so, since
    /// done it would end the caller's own sessions or account.
    SignedInThen(u16),
}

use Need::*;
use Permission::{Read, Write};
use Resource::{BusinessInfo, Data, DataExecution, UserManagement};

const fn g(p: Permission, r: Resource) -> Need {
    Need::Grant(p, r)
}

/// Every server function and what it needs. `leave_workspace` is last: it
/// takes each caller out of the workspace.
const TABLE: &[(&str, Need)] = &[
    ("sign_up", Anyone),
    ("sign_in", Anyone),
    ("sign_out", Anyone),
    ("get_current_user", Anyone),
    ("home_path", Anyone),
    ("get_invitation_preview", Token),
    ("accept_invitation", Token),
    ("accept_invitation_new_account", Token),
    ("accept_invitation_sign_in", Token),
    ("decline_invitation", Token),
    ("check_inbox_page", Anyone),
    ("send_verification_again", Anyone),
    ("verify_link", Token),
    ("confirm_email", Token),
    ("accept_invitation_claim", Token),
    ("request_password_reset", Anyone),
    ("forgot_page", Anyone),
    ("company_sign_in", Anyone),
    ("reset_link", Token),
    ("reset_password", Token),
    ("invitations_for_me", SignedIn),
    ("accept_invitation_for_me", Addressee),
    ("decline_invitation_for_me", Addressee),
    ("account_page", SignedIn),
    ("rename_me", SignedIn),
    ("change_password", SignedInThen(422)),
    ("change_email", SignedInThen(422)),
    ("end_session", SignedInThen(404)),
    ("end_other_sessions", SignedIn),
    ("delete_account", SignedInThen(422)),
    ("email_change_link", Token),
    ("confirm_email_change", Token),
    ("create_workspace", SignedIn),
    ("tokens_page", SignedIn),
    ("create_api_token", SignedIn),
    ("revoke_api_token", SignedIn),
    // Asked about one of the caller's own tokens.
    ("confirmation", SignedIn),
    ("get_workspace_context", Member),
    ("settings_page", Member),
    ("rename_workspace", g(Write, BusinessInfo)),
    ("set_workspace_policy", Owner),
    ("list_members", g(Read, UserManagement)),
    ("users_page", g(Read, UserManagement)),
    ("users_lists", g(Read, UserManagement)),
    ("known_addresses", g(Write, UserManagement)),
    ("pending_invitations", g(Read, UserManagement)),
    ("invite_user", g(Write, UserManagement)),
    ("resend_invitation", g(Write, UserManagement)),
    ("set_invitation_roles", g(Write, UserManagement)),
    ("delete_invitation", g(Write, UserManagement)),
    ("restore_invitation", g(Write, UserManagement)),
    ("share_invitation_link", g(Write, UserManagement)),
    ("set_member_roles", g(Write, UserManagement)),
    ("remove_member", g(Write, UserManagement)),
    ("grant_ownership", Owner),
    ("revoke_ownership", Owner),
    ("list_roles", g(Read, UserManagement)),
    ("roles_page", g(Read, UserManagement)),
    ("create_role", g(Write, UserManagement)),
    ("delete_role", g(Write, UserManagement)),
    ("list_groups", g(Read, UserManagement)),
    ("groups_page", g(Read, UserManagement)),
    ("activity_page", g(Read, UserManagement)),
    ("import_page", g(Write, UserManagement)),
    ("send_invitation_import", g(Write, UserManagement)),
    ("create_group", g(Write, UserManagement)),
    ("rename_group", g(Write, UserManagement)),
    ("delete_group", g(Write, UserManagement)),
    ("add_group_member", g(Write, UserManagement)),
    ("remove_group_member", g(Write, UserManagement)),
    ("grant_group_role", g(Write, UserManagement)),
    ("revoke_group_role", g(Write, UserManagement)),
    ("list_boards", g(Read, Data)),
    ("boards_page", g(Read, Data)),
    ("get_board", g(Read, Data)),
    ("board_page", g(Read, Data)),
    ("create_board", g(Write, Data)),
    ("update_board", g(Write, Data)),
    ("delete_board", g(Write, Data)),
    ("run_board", g(Write, DataExecution)),
    ("leave_workspace", Member),
];

/// The pages anyone may open. `/confirm` only asks: the question comes from a
/// server function that checks the caller (see
/// `a_destructive_plain_post_goes_through_the_confirmation_page`).
const OPEN_PAGES: &[&str] = &[
    "/",
    "/signin",
    "/signup",
    "/check-inbox",
    "/verify/{token}",
    "/forgot",
    "/reset/{token}",
    "/confirm-email/{token}",
    "/invite/{token}",
    "/confirm",
];

/// Downloads behind sign-in, served beside the pages (not by the page
/// router): each has its row in `PAGES`.
const DOWNLOADS: &[&str] = &["/w/{ws}/activity/export"];

/// The pages behind sign-in and what each needs.
const PAGES: &[(&str, Need)] = &[
    ("/workspaces/new", SignedIn),
    ("/w/{ws}", g(Read, Data)),
    ("/w/{ws}/boards", g(Read, Data)),
    ("/w/{ws}/boards/{board}", g(Read, Data)),
    ("/w/{ws}/users", g(Read, UserManagement)),
    ("/w/{ws}/roles", g(Read, UserManagement)),
    ("/w/{ws}/groups", g(Read, UserManagement)),
    ("/w/{ws}/activity", g(Read, UserManagement)),
    ("/w/{ws}/users/import", g(Write, UserManagement)),
    ("/w/{ws}/activity/export", g(Read, UserManagement)),
    ("/w/{ws}/settings", Member),
    ("/account", SignedIn),
    ("/account/tokens", SignedIn),
];

#[derive(Clone, Copy, Debug)]
enum Actor {
    Owner,
    /// A member whose only role carries this one grant (`everyone` emptied).
    Holding(Grant),
    /// A member with no role at all.
    NoGrant,
    /// The owner of another workspace.
    Outsider,
    SignedOut,
}

/// Whether holding `held` alone lets a member do what needs `permission` on
/// `resource`: the same grant, or WRITE where READ is needed. Written here, not
/// taken from the code under test.
pub(crate) fn holds(held: Grant, permission: Permission, resource: Resource) -> bool {
    held.resource == resource && (held.permission == permission || held.permission == Write)
}

/// The status each caller must get.
fn expected(need: Need, actor: Actor) -> u16 {
    let member_may = |allowed: bool| if allowed { 200 } else { 403 };
    match (need, actor) {
        (Anyone, _) => 200,
        (Token, _) => 404,
        (_, Actor::SignedOut) => 401,
        (SignedIn, _) => 200,
        (Addressee, _) => 404,
        (SignedInThen(status), _) => status,
        (_, Actor::Outsider) => 404,
        (_, Actor::Owner) => 200,
        (Member, _) => 200,
        (Owner, _) => 403,
        (Grant(p, r), Actor::Holding(held)) => member_may(holds(held, p, r)),
        (Grant(..), Actor::NoGrant) => 403,
    }
}

struct World {
    app: TestApp,
    n: AtomicUsize,
}

impl World {
    fn next(&self) -> usize {
        self.n.fetch_add(1, Ordering::Relaxed)
    }

    async fn board(&self, by: &Person, ws: &str) -> String {
        let name = format!("Board {}", self.next());
        by.call::<String>(
            "create_board",
            &[("workspace_id", ws), ("name", &name), ("content", "Q3")],
        )
        .await
        .ok();
        let boards = by
            .call::<Vec<boardroom::boards::Board>>("list_boards", &[("workspace_id", ws)])
            .await
            .ok();
        boards.into_iter().find(|b| b.name == name).unwrap().id
    }

    async fn invitation(&self, by: &Person, ws: &str) -> String {
        let email = format!("invitee{}@example.com", self.next());
        by.invite(ws, &email).await.ok();
        let id = by
            .pending(ws)
            .await
            .ok()
            .into_iter()
            .find(|i| i.email == email)
            .unwrap()
            .id;
        // Sent an hour ago, so that resending it is not refused as too soon.
        self.app.backdate_invitation(&id).await;
        id
    }

    async fn member(&self, ws: &str, owner: bool) -> String {
        let n = self.next();
        let id = self
            .app
            .new_user(&format!("Member {n}"), &format!("member{n}@example.com"))
            .await;
        self.app.add_membership(ws, &id, owner).await;
        id
    }

    /// A file uploaded to `ws` by `actor` (by `by` when `actor` is signed out).
    async fn upload(&self, by: &Person, actor: &Person, ws: &str) -> String {
        let n = self.next();
        let who = match actor.me().await {
            Some(user) => user.id,
            None => by.me().await.unwrap().id,
        };
        let id = format!("upload-{n}");
        sqlx::query(
            "INSERT INTO invitation_imports (id, workspace_id, user_id, source, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(ws)
        .bind(&who)
        .bind(format!("upload{n}@example.com"))
        .bind(4_102_444_800_000i64)
        .execute(&self.app.db)
        .await
        .unwrap();
        id
    }

    async fn group(&self, by: &Person, ws: &str) -> String {
        let name = format!("group {}", self.next());
        by.call::<boardroom::groups::Group>("create_group", &[("workspace_id", ws), ("name", &name)])
            .await
            .ok()
            .id
    }

    /// Arguments for calling `endpoint` on workspace `ws`, with whatever it
    /// acts on made fresh in `ws` by `by` (one of its owners).
    async fn args(&self, endpoint: &str, ws: &str, by: &Person, actor: &Person) -> Vec<(String, String)> {
        let n = self.next();
        let ws_only = vec![("workspace_id".to_string(), ws.to_string())];
        let with = |extra: &[(&str, String)]| {
            let mut v = ws_only.clone();
            v.extend(extra.iter().map(|(k, val)| (k.to_string(), val.clone())));
            v
        };
        match endpoint {
            "get_workspace_context"
            | "settings_page"
            | "list_members"
            | "users_page"
            | "users_lists"
            | "pending_invitations"
            | "list_roles"
            | "roles_page"
            | "list_groups"
            | "groups_page"
            | "activity_page"
            | "import_page"
            | "list_boards"
            | "boards_page"
            | "leave_workspace" => ws_only,
            "create_workspace" => vec![("workspace".into(), format!("Workspace {n}"))],
            "tokens_page" | "invitations_for_me" | "account_page" | "end_other_sessions" => vec![],
            "rename_me" => vec![("name".into(), format!("Renamed {n}"))],
            "change_password" => vec![
                ("current_password".into(), "not the password".into()),
                ("new_password".into(), "a long enough one".into()),
            ],
            "change_email" => vec![
                ("email".into(), format!("moved{n}@example.com")),
                ("password".into(), "not the password".into()),
            ],
            "delete_account" => vec![("password".into(), "not the password".into())],
            "end_session" => vec![("session_id".into(), "no such session".into())],
            "accept_invitation_for_me" | "decline_invitation_for_me" => {
                vec![("invitation_id".into(), self.invitation(by, ws).await)]
            }
            "create_api_token" => vec![("name".into(), format!("token {n}"))],
            // One of the caller's own tokens (a signed-out caller has none).
            "revoke_api_token" => {
                let made = actor
                    .call::<boardroom::tokens::NewToken>("create_api_token", &[("name", "to revoke")])
                    .await;
                let id = made.result.map(|t| t.token.id).unwrap_or_else(|_| "none".into());
                vec![("token_id".into(), id)]
            }
            "confirmation" => {
                let made = actor
                    .call::<boardroom::tokens::NewToken>("create_api_token", &[("name", "to ask about")])
                    .await;
                let id = made.result.map(|t| t.token.id).unwrap_or_else(|_| "none".into());
                vec![("query".into(), format!("action=revoke_api_token&token_id={id}"))]
            }
            "restore_invitation" => {
                let id = self.invitation(by, ws).await;
                by.call::<String>("delete_invitation", &[("workspace_id", ws), ("invitation_id", &id)])
                    .await
                    .ok();
                with(&[("invitation_id", id)])
            }
            "rename_workspace" => with(&[("workspace", format!("Renamed {n}"))]),
            "set_workspace_policy" => with(&[
                ("allowed_domains", String::new()),
                ("seat_limit", format!("{}", 1000 + n)),
            ]),
            "invite_user" => with(&[("emails", format!("new{n}@example.com"))]),
            // An upload of the owner's: another caller's is not theirs to send.
            "send_invitation_import" => {
                let upload = self.upload(by, actor, ws).await;
                with(&[("upload", upload)])
            }
            "known_addresses" => with(&[("emails[0]", format!("new{n}@example.com"))]),
            "resend_invitation" | "delete_invitation" | "share_invitation_link" => {
                with(&[("invitation_id", self.invitation(by, ws).await)])
            }
            "set_invitation_roles" => with(&[("invitation_id", self.invitation(by, ws).await)]),
            "set_member_roles" | "remove_member" | "grant_ownership" => {
                with(&[("user_id", self.member(ws, false).await)])
            }
            "revoke_ownership" => with(&[("user_id", self.member(ws, true).await)]),
            "create_role" => with(&[
                ("role_name", format!("role{n}")),
                ("permission", "READ".into()),
                ("resource", "USER_MANAGEMENT".into()),
                ("target", "USER".into()),
            ]),
            "delete_role" => {
                let name = format!("unused{n}");
                by.call::<boardroom::roles::RoleRow>(
                    "create_role",
                    &[
                        ("workspace_id", ws),
                        ("role_name", &name),
                        ("permission", "READ"),
                        ("resource", "DATA"),
                        ("target", "USER"),
                    ],
                )
                .await
                .ok();
                with(&[("role_name", name)])
            }
            "create_group" => with(&[("name", format!("new group {n}"))]),
            "rename_group" => with(&[("group_id", self.group(by, ws).await), ("name", format!("renamed {n}"))]),
            "delete_group" => with(&[("group_id", self.group(by, ws).await)]),
            "add_group_member" => with(&[
                ("group_id", self.group(by, ws).await),
                ("user_id", self.member(ws, false).await),
            ]),
            "remove_group_member" => {
                let group = self.group(by, ws).await;
                let user = self.member(ws, false).await;
                by.call::<String>(
                    "add_group_member",
                    &[("workspace_id", ws), ("group_id", &group), ("user_id", &user)],
                )
                .await
                .ok();
                with(&[("group_id", group), ("user_id", user)])
            }
            "grant_group_role" => with(&[
                ("group_id", self.group(by, ws).await),
                ("role_name", "see_people".into()),
            ]),
            "revoke_group_role" => {
                let group = self.group(by, ws).await;
                by.call::<String>(
                    "grant_group_role",
                    &[("workspace_id", ws), ("group_id", &group), ("role_name", "see_people")],
                )
                .await
                .ok();
                with(&[("group_id", group), ("role_name", "see_people".into())])
            }
            "get_board" | "board_page" | "delete_board" | "run_board" => {
                with(&[("board_id", self.board(by, ws).await)])
            }
            "update_board" => with(&[
                ("board_id", self.board(by, ws).await),
                ("name", format!("Edited {n}")),
                ("content", "Q4".into()),
            ]),
            "create_board" => with(&[("name", format!("New {n}")), ("content", "Q1".into())]),
            other => panic!("no arguments for {other}"),
        }
    }
}

/// Makes the role `see_people` (READ on USER_MANAGEMENT, for groups) in `ws`,
/// which `World::args` gives to and takes from groups.
async fn see_people(by: &Person, ws: &str) {
    by.call::<boardroom::roles::RoleRow>(
        "create_role",
        &[
            ("workspace_id", ws),
            ("role_name", "see_people"),
            ("permission", "READ"),
            ("resource", "USER_MANAGEMENT"),
            ("target", "GROUP"),
        ],
    )
    .await
    .ok();
}

/// Calls once, from a fresh browser, what needs no workspace: open pages and
/// links that only a valid token opens.
async fn once(w: &World, endpoint: &str, need: Need) -> (u16, u16) {
    let fresh = w.app.person();
    let token = "A".repeat(43);
    let (form, want): (Vec<(&str, String)>, u16) = match endpoint {
        "sign_up" => (
            vec![
                ("name", "Newcomer".into()),
                ("email", "newcomer@example.com".into()),
                ("password", "correct horse".into()),
                ("workspace", "Newcomer's".into()),
            ],
            200,
        ),
        "sign_in" => (
            vec![
                ("email", "ada@example.com".into()),
                ("password", "correct horse".into()),
            ],
            200,
        ),
        "sign_out" | "get_current_user" | "home_path" | "forgot_page" | "company_sign_in" => (vec![], 200),
        "request_password_reset" | "send_verification_again" => (vec![("email", "ada@example.com".into())], 200),
        "check_inbox_page" => (vec![], 200),
        "verify_link" | "confirm_email" | "email_change_link" => (vec![("token", token.clone())], 404),
        // The account itself, signed in, confirms its new address.
        "confirm_email_change" => (vec![("token", token.clone())], 401),
        "reset_link" | "reset_password" => (
            vec![("token", token.clone()), ("password", "correct horse".into())],
            404,
        ),
        "get_invitation_preview"
        | "accept_invitation_new_account"
        | "accept_invitation_claim"
        | "accept_invitation_sign_in"
        | "decline_invitation" => (
            vec![
                ("token", token),
                ("name", "Someone".into()),
                ("password", "correct horse".into()),
            ],
            404,
        ),
        // Signing in comes before the token.
        "accept_invitation" => (vec![("token", token)], 401),
        other => panic!("no arguments for {other}"),
    };
    assert!(matches!(need, Anyone | Token));
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let status = fresh.call::<serde_json::Value>(endpoint, &form).await.status;
    (status, want)
}

async fn every_server_function_and_page_answers_each_caller_as_the_table_says(backend: Backend) {
    // No server function without a row.
    let registered: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_string())
        .collect();
    let missing: Vec<&String> = registered
        .iter()
        .filter(|p| !TABLE.iter().any(|(e, _)| e == p))
        .collect();
    assert!(
        missing.is_empty(),
        "server functions with no row in the table: {missing:?}"
    );
    let stale: Vec<&str> = TABLE
        .iter()
        .map(|(e, _)| *e)
        .filter(|e| !registered.iter().any(|p| p == e))
        .collect();
    assert!(
        stale.is_empty(),
        "rows for server functions that don't exist: {stale:?}"
    );

    // No page without a row either.
    let routes: Vec<String> = boardroom::server::page_routes()
        .iter()
        .map(|r| {
            r.path()
                .replace(":wid", "{ws}")
                .replace("{wid}", "{ws}")
                .replace(":bid", "{board}")
                .replace("{bid}", "{board}")
                .replace(":token", "{token}")
        })
        .collect();
    let unlisted: Vec<&String> = routes
        .iter()
        .filter(|r| !PAGES.iter().any(|(p, _)| p == r) && !OPEN_PAGES.contains(&r.as_str()))
        .collect();
    assert!(unlisted.is_empty(), "pages with no row in the table: {unlisted:?}");
    assert!(
        routes.len() + DOWNLOADS.len() >= PAGES.len() + OPEN_PAGES.len(),
        "{routes:?}"
    );

    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    let outsider = app.person();
    let ws_b = outsider.sign_up("Bea", "bea@example.com", "Bravo").await;
    let w = World {
        app,
        n: AtomicUsize::new(0),
    };

    // `everyone` holds nothing here, so each member holds exactly their role.
    owner.empty_everyone(&ws).await;
    for (space, by) in [(&ws, &owner), (&ws_b, &outsider)] {
        see_people(by, space).await;
    }

    // A second owner, so that the first can leave at the end.
    w.member(&ws, true).await;

    let mut actors: Vec<(Actor, Person)> = Vec::new();
    for grant in Grant::all() {
        let role = format!("only_{}_{}", grant.permission, grant.resource).to_lowercase();
        owner
            .call::<boardroom::roles::RoleRow>(
                "create_role",
                &[
                    ("workspace_id", &ws),
                    ("role_name", &role),
                    ("permission", grant.permission.as_str()),
                    ("resource", grant.resource.as_str()),
                    ("target", "USER"),
                ],
            )
            .await
            .ok();
        let (_, person) = w
            .app
            .member_holding(&ws, &format!("{role}@example.com"), &[&role])
            .await;
        actors.push((Actor::Holding(grant), person));
    }
    actors.push((
        Actor::NoGrant,
        w.app.member_holding(&ws, "nothing@example.com", &[]).await.1,
    ));
    actors.push((Actor::Outsider, outsider));
    actors.push((Actor::SignedOut, w.app.person()));
    actors.push((Actor::Owner, owner));
    // Every address is proven, so that what needs one is judged on the rest.
    sqlx::query("UPDATE users SET email_verified_at = 1")
        .execute(&w.app.db)
        .await
        .unwrap();
    let owner_of_a = || &actors.iter().find(|(a, _)| matches!(a, Actor::Owner)).unwrap().1;
    let owner_of_b = || &actors.iter().find(|(a, _)| matches!(a, Actor::Outsider)).unwrap().1;

    let mut wrong = Vec::new();
    let mut cells = 0;

    // Pages first (nobody has left yet).
    let board = w.board(owner_of_a(), &ws).await;
    for (page, need) in PAGES {
        let path = page.replace("{ws}", &ws).replace("{board}", &board);
        for (actor, person) in &actors {
            let want = match expected(*need, *actor) {
                401 => 303, // a page sends the browser to sign in
                other => other,
            };
            let got = person.get(&path).await.status().as_u16();
            cells += 1;
            if got != want {
                wrong.push(format!("GET {path} as {actor:?}: got {got}, want {want}"));
            }
        }
    }

    for (endpoint, need) in TABLE {
        if matches!(need, Anyone | Token) {
            let (got, want) = once(&w, endpoint, *need).await;
            cells += 1;
            if got != want {
                wrong.push(format!("{endpoint} from a fresh browser: got {got}, want {want}"));
            }
            continue;
        }
        for (actor, person) in &actors {
            let args = w.args(endpoint, &ws, owner_of_a(), person).await;
            let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let answer = person.call::<serde_json::Value>(endpoint, &form).await;
            let want = expected(*need, *actor);
            cells += 1;
            if answer.status != want {
                let said = answer.result.err().map(|e| e.to_string()).unwrap_or_default();
                wrong.push(format!(
                    "{endpoint} as {actor:?}: got {} ({said}), want {want}",
                    answer.status
                ));
            }
        }
        // Ids of workspace B, sent by A's owner under A's id, reach nothing.
        let args = w.args(endpoint, &ws_b, owner_of_b(), owner_of_a()).await;
        let names_an_object = |k: &str| {
            matches!(k, "invitation_id" | "user_id" | "group_id" | "board_id")
                || (k == "role_name" && *endpoint != "create_role")
        };
        if args.iter().any(|(k, _)| names_an_object(k)) {
            let form: Vec<(&str, &str)> = args
                .iter()
                .map(|(k, v)| (k.as_str(), if k == "workspace_id" { ws.as_str() } else { v.as_str() }))
                .collect();
            let got = owner_of_a().call::<serde_json::Value>(endpoint, &form).await.status;
            cells += 1;
            if got != 404 {
                wrong.push(format!("{endpoint} by A's owner with B's ids: got {got}, want 404"));
            }
        }
    }
    assert!(cells > 500, "only {cells} cells were checked");
    assert!(
        wrong.is_empty(),
        "{} of {cells} cells are wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Without JavaScript, every destructive form is asked about on the
/// confirmation page first: posting it unconfirmed changes nothing and leads
/// there; the page words the question from the rows as they are; confirming
/// does it and returns to the page the person started on.
async fn a_destructive_plain_post_goes_through_the_confirmation_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    let w = World {
        app,
        n: AtomicUsize::new(0),
    };
    // A second owner, so that Ada may leave at the end.
    w.member(&ws, true).await;
    see_people(&owner, &ws).await;
    let back = format!("/w/{ws}/users?q=a");
    let mut endpoints: Vec<&str> = boardroom::pages::confirm::DESTRUCTIVE
        .into_iter()
        // These are about the caller's own invitations, sessions and account:
        // each has its own test of the same path.
        .filter(|e| {
            !matches!(
                *e,
                "decline_invitation"
                    | "decline_invitation_for_me"
                    | "end_session"
                    | "end_other_sessions"
                    | "delete_account"
            )
        })
        .collect();
    // Leaving takes Ada out of the workspace: last.
    endpoints.sort_by_key(|e| *e == "leave_workspace");
    for endpoint in endpoints {
        let args = w.args(endpoint, &ws, &owner, &owner).await;
        let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let res = owner
            .post_plain_form(endpoint, &format!("{}{back}", owner.address), &form)
            .await;
        assert_eq!(
            res.status(),
            303,
            "{endpoint}: an unconfirmed plain post is asked about"
        );
        let asking = res.headers()["location"].to_str().unwrap().to_string();
        assert!(
            asking.starts_with(&format!("/confirm?action={endpoint}&")),
            "{endpoint}: {asking}"
        );

        // Asked, and nothing done: the question is worded from the rows, which
        // are still there.
        let page = owner.get(&asking).await.text().await.unwrap();
        assert!(
            page.contains(&format!(r#"action="/api/{endpoint}""#)),
            "{endpoint}: {page}"
        );
        assert!(page.contains(r#"name="confirmed" value="yes""#), "{endpoint}");
        assert!(
            page.contains(&format!(r#"href="{back}""#)),
            "{endpoint}: Cancel goes back"
        );
        assert!(!page.contains(r#"role="alert""#), "{endpoint}: {page}");

        // Confirmed: done, and back where it started.
        let mut confirmed = form.clone();
        confirmed.extend([("confirmed", "yes"), ("back", back.as_str())]);
        let res = owner
            .post_plain_form(endpoint, &format!("{}{asking}", owner.address), &confirmed)
            .await;
        assert!(res.status().is_redirection(), "{endpoint}: {}", res.status());
        let landed = res.headers()["location"].to_str().unwrap().to_string();
        if !matches!(endpoint, "leave_workspace" | "delete_board") {
            assert_eq!(landed, back, "{endpoint}");
        }
        if endpoint == "revoke_ownership" {
            let user = &args.iter().find(|(k, _)| k == "user_id").unwrap().1;
            assert_eq!(
                w.app
                    .count(
                        "SELECT COUNT(*) FROM memberships WHERE user_id = $1 AND is_owner = 1",
                        user
                    )
                    .await,
                0
            );
        } else {
            let again = owner.get(&asking).await.text().await.unwrap();
            assert!(
                again.contains(r#"role="alert""#),
                "{endpoint}: done, so nothing is left to ask about: {again}"
            );
        }
    }
    w.app.stop().await;
}
