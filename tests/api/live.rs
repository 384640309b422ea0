//! The live view: a workspace's changes as server-sent events, over the
//! session cookie (`/w/{ws}/events`, the Users page) and a token
//! (`/api/v1/workspaces/{ws}/events`, scripts).

use crate::harness::{Backend, Person, TestApp};
use crate::on_both_databases;
use crate::rest::{Script, token_for};
use serde_json::{Value, json};
use std::time::Duration;

on_both_databases!(
    only_those_who_may_see_the_workspaces_users_may_watch_it,
    a_stream_carries_kinds_and_ids_as_changes_commit,
    every_kind_of_change_is_heard,
    a_watcher_removed_from_the_workspace_hears_nothing_more,
    a_watcher_signed_out_or_whose_token_is_revoked_hears_nothing_more,
    streams_end_at_shutdown_without_holding_it_up,
    each_person_may_hold_a_limited_number_of_streams,
);

/// One event as read off the wire.
#[derive(Debug)]
pub struct Heard {
    pub event: String,
    pub data: Value,
}

/// An open event stream, read an event at a time.
pub struct Stream {
    res: reqwest::Response,
    buf: String,
}

impl Stream {
    pub fn of(res: reqwest::Response) -> Stream {
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "text/event-stream");
        Stream {
            res,
            buf: String::new(),
        }
    }

    /// The next event (keep-alive comments skipped), or `None` once the
    /// stream has ended. Waits up to 30 s.
    pub async fn next(&mut self) -> Option<Heard> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            while let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let mut heard = Heard {
                    event: "message".into(),
                    data: Value::Null,
                };
                let mut any = false;
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        heard.event = v.trim().to_string();
                        any = true;
                    } else if let Some(v) = line.strip_prefix("data:") {
                        heard.data = serde_json::from_str(v.trim()).expect("event data is JSON");
                        any = true;
                    }
                }
                if any {
                    return Some(heard);
                }
            }
            match tokio::time::timeout_at(deadline, self.res.chunk())
                .await
                .expect("an event within 30 s")
            {
                Ok(Some(bytes)) => self.buf.push_str(std::str::from_utf8(&bytes).unwrap()),
                _ => return None,
            }
        }
    }

    /// The next event of `kind`, skipping others.
    pub async fn next_of(&mut self, kind: &str) -> Heard {
        loop {
            match self.next().await {
                Some(h) if h.event == kind => return h,
                Some(_) => continue,
                None => panic!("the stream ended before a {kind} event"),
            }
        }
    }
}

/// `person`'s stream of `ws`, as the Users page opens it.
pub async fn watch_as(person: &Person, ws: &str) -> reqwest::Response {
    person
        .http
        .get(format!("{}/w/{ws}/events", person.address))
        .send()
        .await
        .unwrap()
}

