use crate::harness::{Backend, TestApp};
use crate::on_both_databases;
use boardroom::error::AppError;

on_both_databases!(
    removing_a_member_ends_their_access,
    the_last_owner_cannot_be_removed,
    members_view_but_do_not_manage,
    a_new_workspace_grants_everyone_business_read,
    a_member_without_grants_sees_nothing,
    ownership_is_handed_over_and_the_last_owner_stays,
    only_owners_remove_an_owner,
);

async fn removing_a_member_ends_their_access(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, jon, ws) = app.workspace_with_member().await;
    let jon_id = owner.member(&ws, "jon@example.com").await.user_id;

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
    assert!(
        !owner.may_remove(&ws, &members[0].email).await,
        "no Remove on your own row or the last owner's"
    );
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
    let (owner, jon, ws) = app.workspace_with_member().await;
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

    // Through `everyone` they hold business_read: READ on all four resources.
    assert_eq!(jon.pending(&ws).await.ok().len(), 0);
    let refused_invite = jon.invite(&ws, "kim@example.com").await;
    assert_eq!(refused_invite.status, 403);
    assert_eq!(
        refused_invite.err().to_string(),
        "You need WRITE on USER_MANAGEMENT to invite people"
    );
    for refused in [
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
    for m in jon.members(&ws).await.ok() {
        assert!(!jon.may_remove(&ws, &m.email).await);
    }
    let _ = owner;
    app.stop().await;
}

async fn a_new_workspace_grants_everyone_business_read(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ws = app.person().sign_up("Ada", "ada@example.com", "Acme").await;
    use sqlx::Row;
    let rows = sqlx::query("SELECT permission, resource, target FROM roles WHERE workspace_id = $1 AND name = 'business_read' ORDER BY resource")
        .bind(&ws)
        .fetch_all(&app.db)
        .await
        .unwrap();
    let grants: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| (r.get("permission"), r.get("resource"), r.get("target")))
        .collect();
    assert_eq!(
        grants,
        ["BUSINESS_INFO", "DATA", "DATA_EXECUTION", "USER_MANAGEMENT"]
            .map(|res| ("READ".to_string(), res.to_string(), "GROUP".to_string()))
            .to_vec()
    );
    let held = app
        .count(
            "SELECT COUNT(*) FROM group_roles gr JOIN groups g ON g.id = gr.group_id \
             WHERE g.workspace_id = $1 AND g.name = 'everyone' AND g.builtin = 1 AND gr.role_name = 'business_read'",
            &ws,
        )
        .await;
    assert_eq!(held, 1);
    app.stop().await;
}

async fn a_member_without_grants_sees_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, jon, ws) = app.workspace_with_member().await;
    // The owner empties what `everyone` holds.
    sqlx::query("DELETE FROM group_roles WHERE group_id IN (SELECT id FROM groups WHERE workspace_id = $1)")
        .bind(&ws)
        .execute(&app.db)
        .await
        .unwrap();
    let boards = jon
        .call::<Vec<boardroom::boards::Board>>("list_boards", &[("workspace_id", &ws)])
        .await;
    assert_eq!(boards.status, 403);
    assert_eq!(boards.err().to_string(), "You need READ on DATA to see boards");
    assert_eq!(jon.members(&ws).await.status, 403);
    assert_eq!(jon.pending(&ws).await.status, 403);
    // Owners hold every grant whatever `everyone` holds.
    owner.members(&ws).await.ok();
    owner
        .call::<Vec<boardroom::boards::Board>>("list_boards", &[("workspace_id", &ws)])
        .await
        .ok();
    app.stop().await;
}

