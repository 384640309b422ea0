//! The REST API under `/api/v1`: JSON over the same services the pages use,
//! for scripts, the SDKs and the command line. Callers present an API token
//! (`Authorization: Bearer …`) and act with its owner's grants.

mod error;
mod handlers;
mod page;

pub use error::ApiError;
pub use page::Page;

use crate::platform::state::AppState;
use axum::Router;
use axum::routing::{get, post, put};

pub fn router() -> Router<AppState> {
    use handlers::*;
    Router::new()
        .route("/workspaces", get(list_workspaces).post(create_workspace))
        .route("/workspaces/{ws}", get(get_workspace))
        .route("/workspaces/{ws}/roles", get(list_roles).post(create_role))
        .route("/workspaces/{ws}/roles/{role}", get(get_role).delete(delete_role))
        .route(
            "/workspaces/{ws}/invitations",
            get(list_invitations).post(create_invitation),
        )
        .route(
            "/workspaces/{ws}/invitations/{invitation}",
            axum::routing::delete(delete_invitation),
        )
        .route(
            "/workspaces/{ws}/invitations/{invitation}/resend",
            post(resend_invitation),
        )
        .route(
            "/workspaces/{ws}/invitations/{invitation}/roles",
            put(set_invitation_roles),
        )
        .route("/workspaces/{ws}/users", get(list_users))
        .route("/workspaces/{ws}/users/{user}", get(get_user).delete(remove_user))
        .route("/workspaces/{ws}/users/{user}/roles", put(set_user_roles))
        .route("/workspaces/{ws}/groups", get(list_groups).post(create_group))
        .route(
            "/workspaces/{ws}/groups/{group}",
            get(get_group).patch(rename_group).delete(delete_group),
        )
        .route(
            "/workspaces/{ws}/groups/{group}/members/{user}",
            put(add_group_member).delete(remove_group_member),
        )
        .route(
            "/workspaces/{ws}/groups/{group}/roles/{role}",
            put(grant_group_role).delete(revoke_group_role),
        )
        .fallback(|| async { ApiError::new(404, "not_found", "There is no such API route") })
}
