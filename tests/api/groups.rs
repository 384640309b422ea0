use crate::harness::{Backend, TestApp};
use crate::on_both_databases;
use boardroom::groups::Group;

on_both_databases!(
    a_groups_roles_reach_its_members_and_leave_with_them,
    groups_are_named_uniquely
);

async fn a_groups_roles_reach_its_members_and_leave_with_them(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, jon, ws) = app.workspace_with_member().await;
    let ws = ws.as_str();
    owner
        .call::<boardroom::roles::RoleRow>(
            "create_role",
            &[
                ("workspace_id", ws),
                ("role_name", "data_writers"),
                ("permission", "WRITE"),
                ("resource", "DATA"),
                ("target", "GROUP"),
            ],
        )
        .await
        .ok();
    let editors = owner
        .call::<Group>("create_group", &[("workspace_id", ws), ("name", "Editors")])
        .await
        .ok();
    let jon_id = owner.member(ws, "jon@example.com").await.user_id;
    let in_group = [("workspace_id", ws), ("group_id", &editors.id), ("user_id", &jon_id)];
    let board = [("workspace_id", ws), ("name", "Plan"), ("content", "")];
    assert_eq!(jon.call::<String>("create_board", &board).await.status, 403);

    assert_eq!(
        owner.call::<String>("add_group_member", &in_group).await.ok(),
        "Jon added to Editors"
    );
    assert_eq!(owner.call::<String>("add_group_member", &in_group).await.status, 409);
    // Membership alone grants nothing until the group holds a role.
    assert_eq!(jon.call::<String>("create_board", &board).await.status, 403);
    owner
        .call::<String>(
            "grant_group_role",
            &[
                ("workspace_id", ws),
                ("group_id", &editors.id),
                ("role_name", "data_writers"),
            ],
        )
        .await
        .ok();
    assert_eq!(jon.call::<String>("create_board", &board).await.status, 200);
    let listed = owner.members(ws).await.ok();
    assert_eq!(listed.iter().find(|m| m.user_id == jon_id).unwrap().groups, ["Editors"]);

    owner
        .call::<String>(
            "rename_group",
            &[("workspace_id", ws), ("group_id", &editors.id), ("name", "Writers")],
        )
        .await
        .ok();
    assert_eq!(
        owner.call::<String>("remove_group_member", &in_group).await.ok(),
        "Jon removed from Writers"
    );
    assert_eq!(jon.call::<String>("create_board", &board).await.status, 403);

    // Leaving the workspace drops group memberships; deleting a group drops the rest.
    owner.call::<String>("add_group_member", &in_group).await.ok();
    owner
        .call::<String>("remove_member", &[("workspace_id", ws), ("user_id", &jon_id)])
        .await
        .ok();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM group_members WHERE user_id = $1", &jon_id)
            .await,
        0
    );
    owner
        .call::<String>("delete_group", &[("workspace_id", ws), ("group_id", &editors.id)])
        .await
        .ok();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM group_roles WHERE group_id = $1", &editors.id)
            .await,
        0
    );
    let gone = owner
        .call::<String>("delete_group", &[("workspace_id", ws), ("group_id", &editors.id)])
        .await;
    assert_eq!(gone.status, 404);
    app.stop().await;
}

async fn groups_are_named_uniquely(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    let ws = ws.as_str();
    owner
        .call::<Group>("create_group", &[("workspace_id", ws), ("name", "Editors")])
        .await
        .ok();
    let twice = owner
        .call::<Group>("create_group", &[("workspace_id", ws), ("name", " editors ")])
        .await;
    assert_eq!(twice.status, 422);
    assert_eq!(
        twice.err().message_for("name").unwrap(),
        "There is already a group named editors"
    );
    let blank = owner
        .call::<Group>("create_group", &[("workspace_id", ws), ("name", "  ")])
        .await;
    assert_eq!(blank.err().message_for("name").unwrap(), "Enter a group name");
    let everyone = owner
        .call::<Group>("create_group", &[("workspace_id", ws), ("name", "Everyone")])
        .await;
    assert_eq!(everyone.status, 422);
    app.stop().await;
}
