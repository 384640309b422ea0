//! Host-side administration for automation without a browser, run as
//! `boardroom admin …` against the same `DATABASE_URL` as the server. It prints
//! API tokens (once) and never a password.

use crate::accounts::service as accounts;
use crate::domain::{EmailAddress, NewPassword, PersonName, Title};
use crate::error::AppError;
use crate::platform::config::Config;
use crate::platform::db::Db;
use std::collections::HashMap;

pub const USAGE: &str = "\
Usage:
  boardroom admin create-user --email EMAIL --name NAME [--workspace NAME] [--token-name NAME] [--password-stdin]
      Creates an account (and, with --workspace, a workspace it owns) and prints a new API token for it.
      With --password-stdin the account's password is read from standard input; otherwise it has
      none that works, and is used through its tokens.
  boardroom admin create-token --email EMAIL [--token-name NAME]
      Prints a new API token for an existing account.
  boardroom admin reset-link --email EMAIL
      Prints a link (working once, for 1 hour) that lets the account's holder choose a new
      password, for when they cannot receive email. Earlier reset links stop working.";

/// Runs one admin command; its output, or a message for standard error.
pub async fn run(
    db: &Db,
    config: &Config,
    args: &[String],
    stdin_password: impl FnOnce() -> Option<String>,
) -> Result<String, String> {
    let (command, rest) = args.split_first().ok_or_else(|| USAGE.to_string())?;
    let flags = parse_flags(rest)?;
    let get = |k: &str| flags.get(k).and_then(|v| v.clone());
    let email = get("email").ok_or("--email is required")?;
    let email = EmailAddress::parse(&email).map_err(|m| format!("--email: {m}"))?;
    let token_name = get("token-name").unwrap_or_else(|| "admin".into());
    match command.as_str() {
        "create-user" => {
            let name = get("name").ok_or("--name is required")?;
            let name = PersonName::parse(&name).map_err(|m| format!("--name: {m}"))?;
            let password = if flags.contains_key("password-stdin") {
                stdin_password().ok_or("no password on standard input")?
            } else {
                // Unknown to anyone: the account is reached through its tokens.
                crate::platform::crypto::new_token()
            };
            let password =
                NewPassword::parse(password.trim_end_matches(['\r', '\n'])).map_err(|m| format!("password: {m}"))?;
            let password = accounts::HashedPassword::of(&password).await;
            let mut tx = db.begin().await.map_err(|e| e.to_string())?;
            let user = accounts::create_user(&mut tx, &name, &email, &password, accounts::Address::Proven)
                .await
                .map_err(say)?;
            let mut out = format!("Created user {} <{}> ({})\n", user.name, user.email, user.id);
            if let Some(ws) = get("workspace") {
                let ws = Title::parse(&ws, "workspace name").map_err(|m| format!("--workspace: {m}"))?;
                let made = crate::members::service::found(&mut tx, &user, &ws).await.map_err(say)?;
                out.push_str(&format!("Created workspace {} ({})\n", made.name, made.id));
            }
            tx.commit().await.map_err(|e| e.to_string())?;
            let (_, secret) = crate::tokens::service::create(db, &user, &token_name)
                .await
                .map_err(say)?;
            out.push_str(&format!("API token: {secret}\n"));
            Ok(out)
        }
        "create-token" => {
            let user = accounts::find_by_email(db, email.as_str())
                .await
                .map_err(say)?
                .ok_or_else(|| format!("There is no account for {email}"))?;
            let (_, secret) = crate::tokens::service::create(db, &user, &token_name)
                .await
                .map_err(say)?;
            Ok(format!("API token for {}: {secret}\n", user.email))
        }
        "reset-link" => {
            let link = crate::accounts::recovery::link_for_host(db, config, email.as_str())
                .await
                .map_err(say)?;
            Ok(format!(
                "Reset link for {email} (works once, for 1 hour; earlier links stop working):\n{link}\n"
            ))
        }
        _ => Err(USAGE.to_string()),
    }
}

fn say(e: AppError) -> String {
    match e {
        AppError::Invalid(errors) => errors.into_iter().map(|f| f.message).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

/// `--key value` and bare `--flag` pairs.
fn parse_flags(args: &[String]) -> Result<HashMap<String, Option<String>>, String> {
    let mut flags = HashMap::new();
    let mut it = args.iter().peekable();
    while let Some(arg) = it.next() {
        let key = arg
            .strip_prefix("--")
            .ok_or_else(|| format!("unexpected argument {arg}\n\n{USAGE}"))?;
        let value = match it.peek() {
            Some(v) if !v.starts_with("--") => it.next().cloned(),
            _ => None,
        };
        flags.insert(key.to_string(), value);
    }
    Ok(flags)
}
