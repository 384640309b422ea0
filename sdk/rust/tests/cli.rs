//! `boardroom-cli` end to end against a real server.

mod support;

use std::process::Command;
use support::Server;

fn cli(server: &Server, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_boardroom-cli"))
        .args(args)
        .env("BOARDROOM_URL", &server.url)
        .env("BOARDROOM_TOKEN", &server.token)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[tokio::test]
async fn invite_list_delete_and_remove_from_the_command_line() {
    let server = Server::start().await;
    let (ok, out, err) = cli(
        &server,
        &[
            "create-role",
            "test_role",
            "-w",
            "acme",
            "--permission",
            "WRITE",
            "--resource",
            "DATA",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "The role test_role now grants WRITE on DATA to USER");

    let (ok, out, err) = cli(
        &server,
        &[
            "invite",
            "jon@example.com",
            "--workspace",
            "acme",
            "--role",
            "test_role",
        ],
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("jon@example.com") && out.contains("invitation sent"),
        "{out}"
    );

    // Bulk from a file: one bad line fails on its own, and the exit code says so.
    let list = std::env::temp_dir().join(format!("invitees-{}.txt", std::process::id()));
    std::fs::write(&list, "# team\nkim@example.com\nlee@example.com\nnot-an-address\n").unwrap();
    let (ok, out, _) = cli(
        &server,
        &["invite", "--file", list.to_str().unwrap(), "-w", "acme", "--json"],
    );
    std::fs::remove_file(&list).ok();
    assert!(!ok);
    let results: serde_json::Value = serde_json::from_str(&out).unwrap();
    let statuses: Vec<&str> = results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["sent", "sent", "failed"]);
    assert_eq!(results[2]["code"], "invalid_email");

    let (ok, out, _) = cli(&server, &["pending", "-w", "acme"]);
    assert!(ok);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("EMAIL") && lines[0].contains("ROLES"), "{out}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("jon@example.com") && l.contains("test_role")),
        "{out}"
    );
    let (_, out, _) = cli(&server, &["pending", "-w", "acme", "--json"]);
    let pending: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(pending.as_array().unwrap().len(), 3);

    let (ok, out, _) = cli(&server, &["delete-pending", "kim@example.com", "-w", "acme"]);
    assert!(ok);
    assert_eq!(out.trim(), "Invitation to kim@example.com deleted");
    let (ok, _, err) = cli(&server, &["delete-pending", "kim@example.com", "-w", "acme"]);
    assert!(!ok);
    assert_eq!(
        err.trim(),
        "error: The invitation to kim@example.com was withdrawn; it is no longer pending (410 gone)"
    );

    // Lee joins; the owner lists and removes him.
    let (_, out, _) = cli(
        &server,
        &["invite", "lee@example.com", "-w", "acme", "--no-email", "--json"],
    );
    let made: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(made[0]["status"], "renewed");
    server.accept(made[0]["accept_url"].as_str().unwrap(), "Lee").await;
    let (ok, out, _) = cli(&server, &["users", "-w", "acme"]);
    assert!(ok);
    assert!(
        out.lines()
            .any(|l| l.starts_with("Lee") && l.contains("lee@example.com")),
        "{out}"
    );
    assert!(
        out.lines().any(|l| l.starts_with("Ada") && l.contains("owner")),
        "{out}"
    );
    let (ok, out, _) = cli(&server, &["remove", "lee@example.com", "-w", "acme"]);
    assert!(ok);
    assert_eq!(out.trim(), "lee@example.com was removed");
    let (_, out, _) = cli(&server, &["users", "-w", "acme", "--json"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Without a token it says what to do.
    let out = Command::new(env!("CARGO_BIN_EXE_boardroom-cli"))
        .args(["users", "-w", "acme"])
        .env("BOARDROOM_URL", &server.url)
        .env_remove("BOARDROOM_TOKEN")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "error: Give an API token (BOARDROOM_TOKEN)"
    );
}

/// A list that meets the server's limits still finishes: the command waits as
/// the server says, and says that it is waiting.
#[tokio::test]
async fn a_bulk_invite_waits_out_the_limits_and_finishes() {
    let server = Server::start_with(&[("INVITATION_RESEND_INTERVAL", "2s")]).await;
    let (ok, _, err) = cli(&server, &["invite", "kim@example.com", "-w", "acme"]);
    assert!(ok, "{err}");
    // Inviting kim again at once is sending her another email too soon.
    let list = std::env::temp_dir().join(format!("invitees-again-{}.txt", std::process::id()));
    std::fs::write(&list, "kim@example.com\nlee@example.com\nKim@Example.com\n").unwrap();
    let (ok, out, err) = cli(&server, &["invite", "--file", list.to_str().unwrap(), "-w", "acme"]);
    std::fs::remove_file(&list).ok();
    assert!(ok, "{err}\n{out}");
    assert!(err.contains("waiting") && err.contains("(rate limited)"), "{err}");
    assert!(
        out.contains("kim@example.com") && out.contains("renewed and sent again"),
        "{out}"
    );
    assert!(
        out.contains("lee@example.com") && out.contains("invitation sent"),
        "{out}"
    );
    assert!(out.contains("listed twice"), "{out}");
}

/// `watch` prints each change as it happens: its kind and the id it is about.
#[tokio::test]
async fn watch_prints_the_workspaces_changes_as_they_happen() {
    use std::io::{BufRead, BufReader};
    let server = Server::start().await;
    let mut watching = Command::new(env!("CARGO_BIN_EXE_boardroom-cli"))
        .args(["watch", "-w", "acme"])
        .env("BOARDROOM_URL", &server.url)
        .env("BOARDROOM_TOKEN", &server.token)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(watching.stdout.take().unwrap()).lines();
    let client = boardroom_sdk::Client::new(&server.url, &server.token).unwrap();
    let acme = boardroom_sdk::Workspace::name("acme");
    // The stream may not be open the moment the command starts: invite until
    // the first change is heard, then once more for certain.
    let reader = std::thread::spawn(move || {
        let mut got = Vec::new();
        while got.len() < 2 {
            match lines.next() {
                Some(Ok(line)) => got.push(line),
                _ => break,
            }
        }
        got
    });
    let mut invited = Vec::new();
    for n in 0..40 {
        let made = client
            .invite_user_with(&acme, &format!("w{n}@example.com"), &[], false)
            .await
            .unwrap();
        invited.push(made.invitation.id);
        if reader.is_finished() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    let got = reader.join().unwrap();
    watching.kill().ok();
    watching.wait().ok();
    assert_eq!(got.len(), 2, "{got:?}");
    for line in got {
        let (kind, id) = line.split_once('\t').unwrap();
        assert_eq!(kind, "invitation.created");
        assert!(invited.iter().any(|i| i == id), "{id} is one of {invited:?}");
    }
}

#[tokio::test]
async fn a_spreadsheet_is_checked_then_sent_from_the_command_line() {
    let server = Server::start().await;
    let (ok, _, err) = cli(
        &server,
        &[
            "create-role",
            "reviewer",
            "-w",
            "acme",
            "--permission",
            "READ",
            "--resource",
            "DATA",
        ],
    );
    assert!(ok, "{err}");
    let file = std::env::temp_dir().join(format!("people-{}.csv", std::process::id()));
    std::fs::write(
        &file,
        "\u{feff}email,name,roles\r\nann@example.com,Ann Lee,reviewer\r\nbad-address,,\r\nANN@example.com,,\r\nbo@example.com,\"Bo, Jr.\",nosuch\r\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let (ok, out, err) = cli(
        &server,
        &["invite", "--file", path, "-w", "acme", "--dry-run", "--json"],
    );
    assert!(ok, "a dry run succeeds whatever it finds: {err}");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    let statuses: Vec<&str> = rows.iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["ready", "invalid_email", "duplicate", "unknown_role"]);

    let (ok, out, _) = cli(&server, &["invite", "--file", path, "-w", "acme"]);
    assert!(!ok, "rows that could not go make the exit code 2");
    assert!(out.contains("ann@example.com") && out.contains("sent"), "{out}");
    let (_, pending, _) = cli(&server, &["pending", "-w", "acme", "--json"]);
    assert!(pending.contains("ann@example.com"), "{pending}");
    std::fs::remove_file(&file).ok();
}
