//! The page a destructive form sent without JavaScript goes through first.
//!
//! With JavaScript the question is asked in a dialog on the page itself
//! (`data-confirm`). A plain post of one of the `DESTRUCTIVE` forms without
//! `confirmed=yes` is sent here instead (see `server::ask_first`), with the
//! form's fields in the query. The question is worded here from the rows as
//! they are now, never taken from the address, and confirming posts the same
//! fields again with `confirmed=yes`.

use crate::components::{AuthCard, DANGER_BUTTON, SECONDARY_BUTTON};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{
    accounts::session,
    boards, groups,
    invitations::{self, service::Lookup},
    members, roles, state, tokens,
};

/// The server functions (by endpoint) whose forms destroy something.
pub const DESTRUCTIVE: [&str; 15] = [
    "delete_invitation",
    "remove_member",
    "revoke_ownership",
    "leave_workspace",
    "delete_board",
    "delete_role",
    "delete_group",
    "revoke_group_role",
    "remove_group_member",
    "revoke_api_token",
    "decline_invitation",
    "decline_invitation_for_me",
    "end_session",
    "end_other_sessions",
    "delete_account",
];

/// The field a confirmed form carries, with the value `yes`.
pub const CONFIRMED: &str = "confirmed";
/// The field naming the page to return to once it is done.
pub const BACK: &str = "back";

/// What the page asks, and the form that does it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    pub question: String,
    /// The confirming button's words ("Delete invitation").
    pub button: String,
    /// The server function's endpoint.
    pub action: String,
    /// The form's fields, posted again as they came.
    pub fields: Vec<(String, String)>,
    /// Where Cancel goes, and where the page returns once it is done.
    pub back: String,
}

/// `path` if it is a path on this site, else the home page.
pub fn local_path(path: &str) -> String {
    let ok = path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/\\");
    if ok { path.to_string() } else { "/".to_string() }
}

/// The confirmation for the form described by `query` (`action`, `back` and
/// the form's own fields, URL-encoded).
#[server(endpoint = "confirmation")]
pub async fn confirmation_for(query: String) -> Result<Confirmation, AppError> {
    let mut action = String::new();
    let mut back = "/".to_string();
    let mut fields = Vec::new();
    for (k, v) in url::form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
        match k.as_ref() {
            "action" => action = v.into_owned(),
            BACK => back = local_path(&v),
            CONFIRMED => {}
            _ => fields.push((k.into_owned(), v.into_owned())),
        }
    }
    let (question, button) = question(&action, &fields).await?;
    Ok(Confirmation {
        question,
        button: button.to_string(),
        action,
        fields,
        back,
    })
}

