//! The test identity provider: panva's `oidc-provider` (a certified OpenID
//! provider) run by Node from `end2end/idp/idp.mjs`, one for the whole test
//! binary, and a person's way through its sign-in and consent pages.

use crate::harness::Person;
use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;

pub struct Idp {
    pub issuer: String,
    _child: Child,
    /// Held open: the provider exits when this process does.
    _stdin: ChildStdin,
}

static IDP: OnceLock<Idp> = OnceLock::new();

impl Idp {
    pub fn get() -> &'static Idp {
        IDP.get_or_init(|| {
            let script = concat!(env!("CARGO_MANIFEST_DIR"), "/end2end/idp/idp.mjs");
            let mut child = Command::new("node")
                .arg(script)
                .env("IDP_EXIT_WITH_STDIN", "1")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("Node.js runs the test identity provider (end2end/idp/idp.mjs; npm ci in end2end)");
            let stdin = child.stdin.take().unwrap();
            let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
            let issuer = loop {
                let line = lines
                    .next()
                    .expect("the identity provider started (is oidc-provider installed in end2end?)")
                    .unwrap();
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line)
                    && let Some(issuer) = v["issuer"].as_str()
                {
                    break issuer.to_string();
                }
            };
            // What it prints later is read (and dropped): a closed pipe would end it.
            std::thread::spawn(move || lines.for_each(drop));
            Idp {
                issuer,
                _child: child,
                _stdin: stdin,
            }
        })
    }

    /// Registers a client whose one redirect URI is `redirect_uri`: its id and secret.
    pub async fn register(&self, redirect_uri: &str) -> (String, String) {
        let res: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/reg", self.issuer))
            .json(&serde_json::json!({ "redirect_uris": [redirect_uri] }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (
            res["client_id"].as_str().unwrap().to_string(),
            res["client_secret"].as_str().unwrap().to_string(),
        )
    }

    /// What the provider says about `subject` from now on.
    pub async fn set_claims(&self, subject: &str, claims: serde_json::Value) {
        let res = reqwest::Client::new()
            .put(format!("{}/test/accounts/{subject}", self.issuer))
            .json(&claims)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
    }
}

/// How a person gets through the provider's pages.
pub enum AtProvider<'a> {
    /// Signs in as `login` (the subject) and consents.
    SignIn(&'a str),
    /// Cancels at the first page.
    Cancel,
}

impl Person {
    /// Presses "Sign in with …" (with an invitation's token, to accept it),
    /// passes the provider's pages as `at`, and returns the address the
    /// provider sends the browser back to (not yet opened). `tamper` may
    /// change the request the app sends the browser to the provider with.
    pub async fn through_provider(
        &self,
        invitation: Option<&str>,
        at: AtProvider<'_>,
        tamper: impl Fn(url::Url) -> url::Url,
    ) -> String {
        let started = self
            .http
            .post(format!("{}/auth/oidc/start", self.address))
            .form(&[("next", ""), ("invitation", invitation.unwrap_or(""))])
            .send()
            .await
            .unwrap();
        assert_eq!(started.status(), 303, "starting sends the browser to the provider");
        let to = location(&started);
        let issuer = &Idp::get().issuer;
        assert!(to.starts_with(issuer.as_str()), "{to}");
        let mut next = tamper(url::Url::parse(&to).unwrap()).to_string();
        let form_action = regex::Regex::new(r#"<form[^>]*action="([^"]+)""#).unwrap();
        for _ in 0..12 {
            if next.starts_with(&self.address) {
                return next;
            }
            let res = self.http.get(&next).send().await.unwrap();
            if res.status().is_redirection() {
                next = absolute(issuer, &location(&res));
                continue;
            }
            assert_eq!(res.status(), 200, "{next}");
            let page = res.text().await.unwrap();
            let action = form_action
                .captures(&page)
                .unwrap_or_else(|| panic!("a form on the provider's page: {page}"))[1]
                .to_string();
            let action = absolute(issuer, &action);
            let res = if page.contains(r#"name="prompt" value="login""#) {
                match at {
                    AtProvider::SignIn(login) => self
                        .http
                        .post(&action)
                        .form(&[("prompt", "login"), ("login", login), ("password", "anything")])
                        .send()
                        .await
                        .unwrap(),
                    AtProvider::Cancel => {
                        let uid = action.trim_end_matches('/').rsplit('/').next().unwrap().to_string();
                        self.http
                            .get(format!("{issuer}/interaction/{uid}/abort"))
                            .send()
                            .await
                            .unwrap()
                    }
                }
            } else {
                self.http
                    .post(&action)
                    .form(&[("prompt", "consent")])
                    .send()
                    .await
                    .unwrap()
            };
            assert!(res.status().is_redirection(), "{} at {action}", res.status());
            next = absolute(issuer, &location(&res));
        }
        panic!("the provider never sent the browser back");
    }

    /// Signs in (or accepts `invitation`) through the provider as `login`,
    /// and returns where the app sends the browser afterwards.
    pub async fn company_sign_in(&self, invitation: Option<&str>, login: &str) -> String {
        let back = self
            .through_provider(invitation, AtProvider::SignIn(login), |u| u)
            .await;
        self.finish_company_sign_in(&back).await
    }

    /// Opens the address the provider sent the browser back to: where the app sends it next.
    pub async fn finish_company_sign_in(&self, back: &str) -> String {
        let res = self.http.get(back).send().await.unwrap();
        assert_eq!(res.status(), 303, "the app answers the provider with a redirect");
        location(&res)
    }
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("a redirect")
        .to_string()
}

fn absolute(base: &str, location: &str) -> String {
    url::Url::parse(base).unwrap().join(location).unwrap().to_string()
}