async fn ownership_is_handed_over_and_the_last_owner_stays(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (ada, jon, ws) = app.workspace_with_member().await;
    let ws = ws.as_str();
    let ada_id = ada.member(ws, "ada@example.com").await.user_id;
    let jon_id = ada.member(ws, "jon@example.com").await.user_id;

    // The only owner can neither give ownership up nor leave.
    let give_up = ada
        .call::<String>("revoke_ownership", &[("workspace_id", ws), ("user_id", &ada_id)])
        .await;
    assert_eq!(give_up.status, 409);
    assert_eq!(
        give_up.err().to_string(),
        "You are the only owner of Acme. Make someone else an owner first"
    );
    let leave = ada.call::<()>("leave_workspace", &[("workspace_id", ws)]).await;
    assert_eq!(leave.status, 409);
    assert_eq!(
        leave.err().to_string(),
        "You are the only owner of Acme. Make someone else an owner before you leave"
    );
    // Members can't hand out ownership.
    let refused = jon
        .call::<String>("grant_ownership", &[("workspace_id", ws), ("user_id", &jon_id)])
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(
        refused.err().to_string(),
        "Only owners of Acme can make someone an owner"
    );

    // Ada hands Acme to Jon and gives up her own ownership.
    assert_eq!(
        ada.call::<String>("grant_ownership", &[("workspace_id", ws), ("user_id", &jon_id)])
            .await
            .ok(),
        "Jon"
    );
    assert_eq!(
        ada.call::<String>("revoke_ownership", &[("workspace_id", ws), ("user_id", &ada_id)])
            .await
            .ok(),
        "Ada"
    );
    let members = jon.members(ws).await.ok();
    let owners: Vec<&str> = members.iter().filter(|m| m.is_owner).map(|m| m.name.as_str()).collect();
    assert_eq!(owners, ["Jon"]);
    // Ada is a member now: she can't take ownership back, and can't demote Jon.
    assert_eq!(
        ada.call::<String>("revoke_ownership", &[("workspace_id", ws), ("user_id", &jon_id)])
            .await
            .status,
        403
    );
    let last = jon
        .call::<String>("remove_member", &[("workspace_id", ws), ("user_id", &jon_id)])
        .await;
    assert_eq!(last.status, 409);

    // Any member can leave; Ada goes to where she starts now.
    let left = ada.call::<()>("leave_workspace", &[("workspace_id", ws)]).await;
    assert_eq!(left.redirect.as_deref(), Some("/workspaces/new"));
    left.ok();
    assert_eq!(ada.members(ws).await.status, 404);
    assert_eq!(jon.members(ws).await.ok().len(), 1);
    app.stop().await;
}

/// A member who manages people (WRITE on USER_MANAGEMENT) but owns nothing
/// cannot take ownership away by removing an owner, from a page or over the API.
async fn only_owners_remove_an_owner(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let bo_id = app.new_user("Bo", "bo@example.com").await;
    app.add_membership(&ws, &bo_id, true).await;
    ada.call::<boardroom::roles::RoleRow>(
        "create_role",
        &[
            ("workspace_id", ws.as_str()),
            ("role_name", "people"),
            ("permission", "WRITE"),
            ("resource", "USER_MANAGEMENT"),
            ("target", "USER"),
        ],
    )
    .await
    .ok();
    let (kim_id, kim) = app.member_holding(&ws, "kim@example.com", &["people"]).await;
    let (_, lee) = app.member_holding(&ws, "lee@example.com", &[]).await;
    let lee_id = kim.member(&ws, "lee@example.com").await.user_id;

    let refused = kim
        .call::<String>("remove_member", &[("workspace_id", &ws), ("user_id", &bo_id)])
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(
        refused.err().to_string(),
        "Only owners of Acme can remove an owner, and Bo is one"
    );
    let api = crate::rest::Script::new(&app, &crate::rest::token_for(&kim).await);
    let over_api = api.delete(&format!("/workspaces/{ws}/users/{bo_id}")).await;
    assert_eq!(
        (over_api.status, over_api.code()),
        (403, "forbidden"),
        "{}",
        over_api.body
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM memberships WHERE workspace_id = $1 AND is_owner = 1",
            &ws
        )
        .await,
        2
    );
    // The list offers Kim no Remove on an owner's row, and still one on a member's.
    let rows = kim.members(&ws).await.ok();
    for m in rows.iter().filter(|m| m.is_owner) {
        assert!(!kim.may_remove(&ws, &m.email).await);
    }
    assert!(kim.may_remove(&ws, "lee@example.com").await);
    // Members without ownership she may still remove; owners may remove owners.
    kim.call::<String>("remove_member", &[("workspace_id", &ws), ("user_id", &lee_id)])
        .await
        .ok();
    assert_eq!(
        ada.call::<String>("remove_member", &[("workspace_id", &ws), ("user_id", &bo_id)])
            .await
            .ok(),
        "Bo"
    );
    let _ = (lee, kim_id);
    app.stop().await;
}