/// A script's stream of `ws`, with `token`.
pub async fn watch_with(app: &TestApp, token: &str, ws: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{}/api/v1/workspaces/{ws}/events", app.address))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// A member of `ws` holding `people_reader` (READ on USER_MANAGEMENT), with
/// `everyone` granting nothing.
async fn reader(app: &TestApp, owner: &Person, ws: &str, email: &str) -> (String, Person) {
    let roles: Vec<boardroom::roles::RoleRow> = owner.call("list_roles", &[("workspace_id", ws)]).await.ok();
    if !roles.iter().any(|r| r.name == "people_reader") {
        owner
            .call::<boardroom::roles::RoleRow>(
                "create_role",
                &[
                    ("workspace_id", ws),
                    ("role_name", "people_reader"),
                    ("permission", "READ"),
                    ("resource", "USER_MANAGEMENT"),
                    ("target", "USER"),
                ],
            )
            .await
            .ok();
    }
    app.member_holding(ws, email, &["people_reader"]).await
}

async fn only_those_who_may_see_the_workspaces_users_may_watch_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    let outsider = app.person();
    outsider.sign_up("Bea", "bea@example.com", "Bravo").await;
    owner.empty_everyone(&ws).await;
    let (_, nobody) = app.member_holding(&ws, "nothing@example.com", &[]).await;
    let (_, allowed) = reader(&app, &owner, &ws, "reader@example.com").await;

    // Without a session or a token.
    let anonymous = app.person();
    let res = watch_as(&anonymous, &ws).await;
    assert_ne!(res.status(), 200);
    assert!(res.status() == 401 || res.status().is_redirection(), "{}", res.status());
    let res = reqwest::get(format!("{}/api/v1/workspaces/{ws}/events", app.address))
        .await
        .unwrap();
    assert_eq!(res.status(), 401);

    // Another workspace's owner, and a member without the grant.
    assert_eq!(watch_as(&outsider, &ws).await.status(), 404);
    assert_eq!(watch_with(&app, &token_for(&outsider).await, &ws).await.status(), 404);
    assert_eq!(watch_as(&nobody, &ws).await.status(), 403);
    let refused = watch_with(&app, &token_for(&nobody).await, &ws).await;
    assert_eq!(refused.status(), 403);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "forbidden");

    // The owner and a member who may see people, by session and by token,
    // by the workspace's id and by its name.
    for (person, key) in [(&owner, ws.as_str()), (&allowed, ws.as_str()), (&owner, "acme")] {
        let mut s = Stream::of(watch_as(person, key).await);
        let ready = s.next().await.unwrap();
        assert_eq!(
            (ready.event.as_str(), ready.data["workspace_id"].as_str()),
            ("ready", Some(ws.as_str()))
        );
        let mut t = Stream::of(watch_with(&app, &token_for(person).await, key).await);
        assert_eq!(t.next().await.unwrap().event, "ready");
    }
    app.stop().await;
}

