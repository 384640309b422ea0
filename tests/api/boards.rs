use crate::harness::{Backend, TestApp};
use crate::on_both_databases;
use boardroom::boards::Board;
use boardroom::pages::settings::SettingsPageData;

on_both_databases!(
    boards_are_edited_deleted_and_run_as_grants_allow,
    settings_follow_business_info
);

async fn boards_are_edited_deleted_and_run_as_grants_allow(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, jon, ws) = app.workspace_with_member().await;
    let ws = ws.as_str();
    owner
        .call::<String>(
            "create_board",
            &[("workspace_id", ws), ("name", "Q3"), ("content", "Revenue")],
        )
        .await
        .ok();
    let id = owner
        .call::<Vec<Board>>("list_boards", &[("workspace_id", ws)])
        .await
        .ok()[0]
        .id
        .clone();
    let this = [("workspace_id", ws), ("board_id", id.as_str())];

    let seen = jon.call::<Board>("get_board", &this).await.ok();
    assert_eq!((seen.name.as_str(), seen.last_run), ("Q3", None));
    for (endpoint, message) in [
        ("run_board", "You need WRITE on DATA_EXECUTION to run boards"),
        ("delete_board", "You need WRITE on DATA to delete boards"),
    ] {
        let refused = jon.call::<String>(endpoint, &this).await;
        assert_eq!(refused.status, 403);
        assert_eq!(refused.err().to_string(), message);
    }
    let edit = jon
        .call::<String>(
            "update_board",
            &[
                ("workspace_id", ws),
                ("board_id", &id),
                ("name", "Mine"),
                ("content", ""),
            ],
        )
        .await;
    assert_eq!(edit.err().to_string(), "You need WRITE on DATA to edit boards");

    assert_eq!(owner.call::<String>("run_board", &this).await.ok(), "Q3");
    let run = jon
        .call::<Board>("get_board", &this)
        .await
        .ok()
        .last_run
        .expect("a last run");
    assert_eq!(run.by.as_deref(), Some("Ada"));

    let bad = owner
        .call::<String>(
            "update_board",
            &[("workspace_id", ws), ("board_id", &id), ("name", " "), ("content", "x")],
        )
        .await;
    assert_eq!(bad.err().message_for("name").unwrap(), "Enter a board name");
    owner
        .call::<String>(
            "update_board",
            &[
                ("workspace_id", ws),
                ("board_id", &id),
                ("name", "Q4"),
                ("content", "Costs"),
            ],
        )
        .await
        .ok();
    let edited = jon.call::<Board>("get_board", &this).await.ok();
    assert_eq!((edited.name.as_str(), edited.content.as_str()), ("Q4", "Costs"));

    // Without READ on DATA_EXECUTION, when a board last ran is not shown.
    let (_, kim) = app.member_holding(ws, "kim@example.com", &[]).await;
    let everyone = owner.everyone(ws).await;
    owner
        .call::<boardroom::roles::RoleRow>(
            "create_role",
            &[
                ("workspace_id", ws),
                ("role_name", "viewers"),
                ("permission", "READ"),
                ("resource", "DATA"),
                ("target", "GROUP"),
            ],
        )
        .await
        .ok();
    for (endpoint, role) in [("grant_group_role", "viewers"), ("revoke_group_role", "business_read")] {
        owner
            .call::<String>(
                endpoint,
                &[("workspace_id", ws), ("group_id", &everyone.id), ("role_name", role)],
            )
            .await
            .ok();
    }
    assert_eq!(kim.call::<Board>("get_board", &this).await.ok().last_run, None);

    assert_eq!(owner.call::<String>("delete_board", &this).await.ok(), "Q4");
    assert_eq!(owner.call::<Board>("get_board", &this).await.status, 404);
    app.stop().await;
}

async fn settings_follow_business_info(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, jon, ws) = app.workspace_with_member().await;
    let ws = ws.as_str();
    app.person().sign_up("Bea", "bea@example.com", "Bravo").await;
    let page = jon
        .call::<SettingsPageData>("settings_page", &[("workspace_id", ws)])
        .await
        .ok();
    let info = page.info.expect("everyone holds READ on BUSINESS_INFO");
    assert_eq!(
        (info.name.as_str(), info.owners.as_slice(), info.members),
        ("Acme", &["Ada".to_string()][..], 2)
    );
    let refused = jon
        .call::<String>("rename_workspace", &[("workspace_id", ws), ("workspace", "Mine")])
        .await;
    assert_eq!(
        refused.err().to_string(),
        "You need WRITE on BUSINESS_INFO to rename the workspace"
    );
    let taken = owner
        .call::<String>("rename_workspace", &[("workspace_id", ws), ("workspace", "bravo")])
        .await;
    assert_eq!(taken.status, 422);
    assert_eq!(
        taken.err().message_for("workspace").unwrap(),
        "A workspace named \u{201c}bravo\u{201d} already exists. Choose another name"
    );
    assert_eq!(
        owner
            .call::<String>("rename_workspace", &[("workspace_id", ws), ("workspace", "Acme Corp")])
            .await
            .ok(),
        "Acme Corp"
    );
    owner.empty_everyone(ws).await;
    let page = jon
        .call::<SettingsPageData>("settings_page", &[("workspace_id", ws)])
        .await
        .ok();
    assert_eq!(
        (page.info, page.frame.access.workspace_name.as_str()),
        (None, "Acme Corp")
    );
    app.stop().await;
}
