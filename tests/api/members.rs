use crate::harness::{Backend, TestApp};
use crate::on_both_databases;
use boardroom::error::AppError;

on_both_databases!(
    removing_a_member_ends_their_access,
    the_last_owner_cannot_be_removed,
    members_view_but_do_not_manage,
);

/// An owner and an accepted member, "jon@example.com".
async fn workspace_with_member(app: &TestApp) -> (crate::harness::Person, crate::harness::Person, String) {
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    owner.invite(&ws, "jon@example.com").await.ok();
    let token = app.smtp.wait_for("jon@example.com", 1).await.invite_token();
    let jon = app.person();
    jon.accept_new(&token, "Jon", "winter is here").await.ok();
    (owner, jon, ws)
}

async fn removing_a_member_ends_their_access(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, jon, ws) = workspace_with_member(&app).await;
    let jon_id = owner
        .members(&ws)
        .await
        .ok()
        .into_iter()
        .find(|m| m.email == "jon@example.com")
        .unwrap()
        .user_id;

    let removed = owner
        .call::<String>("remove_member", &[("workspace_id", &ws), ("user_id", &jon_id)])
        .await;
    assert_eq!(removed.ok(), "Jon");
    assert_eq!(jon.members(&ws).await.status, 404);
    assert!(matches!(
        jon.call::<Vec<boardroom::boards::Board>>("list_boards", &[("workspace_id", &ws)])
            .await
            .err(),
        AppError::NotFound(_)
    ));
    // Removed people can be invited again.
    owner.invite(&ws, "jon@example.com").await.ok();
    app.stop().await;
}

async fn the_last_owner_cannot_be_removed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    let members = owner.members(&ws).await.ok();
    assert!(!members[0].removable, "no Remove on your own row or the last owner's");
    let refused = owner
        .call::<String>(
            "remove_member",
            &[("workspace_id", &ws), ("user_id", &members[0].user_id)],
        )
        .await;
    assert_eq!(refused.status, 409);
    assert_eq!(
        refused.err().to_string(),
        "Ada is the only owner of Acme and can't be removed"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM memberships WHERE workspace_id = $1", &ws)
            .await,
        1
    );
    app.stop().await;
}

async fn members_view_but_do_not_manage(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, jon, ws) = workspace_with_member(&app).await;
    assert_eq!(jon.members(&ws).await.ok().len(), 2);
    owner
        .call::<String>(
            "create_board",
            &[("workspace_id", &ws), ("name", "Q3 revenue"), ("content", "Up 12%")],
        )
        .await
        .ok();
    let boards = jon
        .call::<Vec<boardroom::boards::Board>>("list_boards", &[("workspace_id", &ws)])
        .await
        .ok();
    assert_eq!(boards[0].name, "Q3 revenue");

    for refused in [
        jon.invite(&ws, "kim@example.com").await.status,
        jon.pending(&ws).await.status,
        jon.call::<String>(
            "create_board",
            &[("workspace_id", &ws), ("name", "Mine"), ("content", "")],
        )
        .await
        .status,
        jon.call::<String>("remove_member", &[("workspace_id", &ws), ("user_id", "anyone")])
            .await
            .status,
        jon.call::<String>("delete_invitation", &[("workspace_id", &ws), ("invitation_id", "any")])
            .await
            .status,
    ] {
        assert_eq!(refused, 403);
    }
    let _ = owner;
    app.stop().await;
}
