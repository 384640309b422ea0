//! A real Boardroom server (the binary BOARDROOM_BIN names) on a fresh SQLite
//! file and a free port, with an owner and an API token from `boardroom admin`.

// Each test binary uses a part of it.
#![allow(dead_code)]

use std::process::{Child, Command, Stdio};

pub struct Server {
    pub url: String,
    pub token: String,
    pub workspace_id: String,
    database_url: String,
    binary: String,
    child: Child,
    _dir: TempDir,
}

pub struct TempDir(pub std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Server {
    pub async fn start() -> Server {
        // The stories resend and renew at once; nothing waits between sends here.
        Server::start_with(&[("INVITATION_RESEND_INTERVAL", "0")]).await
    }

    /// A server with these environment variables set as well.
    pub async fn start_with(vars: &[(&str, &str)]) -> Server {
        let binary =
            std::env::var("BOARDROOM_BIN").expect("set BOARDROOM_BIN to the server binary (scripts/test.sh does)");
        let dir = std::env::temp_dir().join(format!("boardroom-sdk-{}-{}", std::process::id(), free_port()));
        std::fs::create_dir_all(&dir).unwrap();
        let database_url = format!("sqlite://{}/boardroom.db", dir.display());
        let port = free_port();
        let url = format!("http://127.0.0.1:{port}");
        let out = Command::new(&binary)
            .args([
                "admin",
                "create-user",
                "--email",
                "ada@example.com",
                "--name",
                "Ada",
                "--workspace",
                "Acme",
            ])
            .env("DATABASE_URL", &database_url)
            .env_remove("SMTP_URL")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8(out.stdout).unwrap();
        let token = stdout
            .lines()
            .find_map(|l| l.strip_prefix("API token: "))
            .unwrap()
            .to_string();
        let workspace_id = stdout
            .lines()
            .find(|l| l.starts_with("Created workspace"))
            .and_then(|l| l.rsplit('(').next())
            .unwrap()
            .trim_end_matches(')')
            .to_string();
        let child = Command::new(&binary)
            .env("DATABASE_URL", &database_url)
            .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
            .env("BASE_URL", &url)
            .env("RUST_LOG", "warn")
            .envs(vars.iter().copied())
            .env_remove("SMTP_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Server {
            url,
            token,
            workspace_id,
            database_url,
            binary,
            child,
            _dir: TempDir(dir),
        };
        for _ in 0..400 {
            if let Ok(r) = reqwest::get(format!("{}/healthz", server.url)).await
                && r.status().is_success()
            {
                return server;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("the server did not start");
    }

    /// What `boardroom admin …` prints, run against this server's database.
    fn admin(&self, args: &[&str]) -> String {
        let out = Command::new(&self.binary)
            .arg("admin")
            .args(args)
            .env("DATABASE_URL", &self.database_url)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// An account made by the host (`boardroom admin create-user`, so its
    /// address counts as proven), and its API token.
    pub fn account(&self, email: &str, name: &str) -> String {
        self.admin(&["create-user", "--email", email, "--name", name])
            .lines()
            .find_map(|l| l.strip_prefix("API token: "))
            .unwrap()
            .to_string()
    }

    /// A new API token for an existing account, from `boardroom admin`.
    pub fn token_for(&self, email: &str) -> String {
        self.admin(&["create-token", "--email", email])
            .trim()
            .rsplit(' ')
            .next()
            .unwrap()
            .to_string()
    }

    /// Joins through an invitation link with a new account, as the page's
    /// form does, then confirms the address as its email asks.
    pub async fn accept(&self, accept_url: &str, name: &str) {
        let token = accept_url.rsplit('/').next().unwrap();
        let email = self.invited_email(token).await;
        let res = reqwest::Client::new()
            .post(format!("{}/api/accept_invitation_new_account", self.url))
            .form(&[("token", token), ("name", name), ("password", "winter is here")])
            .send()
            .await
            .unwrap();
        assert!(
            res.status().is_success() || res.status().is_redirection(),
            "{}",
            res.status()
        );
        // A link handed over proves no address: the person confirms theirs
        // through the link emailed to it (here, the dev mailbox's copy).
        let mut proof = None;
        for _ in 0..400 {
            let page = reqwest::get(format!("{}/dev/mailbox", self.url))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            if let Some(entry) = page.split(&format!("To {email} ")).nth(1)
                && let Some(at) = entry.find("/verify/")
            {
                proof = Some(entry[at + 8..at + 8 + 43].to_string());
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        let proof = proof.expect("a confirmation link in the dev mailbox");
        let res = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .post(format!("{}/api/confirm_email", self.url))
            .form(&[("token", proof.as_str())])
            .send()
            .await
            .unwrap();
        assert!(
            res.status().is_success() || res.status().is_redirection(),
            "{}",
            res.status()
        );
    }

    /// The address an invitation link was for (as its page says).
    async fn invited_email(&self, token: &str) -> String {
        let preview: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/api/get_invitation_preview", self.url))
            .form(&[("token", token)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        preview["email"].as_str().unwrap_or_default().to_string()
    }
}
