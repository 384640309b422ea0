use crate::harness::{Backend, Person, TestApp};
use crate::on_both_databases;
use boardroom::access::{Permission, Resource, Target};
use boardroom::error::AppError;
use boardroom::roles::RoleRow;

on_both_databases!(
    the_seeds_create_role_works,
    bad_role_values_list_the_allowed_ones,
    members_without_user_management_write_cannot_create_roles,
    nobody_hands_out_a_grant_they_do_not_hold,
    roles_in_use_are_not_deleted,
    roles_chosen_at_invite_are_what_accepting_grants,
    roles_go_only_where_their_target_allows,
    nobody_grants_more_than_they_hold_by_any_route,
    only_owners_change_what_everyone_holds,
);

async fn create_role(
    p: &Person,
    ws: &str,
    name: &str,
    permission: &str,
    resource: &str,
    target: &str,
) -> crate::harness::Answer<RoleRow> {
    p.call(
        "create_role",
        &[
            ("workspace_id", ws),
            ("role_name", name),
            ("permission", permission),
            ("resource", resource),
            ("target", target),
        ],
    )
    .await
}

async fn the_seeds_create_role_works(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    let role = create_role(&owner, &ws, "test_role", "WRITE", "DATA", "USER")
        .await
        .ok();
    assert_eq!(
        (role.name.as_str(), role.permission, role.resource, role.target),
        ("test_role", Permission::Write, Resource::Data, Target::User)
    );
    let again = create_role(&owner, &ws, "test_role", "WRITE", "DATA", "USER").await;
    assert_eq!(again.status, 409);
    assert_eq!(
        again.err().to_string(),
        "The role test_role already has WRITE on DATA for USER"
    );
    let roles = owner
        .call::<Vec<RoleRow>>("list_roles", &[("workspace_id", &ws)])
        .await
        .ok();
    assert_eq!(roles.iter().filter(|r| r.name == "business_read").count(), 4);
    assert_eq!(roles.iter().filter(|r| r.name == "test_role").count(), 1);
    let deleted = owner
        .call::<String>("delete_role", &[("workspace_id", &ws), ("role_name", "test_role")])
        .await;
    assert_eq!(deleted.ok(), "test_role");
    app.stop().await;
}

async fn bad_role_values_list_the_allowed_ones(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    let bad = create_role(&owner, &ws, " ", "EXECUTE", "DATUM", "TEAM").await;
    assert_eq!(bad.status, 422);
    let e = bad.err();
    assert_eq!(e.message_for("role_name").unwrap(), "Enter a role name");
    assert_eq!(
        e.message_for("permission").unwrap(),
        "Choose a permission: READ, WRITE (not \u{201c}EXECUTE\u{201d})"
    );
    assert!(
        e.message_for("resource")
            .unwrap()
            .starts_with("Choose a resource: DATA, DATA_EXECUTION, USER_MANAGEMENT, BUSINESS_INFO")
    );
    assert!(
        e.message_for("target")
            .unwrap()
            .starts_with("Choose a target: USER, GROUP")
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM roles WHERE workspace_id = $1", &ws)
            .await,
        4
    );
    app.stop().await;
}

async fn members_without_user_management_write_cannot_create_roles(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_owner, jon, ws) = app.workspace_with_member().await;
    let refused = create_role(&jon, &ws, "mine", "READ", "DATA", "USER").await;
    assert_eq!(refused.status, 403);
    assert_eq!(
        refused.err().to_string(),
        "You need WRITE on USER_MANAGEMENT to create roles"
    );
    // business_read includes READ on USER_MANAGEMENT: roles can be seen.
    jon.call::<Vec<RoleRow>>("list_roles", &[("workspace_id", &ws)])
        .await
        .ok();
    app.stop().await;
}

async fn nobody_hands_out_a_grant_they_do_not_hold(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, jon, ws) = app.workspace_with_member().await;
    // Jon is given user management, and only that, directly.
    create_role(&owner, &ws, "people", "WRITE", "USER_MANAGEMENT", "USER")
        .await
        .ok();
    let jon_id = owner
        .members(&ws)
        .await
        .ok()
        .into_iter()
        .find(|m| m.email == "jon@example.com")
        .unwrap()
        .user_id;
    sqlx::query("INSERT INTO member_roles (workspace_id, user_id, role_name) VALUES ($1, $2, 'people')")
        .bind(&ws)
        .bind(&jon_id)
        .execute(&app.db)
        .await
        .unwrap();
    create_role(&jon, &ws, "readers", "READ", "DATA", "GROUP").await.ok();
    let escalation = create_role(&jon, &ws, "writers", "WRITE", "DATA", "USER").await;
    assert_eq!(escalation.status, 403);
    assert_eq!(
        escalation.err().to_string(),
        "You can't create a role with WRITE on DATA: you don't hold it yourself"
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM roles WHERE workspace_id = $1 AND name = 'writers'",
            &ws
        )
        .await,
        0
    );
    app.stop().await;
}

