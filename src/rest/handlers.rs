//! Each route: who is calling, which workspace, then the same service the
//! pages use.

use super::extract::{Body, Caller, Params};
use super::page::PageQuery;
use super::{ApiError, Page};
use crate::accounts::service::User;
use crate::groups::Group;
use crate::invitations::PendingInvitation;
use crate::members::Member;
use crate::platform::state::AppState;
use crate::roles::RoleRow;
use crate::workspaces::WorkspaceSummary;
use crate::workspaces::service::Access;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

type Answer<T> = Result<T, ApiError>;

// The schemas state what names may be (the server's rules, so that a client
// generated from the document cannot send what will be refused): a name of a
// workspace or group is not blank and holds no control characters; a role name
// holds letters, digits, spaces, dots, dashes and underscores.

async fn workspace(state: &AppState, caller: &User, key: &str) -> Answer<Access> {
    Ok(crate::workspaces::service::resolve(&state.db, caller, key).await?)
}

fn created<T: Serialize>(value: T) -> Response {
    (StatusCode::CREATED, Json(value)).into_response()
}

// Workspaces ---------------------------------------------------------------

#[utoipa::path(get, path = "/workspaces", tag = "Workspaces", summary = "The workspaces the token's owner belongs to", params(PageQuery), responses((status = 200, body = Page<WorkspaceSummary>), super::Refusals))]
pub async fn list_workspaces(
    State(state): State<AppState>,
    Caller(caller): Caller,
    q: PageQuery,
) -> Answer<Json<Page<WorkspaceSummary>>> {
    let all = crate::workspaces::service::list_for_user(&state.db, &caller.id).await?;
    Ok(Json(Page::of(all, &q)?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewWorkspace {
    #[schema(
        min_length = 1,
        max_length = 80,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    name: String,
}

#[utoipa::path(post, path = "/workspaces", tag = "Workspaces", summary = "Creates a workspace the token's owner owns", request_body = NewWorkspace, responses((status = 201, body = WorkspaceSummary), super::Refusals))]
pub async fn create_workspace(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Body(body): Body<NewWorkspace>,
) -> Answer<Response> {
    let name = crate::domain::Title::parse(&body.name, "workspace name")
        .map_err(|m| ApiError::from(crate::error::AppError::field("name", m)))?;
    let mut tx = state.db.begin().await?;
    let made = crate::workspaces::service::create(&mut tx, &caller, &name)
        .await
        .map_err(|e| ApiError::from(e).renamed_field("workspace", "name"))?;
    tx.commit().await?;
    Ok(created(made))
}

#[utoipa::path(get, path = "/workspaces/{ws}", tag = "Workspaces", summary = "One workspace, by id or by name", params(("ws" = String, Path, description = "The workspace: its id, or its name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$")), responses((status = 200, body = WorkspaceSummary), super::Refusals))]
pub async fn get_workspace(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(ws): Params<String>,
) -> Answer<Json<WorkspaceSummary>> {
    let access = workspace(&state, &caller, &ws).await?;
    Ok(Json(WorkspaceSummary {
        id: access.workspace_id,
        name: access.workspace_name,
        is_owner: access.is_owner,
    }))
}

// Roles --------------------------------------------------------------------

/// A role: its name and every grant it carries.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Role {
    pub name: String,
    pub grants: Vec<RoleRow>,
}

fn by_name(rows: Vec<RoleRow>) -> Vec<Role> {
    let mut roles: Vec<Role> = Vec::new();
    for row in rows {
        match roles.iter_mut().find(|r| r.name == row.name) {
            Some(r) => r.grants.push(row),
            None => roles.push(Role {
                name: row.name.clone(),
                grants: vec![row],
            }),
        }
    }
    roles
}

/// The role `key` names: a role name, or the id of one of its grants.
async fn find_role(state: &AppState, access: &Access, key: &str) -> Answer<Role> {
    let rows = crate::roles::service::list_roles(&state.db, access).await?;
    let name = rows
        .iter()
        .find(|r| r.id == key)
        .map(|r| r.name.clone())
        .unwrap_or_else(|| key.to_string());
    by_name(rows)
        .into_iter()
        .find(|r| r.name == name)
        .ok_or_else(|| ApiError::new(404, "not_found", format!("There is no role named {key}")))
}

#[utoipa::path(get, path = "/workspaces/{ws}/roles", tag = "Roles", summary = "The workspace's roles, each with its grants", params(("ws" = String, Path, description = "The workspace: its id, or its name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$"), PageQuery), responses((status = 200, body = Page<Role>), super::Refusals))]
pub async fn list_roles(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(ws): Params<String>,
    q: PageQuery,
) -> Answer<Json<Page<Role>>> {
    let access = workspace(&state, &caller, &ws).await?;
    let rows = crate::roles::service::list_roles(&state.db, &access).await?;
    Ok(Json(Page::of(by_name(rows), &q)?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewRole {
    #[schema(min_length = 1, max_length = 64, pattern = "^[\\w .-]*[\\w.-][\\w .-]*$")]
    role_name: String,
    #[schema(value_type = crate::roles::Permission)]
    permission: String,
    #[schema(value_type = crate::roles::Resource)]
    resource: String,
    #[schema(value_type = crate::roles::Target)]
    target: String,
}

#[utoipa::path(post, path = "/workspaces/{ws}/roles", tag = "Roles", summary = "The seed's create_role: adds a grant to a role, creating it", params(("ws" = String, Path, description = "The workspace: its id, or its name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$")), request_body = NewRole, responses((status = 201, body = RoleRow), super::Refusals))]
pub async fn create_role(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(ws): Params<String>,
    Body(b): Body<NewRole>,
) -> Answer<Response> {
    let access = workspace(&state, &caller, &ws).await?;
    let row =
        crate::roles::service::create_role(&state.db, &access, &b.role_name, &b.permission, &b.resource, &b.target)
            .await?;
    Ok(created(row))
}

#[utoipa::path(get, path = "/workspaces/{ws}/roles/{role}", tag = "Roles", summary = "One role, by name or by the id of one of its grants", params(("ws" = String, Path, description = "The workspace: its id, or its name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$"), ("role" = String, Path, description = "A role name, or a grant id create_role returned", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$")), responses((status = 200, body = Role), super::Refusals))]
pub async fn get_role(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params((ws, role)): Params<(String, String)>,
) -> Answer<Json<Role>> {
    let access = workspace(&state, &caller, &ws).await?;
    Ok(Json(find_role(&state, &access, &role).await?))
}

#[utoipa::path(delete, path = "/workspaces/{ws}/roles/{role}", tag = "Roles", summary = "Deletes a role no one holds", params(("ws" = String, Path, description = "The workspace: its id, or its name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$"), ("role" = String, Path, description = "A role name, or a grant id create_role returned", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$")), responses((status = 204, description = "Done"), super::Refusals))]
pub async fn delete_role(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params((ws, role)): Params<(String, String)>,
) -> Answer<StatusCode> {
    let access = workspace(&state, &caller, &ws).await?;
    access.authorize(
        crate::roles::Permission::Write,
        crate::roles::Resource::UserManagement,
        "delete roles",
    )?;
    let name = find_role(&state, &access, &role).await?.name;
    crate::roles::service::delete_role(&state.db, &access, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

// Invitations --------------------------------------------------------------

/// A role as a script names it: its name, or the object `create_role` returned.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum RoleRef {
    Name(String),
    Object {
        #[serde(alias = "role_name")]
        name: String,
    },
}

fn role_names(refs: Vec<RoleRef>) -> Vec<String> {
    refs.into_iter()
        .map(|r| match r {
            RoleRef::Name(n) | RoleRef::Object { name: n } => n,
        })
        .collect()
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewInvitation {
    #[schema(format = Email, min_length = 3, max_length = 254)]
    email: String,
    #[serde(default)]
    roles: Vec<RoleRef>,
    #[serde(default = "yes")]
    send_email: bool,
}

fn yes() -> bool {
    true
}

#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct InvitationCreated {
    /// `sent` for a new invitation, `renewed` when one was pending already.
    pub status: String,
    pub invitation: PendingInvitation,
    /// With `send_email: false`, the link to hand over; shown this once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accept_url: Option<String>,
}

/// The pending invitation `key` names (its id, or the invited email). One that
/// was accepted or withdrawn is gone (410), and says which.
async fn find_invitation(state: &AppState, access: &Access, key: &str) -> Answer<PendingInvitation> {
    use sqlx::Row;
    let wanted = key.trim().to_lowercase();
    if let Some(found) = crate::invitations::service::pending(&state.db, access)
        .await?
        .into_iter()
        .find(|i| i.id == key || i.email == wanted)
    {
        return Ok(found);
    }
    let closed = sqlx::query(
        "SELECT email, status FROM invitations WHERE workspace_id = $1 AND (id = $2 OR email = $3) \
         ORDER BY created_at DESC LIMIT 1",
    )
    .bind(&access.workspace_id)
    .bind(key)
    .bind(&wanted)
    .fetch_optional(&state.db)
    .await?;
    Err(match closed {
        Some(row) => {
            let email: String = row.try_get("email")?;
            let what = match row.try_get::<String, _>("status")?.as_str() {
                "accepted" => "was accepted",
                _ => "was withdrawn",
            };
            ApiError::new(
                410,
                "gone",
                format!("The invitation to {email} {what}; it is no longer pending"),
            )
        }
        None => ApiError::new(404, "not_found", format!("There is no pending invitation for {key}")),
    })
}

#[utoipa::path(post, path = "/workspaces/{ws}/invitations", tag = "Invitations", summary = "The seed's invite_user: invites one person, renewing a pending invitation", params(("ws" = String, Path, description = "The workspace: its id, or its name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$")), request_body = NewInvitation, responses((status = 201, body = InvitationCreated), super::Refusals))]
pub async fn create_invitation(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(ws): Params<String>,
    Body(b): Body<NewInvitation>,
) -> Answer<Response> {
    let access = workspace(&state, &caller, &ws).await?;
    if crate::domain::split_email_list(&b.email).len() != 1 {
        return Err(ApiError::new(422, "invalid_email", "Send one email address per invitation").on_field("email"));
    }
    let report = crate::invitations::service::invite_with(
        &state.db,
        &state.config,
        &access,
        &b.email,
        &role_names(b.roles),
        b.send_email,
    )
    .await
    .map_err(|e| {
        let mut e = ApiError::from(e).renamed_field("emails", "email");
        if e.code == "invalid" && e.field.as_deref() == Some("email") {
            e.code = "invalid_email".into();
        }
        e
    })?;
    if let Some(failed) = report.failed.first() {
        let status = match failed.code.as_str() {
            "invalid_email" => 422,
            "rate_limited" => 429,
            _ => 409,
        };
        let mut error = ApiError::new(status, &failed.code, failed.reason.clone()).on_field("email");
        error.retry_after = failed.retry_after;
        return Err(error);
    }
    let status = if report.sent.is_empty() { "renewed" } else { "sent" };
    let email = report
        .sent
        .first()
        .or(report.resent.first())
        .cloned()
        .unwrap_or_default();
    let invitation = find_invitation(&state, &access, &email).await?;
    let accept_url = if b.send_email {
        state.mailer.wake();
        None
    } else {
        crate::invitations::service::mint_link(&state.db, &state.config, &invitation.id)
            .await?
            .map(|m| m.url)
    };
    Ok(created(InvitationCreated {
        status: status.into(),
        invitation,
        accept_url,
    }))
}

#[utoipa::path(get, path = "/workspaces/{ws}/invitations", tag = "Invitations", summary = "The seed's get_pending_invitations", params(("ws" = String, Path, description = "The workspace: its id, or its name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$"), PageQuery), responses((status = 200, body = Page<PendingInvitation>), super::Refusals))]
pub async fn list_invitations(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(ws): Params<String>,
    q: PageQuery,
) -> Answer<Json<Page<PendingInvitation>>> {
    let access = workspace(&state, &caller, &ws).await?;
    let all = crate::invitations::service::pending(&state.db, &access).await?;
    Ok(Json(Page::of(all, &q)?))
}

#[utoipa::path(delete, path = "/workspaces/{ws}/invitations/{invitation}", tag = "Invitations", summary = "The seed's delete_pending_invitation", params(("ws" = String, Path, description = "The workspace: its id, or its name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$"), ("invitation" = String, Path, description = "The invitation's id, or the invited email", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$")), responses((status = 204, description = "Done"), super::Refusals))]
pub async fn delete_invitation(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params((ws, key)): Params<(String, String)>,
) -> Answer<StatusCode> {
    let access = workspace(&state, &caller, &ws).await?;
    access.authorize(
        crate::roles::Permission::Write,
        crate::roles::Resource::UserManagement,
        "withdraw invitations",
    )?;
    let invitation = find_invitation(&state, &access, &key).await?;
    crate::invitations::service::revoke(&state.db, &access, &invitation.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/workspaces/{ws}/invitations/{invitation}/resend", tag = "Invitations", summary = "Renews an invitation and sends its email again", params(("ws" = String, Path, description = "The workspace: its id, or its name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$"), ("invitation" = String, Path, description = "The invitation's id, or the invited email", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$")), responses((status = 200, body = PendingInvitation), super::Refusals))]
pub async fn resend_invitation(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params((ws, key)): Params<(String, String)>,
) -> Answer<Json<PendingInvitation>> {
    let access = workspace(&state, &caller, &ws).await?;
    access.authorize(
        crate::roles::Permission::Write,
        crate::roles::Resource::UserManagement,
        "resend invitations",
    )?;
    let invitation = find_invitation(&state, &access, &key).await?;
    crate::invitations::service::resend(&state.db, &state.config, &access, &invitation.id).await?;
    state.mailer.wake();
    Ok(Json(find_invitation(&state, &access, &invitation.id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RolesBody {
    roles: Vec<RoleRef>,
}

#[utoipa::path(put, path = "/workspaces/{ws}/invitations/{invitation}/roles", tag = "Invitations", summary = "Changes what accepting the invitation grants", params(("ws" = String, Path, description = "The workspace: its id, or its name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$"), ("invitation" = String, Path, description = "The invitation's id, or the invited email", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$")), request_body = RolesBody, responses((status = 200, body = PendingInvitation), super::Refusals))]
pub async fn set_invitation_roles(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params((ws, key)): Params<(String, String)>,
    Body(b): Body<RolesBody>,
) -> Answer<Json<PendingInvitation>> {
    let access = workspace(&state, &caller, &ws).await?;
    let invitation = find_invitation(&state, &access, &key).await?;
    crate::roles::service::set_invitation_roles(&state.db, &access, &invitation.id, &role_names(b.roles)).await?;
    Ok(Json(find_invitation(&state, &access, &invitation.id).await?))
}

// Users --------------------------------------------------------------------

async fn find_member(state: &AppState, access: &Access, key: &str) -> Answer<Member> {
    let wanted = key.trim().to_lowercase();
    crate::members::service::list(&state.db, access)
        .await?
        .into_iter()
        .find(|m| m.user_id == key || m.email == wanted)
        .ok_or_else(|| ApiError::new(404, "not_found", format!("{key} is not a member of this workspace")))
}

#[utoipa::path(get, path = "/workspaces/{ws}/users", tag = "Users", summary = "The seed's get_all_workspace_users", params(("ws" = String, Path, description = "The workspace: its id, or its name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$"), PageQuery), responses((status = 200, body = Page<Member>), super::Refusals))]
pub async fn list_users(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(ws): Params<String>,
    q: PageQuery,
) -> Answer<Json<Page<Member>>> {
    let access = workspace(&state, &caller, &ws).await?;
    let all = crate::members::service::list(&state.db, &access).await?;
    Ok(Json(Page::of(all, &q)?))
}

#[utoipa::path(get, path = "/workspaces/{ws}/users/{user}", tag = "Users", summary = "One member, by user id or email", params(("ws" = String, Path, description = "The workspace: its id, or its name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$"), ("user" = String, Path, description = "The member's user id, or email", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$")), responses((status = 200, body = Member), super::Refusals))]
pub async fn get_user(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params((ws, key)): Params<(String, String)>,
) -> Answer<Json<Member>> {
    let access = workspace(&state, &caller, &ws).await?;
    Ok(Json(find_member(&state, &access, &key).await?))
}

#[utoipa::path(delete, path = "/workspaces/{ws}/users/{user}", tag = "Users", summary = "The seed's remove_user_from_workspace", params(("ws" = String, Path, description = "The workspace: its id, or its name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$"), ("user" = String, Path, description = "The member's user id, or email", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$")), responses((status = 204, description = "Done"), super::Refusals))]
pub async fn remove_user(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params((ws, key)): Params<(String, String)>,
) -> Answer<StatusCode> {
    let access = workspace(&state, &caller, &ws).await?;
    access.authorize(
        crate::roles::Permission::Write,
        crate::roles::Resource::UserManagement,
        "remove members",
    )?;
    let member = find_member(&state, &access, &key).await?;
    if member.user_id == caller.id {
        return Err(ApiError::new(
            409,
            "conflict",
            "To leave a workspace yourself, use its Settings page",
        ));
    }
    crate::members::service::remove(&state.db, &access, &member.user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/workspaces/{ws}/users/{user}/roles", tag = "Users", summary = "Replaces the roles a member holds directly", params(("ws" = String, Path, description = "The workspace: its id, or its name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$"), ("user" = String, Path, description = "The member's user id, or email", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$")), request_body = RolesBody, responses((status = 200, body = Member), super::Refusals))]
pub async fn set_user_roles(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params((ws, key)): Params<(String, String)>,
    Body(b): Body<RolesBody>,
) -> Answer<Json<Member>> {
    let access = workspace(&state, &caller, &ws).await?;
    let member = find_member(&state, &access, &key).await?;
    crate::roles::service::set_member_roles(&state.db, &access, &member.user_id, &role_names(b.roles)).await?;
    Ok(Json(find_member(&state, &access, &member.user_id).await?))
}

// Groups -------------------------------------------------------------------

async fn find_group(state: &AppState, access: &Access, key: &str) -> Answer<Group> {
    let wanted = key.trim().to_lowercase();
    crate::groups::service::list(&state.db, access)
        .await?
        .into_iter()
        .find(|g| g.id == key || g.name.to_lowercase() == wanted)
        .ok_or_else(|| ApiError::new(404, "not_found", format!("There is no group {key}")))
}

#[utoipa::path(get, path = "/workspaces/{ws}/groups", tag = "Groups", summary = "The workspace's groups", params(("ws" = String, Path, description = "The workspace: its id, or its name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$"), PageQuery), responses((status = 200, body = Page<Group>), super::Refusals))]
pub async fn list_groups(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(ws): Params<String>,
    q: PageQuery,
) -> Answer<Json<Page<Group>>> {
    let access = workspace(&state, &caller, &ws).await?;
    let all = crate::groups::service::list(&state.db, &access).await?;
    Ok(Json(Page::of(all, &q)?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct GroupName {
    #[schema(
        min_length = 1,
        max_length = 80,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    name: String,
}

#[utoipa::path(post, path = "/workspaces/{ws}/groups", tag = "Groups", summary = "Creates a group", params(("ws" = String, Path, description = "The workspace: its id, or its name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$")), request_body = GroupName, responses((status = 201, body = Group), super::Refusals))]
pub async fn create_group(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(ws): Params<String>,
    Body(b): Body<GroupName>,
) -> Answer<Response> {
    let access = workspace(&state, &caller, &ws).await?;
    Ok(created(
        crate::groups::service::create(&state.db, &access, &b.name).await?,
    ))
}

#[utoipa::path(get, path = "/workspaces/{ws}/groups/{group}", tag = "Groups", summary = "One group, by id or name", params(("ws" = String, Path, description = "The workspace: its id, or its name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$"), ("group" = String, Path, description = "The group's id, or name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$")), responses((status = 200, body = Group), super::Refusals))]
pub async fn get_group(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params((ws, key)): Params<(String, String)>,
) -> Answer<Json<Group>> {
    let access = workspace(&state, &caller, &ws).await?;
    Ok(Json(find_group(&state, &access, &key).await?))
}

#[utoipa::path(patch, path = "/workspaces/{ws}/groups/{group}", tag = "Groups", summary = "Renames a group", params(("ws" = String, Path, description = "The workspace: its id, or its name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$"), ("group" = String, Path, description = "The group's id, or name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$")), request_body = GroupName, responses((status = 200, body = Group), super::Refusals))]
pub async fn rename_group(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params((ws, key)): Params<(String, String)>,
    Body(b): Body<GroupName>,
) -> Answer<Json<Group>> {
    let access = workspace(&state, &caller, &ws).await?;
    let group = find_group(&state, &access, &key).await?;
    crate::groups::service::rename(&state.db, &access, &group.id, &b.name).await?;
    Ok(Json(find_group(&state, &access, &group.id).await?))
}

#[utoipa::path(delete, path = "/workspaces/{ws}/groups/{group}", tag = "Groups", summary = "Deletes a group", params(("ws" = String, Path, description = "The workspace: its id, or its name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$"), ("group" = String, Path, description = "The group's id, or name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$")), responses((status = 204, description = "Done"), super::Refusals))]
pub async fn delete_group(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params((ws, key)): Params<(String, String)>,
) -> Answer<StatusCode> {
    let access = workspace(&state, &caller, &ws).await?;
    let group = find_group(&state, &access, &key).await?;
    crate::groups::service::delete(&state.db, &access, &group.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/workspaces/{ws}/groups/{group}/members/{user}", tag = "Groups", summary = "Adds a member to a group", params(("ws" = String, Path, description = "The workspace: its id, or its name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$"), ("group" = String, Path, description = "The group's id, or name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$"), ("user" = String, Path, description = "The member's user id, or email", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$")), responses((status = 200, body = Group), super::Refusals))]
pub async fn add_group_member(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params((ws, key, user)): Params<(String, String, String)>,
) -> Answer<Json<Group>> {
    let access = workspace(&state, &caller, &ws).await?;
    let group = find_group(&state, &access, &key).await?;
    let member = find_member(&state, &access, &user).await?;
    crate::groups::service::add_member(&state.db, &access, &group.id, &member.user_id).await?;
    Ok(Json(find_group(&state, &access, &group.id).await?))
}

#[utoipa::path(delete, path = "/workspaces/{ws}/groups/{group}/members/{user}", tag = "Groups", summary = "Takes a member out of a group", params(("ws" = String, Path, description = "The workspace: its id, or its name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$"), ("group" = String, Path, description = "The group's id, or name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$"), ("user" = String, Path, description = "The member's user id, or email", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$")), responses((status = 200, body = Group), super::Refusals))]
pub async fn remove_group_member(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params((ws, key, user)): Params<(String, String, String)>,
) -> Answer<Json<Group>> {
    let access = workspace(&state, &caller, &ws).await?;
    let group = find_group(&state, &access, &key).await?;
    let member = find_member(&state, &access, &user).await?;
    crate::groups::service::remove_member(&state.db, &access, &group.id, &member.user_id).await?;
    Ok(Json(find_group(&state, &access, &group.id).await?))
}

#[utoipa::path(put, path = "/workspaces/{ws}/groups/{group}/roles/{role}", tag = "Groups", summary = "Gives a group a GROUP role", params(("ws" = String, Path, description = "The workspace: its id, or its name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$"), ("group" = String, Path, description = "The group's id, or name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$"), ("role" = String, Path, description = "The role's name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$")), responses((status = 200, body = Group), super::Refusals))]
pub async fn grant_group_role(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params((ws, key, role)): Params<(String, String, String)>,
) -> Answer<Json<Group>> {
    let access = workspace(&state, &caller, &ws).await?;
    let group = find_group(&state, &access, &key).await?;
    crate::groups::service::grant_role(&state.db, &access, &group.id, &role).await?;
    Ok(Json(find_group(&state, &access, &group.id).await?))
}

#[utoipa::path(delete, path = "/workspaces/{ws}/groups/{group}/roles/{role}", tag = "Groups", summary = "Takes a role away from a group", params(("ws" = String, Path, description = "The workspace: its id, or its name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$"), ("group" = String, Path, description = "The group's id, or name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$"), ("role" = String, Path, description = "The role's name", min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$")), responses((status = 200, body = Group), super::Refusals))]
pub async fn revoke_group_role(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params((ws, key, role)): Params<(String, String, String)>,
) -> Answer<Json<Group>> {
    let access = workspace(&state, &caller, &ws).await?;
    let group = find_group(&state, &access, &key).await?;
    crate::groups::service::revoke_role(&state.db, &access, &group.id, &role).await?;
    Ok(Json(find_group(&state, &access, &group.id).await?))
}
