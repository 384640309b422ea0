//! `TestApp`: one running Boardroom and typed helpers to drive it.

use crate::smtp::SmtpServer;
use boardroom::error::AppError;
use boardroom::platform::config::Config;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::Once;
use tokio::sync::oneshot;

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server the tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

pub struct TestApp {
    pub address: String,
    /// Where the app keeps its data, for commands run beside it.
    pub database_url: String,
    pub smtp: SmtpServer,
    /// A pool of its own on the app's database, for arranging and checking.
    pub db: boardroom::platform::db::Db,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<Result<(), String>>>,
}

static TRACING: Once = Once::new();

/// Not a variable the app reads: asks the harness to register a client with
/// the test identity provider and set the app's OIDC_* variables.
const COMPANY_SIGN_IN: &str = "TEST_COMPANY_SIGN_IN";

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, &[]).await
    }

    /// Starts the app again on the database of one that was stopped, with
    /// its SMTP listener.
    pub async fn resume(database_url: String, smtp: SmtpServer, vars: &[(&str, &str)]) -> TestApp {
        Self::start(database_url, smtp, vars).await
    }

    /// Starts the app with extra environment variables (e.g. a dead SMTP_URL).
    pub async fn spawn_with(backend: Backend, vars: &[(&str, &str)]) -> TestApp {
        Self::spawn_with_smtp(backend, SmtpServer::start().await, vars).await
    }

    /// Starts the app on a fresh database, delivering to `smtp`.
    pub async fn spawn_with_smtp(backend: Backend, smtp: SmtpServer, vars: &[(&str, &str)]) -> TestApp {
        TRACING.call_once(|| {
            if std::env::var("TEST_LOG").is_ok() {
                tracing_subscriber::fmt()
                    .with_env_filter("info,sqlx=warn")
                    .with_test_writer()
                    .init();
            }
        });
        sqlx::any::install_default_drivers();
        let database_url = match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join("boardroom-tests");
                std::fs::create_dir_all(&dir).unwrap();
                format!(
                    "sqlite://{}",
                    dir.join(format!("{}.db", uuid::Uuid::new_v4())).display()
                )
            }
            Backend::Postgres => {
                let name = format!("boardroom_test_{}", uuid::Uuid::new_v4().simple());
                let admin = postgres_admin_url();
                let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin)
                    .await
                    .expect("PostgreSQL must be running on 127.0.0.1:5432 (see scripts/test.sh)");
                sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
                    .await
                    .unwrap();
                let base = admin.rsplit_once('/').unwrap().0;
                format!("{base}/{name}")
            }
        };
        Self::start(database_url, smtp, vars).await
    }

    /// Starts the app with sign-in through the test identity provider: a
    /// client of its own, registered there for this app's address.
    pub async fn spawn_with_company_sign_in(backend: Backend) -> TestApp {
        Self::spawn_with(backend, &[(COMPANY_SIGN_IN, "on")]).await
    }

    async fn start(database_url: String, smtp: SmtpServer, vars: &[(&str, &str)]) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let mut vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        if vars.iter().any(|(k, _)| k == COMPANY_SIGN_IN) {
            let idp = crate::idp::Idp::get();
            let (id, secret) = idp.register(&format!("{address}/auth/oidc/callback")).await;
            vars.extend([
                ("OIDC_ISSUER".to_string(), idp.issuer.clone()),
                ("OIDC_CLIENT_ID".to_string(), id),
                ("OIDC_CLIENT_SECRET".to_string(), secret),
                ("OIDC_DISPLAY_NAME".to_string(), "Acme SSO".to_string()),
            ]);
        }
        let smtp_url = format!("smtp://127.0.0.1:{}", smtp.port);
        let mut env: HashMap<String, String> = HashMap::from([
            ("DATABASE_URL".into(), database_url.clone()),
            ("SMTP_URL".into(), smtp_url),
            ("BASE_URL".into(), address.clone()),
            // Stopping waits for nothing (the grace is tested on its own).
            ("SHUTDOWN_GRACE".into(), "0".into()),
        ]);
        for (k, v) in vars {
            env.insert(k, v);
        }
        // An empty value unsets a variable.
        let config = Config::from_lookup(|k| env.get(k).cloned().filter(|v| !v.is_empty()))
            .expect("test configuration is valid");

        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(boardroom::server::serve(config, listener, async move {
            let _ = rx.await;
        }));

        let app = TestApp {
            address,
            database_url: database_url.clone(),
            smtp,
            db: wait_for_database(&database_url).await,
            shutdown: Some(tx),
            server: Some(server),
        };
        app.wait_until_ready().await;
        app
    }

    async fn wait_until_ready(&self) {
        let client = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(r) = client.get(format!("{}/healthz", self.address)).send().await
                && r.status().is_success()
            {
                return;
            }
            tokio::task::yield_now().await;
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("the app did not become ready");
    }

    /// A person with a browser of their own (their own cookies).
    pub fn person(&self) -> Person {
        Person {
            address: self.address.clone(),
            smtp: self.smtp.clone(),
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .timeout(std::time::Duration::from_secs(30))
                .build()
                .unwrap(),
        }
    }

    /// Tells the app to stop, as SIGTERM does, without waiting for it.
    pub fn signal_stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }

    /// Stops the app as SIGTERM would, and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap().unwrap();
        }
    }

    /// Ends the app as a crash would: without its shutdown path, so nothing
    /// it held (requests, emails being sent) is finished or handed back.
    pub async fn kill(mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
            let _ = server.await;
        }
    }

    /// Ada owns "Acme"; Jon ("jon@example.com") joined it through an invitation
    /// and holds only what `everyone` grants. Returns (Ada, Jon, workspace id).
    pub async fn workspace_with_member(&self) -> (Person, Person, String) {
        let owner = self.person();
        let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
        owner.invite(&ws, "jon@example.com").await.ok();
        let token = self.smtp.wait_for("jon@example.com", 1).await.invite_token();
        let jon = self.person();
        jon.accept_new(&token, "Jon", "winter is here").await.ok();
        (owner, jon, ws)
    }

    /// Moves an invitation's expiry into the past.
    pub async fn expire_invitations_for(&self, email: &str) {
        sqlx::query("UPDATE invitations SET expires_at = 1 WHERE email = $1")
            .bind(email)
            .execute(&self.db)
            .await
            .unwrap();
    }

    /// Moves an invitation's last sending an hour into the past, so that it may
    /// be sent again at once.
    pub async fn backdate_invitation(&self, id: &str) {
        sqlx::query(
            "UPDATE invitations SET created_at = created_at - 3600000, emailed_at = emailed_at - 3600000 WHERE id = $1",
        )
        .bind(id)
        .execute(&self.db)
        .await
        .unwrap();
    }

    /// An account made directly in the database (it has no usable password).
    /// Returns its user id.
    pub async fn new_user(&self, name: &str, email: &str) -> String {
        let id = uuid::Uuid::new_v4().simple().to_string();
        sqlx::query(
            "INSERT INTO users (id, email, name, password_hash, created_at, email_verified_at) \
             VALUES ($1, $2, $3, 'none', 1, 1)",
        )
        .bind(&id)
        .bind(email)
        .bind(name)
        .execute(&self.db)
        .await
        .unwrap();
        id
    }

    /// Resets `email`'s password to `password` the way its holder does: asks
    /// for a link, opens the one that arrives, chooses the password.
    pub async fn reset_password(&self, email: &str, password: &str) {
        let subject = "Reset your Boardroom password";
        let before = self
            .smtp
            .received()
            .iter()
            .filter(|e| e.to.iter().any(|t| t == email) && e.subject() == subject)
            .count();
        self.person()
            .call::<String>("request_password_reset", &[("email", email)])
            .await
            .ok();
        let token = self
            .smtp
            .wait_for_subject(email, subject, before + 1)
            .await
            .token_of("/reset/");
        self.person()
            .call::<()>("reset_password", &[("token", &token), ("password", password)])
            .await
            .ok();
    }

    /// The id of the account with `email`.
    pub async fn user_id(&self, email: &str) -> String {
        sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(&self.db)
            .await
            .unwrap()
    }

    /// An owner and their workspace, arranged without email (for an app whose
    /// mail does not flow): an account made in the database, signed in, and
    /// the workspace made through the page's form. (Signing up itself is
    /// tested on its own.)
    pub async fn owner(&self, name: &str, email: &str, workspace: &str) -> (Person, String) {
        let id = self.new_user(name, email).await;
        let person = self.signed_in_as(&id).await;
        let made = person.call::<()>("create_workspace", &[("workspace", workspace)]).await;
        let to = made.redirect.clone().expect("a new workspace opens");
        made.ok();
        let ws = to.trim_start_matches("/w/").trim_end_matches("/boards").to_string();
        (person, ws)
    }

    /// Makes `user_id` a member of `ws` (an owner with `owner`), directly in the database.
    pub async fn add_membership(&self, ws: &str, user_id: &str, owner: bool) {
        sqlx::query(
            "INSERT INTO memberships (workspace_id, user_id, is_owner, invited_by, joined_at, sort_name) \
             VALUES ($1, $2, $3, NULL, 1, (SELECT lower(name) FROM users WHERE id = $2))",
        )
        .bind(ws)
        .bind(user_id)
        .bind(i64::from(owner))
        .execute(&self.db)
        .await
        .unwrap();
    }

    /// Makes member `user_id` of `ws` an owner, directly in the database.
    pub async fn make_owner(&self, ws: &str, user_id: &str) {
        sqlx::query("UPDATE memberships SET is_owner = 1 WHERE workspace_id = $1 AND user_id = $2")
            .bind(ws)
            .bind(user_id)
            .execute(&self.db)
            .await
            .unwrap();
    }

    /// A browser signed in as `user_id` through a session made in the database.
    pub async fn signed_in_as(&self, user_id: &str) -> Person {
        let lifetimes = boardroom::accounts::service::Lifetimes {
            idle: std::time::Duration::from_secs(7 * 86_400),
            max: std::time::Duration::from_secs(30 * 86_400),
        };
        let token = boardroom::accounts::service::create_session(&self.db, user_id, &Default::default(), lifetimes)
            .await
            .unwrap();
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        jar.add_cookie_str(
            &format!("boardroom_session={token}; Path=/"),
            &self.address.parse().unwrap(),
        );
        Person {
            address: self.address.clone(),
            smtp: self.smtp.clone(),
            http: reqwest::Client::builder()
                .cookie_provider(jar)
                .redirect(reqwest::redirect::Policy::none())
                .timeout(std::time::Duration::from_secs(30))
                .build()
                .unwrap(),
        }
    }

    /// A member of `ws` holding exactly the USER roles `roles` (besides what
    /// `everyone` holds), arranged in the database and signed in.
    pub async fn member_holding(&self, ws: &str, email: &str, roles: &[&str]) -> (String, Person) {
        let id = self.new_user(email, email).await;
        self.add_membership(ws, &id, false).await;
        for role in roles {
            sqlx::query("INSERT INTO member_roles (workspace_id, user_id, role_name) VALUES ($1, $2, $3)")
                .bind(ws)
                .bind(&id)
                .bind(*role)
                .execute(&self.db)
                .await
                .unwrap();
        }
        let person = self.signed_in_as(&id).await;
        (id, person)
    }

    pub async fn count(&self, sql: &str, arg: &str) -> i64 {
        use sqlx::Row;
        sqlx::query(sql)
            .bind(arg)
            .fetch_one(&self.db)
            .await
            .unwrap()
            .get::<i64, _>(0)
    }

    /// Waits (up to a minute) until `sql`, given `arg`, counts `count`;
    /// `what` says what was waited for.
    pub async fn wait_until_count(&self, sql: &str, arg: &str, count: i64, what: &str) {
        for _ in 0..2400 {
            if self.count(sql, arg).await == count {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("{count} {what} within a minute");
    }
}

async fn wait_for_database(url: &str) -> boardroom::platform::db::Db {
    // The app creates and migrates the database as it starts.
    for _ in 0..200 {
        if let Ok(pool) = sqlx::any::AnyPoolOptions::new().max_connections(2).connect(url).await
            && sqlx::query("SELECT COUNT(*) FROM users").fetch_one(&pool).await.is_ok()
        {
            return boardroom::platform::db::Db::from_pool(pool);
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the app's database never appeared at {url}");
}

/// One browser, calling server functions the way the hydrated page does.
pub struct Person {
    pub address: String,
    pub http: reqwest::Client,
    /// Where the app's email arrives, for the links a person opens.
    pub smtp: SmtpServer,
}

/// What a server function answered: the value or the error, and where it
/// would send the browser next.
pub struct Answer<T> {
    pub result: Result<T, AppError>,
    pub status: u16,
    pub redirect: Option<String>,
}

impl<T: std::fmt::Debug> Answer<T> {
    pub fn ok(self) -> T {
        match self.result {
            Ok(v) => v,
            Err(e) => panic!("expected success, got {} {e:?}", self.status),
        }
    }

    pub fn err(self) -> AppError {
        match self.result {
            Ok(v) => panic!("expected an error, got {v:?}"),
            Err(e) => e,
        }
    }
}

impl Person {
    pub async fn call<T: DeserializeOwned>(&self, endpoint: &str, form: &[(&str, &str)]) -> Answer<T> {
        let res = self
            .http
            .post(format!("{}/api/{endpoint}", self.address))
            .form(form)
            .send()
            .await
            .expect("request failed");
        let status = res.status().as_u16();
        let redirect = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = res.text().await.unwrap();
        let result = if (200..300).contains(&status) {
            Ok(serde_json::from_str(&body).unwrap_or_else(|e| panic!("{endpoint}: bad body {body:?}: {e}")))
        } else {
            Err(serde_json::from_str(&body).unwrap_or_else(|e| panic!("{endpoint}: bad error {status} {body:?}: {e}")))
        };
        Answer {
            result,
            status,
            redirect,
        }
    }

    /// Posts `form` the way a browser does before the page's WASM has loaded:
    /// a plain HTML form submitted from the page at `referer`.
    pub async fn post_plain_form(&self, endpoint: &str, referer: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(format!("{}/api/{endpoint}", self.address))
            .header("Accept", "text/html")
            .header("Referer", referer)
            .form(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(format!("{}{path}", self.address)).send().await.unwrap()
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut req = self.http.get(format!("{}{path}", self.address));
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        req.send().await.unwrap()
    }

    /// Signs up, opens the link emailed to confirm the address (which makes
    /// the workspace and signs in) and returns the new workspace's id.
    pub async fn sign_up(&self, name: &str, email: &str, workspace: &str) -> String {
        let subject = "Confirm your email address for Boardroom";
        let address = email.trim().to_lowercase();
        let before = self
            .smtp
            .received()
            .iter()
            .filter(|e| e.to.contains(&address) && e.subject() == subject)
            .count();
        let a = self
            .call::<String>(
                "sign_up",
                &[
                    ("name", name),
                    ("email", email),
                    ("password", "correct horse"),
                    ("workspace", workspace),
                ],
            )
            .await;
        assert_eq!(a.redirect.as_deref(), Some("/check-inbox"));
        a.ok();
        let token = self
            .smtp
            .wait_for_subject(&address, subject, before + 1)
            .await
            .token_of("/verify/");
        let confirmed = self.call::<()>("confirm_email", &[("token", &token)]).await;
        let redirect = confirmed.redirect.clone().expect("confirming sends the browser on");
        confirmed.ok();
        redirect
            .trim_start_matches("/w/")
            .trim_end_matches("/boards")
            .to_string()
    }

    /// Signs up and stops there: the address waits for its link (password
    /// "correct horse").
    pub async fn start_sign_up(&self, name: &str, email: &str, workspace: &str) {
        self.call::<String>(
            "sign_up",
            &[
                ("name", name),
                ("email", email),
                ("password", "correct horse"),
                ("workspace", workspace),
            ],
        )
        .await
        .ok();
    }

    /// Who this browser is signed in as (with a proven address), if anyone.
    pub async fn me(&self) -> Option<boardroom::domain::User> {
        self.call::<Option<boardroom::domain::User>>("get_current_user", &[])
            .await
            .ok()
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Answer<()> {
        self.call("sign_in", &[("email", email), ("password", password)]).await
    }

    pub async fn invite(&self, workspace: &str, emails: &str) -> Answer<boardroom::invitations::InviteReport> {
        self.call("invite_user", &[("workspace_id", workspace), ("emails", emails)])
            .await
    }

    pub async fn pending(&self, workspace: &str) -> Answer<Vec<boardroom::invitations::PendingInvitation>> {
        self.call("pending_invitations", &[("workspace_id", workspace)]).await
    }

    pub async fn members(&self, workspace: &str) -> Answer<Vec<boardroom::members::Member>> {
        self.call("list_members", &[("workspace_id", workspace)]).await
    }

    /// The member of `workspace` with `email`, as the members list shows them.
    pub async fn member(&self, workspace: &str, email: &str) -> boardroom::members::Member {
        self.members(workspace)
            .await
            .ok()
            .into_iter()
            .find(|m| m.email == email)
            .unwrap_or_else(|| panic!("{email} is not a member"))
    }

    /// Whether the Users page offers this person Remove on `email`'s row (the
    /// rule the server enforces, applied to what the page loads).
    pub async fn may_remove(&self, workspace: &str, email: &str) -> bool {
        let frame = self
            .call::<boardroom::components::Frame>("get_workspace_context", &[("workspace_id", workspace)])
            .await
            .ok();
        let members = self.members(workspace).await.ok();
        let owners = members.iter().filter(|m| m.is_owner).count();
        let member = members.iter().find(|m| m.email == email).expect("a member");
        boardroom::members::may_remove(&frame.access, member, owners)
    }

    /// The built-in group `everyone` of `workspace`.
    pub async fn everyone(&self, workspace: &str) -> boardroom::groups::Group {
        self.call::<Vec<boardroom::groups::Group>>("list_groups", &[("workspace_id", workspace)])
            .await
            .ok()
            .into_iter()
            .find(|g| g.builtin)
            .expect("every workspace has the group everyone")
    }

    /// Takes `business_read` away from `everyone`, so members hold only their own roles.
    pub async fn empty_everyone(&self, workspace: &str) {
        let everyone = self.everyone(workspace).await;
        self.call::<String>(
            "revoke_group_role",
            &[
                ("workspace_id", workspace),
                ("group_id", &everyone.id),
                ("role_name", "business_read"),
            ],
        )
        .await
        .ok();
    }

    pub async fn accept_new(&self, token: &str, name: &str, password: &str) -> Answer<()> {
        self.call(
            "accept_invitation_new_account",
            &[("token", token), ("name", name), ("password", password)],
        )
        .await
    }
}

impl TestApp {
    /// Fills workspace `ws` with `members` members (`member00001@example.com`,
    /// named `Member 00001`, …) and `pending` pending invitations
    /// (`invitee00001@example.com`, …, sent a second apart, the last newest),
    /// invited by `by`: straight into the database, many rows a statement.
    pub async fn seed(&self, ws: &str, by: &str, members: usize, pending: usize) {
        const CHUNK: usize = 500;
        let mut tx = self.db.begin().await.unwrap();
        for start in (1..=members).step_by(CHUNK) {
            let end = (start + CHUNK - 1).min(members);
            let users: Vec<String> = (start..=end)
                .map(|n| format!("('seed-user-{n}', 'member{n:05}@example.com', 'Member {n:05}', 'none', 1)"))
                .collect();
            sqlx::query(&format!(
                "INSERT INTO users (id, email, name, password_hash, created_at) VALUES {}",
                users.join(", ")
            ))
            .execute(&mut *tx)
            .await
            .unwrap();
            let rows: Vec<String> = (start..=end)
                .map(|n| format!("('{ws}', 'seed-user-{n}', 0, NULL, {n}, 'member {n:05}')"))
                .collect();
            sqlx::query(&format!(
                "INSERT INTO memberships (workspace_id, user_id, is_owner, invited_by, joined_at, sort_name) VALUES {}",
                rows.join(", ")
            ))
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        let far = 4_102_444_800_000i64; // 2100: none of them expires during a test
        for start in (1..=pending).step_by(CHUNK) {
            let end = (start + CHUNK - 1).min(pending);
            let rows: Vec<String> = (start..=end)
                .map(|n| {
                    format!(
                        "('seed-invitation-{n}', '{ws}', 'invitee{n:05}@example.com', '{by}', NULL, 'pending', 0, {}, {far})",
                        1_700_000_000_000i64 + n as i64 * 1000
                    )
                })
                .collect();
            sqlx::query(&format!(
                "INSERT INTO invitations (id, workspace_id, email, invited_by, token_hash, status, send_email, created_at, expires_at) VALUES {}",
                rows.join(", ")
            ))
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
    }

    /// `n` events in `ws`, straight into the database in one statement: event
    /// `i` is at `base + i` seconds, of kind `member.roles` when `i` is a
    /// multiple of 3 (else `invitation.create`), by `actor{i % 10}@example.com`,
    /// to `target{i % 100}@example.com`, each change `pad` long.
    pub async fn seed_events(&self, ws: &str, n: i64, base: i64, pad: usize) {
        let pad = "x".repeat(pad);
        sqlx::query(&format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) \
             INSERT INTO audit_events (id, workspace_id, actor_email, ip, action, subject, before_value, after_value, at) \
             SELECT 'seed-' || i, $1, 'actor' || (i % 10) || '@example.com', '10.0.0.1', \
                    CASE WHEN i % 3 = 0 THEN 'member.roles' ELSE 'invitation.create' END, \
                    'target' || (i % 100) || '@example.com', '{pad}', '{pad}', {base} + i * 1000 FROM n"
        ))
        .bind(ws)
        .execute(&self.db)
        .await
        .unwrap();
    }
}