async fn roles_in_use_are_not_deleted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    let refused = owner
        .call::<String>("delete_role", &[("workspace_id", &ws), ("role_name", "business_read")])
        .await;
    assert_eq!(refused.status, 409);
    assert_eq!(
        refused.err().to_string(),
        "The role business_read is held by the group everyone. Take it away there first"
    );
    let missing = owner
        .call::<String>("delete_role", &[("workspace_id", &ws), ("role_name", "nope")])
        .await;
    assert!(matches!(missing.err(), AppError::NotFound(m) if m == "There is no role named nope"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM roles WHERE workspace_id = $1", &ws)
            .await,
        4
    );

    // Held by a pending invitation, then by a member too: refused, saying where.
    create_role(&owner, &ws, "reviewer", "READ", "DATA", "USER").await.ok();
    owner
        .call::<serde_json::Value>(
            "invite_user",
            &[
                ("workspace_id", &ws),
                ("emails", "jon@example.com"),
                ("roles[0]", "reviewer"),
            ],
        )
        .await
        .ok();
    let form = [("workspace_id", ws.as_str()), ("role_name", "reviewer")];
    let delete = || owner.call::<String>("delete_role", &form);
    let refused = delete().await;
    assert_eq!(refused.status, 409);
    assert_eq!(
        refused.err().to_string(),
        "The role reviewer is held by 1 pending invitation. Take it away there first"
    );
    let kim = app.person();
    kim.sign_up("Kim", "kim@example.com", "Kim's").await;
    let kim_id: String = sqlx::query_scalar("SELECT id FROM users WHERE email = 'kim@example.com'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    app.add_membership(&ws, &kim_id, false).await;
    owner
        .call::<String>(
            "set_member_roles",
            &[("workspace_id", &ws), ("user_id", &kim_id), ("roles[0]", "reviewer")],
        )
        .await
        .ok();
    let refused = delete().await;
    assert_eq!(
        refused.err().to_string(),
        "The role reviewer is held by 1 member, 1 pending invitation. Take it away there first"
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM roles WHERE workspace_id = $1 AND name = 'reviewer'",
            &ws
        )
        .await,
        1,
        "nothing deleted"
    );

    // Taken away in both places, it goes.
    owner
        .call::<String>("set_member_roles", &[("workspace_id", &ws), ("user_id", &kim_id)])
        .await
        .ok();
    let jon = owner.pending(&ws).await.ok().remove(0).id;
    owner
        .call::<String>(
            "set_invitation_roles",
            &[("workspace_id", &ws), ("invitation_id", &jon)],
        )
        .await
        .ok();
    assert_eq!(delete().await.status, 200);
    app.stop().await;
}