async fn a_stream_carries_kinds_and_ids_as_changes_commit(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    let api = Script::new(&app, &token_for(&owner).await);
    let mut s = Stream::of(watch_with(&app, &api.token, &ws).await);
    assert_eq!(s.next().await.unwrap().event, "ready");
    // Another workspace's changes are not heard here.
    let other = app.person();
    let elsewhere = other.sign_up("Bea", "bea@example.com", "Bravo").await;
    other.invite(&elsewhere, "zed@example.com").await.ok();

    // An invitation through the API: made, then its email delivered.
    let made = api
        .post(
            &format!("/workspaces/{ws}/invitations"),
            json!({"email": "jon@example.com"}),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let id = made.body["invitation"]["id"].as_str().unwrap().to_string();
    let created = s.next().await.unwrap();
    assert_eq!(created.event, "invitation.created");
    assert_eq!(created.data, json!({"kind": "invitation.created", "id": id}));
    let sent = s.next_of("email.sent").await;
    assert_eq!(sent.data["id"], id);

    // Accepted through the emailed link: heard by id, never by name or address.
    let token = app.smtp.wait_for("jon@example.com", 1).await.invite_token();
    let jon = app.person();
    jon.accept_new(&token, "Jon", "winter is here").await.ok();
    let accepted = s.next_of("invitation.accepted").await;
    assert_eq!(accepted.data["id"], id);
    let jon_id = owner.member(&ws, "jon@example.com").await.user_id;

    // Roles changed, removed; an invitation deleted and declined.
    owner
        .call::<String>("set_member_roles", &[("workspace_id", &ws), ("user_id", &jon_id)])
        .await
        .ok();
    assert_eq!(
        s.next().await.unwrap().data,
        json!({"kind": "member.roles", "id": jon_id})
    );
    assert_eq!(
        api.delete(&format!("/workspaces/{ws}/users/{jon_id}")).await.status,
        204
    );
    assert_eq!(
        s.next().await.unwrap().data,
        json!({"kind": "member.removed", "id": jon_id})
    );
    let kim = api
        .post(
            &format!("/workspaces/{ws}/invitations"),
            json!({"email": "kim@example.com", "send_email": false}),
        )
        .await;
    let kim_id = kim.body["invitation"]["id"].as_str().unwrap().to_string();
    assert_eq!(s.next_of("invitation.created").await.data["id"], kim_id);
    assert!(
        (200..300).contains(
            &api.delete(&format!("/workspaces/{ws}/invitations/{kim_id}"))
                .await
                .status
        )
    );
    assert_eq!(s.next_of("invitation.deleted").await.data["id"], kim_id);

    // Nothing heard carries a name or an address.
    let raw = format!("{:?}", [&created.data, &sent.data, &accepted.data]);
    assert!(!raw.contains('@') && !raw.contains("Jon"), "{raw}");
    app.stop().await;
}

/// The next event of `kind` on `s` is about `id`, and says no more.
async fn hears(s: &mut Stream, kind: &str, id: &str) {
    assert!(
        boardroom::domain::CHANGE_KINDS.contains(&kind),
        "{kind} is among the kinds the Users page listens for"
    );
    let h = s.next_of(kind).await;
    assert_eq!(h.data, json!({"kind": kind, "id": id}));
}

/// `person` calls `endpoint` on `ws` about `key` = `id`, and it goes through.
async fn done(person: &Person, endpoint: &str, ws: &str, key: &str, id: &str) {
    let answer = person.call::<Value>(endpoint, &[("workspace_id", ws), (key, id)]).await;
    assert!(answer.result.is_ok(), "{endpoint}: {:?}", answer.result);
}

/// Each kind the README lists, from the action that makes it.
async fn every_kind_of_change_is_heard(backend: Backend) {
    // No SMTP server listens on port 9 of loopback: every delivery fails.
    let vars = [
        ("INVITATION_RESEND_INTERVAL", "0"),
        ("SMTP_URL", "smtp://127.0.0.1:9"),
        // The worker looks for due email every second.
        ("MAIL_CLAIM_TIMEOUT", "2s"),
    ];
    let app = TestApp::spawn_with(backend, &vars).await;
    let (owner, ws) = app.owner("Ada", "ada@example.com", "Acme").await;
    let mut s = Stream::of(watch_as(&owner, &ws).await);
    assert_eq!(s.next().await.unwrap().event, "ready");

    owner.invite(&ws, "jon@example.com").await.ok();
    let jon = owner.pending(&ws).await.ok()[0].id.clone();
    hears(&mut s, "invitation.created", &jon).await;
    done(&owner, "resend_invitation", &ws, "invitation_id", &jon).await;
    hears(&mut s, "invitation.renewed", &jon).await;
    done(&owner, "set_invitation_roles", &ws, "invitation_id", &jon).await;
    hears(&mut s, "invitation.roles", &jon).await;
    done(&owner, "delete_invitation", &ws, "invitation_id", &jon).await;
    hears(&mut s, "invitation.deleted", &jon).await;
    done(&owner, "restore_invitation", &ws, "invitation_id", &jon).await;
    hears(&mut s, "invitation.restored", &jon).await;

    // Its email fails and waits to be tried again; each time it is made its
    // sixth attempt and due now, until the worker gives it up.
    let failed = "SELECT COUNT(*) FROM emails WHERE recipient = $1 AND state = 'failed'";
    for _ in 0..600 {
        sqlx::query(
            "UPDATE emails SET attempts = 5, next_attempt_at = 0 WHERE recipient = 'jon@example.com' AND state = 'queued'",
        )
        .execute(&app.db)
        .await
        .unwrap();
        if app.count(failed, "jon@example.com").await > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    owner.invite(&ws, "kim@example.com").await.ok();
    hears(&mut s, "email.failed", &jon).await;
    done(&owner, "share_invitation_link", &ws, "invitation_id", &jon).await;
    hears(&mut s, "invitation.link", &jon).await;

    // Kim declines through a link handed over.
    let kim = owner
        .pending(&ws)
        .await
        .ok()
        .into_iter()
        .find(|p| p.email == "kim@example.com")
        .unwrap()
        .id;
    let link: boardroom::invitations::SharedLink = owner
        .call(
            "share_invitation_link",
            &[("workspace_id", &ws), ("invitation_id", &kim)],
        )
        .await
        .ok();
    let token = link.url.rsplit('/').next().unwrap().to_string();
    let declined = app
        .person()
        .call::<String>("decline_invitation", &[("token", &token)])
        .await;
    assert!(declined.result.is_ok(), "{:?}", declined.result);
    hears(&mut s, "invitation.declined", &kim).await;

    // A member: made an owner, put in a group; then they leave.
    let (bo_id, bo) = app.member_holding(&ws, "bo@example.com", &[]).await;
    done(&owner, "grant_ownership", &ws, "user_id", &bo_id).await;
    hears(&mut s, "member.owner", &bo_id).await;
    let group: boardroom::groups::Group = owner
        .call("create_group", &[("workspace_id", &ws), ("name", "Ops")])
        .await
        .ok();
    let added = owner
        .call::<String>(
            "add_group_member",
            &[("workspace_id", &ws), ("group_id", &group.id), ("user_id", &bo_id)],
        )
        .await;
    assert!(added.result.is_ok(), "{:?}", added.result);
    hears(&mut s, "member.groups", &bo_id).await;
    let left = bo.call::<Value>("leave_workspace", &[("workspace_id", &ws)]).await;
    assert!(left.result.is_ok(), "{:?}", left.result);
    hears(&mut s, "member.left", &bo_id).await;
    app.stop().await;
}

async fn a_watcher_removed_from_the_workspace_hears_nothing_more(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    owner.empty_everyone(&ws).await;
    let (reader_id, reader) = reader(&app, &owner, &ws, "reader@example.com").await;
    let mut page = Stream::of(watch_as(&reader, &ws).await);
    let mut script = Stream::of(watch_with(&app, &token_for(&reader).await, &ws).await);
    for s in [&mut page, &mut script] {
        assert_eq!(s.next().await.unwrap().event, "ready");
    }
    owner.invite(&ws, "jon@example.com").await.ok();
    for s in [&mut page, &mut script] {
        assert_eq!(s.next_of("invitation.created").await.event, "invitation.created");
    }
    owner
        .call::<String>("remove_member", &[("workspace_id", &ws), ("user_id", &reader_id)])
        .await
        .ok();
    // The removal is the last thing they hear of: the stream says it ended, and closes.
    for s in [&mut page, &mut script] {
        let mut last = None;
        while let Some(h) = s.next().await {
            last = Some(h);
        }
        assert_eq!(last.unwrap().event, "ended");
    }
    app.stop().await;
}

/// Reads `s` to its end; the last event it carried.
async fn last_of(s: &mut Stream) -> Option<Heard> {
    let mut last = None;
    while let Some(h) = s.next().await {
        last = Some(h);
    }
    last
}

async fn a_watcher_signed_out_or_whose_token_is_revoked_hears_nothing_more(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    let made: boardroom::tokens::NewToken = owner.call("create_api_token", &[("name", "watching")]).await.ok();
    let mut page = Stream::of(watch_as(&owner, &ws).await);
    let mut script = Stream::of(watch_with(&app, &made.secret, &ws).await);
    for s in [&mut page, &mut script] {
        assert_eq!(s.next().await.unwrap().event, "ready");
    }
    // The token is revoked: its stream ends at the next change; the page's goes on.
    owner
        .call::<String>("revoke_api_token", &[("token_id", &made.token.id)])
        .await
        .ok();
    owner.invite(&ws, "jon@example.com").await.ok();
    assert_eq!(last_of(&mut script).await.unwrap().event, "ended");
    assert_eq!(page.next_of("invitation.created").await.event, "invitation.created");
    // Signed out (and in again, with a new session): the old session's stream ends.
    owner.call::<()>("sign_out", &[]).await.ok();
    owner.sign_in("ada@example.com", "correct horse").await.ok();
    owner.invite(&ws, "kim@example.com").await.ok();
    assert_eq!(last_of(&mut page).await.unwrap().event, "ended");
    app.stop().await;
}

async fn streams_end_at_shutdown_without_holding_it_up(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    let mut streams = Vec::new();
    for _ in 0..3 {
        let mut s = Stream::of(watch_as(&owner, &ws).await);
        assert_eq!(s.next().await.unwrap().event, "ready");
        streams.push(s);
    }
    // Left open, they would hold the shutdown until they closed.
    tokio::time::timeout(Duration::from_secs(10), app.stop())
        .await
        .expect("the app stopped with streams open");
    for mut s in streams {
        assert!(s.next().await.is_none(), "the stream ended");
    }
}

async fn each_person_may_hold_a_limited_number_of_streams(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    let mut open = Vec::new();
    for _ in 0..boardroom::live::STREAMS_PER_PERSON {
        open.push(Stream::of(watch_as(&owner, &ws).await));
    }
    let refused = watch_with(&app, &token_for(&owner).await, &ws).await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    // Another person (who sees people through everyone's business_read) is
    // not held back by it.
    let (_, other) = app.member_holding(&ws, "bo@example.com", &[]).await;
    assert_eq!(watch_as(&other, &ws).await.status(), 200);
    // Closing one makes room for one.
    drop(open.pop());
    // (The server learns a stream was closed when it next writes to it: at
    // the latest at the next keep-alive, 15 s.)
    let mut admitted = None;
    for _ in 0..1400 {
        let res = watch_as(&owner, &ws).await;
        if res.status() == 200 {
            admitted = Some(res);
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(admitted.is_some(), "a closed stream makes room");
    app.stop().await;
}

/// Two instances on one PostgreSQL: a change made through one is heard by a
/// stream on the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_on_one_instance_is_heard_on_another() {
    let first = TestApp::spawn(Backend::Postgres).await;
    let second = TestApp::resume(first.database_url.clone(), crate::smtp::SmtpServer::start().await, &[]).await;
    let owner = first.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    let token = token_for(&owner).await;
    let mut s = Stream::of(watch_with(&second, &token, &ws).await);
    assert_eq!(s.next().await.unwrap().event, "ready");
    let made = Script::new(&first, &token)
        .post(
            &format!("/workspaces/{ws}/invitations"),
            json!({"email": "jon@example.com"}),
        )
        .await;
    assert_eq!(made.status, 201);
    assert_eq!(s.next().await.unwrap().data["id"], made.body["invitation"]["id"]);
    second.stop().await;
    first.stop().await;
}

/// When the instance's listening connection is lost, a new one listens and
/// every stream is told to read everything again (what was said meanwhile is
/// gone); what is said afterwards is heard again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_listener_reconnects_streams_are_told_to_resync() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    let token = token_for(&owner).await;
    let mut s = Stream::of(watch_with(&app, &token, &ws).await);
    assert_eq!(s.next().await.unwrap().event, "ready");
    let cut: i64 = sqlx::query_scalar(
        "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity \
         WHERE datname = current_database() AND application_name = $1",
    )
    .bind(boardroom::platform::changes::LISTENER_NAME)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(cut, 1, "one listening connection per instance");
    assert_eq!(s.next().await.unwrap().event, "resync");
    let made = Script::new(&app, &token)
        .post(
            &format!("/workspaces/{ws}/invitations"),
            json!({"email": "jon@example.com"}),
        )
        .await;
    assert_eq!(
        s.next_of("invitation.created").await.data["id"],
        made.body["invitation"]["id"]
    );
    app.stop().await;
}
