use crate::harness::{Backend, Person, TestApp};
use crate::on_both_databases;
use boardroom::error::AppError;
use boardroom::roles::{Permission, Resource, RoleRow, Target};

on_both_databases!(
    the_seeds_create_role_works,
    bad_role_values_list_the_allowed_ones,
    members_without_user_management_write_cannot_create_roles,
    nobody_hands_out_a_grant_they_do_not_hold,
    roles_in_use_are_not_deleted,
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
    app.stop().await;
}