async fn roles_chosen_at_invite_are_what_accepting_grants(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.person();
    let ws = owner.sign_up("Ada", "ada@example.com", "Acme").await;
    create_role(&owner, &ws, "test_role", "WRITE", "DATA", "USER")
        .await
        .ok();
    create_role(&owner, &ws, "auditor", "READ", "BUSINESS_INFO", "USER")
        .await
        .ok();

    // A plain HTML form posts the checkboxes as roles[0], roles[1], …
    let posted = owner
        .post_plain_form(
            "invite_user",
            &format!("{}/w/{ws}/users", owner.address),
            &[
                ("workspace_id", ws.as_str()),
                ("emails", "jon@example.com"),
                ("roles[0]", "test_role"),
                ("roles[1]", "auditor"),
            ],
        )
        .await;
    assert!(posted.status().is_redirection(), "{}", posted.status());
    owner.invite(&ws, "sam@example.com").await.ok();
    let pending = owner.pending(&ws).await.ok();
    let jon_inv = pending.iter().find(|i| i.email == "jon@example.com").unwrap();
    assert_eq!(jon_inv.roles, ["auditor", "test_role"]);
    assert!(
        pending
            .iter()
            .find(|i| i.email == "sam@example.com")
            .unwrap()
            .roles
            .is_empty()
    );

    // Changed while pending: accepting grants the roles as they are then.
    owner
        .call::<String>(
            "set_invitation_roles",
            &[
                ("workspace_id", ws.as_str()),
                ("invitation_id", &jon_inv.id),
                ("roles[0]", "test_role"),
            ],
        )
        .await
        .ok();
    let jon = app.person();
    let token = app.smtp.wait_for("jon@example.com", 1).await.invite_token();
    jon.accept_new(&token, "Jon", "winter is here").await.ok();
    let sam = app.person();
    let token = app.smtp.wait_for("sam@example.com", 1).await.invite_token();
    sam.accept_new(&token, "Sam", "winter is here").await.ok();

    assert_eq!(owner.member(&ws, "jon@example.com").await.roles, ["test_role"]);
    assert!(owner.member(&ws, "sam@example.com").await.roles.is_empty());
    let board = [("workspace_id", ws.as_str()), ("name", "Q3 plan"), ("content", "")];
    assert_eq!(jon.call::<String>("create_board", &board).await.ok(), "Q3 plan");
    // Sam holds only what everyone holds: he sees boards but can't create one.
    assert_eq!(
        sam.call::<Vec<boardroom::boards::Board>>("list_boards", &[("workspace_id", &ws)])
            .await
            .ok()
            .len(),
        1
    );
    let refused = sam.call::<String>("create_board", &board).await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.err().to_string(), "You need WRITE on DATA to create boards");

    // Roles change after joining too.
    let sam_id = owner.member(&ws, "sam@example.com").await.user_id;
    let saved = owner
        .call::<String>(
            "set_member_roles",
            &[
                ("workspace_id", ws.as_str()),
                ("user_id", &sam_id),
                ("roles[0]", "test_role"),
            ],
        )
        .await;
    assert_eq!(saved.ok(), "Sam");
    assert_eq!(
        sam.call::<String>(
            "create_board",
            &[("workspace_id", ws.as_str()), ("name", "Mine"), ("content", "")]
        )
        .await
        .status,
        200
    );
    owner
        .call::<String>(
            "set_member_roles",
            &[("workspace_id", ws.as_str()), ("user_id", &sam_id)],
        )
        .await
        .ok();
    assert_eq!(sam.call::<String>("create_board", &board).await.status, 403);
    app.stop().await;
}

async fn roles_go_only_where_their_target_allows(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, _jon, ws) = app.workspace_with_member().await;
    create_role(&owner, &ws, "test_role", "WRITE", "DATA", "USER")
        .await
        .ok();
    let jon_id = owner.member(&ws, "jon@example.com").await.user_id;

    let to_person = owner
        .call::<String>(
            "set_member_roles",
            &[
                ("workspace_id", ws.as_str()),
                ("user_id", &jon_id),
                ("roles[0]", "business_read"),
                ("roles[1]", "nope"),
            ],
        )
        .await;
    assert_eq!(to_person.status, 422);
    let AppError::Invalid(errors) = to_person.err() else {
        panic!()
    };
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "The role business_read is for groups (target GROUP), so it can't be given to a person. Give it to a group instead",
            "There is no role named nope",
        ]
    );
    let invite = owner
        .call::<serde_json::Value>(
            "invite_user",
            &[
                ("workspace_id", ws.as_str()),
                ("emails", "kim@example.com"),
                ("roles[0]", "business_read"),
            ],
        )
        .await;
    assert_eq!(invite.status, 422);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM invitations WHERE email = $1", "kim@example.com")
            .await,
        0
    );

    let group = owner
        .call::<boardroom::groups::Group>("create_group", &[("workspace_id", ws.as_str()), ("name", "Editors")])
        .await
        .ok();
    let to_group = owner
        .call::<String>(
            "grant_group_role",
            &[
                ("workspace_id", ws.as_str()),
                ("group_id", &group.id),
                ("role_name", "test_role"),
            ],
        )
        .await;
    assert_eq!(to_group.status, 422);
    assert_eq!(
        to_group.err().to_string(),
        "The role test_role is for people (target USER), so it can't be given to a group. Give it to members instead"
    );
    assert!(owner.member(&ws, "jon@example.com").await.roles.is_empty());
    app.stop().await;
}

