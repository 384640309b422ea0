use crate::access::{self, Access, Permission};
use crate::components::Frame;
use crate::components::{
    Chips, DANGER_BUTTON, ErrorSummary, Feedback, FeedbackView, Field, INPUT, PRIMARY_BUTTON, PageError, PageNotice,
    PeopleTabs, RolePicker, SECONDARY_BUTTON, aria_invalid, field_error, form_errors, ticked_before_hydration,
    typed_before_hydration,
};
use crate::error::{AppError, FieldError};
use crate::invitations::api::{DeleteInvitation, InviteUser, ResendInvitation, SetInvitationRoles};
use crate::invitations::{self, Delivery, InviteReport, PendingInvitation};
use crate::members::{self, Member};
use crate::pages::page_title;
use crate::pages::workspace::WorkspaceRoute;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{accounts::session, members::service, state};

/// Everything the Users page shows, loaded in one call (one resource, read in
/// one place: Leptos can stall a server render when one resource is read in
/// several suspense boundaries).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersPageData {
    pub frame: Frame,
    pub members: Vec<Member>,
    /// `None` for members who may not see invitations.
    pub pending: Option<Vec<PendingInvitation>>,
    /// Roles that can be given to people (target USER), for the pickers.
    pub user_roles: Vec<String>,
    /// What a plain form post left to say, shown once.
    pub notice: Option<String>,
}

/// The Users page in one call.
#[server(endpoint = "users_page")]
pub async fn users_page(workspace_id: String) -> Result<UsersPageData, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let members = service::list(&state.db, &access).await?;
    let pending = match crate::invitations::service::pending(&state.db, &access).await {
        Ok(list) => Some(list),
        Err(AppError::Forbidden(_)) => None,
        Err(e) => return Err(e),
    };
    let user_roles =
        crate::roles::service::names_for(&state.db, &access.workspace_id, crate::access::Target::User).await?;
    Ok(UsersPageData {
        frame: super::workspace::frame(&state, access).await?,
        members,
        pending,
        user_roles,
        notice: state::take_notice(),
    })
}

/// Everyone in the workspace.
#[server(endpoint = "list_members")]
pub async fn list_members(workspace_id: String) -> Result<Vec<Member>, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    service::list(&state.db, &access).await
}

/// Removes someone from the workspace. Returns their name.
#[server(endpoint = "remove_member")]
pub async fn remove_member(workspace_id: String, user_id: String) -> Result<String, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let name = service::remove(&state.db, &access, &user_id).await?;
    state::notice_for_plain_form(&members::removed_notice(&name, &access.workspace_name));
    Ok(name)
}

/// Replaces the roles a member holds directly. Returns their name.
#[server(endpoint = "set_member_roles")]
pub async fn set_member_roles(
    workspace_id: String,
    user_id: String,
    #[server(default)] roles: Vec<String>,
) -> Result<String, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let name = service::set_roles(&state.db, &access, &user_id, &roles).await?;
    state::notice_for_plain_form(&members::roles_saved_notice(&name));
    Ok(name)
}

/// Makes a member an owner too (owners only). Returns their name.
#[server(endpoint = "grant_ownership")]
pub async fn grant_ownership(workspace_id: String, user_id: String) -> Result<String, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let name = service::grant_ownership(&state.db, &access, &user_id).await?;
    state::notice_for_plain_form(&members::owner_notice(&name, &access.workspace_name));
    Ok(name)
}

/// Takes ownership away from a member, or gives up one's own (owners only;
/// never the last owner). Returns their name.
#[server(endpoint = "revoke_ownership")]
pub async fn revoke_ownership(workspace_id: String, user_id: String) -> Result<String, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let name = service::revoke_ownership(&state.db, &access, &user_id).await?;
    state::notice_for_plain_form(&members::no_longer_owner_notice(&name, &access.workspace_name));
    Ok(name)
}

/// Every action the Users page can take; the lists reload after each.
#[derive(Clone, Copy)]
struct Actions {
    invite: ServerAction<InviteUser>,
    delete: ServerAction<DeleteInvitation>,
    resend: ServerAction<ResendInvitation>,
    invitation_roles: ServerAction<SetInvitationRoles>,
    remove: ServerAction<RemoveMember>,
    member_roles: ServerAction<SetMemberRoles>,
    grant_owner: ServerAction<GrantOwnership>,
    revoke_owner: ServerAction<RevokeOwnership>,
}

