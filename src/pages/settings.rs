use crate::access::{self, Permission};
use crate::components::Frame;
use crate::components::{
    AskFirst, DANGER_BUTTON, ErrorSummary, Field, INPUT, LocalTime, PRIMARY_BUTTON, PageError, PageNotice,
    aria_invalid, field_error, form_errors, unshown_error,
};
use crate::error::AppError;
use crate::pages::page_title;
use crate::pages::workspace::WorkspaceRoute;
use crate::workspaces::{Policy, WorkspaceInfo};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{accounts::session, members::service as members, state};

/// Everything the Settings page shows, loaded in one call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsPageData {
    pub frame: Frame,
    /// `None` for members without READ on BUSINESS_INFO (they can still leave).
    pub info: Option<WorkspaceInfo>,
    /// Who may be invited, and the seats in use: for those who may see the
    /// workspace's users.
    pub policy: Option<(Policy, i64)>,
    /// What a plain form's refused rules held (domains, seats), to correct.
    pub typed_rules: Option<(String, String)>,
    pub notice: Option<String>,
}

/// The Settings page in one call.
#[server(endpoint = "settings_page")]
pub async fn settings_page(workspace_id: String) -> Result<SettingsPageData, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let info = match crate::workspaces::service::created_at(&state.db, &access).await {
        Ok(created_at) => {
            let (members, owners) = members::summary(&state.db, &access.workspace_id).await?;
            Some(WorkspaceInfo {
                id: access.workspace_id.clone(),
                name: access.workspace_name.clone(),
                created_at,
                owners,
                members,
            })
        }
        Err(AppError::Forbidden(_)) => None,
        Err(e) => return Err(e),
    };
    let policy = match crate::workspaces::service::read_policy(&state.db, &access).await {
        Ok(policy) => {
            let used = crate::workspaces::service::seats_used(&state.db, &access.workspace_id, "").await?;
            Some((policy, used))
        }
        Err(AppError::Forbidden(_)) => None,
        Err(e) => return Err(e),
    };
    Ok(SettingsPageData {
        frame: super::workspace::frame(&state, access).await?,
        info,
        policy,
        typed_rules: state::take_echo(),
        notice: state::take_notice(),
    })
}

/// Renames the workspace.
#[server(endpoint = "rename_workspace")]
pub async fn rename_workspace(workspace_id: String, workspace: String) -> Result<String, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let name = crate::workspaces::service::rename(&state.db, &access, &workspace).await?;
    state::notice_for_plain_form(&crate::workspaces::renamed_notice(&name));
    Ok(name)
}

const RULES_SAVED: &str = "Invitation rules saved";

/// Sets which domains may be invited (one per line) and the seat limit
/// (empty for none): owners only.
#[server(endpoint = "set_workspace_policy")]
pub async fn set_workspace_policy(
    workspace_id: String,
    allowed_domains: String,
    seat_limit: String,
) -> Result<Policy, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let refused = |e: AppError| {
        // A plain form comes back to the page with what was typed, to correct.
        state::echo_for_plain_form(&(allowed_domains.clone(), seat_limit.clone()));
        e
    };
    let seats = match seat_limit.trim() {
        "" => None,
        n => Some(n.parse::<i64>().map_err(|_| {
            AppError::field(
                "seat_limit",
                "Give a whole number of seats, or leave it empty for no limit",
            )
        })?),
    };
    let saved = crate::workspaces::service::set_policy(
        &state.db,
        state.config.max_seats_per_workspace,
        &access,
        std::slice::from_ref(&allowed_domains),
        seats,
    )
    .await
    .map_err(refused)?;
    state::notice_for_plain_form(RULES_SAVED);
    Ok(saved)
}

/// The caller leaves the workspace and goes to their next one.
#[server(endpoint = "leave_workspace")]
pub async fn leave_workspace(workspace_id: String) -> Result<(), AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    members::leave(&state.db, &access).await?;
    state::redirect(&members::home_path(&state.db, &access.user.id).await?);
    Ok(())
}