async fn nobody_grants_more_than_they_hold_by_any_route(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, jon, ws) = app.workspace_with_member().await;
    let ws = ws.as_str();
    create_role(&owner, ws, "people", "WRITE", "USER_MANAGEMENT", "USER")
        .await
        .ok();
    create_role(&owner, ws, "test_role", "WRITE", "DATA", "USER").await.ok();
    create_role(&owner, ws, "data_writers", "WRITE", "DATA", "GROUP")
        .await
        .ok();
    let jon_id = owner.member(ws, "jon@example.com").await.user_id;
    owner
        .call::<String>(
            "set_member_roles",
            &[("workspace_id", ws), ("user_id", &jon_id), ("roles[0]", "people")],
        )
        .await
        .ok();
    let editors = owner
        .call::<boardroom::groups::Group>("create_group", &[("workspace_id", ws), ("name", "Editors")])
        .await
        .ok();
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
    owner.invite(ws, "kim@example.com").await.ok();
    let kim_invitation = owner.pending(ws).await.ok()[0].id.clone();
    let (sam_id, _sam) = app.member_holding(ws, "sam@example.com", &[]).await;
    let empty = jon
        .call::<boardroom::groups::Group>("create_group", &[("workspace_id", ws), ("name", "Empty")])
        .await
        .ok();

    let says = "You can't give the role test_role: it grants WRITE on DATA, which you don't hold yourself";
    type Form<'a> = Vec<(&'a str, &'a str)>;
    let attempts: Vec<(&str, Form, &str)> = vec![
        (
            "invite_user",
            vec![("emails", "lee@example.com"), ("roles[0]", "test_role")],
            says,
        ),
        (
            "set_member_roles",
            vec![("user_id", &sam_id), ("roles[0]", "test_role")],
            says,
        ),
        (
            "set_member_roles",
            vec![("user_id", &jon_id), ("roles[0]", "people"), ("roles[1]", "test_role")],
            says,
        ),
        (
            "set_invitation_roles",
            vec![("invitation_id", &kim_invitation), ("roles[0]", "test_role")],
            says,
        ),
        (
            "add_group_member",
            vec![("group_id", &editors.id), ("user_id", &jon_id)],
            "You can't add people to Editors: it grants WRITE on DATA, which you don't hold yourself",
        ),
        (
            "grant_group_role",
            vec![("group_id", &empty.id), ("role_name", "data_writers")],
            "You can't give the role data_writers: it grants WRITE on DATA, which you don't hold yourself",
        ),
        (
            "create_role",
            vec![
                ("role_name", "mine"),
                ("permission", "WRITE"),
                ("resource", "DATA"),
                ("target", "USER"),
            ],
            "You can't create a role with WRITE on DATA: you don't hold it yourself",
        ),
    ];
    for (endpoint, extra, message) in attempts {
        let mut form = vec![("workspace_id", ws)];
        form.extend(extra);
        let refused = jon.call::<serde_json::Value>(endpoint, &form).await;
        assert_eq!(refused.status, 403, "{endpoint}");
        assert_eq!(refused.err().to_string(), message, "{endpoint}");
    }
    // Nothing changed, and what Jon holds he may hand on.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM invitations WHERE email = $1", "lee@example.com")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM member_roles WHERE role_name = $1", "test_role")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM group_members WHERE group_id = $1", &editors.id)
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM group_roles WHERE group_id = $1", &empty.id)
            .await,
        0
    );
    jon.call::<String>(
        "set_member_roles",
        &[("workspace_id", ws), ("user_id", &sam_id), ("roles[0]", "people")],
    )
    .await
    .ok();
    app.stop().await;
}

async fn only_owners_change_what_everyone_holds(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, jon, ws) = app.workspace_with_member().await;
    let ws = ws.as_str();
    create_role(&owner, ws, "people", "WRITE", "USER_MANAGEMENT", "USER")
        .await
        .ok();
    let jon_id = owner.member(ws, "jon@example.com").await.user_id;
    owner
        .call::<String>(
            "set_member_roles",
            &[("workspace_id", ws), ("user_id", &jon_id), ("roles[0]", "people")],
        )
        .await
        .ok();
    let everyone = owner.everyone(ws).await;
    assert_eq!(
        (everyone.name.as_str(), everyone.roles.as_slice()),
        ("everyone", &["business_read".to_string()][..])
    );
    let take = [
        ("workspace_id", ws),
        ("group_id", &everyone.id),
        ("role_name", "business_read"),
    ];
    let refused = jon.call::<String>("revoke_group_role", &take).await;
    assert_eq!(refused.status, 403);
    assert_eq!(
        refused.err().to_string(),
        "Only owners can change what the group everyone holds"
    );
    for (endpoint, extra) in [
        ("rename_group", ("name", "all")),
        ("delete_group", ("name", "")),
        ("add_group_member", ("user_id", jon_id.as_str())),
    ] {
        let answer = owner
            .call::<serde_json::Value>(endpoint, &[("workspace_id", ws), ("group_id", &everyone.id), extra])
            .await;
        assert_eq!(answer.status, 409, "{endpoint}");
    }
    owner.call::<String>("revoke_group_role", &take).await.ok();
    // Jon now holds only his own role: people, but no boards.
    let boards = jon
        .call::<serde_json::Value>("list_boards", &[("workspace_id", ws)])
        .await;
    assert_eq!(boards.status, 403);
    assert_eq!(boards.err().to_string(), "You need READ on DATA to see boards");
    jon.members(ws).await.ok();
    app.stop().await;
}