impl Actions {
    fn new() -> Self {
        Actions {
            invite: ServerAction::new(),
            delete: ServerAction::new(),
            resend: ServerAction::new(),
            invitation_roles: ServerAction::new(),
            remove: ServerAction::new(),
            member_roles: ServerAction::new(),
            grant_owner: ServerAction::new(),
            revoke_owner: ServerAction::new(),
        }
    }

    fn version(&self) -> usize {
        self.invite.version().get()
            + self.delete.version().get()
            + self.resend.version().get()
            + self.invitation_roles.version().get()
            + self.remove.version().get()
            + self.member_roles.version().get()
            + self.grant_owner.version().get()
            + self.revoke_owner.version().get()
    }
}

/// The Users page: invite people, see who is pending and who is in.
#[component]
pub fn UsersPage() -> impl IntoView {
    let ws = expect_context::<WorkspaceRoute>();
    let actions = Actions::new();
    let page = Resource::new(move || (ws.id.get(), actions.version()), |(id, _)| users_page(id));

    // What is in the email field: kept on failure, emptied on success but for
    // the addresses that could not be invited. It lives here, above the
    // reloading list, so that a reload never loses it.
    // Both start from what the person typed and ticked before the page's WASM
    // arrived, so hydrating the form does not erase it.
    let typed = RwSignal::new(typed_before_hydration("invite-emails"));
    let chosen = RwSignal::new(ticked_before_hydration("invite-roles"));
    let feedback = Feedback::new();
    feedback.watch(actions.invite.value(), true, move |report: InviteReport| {
        typed.set(
            report
                .failed
                .iter()
                .map(|f| f.email.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        );
        if report.failed.is_empty() {
            chosen.set(Vec::new());
        }
        report.summary()
    });
    // The workspace's name, for the sentences that say it.
    let workspace = move || {
        page.get_untracked()
            .and_then(Result::ok)
            .map(|d| d.frame.access.workspace_name)
            .unwrap_or_default()
    };
    feedback.watch(actions.delete.value(), false, |email| {
        invitations::deleted_notice(&email)
    });
    feedback.watch(actions.resend.value(), false, |email| {
        invitations::resent_notice(&email)
    });
    feedback.watch(actions.invitation_roles.value(), false, |email| {
        invitations::roles_saved_notice(&email)
    });
    feedback.watch(actions.remove.value(), false, move |name| {
        members::removed_notice(&name, &workspace())
    });
    feedback.watch(actions.member_roles.value(), false, |name| {
        members::roles_saved_notice(&name)
    });
    feedback.watch(actions.grant_owner.value(), false, move |name| {
        members::owner_notice(&name, &workspace())
    });
    feedback.watch(actions.revoke_owner.value(), false, move |name| {
        members::no_longer_owner_notice(&name, &workspace())
    });

    let invite_errors = form_errors(actions.invite.value());
    view! {
        <Title text=page_title("Users", Signal::derive(move || !invite_errors.get().is_empty()))/>
        <div class="space-y-8">
            <FeedbackView feedback/>
            <Transition fallback=|| view! { <p class="text-zinc-600">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(data) => view! { <Users data actions typed chosen/> }.into_any(),
                        Err(error) => view! { <PageError error/> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Users(
    data: UsersPageData,
    actions: Actions,
    typed: RwSignal<String>,
    chosen: RwSignal<Vec<String>>,
) -> impl IntoView {
    let ctx = data.frame;
    let id = ctx.access.workspace_id.clone();
    let manage = ctx.access.can(Permission::Write, access::Resource::UserManagement);
    let rows = RowContext {
        workspace_id: id.clone(),
        manage,
        viewer: ctx.access.clone(),
        owners: data.members.iter().filter(|m| m.is_owner).count(),
        user_roles: data.user_roles.clone(),
        actions,
    };
    view! {
        <div class="space-y-4">
            <div>
                <h1 class="text-2xl font-semibold">"Users"</h1>
                <p class="mt-1 text-sm text-zinc-600">{format!("People who can see and review {}'s boards.", ctx.access.workspace_name)}</p>
            </div>
            <PeopleTabs workspace_id=id.clone() current="Users"/>
        </div>
        <PageNotice notice=data.notice/>
        {manage.then_some(view! {
            <InviteForm action=actions.invite workspace_id=id.clone() lifetime=ctx.invitation_lifetime.clone() user_roles=data.user_roles typed chosen/>
        })}
        {data.pending.map(|list| view! { <PendingTable list rows=rows.clone()/> })}
        <MembersTable list=data.members rows/>
    }
}

/// What every row needs to draw its controls.
#[derive(Clone)]
struct RowContext {
    workspace_id: String,
    /// The viewer holds WRITE on USER_MANAGEMENT.
    manage: bool,
    /// Who is looking, and their standing.
    viewer: Access,
    /// How many owners there are: ownership can be taken away only while
    /// someone else keeps it.
    owners: usize,
    user_roles: Vec<String>,
    actions: Actions,
}

#[component]
fn InviteForm(
    action: ServerAction<InviteUser>,
    workspace_id: String,
    lifetime: String,
    user_roles: Vec<String>,
    typed: RwSignal<String>,
    chosen: RwSignal<Vec<String>>,
) -> impl IntoView {
    let errors = form_errors(action.value());
    let emails_error = field_error(errors, "emails");
    let partial: Signal<Vec<FieldError>> = Signal::derive(move || match action.value().get() {
        Some(Ok(InviteReport { failed, .. })) => failed
            .into_iter()
            .map(|f| FieldError {
                field: "emails".into(),
                message: f.reason(),
            })
            .collect(),
        _ => Vec::new(),
    });
    view! {
        <section aria-labelledby="invite-title" class="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
            <h2 id="invite-title" class="text-lg font-semibold">"Invite people"</h2>
            <p class="mt-1 text-sm text-zinc-600">{format!("They get an email with a link to join. Links expire after {lifetime}. Everyone also gets what the group everyone holds.")}</p>
            <div class="mt-4 space-y-4">
                <ErrorSummary form="invite" errors/>
                <Show when=move || !partial.get().is_empty()>
                    <div role="alert" class="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900">
                        <p class="font-semibold">{move || {
                            let n = partial.get().len();
                            if n == 1 { "1 person couldn't be invited".to_string() } else { format!("{n} people couldn't be invited") }
                        }}</p>
                        <ul class="mt-1 list-disc pl-5">{move || partial.get().into_iter().map(|e| view! { <li>{e.message}</li> }).collect_view()}</ul>
                    </div>
                </Show>
                <ActionForm action attr:novalidate=true attr:class="space-y-4">
                    <input type="hidden" name="workspace_id" value=workspace_id/>
                    <div class="flex flex-col gap-3 sm:flex-row sm:items-end">
                        <div class="flex-1">
                            <Field id="invite-emails" label="Email addresses" hint="Separate several addresses with commas." error=emails_error>
                                <input
                                    id="invite-emails"
                                    name="emails"
                                    type="email"
                                    multiple=true
                                    autocomplete="email"
                                    spellcheck="false"
                                    placeholder="name@example.com"
                                    class=INPUT
                                    aria-invalid=aria_invalid(emails_error)
                                    aria-describedby="invite-emails-hint invite-emails-error"
                                    prop:value=typed
                                    on:input=move |ev| typed.set(event_target_value(&ev))
                                />
                            </Field>
                        </div>
                        <button type="submit" class=PRIMARY_BUTTON disabled=move || action.pending().get()>
                            {move || if action.pending().get() { "Sending…" } else { "Send" }}
                        </button>
                    </div>
                    <RolePicker id="invite-roles".to_string() choices=user_roles chosen=chosen.get_untracked() legend="Roles" selected=chosen/>
                </ActionForm>
            </div>
        </section>
    }
}

#[component]
fn PendingTable(list: Vec<PendingInvitation>, rows: RowContext) -> impl IntoView {
    let count = list.len();
    view! {
        <section aria-labelledby="pending-title" class="space-y-3">
            <h2 id="pending-title" class="flex items-center gap-2 text-lg font-semibold">
                "Pending invitations"
                <span class="rounded-full bg-zinc-200 px-2 py-0.5 text-xs font-medium text-zinc-700">{count}</span>
            </h2>
            {if list.is_empty() {
                view! { <p class="rounded-lg border border-dashed border-zinc-300 bg-white p-6 text-center text-sm text-zinc-600">"No pending invitations."</p> }.into_any()
            } else {
                view! {
                    <div class="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-sm">
                        <table class="min-w-full divide-y divide-zinc-200 text-sm" data-testid="pending-invitations">
                            <thead class="bg-zinc-50 text-left text-xs font-medium uppercase tracking-wide text-zinc-600">
                                <tr>
                                    <th scope="col" class="px-4 py-3">"Email"</th>
                                    <th scope="col" class="px-4 py-3">"Roles"</th>
                                    <th scope="col" class="px-4 py-3">"Invited by"</th>
                                    <th scope="col" class="px-4 py-3">"Sent"</th>
                                    <th scope="col" class="px-4 py-3">"Expires"</th>
                                    <th scope="col" class="px-4 py-3">"Status"</th>
                                    <th scope="col" class="px-4 py-3"><span class="sr-only">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody class="divide-y divide-zinc-100">
                                {list.into_iter().map(|inv| view! { <PendingRow inv rows=rows.clone()/> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn PendingRow(inv: PendingInvitation, rows: RowContext) -> impl IntoView {
    let (status, tone) = match (inv.expired, inv.delivery) {
        (true, _) => ("Expired", "bg-zinc-100 text-zinc-700"),
        (false, Delivery::Failed) => ("Not delivered", "bg-red-100 text-red-800"),
        (false, Delivery::Queued) => ("Sending", "bg-sky-100 text-sky-800"),
        (false, _) => ("Pending", "bg-amber-100 text-amber-800"),
    };
    let RowContext {
        workspace_id,
        manage,
        user_roles,
        actions,
        ..
    } = rows;
    let email = inv.email.clone();
    let iid = inv.id.clone();
    view! {
        <tr class="align-top">
            <td class="px-4 py-3 font-medium text-zinc-900">{inv.email.clone()}</td>
            <td class="px-4 py-3 text-zinc-700">
                <Chips items=inv.roles.clone() empty="—"/>
                { let (ws, iid, email) = (workspace_id.clone(), iid.clone(), email.clone()); manage.then_some(view! {
                    <ChangeRoles label=format!("Change roles of the invitation for {email}")>
                        <ActionForm action=actions.invitation_roles attr:class="space-y-3">
                            <input type="hidden" name="workspace_id" value=ws.clone()/>
                            <input type="hidden" name="invitation_id" value=iid.clone()/>
                            <RolePicker id=format!("inv-{iid}") choices=user_roles chosen=inv.roles.clone() legend="Roles"/>
                            <button type="submit" class=SECONDARY_BUTTON>"Save roles"</button>
                        </ActionForm>
                    </ChangeRoles>
                })}
            </td>
            <td class="px-4 py-3 text-zinc-700">{inv.invited_by}</td>
            <td class="px-4 py-3 text-zinc-700"><time datetime=inv.sent_at.iso()>{inv.sent_at.display()}</time></td>
            <td class="px-4 py-3 text-zinc-700"><time datetime=inv.expires_at.iso()>{inv.expires_at.display()}</time></td>
            <td class="px-4 py-3"><span class=format!("rounded-full px-2 py-0.5 text-xs font-medium {tone}")>{status}</span></td>
            <td class="px-4 py-3">
                {manage.then(|| {
                    let resend = format!("Resend invitation to {email}");
                    let delete = format!("Delete invitation for {email}");
                    let (ws2, iid2) = (workspace_id.clone(), iid.clone());
                    view! {
                        <div class="flex justify-end gap-2">
                            <ActionForm action=actions.resend>
                                <input type="hidden" name="workspace_id" value=workspace_id/>
                                <input type="hidden" name="invitation_id" value=iid/>
                                <button type="submit" class=SECONDARY_BUTTON aria-label=resend>"Resend"</button>
                            </ActionForm>
                            <ActionForm action=actions.delete>
                                <input type="hidden" name="workspace_id" value=ws2/>
                                <input type="hidden" name="invitation_id" value=iid2/>
                                <button type="submit" class=DANGER_BUTTON aria-label=delete>"Delete"</button>
                            </ActionForm>
                        </div>
                    }
                })}
            </td>
        </tr>
    }
}

/// A "Change roles" disclosure around its form.
#[component]
fn ChangeRoles(label: String, children: Children) -> impl IntoView {
    view! {
        <details class="mt-2">
            <summary class="cursor-pointer text-xs font-medium text-indigo-700 underline" aria-label=label>"Change roles"</summary>
            <div class="mt-2 rounded-md border border-zinc-200 bg-zinc-50 p-3">{children()}</div>
        </details>
    }
}

#[component]
fn MembersTable(list: Vec<Member>, rows: RowContext) -> impl IntoView {
    let count = list.len();
    view! {
        <section aria-labelledby="members-title" class="space-y-3">
            <h2 id="members-title" class="flex items-center gap-2 text-lg font-semibold">
                "Active users"
                <span class="rounded-full bg-zinc-200 px-2 py-0.5 text-xs font-medium text-zinc-700">{count}</span>
            </h2>
            <div class="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-sm">
                <table class="min-w-full divide-y divide-zinc-200 text-sm" data-testid="active-users">
                    <thead class="bg-zinc-50 text-left text-xs font-medium uppercase tracking-wide text-zinc-600">
                        <tr>
                            <th scope="col" class="px-4 py-3">"Name"</th>
                            <th scope="col" class="px-4 py-3">"Email"</th>
                            <th scope="col" class="px-4 py-3">"Roles"</th>
                            <th scope="col" class="px-4 py-3">"Joined"</th>
                            <th scope="col" class="px-4 py-3"><span class="sr-only">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody class="divide-y divide-zinc-100">
                        {list.into_iter().map(|m| view! { <MemberRow m rows=rows.clone()/> }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn MemberRow(m: Member, rows: RowContext) -> impl IntoView {
    let RowContext {
        workspace_id,
        manage,
        viewer,
        owners,
        user_roles,
        actions,
    } = rows;
    let is_you = m.user_id == viewer.user.id;
    let removable = members::may_remove(&viewer, &m, owners);
    let (viewer_is_owner, several_owners) = (viewer.is_owner, owners > 1);
    let mut labels = Vec::new();
    if m.is_owner {
        labels.push("Owner".to_string());
    }
    labels.extend(m.roles.iter().cloned());
    labels.extend(m.groups.iter().map(|g| format!("group: {g}")));
    let name = m.name.clone();
    let uid = m.user_id.clone();
    let mname = m.name.clone();
    view! {
        <tr class="align-top">
            <td class="px-4 py-3 font-medium text-zinc-900">
                {m.name.clone()}
                {is_you.then_some(view! { <span class="ml-1 font-normal text-zinc-500">"(you)"</span> })}
            </td>
            <td class="px-4 py-3 text-zinc-700">{m.email}</td>
            <td class="px-4 py-3 text-zinc-700">
                <Chips items=labels empty="Member"/>
                { let (ws, uid) = (workspace_id.clone(), uid.clone()); manage.then_some(view! {
                    <ChangeRoles label=format!("Change roles of {name}")>
                        <ActionForm action=actions.member_roles attr:class="space-y-3">
                            <input type="hidden" name="workspace_id" value=ws.clone()/>
                            <input type="hidden" name="user_id" value=uid.clone()/>
                            <RolePicker id=format!("member-{}", m.user_id) choices=user_roles chosen=m.roles.clone() legend="Roles"/>
                            <button type="submit" class=SECONDARY_BUTTON>"Save roles"</button>
                        </ActionForm>
                    </ChangeRoles>
                })}
            </td>
            <td class="px-4 py-3 text-zinc-700"><time datetime=m.joined_at.iso()>{m.joined_at.display()}</time></td>
            <td class="px-4 py-3">
                <div class="flex justify-end gap-2">
                    { let (ws, uid, mname) = (workspace_id.clone(), uid.clone(), mname.clone()); (viewer_is_owner && !m.is_owner).then_some(view! {
                        <ActionForm action=actions.grant_owner>
                            <input type="hidden" name="workspace_id" value=ws.clone()/>
                            <input type="hidden" name="user_id" value=uid.clone()/>
                            <button type="submit" class=SECONDARY_BUTTON aria-label=format!("Make owner: {mname}")>"Make owner"</button>
                        </ActionForm>
                    })}
                    { let (ws, uid, mname) = (workspace_id.clone(), uid.clone(), mname.clone()); (viewer_is_owner && m.is_owner && several_owners).then_some(view! {
                        <ActionForm action=actions.revoke_owner>
                            <input type="hidden" name="workspace_id" value=ws.clone()/>
                            <input type="hidden" name="user_id" value=uid.clone()/>
                            <button type="submit" class=SECONDARY_BUTTON aria-label=if is_you { "Give up ownership".to_string() } else { format!("Remove as owner: {mname}") }>
                                {if is_you { "Give up ownership" } else { "Remove as owner" }}
                            </button>
                        </ActionForm>
                    })}
                    { let (ws, uid, mname) = (workspace_id.clone(), uid.clone(), mname.clone()); removable.then_some(view! {
                        <ActionForm action=actions.remove>
                            <input type="hidden" name="workspace_id" value=ws.clone()/>
                            <input type="hidden" name="user_id" value=uid.clone()/>
                            <button type="submit" class=DANGER_BUTTON aria-label=format!("Remove {mname} from the workspace")>"Remove"</button>
                        </ActionForm>
                    })}
                </div>
            </td>
        </tr>
    }
}
