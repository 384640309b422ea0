//! `boardroom-cli`: Boardroom's REST API from a shell.
//!
//!     boardroom-cli invite jon@example.com --workspace acme --role test_role
//!
//! The server and token come from `--url`/`--token` or `BOARDROOM_URL`/`BOARDROOM_TOKEN`.

use boardroom_sdk::{BatchInvitee, BatchResult, Client, Error, Retry, Wait, Workspace};
use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "boardroom-cli",
    version,
    about = "Invite people and manage members of Boardroom workspaces"
)]
struct Cli {
    /// The server, e.g. http://127.0.0.1:3000
    #[arg(long, env = "BOARDROOM_URL", global = true, default_value = "")]
    url: String,
    /// An API token (account menu → API tokens)
    #[arg(
        long,
        env = "BOARDROOM_TOKEN",
        global = true,
        hide_env_values = true,
        default_value = ""
    )]
    token: String,
    /// Print JSON instead of tables
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Who the token acts for
    Me,
    /// Invitations addressed to you: list them, or accept or decline one
    MyInvitations {
        /// Accept the invitation with this id
        #[arg(long, conflicts_with = "decline")]
        accept: Option<String>,
        /// Decline the invitation with this id
        #[arg(long)]
        decline: Option<String>,
    },
    /// The workspaces you belong to
    Workspaces,
    /// Invite people: addresses as arguments, one per line in --file, or a
    /// CSV file (email,name,roles,groups; header optional) with --file x.csv
    Invite {
        emails: Vec<String>,
        /// The workspace's id or name
        #[arg(long, short)]
        workspace: String,
        /// A role to give (repeat for several)
        #[arg(long = "role")]
        roles: Vec<String>,
        /// A file with one address per line ('#' starts a comment), or a CSV
        /// file (.csv) with a row per person: email,name,roles,groups (several
        /// roles or groups separated by ';')
        #[arg(long)]
        file: Option<std::path::PathBuf>,
        /// With a CSV file: say what would become of each row, sending nothing
        #[arg(long, requires = "file")]
        dry_run: bool,
        /// Don't send the email; print each invitation's link instead
        #[arg(long, conflicts_with = "dry_run")]
        no_email: bool,
    },
    /// Pending invitations
    Pending {
        #[arg(long, short)]
        workspace: String,
    },
    /// Withdraw a pending invitation
    DeletePending {
        email: String,
        #[arg(long, short)]
        workspace: String,
    },
    /// Members of a workspace
    Users {
        #[arg(long, short)]
        workspace: String,
    },
    /// Remove someone from a workspace
    Remove {
        email: String,
        #[arg(long, short)]
        workspace: String,
    },
    /// Print the workspace's changes as they happen, one per line, until stopped
    Watch {
        #[arg(long, short)]
        workspace: String,
    },
    /// Roles of a workspace
    Roles {
        #[arg(long, short)]
        workspace: String,
    },
    /// Add a grant to a role (creating it)
    CreateRole {
        name: String,
        #[arg(long, short)]
        workspace: String,
        /// READ or WRITE
        #[arg(long)]
        permission: String,
        /// DATA, DATA_EXECUTION, USER_MANAGEMENT or BUSINESS_INFO
        #[arg(long)]
        resource: String,
        /// USER or GROUP
        #[arg(long, default_value = "USER")]
        target: String,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// Prints rows as aligned columns under a header.
fn table(header: &[&str], rows: Vec<Vec<String>>) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c:<w$}", w = widths[i]))
            .collect();
        println!("{}", padded.join("  ").trim_end());
    };
    line(header.iter().map(|h| h.to_uppercase()).collect());
    if rows.is_empty() {
        println!("(none)");
    }
    for row in rows {
        line(row);
    }
}

