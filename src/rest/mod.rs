//! The REST API under `/api/v1`: JSON over the same services the pages use,
//! for scripts, the SDKs and the command line. Callers present an API token
//! (`Authorization: Bearer …`) and act with its owner's grants.
//!
//! Each route is registered once, with its OpenAPI description, so the
//! document at `/api/v1/openapi.json` lists exactly the routes served.

mod audit;
mod docs;
mod error;
mod events;
mod extract;
mod groups;
mod invitations;
mod me;
mod page;
mod roles;
mod users;
mod workspaces;

pub use audit::{EXPORT_PAGE_PATH, download_activity};
pub use error::{ApiError, ErrorBody, Refusals};
pub use page::Page;

use crate::error::ErrorCode;
use crate::state::AppState;
use axum::Router;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Boardroom API",
        description = "Invite people into workspaces, give them roles, and manage members and groups. \
                       Authenticate with an API token from the account menu: `Authorization: Bearer <token>`. \
                       A workspace is addressed by its id or by its name.",
        version = "1"
    ),
    servers((url = "/api/v1")),
    components(schemas(ErrorBody, ApiError, ErrorCode, crate::error::FieldError)),
    security(("token" = [])),
    modifiers(&Token),
    tags(
        (name = "Me"), (name = "Workspaces"), (name = "Roles"), (name = "Invitations"), (name = "Users"), (name = "Groups")
    )
)]
struct ApiDoc;

struct Token;

impl utoipa::Modify for Token {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API's routes and their OpenAPI document, from one registration.
pub fn routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    use {audit::*, events::*, groups::*, invitations::*, me::*, roles::*, users::*, workspaces::*};
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(get_me))
        .routes(routes!(list_my_invitations))
        .routes(routes!(accept_my_invitation))
        .routes(routes!(decline_my_invitation))
        .routes(routes!(list_workspaces, create_workspace))
        .routes(routes!(get_workspace))
        .routes(routes!(get_policy, set_policy))
        .routes(routes!(list_audit_events))
        .routes(routes!(export_audit_events))
        .routes(routes!(list_roles, create_role))
        .routes(routes!(get_role, delete_role))
        .routes(routes!(list_invitations, create_invitation))
        .routes(routes!(create_invitation_batch))
        .routes(routes!(delete_invitation))
        .routes(routes!(resend_invitation))
        .routes(routes!(create_invitation_link))
        .routes(routes!(set_invitation_roles))
        .routes(routes!(list_users))
        .routes(routes!(get_user, remove_user))
        .routes(routes!(set_user_roles))
        .routes(routes!(watch_workspace))
        .routes(routes!(list_groups, create_group))
        .routes(routes!(get_group, rename_group, delete_group))
        .routes(routes!(add_group_member, remove_group_member))
        .routes(routes!(grant_group_role, revoke_group_role))
        .split_for_parts()
}

pub fn router() -> Router<AppState> {
    let (api, document) = routes();
    let document = std::sync::Arc::new(document);
    api.route(
        "/openapi.json",
        axum::routing::get(move || {
            let document = document.clone();
            async move { axum::Json((*document).clone()) }
        }),
    )
    .route("/docs", axum::routing::get(docs::page))
    .fallback(|| async { ApiError::new(ErrorCode::NotFound, "There is no such API route") })
    .method_not_allowed_fallback(|| async {
        ApiError::new(ErrorCode::MethodNotAllowed, "This API route does not take that method")
    })
}