/// The workspace's name and settings (BUSINESS_INFO), and leaving it.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let ws = expect_context::<WorkspaceRoute>();
    let rename = ServerAction::<RenameWorkspace>::new();
    let leave = ServerAction::<LeaveWorkspace>::new();
    let policy = ServerAction::<SetWorkspacePolicy>::new();
    let page = Resource::new(move || ws.id.get(), settings_page);
    let errors = form_errors(rename.value());
    view! {
        <Title text=page_title("Settings", Signal::derive(move || !errors.get().is_empty()))/>
        <div class="space-y-8">
            <Transition fallback=|| view! { <p class="text-zinc-600">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(data) => view! { <Settings data rename leave policy/> }.into_any(),
                        Err(error) => view! { <PageError error/> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Settings(
    data: SettingsPageData,
    rename: ServerAction<RenameWorkspace>,
    leave: ServerAction<LeaveWorkspace>,
    policy: ServerAction<SetWorkspacePolicy>,
) -> impl IntoView {
    let ctx = data.frame;
    let id = ctx.access.workspace_id.clone();
    let errors = form_errors(rename.value());
    let name_error = field_error(errors, "workspace");
    let can_rename = ctx.access.can(Permission::Write, access::Resource::BusinessInfo);
    let row = "flex justify-between gap-4 py-2";
    // Owners hold every grant, so an owner always has `info`.
    let sole_owner = ctx.access.is_owner && data.info.as_ref().is_some_and(|i| i.owners.len() == 1);
    let users = format!("/w/{id}/users");
    view! {
        <div>
            <h1 class="text-2xl font-semibold">"Settings"</h1>
            <p class="mt-1 text-sm text-zinc-600">{format!("About {}.", ctx.access.workspace_name)}</p>
        </div>
        <PageNotice notice=data.notice error=unshown_error(&[RenameWorkspace::PATH, SetWorkspacePolicy::PATH])/>
        {match data.info {
            Some(info) => view! {
                <section aria-labelledby="about-title" class="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
                    <h2 id="about-title" class="text-lg font-semibold">"Workspace"</h2>
                    <dl class="mt-3 divide-y divide-zinc-100 text-sm">
                        <div class=row><dt class="text-zinc-600">"Name"</dt><dd class="font-medium">{info.name.clone()}</dd></div>
                        <div class=row><dt class="text-zinc-600">"ID (for the API)"</dt><dd class="font-mono text-xs">{info.id.clone()}</dd></div>
                        <div class=row><dt class="text-zinc-600">"Created"</dt><dd><LocalTime at=info.created_at/></dd></div>
                        <div class=row><dt class="text-zinc-600">"Owners"</dt><dd>{info.owners.join(", ")}</dd></div>
                        <div class=row><dt class="text-zinc-600">"Members"</dt><dd>{info.members}</dd></div>
                    </dl>
                    { let id = id.clone(); can_rename.then_some(view! {
                        <div class="mt-6 space-y-4">
                            <ErrorSummary form="settings" errors/>
                            <ActionForm action=rename attr:novalidate=true attr:class="flex flex-col gap-3 sm:flex-row sm:items-end">
                                <input type="hidden" name="workspace_id" value=id.clone()/>
                                <div class="flex-1">
                                    <Field id="settings-workspace" label="Rename workspace" hint="Scripts can find a workspace by its name, so renaming changes how they address it." error=name_error>
                                        <input id="settings-workspace" name="workspace" type="text" value=info.name class=INPUT aria-invalid=aria_invalid(name_error)/>
                                    </Field>
                                </div>
                                <button type="submit" class=PRIMARY_BUTTON>"Rename"</button>
                            </ActionForm>
                        </div>
                    })}
                </section>
            }.into_any(),
            None => view! {
                <p class="rounded-lg border border-zinc-200 bg-white p-6 text-sm text-zinc-700 shadow-sm">"Your roles don't include “See workspace settings”, so only leaving is shown here."</p>
            }.into_any(),
        }}
        {data.policy.map(|(rules, used)| view! { <InvitationRules id=id.clone() rules used typed=data.typed_rules owner=ctx.access.is_owner action=policy/> })}
        <section aria-labelledby="leave-title" class="rounded-lg border border-red-200 bg-white p-6 shadow-sm">
            <h2 id="leave-title" class="text-lg font-semibold">"Leave workspace"</h2>
            {if sole_owner {
                view! {
                    <p class="mt-1 text-sm text-zinc-700">
                        {format!("You are the only owner of {}, so you can't leave it. ", ctx.access.workspace_name)}
                        "Make someone else an owner on the "<a class="font-medium text-indigo-700 underline" href=users>"Users"</a>" page first."
                    </p>
                }.into_any()
            } else {
                let question = crate::members::leave_question(&ctx.access.workspace_name);
                view! {
                    <p class="mt-1 text-sm text-zinc-600">{format!("You will lose access to {} until someone invites you again.", ctx.access.workspace_name)}</p>
                    <AskFirst question=question button="Leave".to_string()>
                        <ActionForm
                            action=leave
                            attr:class="mt-4"
                        >
                            <input type="hidden" name="workspace_id" value=id/>
                            <button type="submit" class=DANGER_BUTTON>{format!("Leave {}", ctx.access.workspace_name)}</button>
                        </ActionForm>
                    </AskFirst>
                }.into_any()
            }}
        </section>
    }
}

/// Who may be invited and how many seats there are; owners change them.
#[component]
fn InvitationRules(
    id: String,
    rules: Policy,
    used: i64,
    typed: Option<(String, String)>,
    owner: bool,
    action: ServerAction<SetWorkspacePolicy>,
) -> impl IntoView {
    let errors = form_errors(action.value());
    let domains_error = field_error(errors, "allowed_domains");
    let seats_error = field_error(errors, "seat_limit");
    // What was saved last, or what the page was loaded with; the form keeps
    // what was typed (so a refused entry can be corrected).
    let saved = move || action.value().get().and_then(Result::ok);
    let shown = {
        let rules = rules.clone();
        move || saved().unwrap_or_else(|| rules.clone())
    };
    let domains = {
        let shown = shown.clone();
        move || {
            let rules = shown();
            if rules.allowed_domains.is_empty() {
                "Any address".to_string()
            } else {
                rules.allowed_domains.join(", ")
            }
        }
    };
    let seats = move || match shown().seat_limit {
        Some(limit) => format!("{used} of {limit} used"),
        None => format!("{used} used, no limit"),
    };
    let row = "flex justify-between gap-4 py-2";
    let (typed_domains, typed_seats) = typed.unwrap_or_else(|| {
        (
            rules.allowed_domains.join("\n"),
            rules.seat_limit.map(|n| n.to_string()).unwrap_or_default(),
        )
    });
    view! {
        <section aria-labelledby="rules-title" class="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
            <h2 id="rules-title" class="text-lg font-semibold">"Who may be invited"</h2>
            <p class="mt-1 text-sm text-zinc-600">"Seats are members plus invitations still open. Members already outside the domains stay."</p>
            <dl class="mt-3 divide-y divide-zinc-100 text-sm">
                <div class=row><dt class="text-zinc-600">"Allowed domains"</dt><dd class="font-medium">{domains}</dd></div>
                <div class=row><dt class="text-zinc-600">"Seats"</dt><dd class="font-medium">{seats}</dd></div>
            </dl>
            {owner.then(|| view! {
                <div class="mt-6 space-y-4">
                    {move || saved().map(|_| view! { <p role="status" class="text-sm text-green-800">{RULES_SAVED}"."</p> })}
                    <ErrorSummary form="rules" errors/>
                    <ActionForm action attr:novalidate=true attr:class="space-y-4">
                        <input type="hidden" name="workspace_id" value=id/>
                        <Field id="rules-domains" label="Allowed domains" hint="One per line, like example.com; *.example.com allows its subdomains too. Empty: any address." error=domains_error>
                            <textarea id="rules-domains" name="allowed_domains" rows="3" spellcheck="false" class=INPUT aria-invalid=aria_invalid(domains_error)>{typed_domains}</textarea>
                        </Field>
                        <Field id="rules-seats" label="Seat limit" hint="Empty: no limit." error=seats_error>
                            <input id="rules-seats" name="seat_limit" type="number" min="1" inputmode="numeric" value=typed_seats class=INPUT aria-invalid=aria_invalid(seats_error)/>
                        </Field>
                        <button type="submit" class=PRIMARY_BUTTON>"Save rules"</button>
                    </ActionForm>
                </div>
            })}
        </section>
    }
}