/// The rows of a CSV file of people to invite: `email,name,roles,groups`,
/// with or without that header (with it, in any order).
fn read_people(path: &std::path::Path, extra_roles: &[String]) -> Result<Vec<BatchInvitee>, Error> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Error::Config(format!("cannot read {}: {e}", path.display())))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
        if record.iter().any(|f| !f.trim().is_empty()) {
            records.push(record);
        }
    }
    let column = |f: &str| match f.trim().to_ascii_lowercase().as_str() {
        "email" | "e-mail" | "email address" => Some(0),
        "name" => Some(1),
        "roles" | "role" => Some(2),
        "groups" | "group" => Some(3),
        _ => None,
    };
    let header = records
        .first()
        .filter(|r| r.iter().any(|f| column(f) == Some(0)))
        .cloned();
    let order: Vec<Option<usize>> = match &header {
        Some(h) => h.iter().map(column).collect(),
        None => vec![Some(0), Some(1), Some(2), Some(3)],
    };
    let list = |f: &str| -> Vec<String> {
        f.split([';', '|'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    Ok(records
        .iter()
        .skip(usize::from(header.is_some()))
        .map(|r| {
            let mut person = BatchInvitee::default();
            for (i, field) in r.iter().enumerate() {
                match order.get(i).copied().flatten() {
                    Some(0) => person.email = field.trim().to_string(),
                    Some(1) => person.name = Some(field.trim().to_string()).filter(|n| !n.is_empty()),
                    Some(2) => person.roles = list(field),
                    Some(3) => person.groups = list(field),
                    _ => {}
                }
            }
            person.roles.extend(extra_roles.iter().cloned());
            person
        })
        .collect())
}

/// `invite --file people.csv [--dry-run]`: the file's rows through the batch API.
async fn invite_from_csv(
    client: &Client,
    ws: &Workspace,
    path: &std::path::Path,
    roles: &[String],
    dry_run: bool,
    as_json: bool,
) -> Result<ExitCode, Error> {
    let people = read_people(path, roles)?;
    if people.is_empty() {
        return Err(Error::Config(format!("{} has no rows", path.display())));
    }
    if people.len() > 1000 {
        return Err(Error::Config(format!(
            "{} has {} rows; up to 1000 at a time",
            path.display(),
            people.len()
        )));
    }
    // The batch API finds repeats within one request of 100; across the
    // whole file they are found here, the first row of each address kept.
    let mut first_row = std::collections::HashMap::new();
    let mut repeats = Vec::new();
    for (i, p) in people.iter().enumerate() {
        let key = p.email.trim().to_lowercase();
        if let Some(first) = first_row.get(&key) {
            repeats.push((i, *first));
        } else if !key.is_empty() {
            first_row.insert(key, i);
        }
    }
    let sent: Vec<BatchInvitee> = people
        .iter()
        .enumerate()
        .filter(|(i, _)| !repeats.iter().any(|(r, _)| r == i))
        .map(|(_, p)| p.clone())
        .collect();
    let mut answered = client.invite_batch(ws, &sent, dry_run).await?.into_iter();
    let results: Vec<BatchResult> = (0..people.len())
        .filter_map(|i| match repeats.iter().find(|(r, _)| *r == i) {
            Some((_, first)) => Some(BatchResult {
                email: people[i].email.trim().to_lowercase(),
                status: "duplicate".into(),
                code: Some("conflict".into()),
                message: Some(format!("Also on row {} of the file: invited once", first + 1)),
            }),
            None => answered.next(),
        })
        .collect();
    let refused = results.iter().filter(|r| !r.goes()).count();
    if as_json {
        json(&results);
    } else {
        table(
            &["email", "status", "why"],
            results
                .iter()
                .map(|r| vec![r.email.clone(), r.status.clone(), r.message.clone().unwrap_or_default()])
                .collect(),
        );
        let going = results.len() - refused;
        eprintln!(
            "{going} {}, {refused} not",
            if dry_run { "would be sent" } else { "sent" }
        );
    }
    Ok(if refused > 0 && !dry_run {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn json(value: &impl serde::Serialize) {
    println!("{}", serde_json::to_string_pretty(value).unwrap_or_default());
}

/// "waiting 1 min 5 s: <what the server said>"
fn waiting(wait: &Wait) -> String {
    let secs = wait.duration.as_secs().max(1);
    let how_long = match (secs / 3600, secs % 3600 / 60, secs % 60) {
        (0, 0, s) => format!("{s} s"),
        (0, m, 0) => format!("{m} min"),
        (0, m, s) => format!("{m} min {s} s"),
        (h, m, _) => format!("{h} h {m} min"),
    };
    format!("waiting {how_long} (rate limited): {}", wait.message)
}

async fn run(cli: Cli) -> Result<ExitCode, Error> {
    let client = Client::new(&cli.url, &cli.token)?.on_wait(|wait| eprintln!("{}", waiting(wait)));
    let as_json = cli.json;
    match cli.command {
        Command::Me => {
            let me = client.me().await?;
            if as_json {
                json(&me);
            } else {
                let proven = if me.email_verified {
                    ""
                } else {
                    " (address not confirmed yet)"
                };
                println!("{} <{}>{proven}", me.name, me.email);
            }
        }
        Command::MyInvitations { accept, decline } => {
            if let Some(id) = accept {
                let joined = client.accept_my_invitation(&id).await?;
                println!("joined workspace {}", joined.workspace_id);
            } else if let Some(id) = decline {
                client.decline_my_invitation(&id).await?;
                println!("declined");
            } else {
                let list = client.my_invitations().await?;
                if as_json {
                    json(&list);
                } else {
                    table(
                        &["workspace", "invited by", "roles", "expires", "id"],
                        list.into_iter()
                            .map(|i| {
                                vec![
                                    i.workspace_name,
                                    format!("{} <{}>", i.invited_by, i.invited_by_email),
                                    i.roles.join(", "),
                                    i.expires_at,
                                    i.id,
                                ]
                            })
                            .collect(),
                    );
                }
            }
        }
        Command::Workspaces => {
            let list = client.list_workspaces().await?;
            if as_json {
                json(&list);
            } else {
                table(
                    &["name", "id", "owner"],
                    list.into_iter()
                        .map(|w| vec![w.name, w.id, if w.is_owner { "yes".into() } else { String::new() }])
                        .collect(),
                );
            }
        }
        Command::Invite {
            mut emails,
            workspace,
            roles,
            file,
            dry_run,
            no_email,
        } => {
            let spreadsheet = file
                .as_ref()
                .is_some_and(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")));
            if let (Some(path), true) = (&file, spreadsheet || dry_run) {
                return invite_from_csv(&client, &Workspace::name(workspace), path, &roles, dry_run, as_json).await;
            }
            if let Some(path) = file {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| Error::Config(format!("cannot read {}: {e}", path.display())))?;
                emails.extend(
                    text.lines()
                        .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
                        .filter(|l| !l.is_empty()),
                );
            }
            if emails.is_empty() {
                return Err(Error::Config("Give at least one email address, or --file".into()));
            }
            // Each address once, as first written.
            let mut seen = std::collections::HashSet::new();
            let mut repeated = Vec::new();
            emails.retain(|e| {
                let first = seen.insert(e.to_lowercase());
                if !first {
                    repeated.push(e.clone());
                }
                first
            });
            let ws = Workspace::name(workspace);
            let roles: Vec<&str> = roles.iter().map(String::as_str).collect();
            let bar = indicatif::ProgressBar::new(emails.len() as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            // A long list meets the server's invitation limits: wait them out,
            // saying so on the bar (or on stderr when there is no terminal).
            let client = client.with_retry(Retry::PATIENTLY).on_wait({
                let bar = bar.clone();
                move |wait| {
                    let said = waiting(wait);
                    if bar.is_hidden() {
                        eprintln!("{said}");
                    } else {
                        bar.set_message(said);
                    }
                }
            });
            let mut results = Vec::new();
            let mut failed = 0;
            for email in &emails {
                bar.set_message(email.clone());
                let outcome = client.invite_user_with(&ws, email, &roles, !no_email).await;
                bar.inc(1);
                match outcome {
                    Ok(made) => results.push(serde_json::json!({
                        "email": made.invitation.email, "status": made.status, "accept_url": made.accept_url,
                    })),
                    Err(e @ Error::Api { .. }) => {
                        failed += 1;
                        results.push(serde_json::json!({
                            "email": email, "status": "failed",
                            "code": e.code().map(|c| c.to_string()), "message": e.to_string(),
                        }));
                    }
                    Err(other) => {
                        bar.abandon();
                        return Err(other);
                    }
                }
            }
            bar.finish_and_clear();
            results.extend(repeated.iter().map(|email| {
                serde_json::json!({
                    "email": email, "status": "skipped", "message": "listed twice; invited once",
                })
            }));
            if as_json {
                json(&results);
            } else {
                table(
                    &["email", "result"],
                    results
                        .iter()
                        .map(|r| {
                            let said = match r["status"].as_str() {
                                Some("failed" | "skipped") => r["message"].as_str().unwrap_or("").to_string(),
                                Some("renewed") => "renewed and sent again".to_string(),
                                _ => match r["accept_url"].as_str() {
                                    Some(url) => format!("invited: {url}"),
                                    None => "invitation sent".to_string(),
                                },
                            };
                            vec![r["email"].as_str().unwrap_or("").to_string(), said]
                        })
                        .collect(),
                );
            }
            if failed > 0 {
                return Ok(ExitCode::from(2));
            }
        }
        Command::Pending { workspace } => {
            let list = client.get_pending_invitations(&Workspace::name(workspace)).await?;
            if as_json {
                json(&list);
            } else {
                table(
                    &["email", "roles", "invited by", "expires", "delivery"],
                    list.into_iter()
                        .map(|i| {
                            vec![
                                i.email,
                                i.roles.join(", "),
                                i.invited_by,
                                if i.expired {
                                    format!("expired {}", i.expires_at)
                                } else {
                                    i.expires_at
                                },
                                i.delivery,
                            ]
                        })
                        .collect(),
                );
            }
        }
        Command::DeletePending { email, workspace } => {
            client
                .delete_pending_invitation(&Workspace::name(workspace), &email)
                .await?;
            if as_json {
                json(&serde_json::json!({ "deleted": email }));
            } else {
                println!("Invitation to {email} deleted");
            }
        }
        Command::Users { workspace } => {
            let list = client.get_all_workspace_users(&Workspace::name(workspace)).await?;
            if as_json {
                json(&list);
            } else {
                table(
                    &["name", "email", "roles", "joined"],
                    list.into_iter()
                        .map(|u| {
                            let mut roles = u.roles;
                            if u.is_owner {
                                roles.insert(0, "owner".into());
                            }
                            vec![u.name, u.email, roles.join(", "), u.joined_at]
                        })
                        .collect(),
                );
            }
        }
        Command::Remove { email, workspace } => {
            client
                .remove_user_from_workspace(&Workspace::name(workspace), &email)
                .await?;
            if as_json {
                json(&serde_json::json!({ "removed": email }));
            } else {
                println!("{email} was removed");
            }
        }
        Command::Watch { workspace } => {
            let mut changes = client.watch(&Workspace::name(workspace)).await?;
            while let Some(change) = changes.next().await? {
                if as_json {
                    println!("{}", serde_json::to_string(&change).unwrap_or_default());
                } else {
                    println!("{}\t{}", change.kind, change.id);
                }
            }
        }
        Command::Roles { workspace } => {
            let list = client.get_roles(&Workspace::name(workspace)).await?;
            if as_json {
                json(&list);
            } else {
                table(
                    &["role", "grants", "given to"],
                    list.into_iter()
                        .map(|r| {
                            let grants: Vec<String> = r
                                .grants
                                .iter()
                                .map(|g| format!("{} on {}", g.permission, g.resource))
                                .collect();
                            let mut targets: Vec<String> = r.grants.iter().map(|g| g.target.clone()).collect();
                            targets.dedup();
                            vec![r.name, grants.join(", "), targets.join(", ")]
                        })
                        .collect(),
                );
            }
        }
        Command::CreateRole {
            name,
            workspace,
            permission,
            resource,
            target,
        } => {
            let made = client
                .create_role(&Workspace::name(workspace), &name, &permission, &resource, &target)
                .await?;
            if as_json {
                json(&made);
            } else {
                println!(
                    "The role {} now grants {} on {} to {}",
                    made.name, made.permission, made.resource, made.target
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