/// The question for `action` on the rows `fields` name, as the caller may
/// see them, and its button's words.
#[cfg(feature = "ssr")]
async fn question(action: &str, fields: &[(String, String)]) -> Result<(String, &'static str), AppError> {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    if action == "revoke_api_token" {
        let user = session::require_user().await?;
        let state = state::state()?;
        let token = tokens::service::list(&state.db, &user.id)
            .await?
            .into_iter()
            .find(|t| t.id == field("token_id"))
            .ok_or_else(|| AppError::NotFound("That token does not exist or is already revoked".into()))?;
        return Ok((tokens::revoke_question(&token.name), "Revoke token"));
    }
    if action == "decline_invitation" {
        let state = state::state()?;
        let p = invitations::service::preview(&state.db, field("token"), None).await?;
        return Ok((
            invitations::decline_question(&p.workspace_name, &p.inviter_name),
            "Decline invitation",
        ));
    }
    if matches!(action, "end_session" | "end_other_sessions" | "delete_account") {
        use crate::pages::account::{DELETE_QUESTION, END_OTHERS_QUESTION, end_session_question};
        let user = session::require_user().await?;
        let state = state::state()?;
        return Ok(match action {
            "end_session" => {
                let current = state::request_cookie(session::SESSION_COOKIE);
                let idle = state.config.session_idle.as_millis() as i64;
                let s = crate::accounts::profile::sessions(&state.db, &user.id, current.as_deref(), idle)
                    .await?
                    .into_iter()
                    .find(|s| s.id == field("session_id") && !s.current)
                    .ok_or_else(|| AppError::NotFound("That session has ended already".into()))?;
                (end_session_question(&s.device), "Sign out")
            }
            "end_other_sessions" => (END_OTHERS_QUESTION.to_string(), "Sign out others"),
            _ => (DELETE_QUESTION.to_string(), "Delete account"),
        });
    }
    if action == "decline_invitation_for_me" {
        let user = session::require_user().await?;
        let state = state::state()?;
        let (workspace, inviter) =
            invitations::service::waiting_names(&state.db, &user, field("invitation_id")).await?;
        return Ok((
            invitations::decline_question(&workspace, &inviter),
            "Decline invitation",
        ));
    }
    if !DESTRUCTIVE.contains(&action) {
        return Err(AppError::NotFound("There is nothing here to confirm".into()));
    }
    let (state, access) = session::workspace_access(field("workspace_id")).await?;
    let db = &state.db;
    let workspace = access.workspace_name.as_str();
    Ok(match action {
        "delete_invitation" => match invitations::service::lookup(db, &access, field("invitation_id")).await? {
            Lookup::Pending(p) if p.id == field("invitation_id") => {
                (invitations::delete_question(&p.email), "Delete invitation")
            }
            _ => return Err(AppError::NotFound("That invitation is no longer pending".into())),
        },
        "remove_member" => {
            let m = members::service::find(db, &access, field("user_id")).await?;
            (members::remove_question(&m.name, workspace), "Remove")
        }
        "revoke_ownership" => {
            let m = members::service::find(db, &access, field("user_id")).await?;
            let own = m.user_id == access.user.id;
            let button = if own { "Give up ownership" } else { "Remove as owner" };
            (members::revoke_owner_question(&m.name, workspace, own), button)
        }
        "leave_workspace" => (members::leave_question(workspace), "Leave"),
        "delete_board" => {
            let board = boards::service::get(db, &access, field("board_id")).await?;
            (boards::delete_question(&board.name), "Delete board")
        }
        "delete_role" => {
            let rows = roles::service::find_role(db, &access, field("role_name")).await?;
            let name = rows
                .first()
                .map(|r| r.name.clone())
                .ok_or_else(|| AppError::NotFound(format!("There is no role {}", field("role_name"))))?;
            (roles::delete_question(&name), "Delete role")
        }
        "delete_group" => {
            let group = groups::service::find(db, &access, field("group_id")).await?;
            (groups::delete_question(&group.name, group.member_count), "Delete group")
        }
        "revoke_group_role" => {
            let group = groups::service::find(db, &access, field("group_id")).await?;
            let role = field("role_name").trim();
            if !group.roles.iter().any(|r| r == role) {
                return Err(AppError::NotFound(format!("{} does not hold {role}", group.name)));
            }
            let reach = if group.builtin {
                crate::workspaces::service::counts(db, &access.workspace_id)
                    .await?
                    .members
            } else {
                group.member_count
            };
            (groups::revoke_role_question(role, &group.name, reach), "Take role away")
        }
        "remove_group_member" => {
            let group = groups::service::find(db, &access, field("group_id")).await?;
            let person = group
                .members
                .iter()
                .find(|m| m.user_id == field("user_id"))
                .ok_or_else(|| AppError::NotFound(format!("That person is not in {}", group.name)))?;
            (
                groups::remove_member_question(&person.name, &group.name),
                "Remove from group",
            )
        }
        _ => return Err(AppError::NotFound("There is nothing here to confirm".into())),
    })
}

/// `/confirm`: the question, Cancel, and the button that does it.
#[component]
pub fn ConfirmPage() -> impl IntoView {
    let search = use_location().search;
    let asked = Resource::new(move || search.get(), confirmation_for);
    view! {
        <AuthCard>
            <Suspense fallback=|| view! { <p class="text-zinc-600">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match asked.await {
                        Ok(c) => view! { <Asked c/> }.into_any(),
                        Err(e) => view! {
                            <Title text="Nothing to confirm · Boardroom"/>
                            <h1 class="text-xl font-semibold">"This can't be done"</h1>
                            <p class="mt-3 text-zinc-700" role="alert">{e.to_string()}"."</p>
                            <p class="mt-6"><a class="font-medium text-indigo-700 underline" href="/">"Go to Boardroom"</a></p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </AuthCard>
    }
}

#[component]
fn Asked(c: Confirmation) -> impl IntoView {
    let Confirmation {
        question,
        button,
        action,
        fields,
        back,
    } = c;
    view! {
        <Title text="Are you sure? · Boardroom"/>
        <h1 class="text-lg font-semibold" id="confirm-question">{question}</h1>
        <form method="post" action=format!("/api/{action}") class="mt-6 flex flex-wrap justify-end gap-3" aria-labelledby="confirm-question">
            {fields.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value/> }).collect_view()}
            <input type="hidden" name=CONFIRMED value="yes"/>
            <input type="hidden" name=BACK value=back.clone()/>
            <a href=back class=SECONDARY_BUTTON>"Cancel"</a>
            <button type="submit" class=DANGER_BUTTON>{button}</button>
        </form>
    }
}
