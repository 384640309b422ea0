use crate::components::{
    DANGER_BUTTON, ErrorSummary, Field, INPUT, PRIMARY_BUTTON, StatusMessage, aria_invalid, field_error, form_errors,
};
use crate::error::{AppError, FieldError};
use crate::invitations::api::{DeleteInvitation, InviteUser};
use crate::invitations::{Delivery, InviteReport, PendingInvitation};
use crate::members::Member;
use crate::members::UsersPageData;
use crate::members::api::{RemoveMember, users_page};
use crate::pages::page_title;
use crate::pages::workspace::CurrentWorkspace;
use crate::roles::{self, Permission};
use leptos::prelude::*;
use leptos_meta::Title;

/// The seed's page: invite people, see who is pending and who is in.
#[component]
pub fn UsersPage() -> impl IntoView {
    let ws = expect_context::<CurrentWorkspace>();
    let invite = ServerAction::<InviteUser>::new();
    let delete = ServerAction::<DeleteInvitation>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let page = Resource::new(
        move || {
            (
                ws.id.get(),
                invite.version().get(),
                delete.version().get(),
                remove.version().get(),
            )
        },
        |(id, ..)| users_page(id),
    );

    // What is in the email field: kept on failure, emptied on success but for
    // the addresses that could not be invited. It lives here, above the
    // reloading list, so that a reload never loses it.
    let typed = RwSignal::new(String::new());
    // What the last action did, for the status region.
    let notice = RwSignal::new(None);
    Effect::new(move |_| {
        if let Some(Ok(report)) = invite.value().get() {
            typed.set(
                report
                    .failed
                    .iter()
                    .map(|f| f.email.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            notice.set(Some(report.summary()));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(email)) = delete.value().get() {
            notice.set(Some(format!("Invitation to {email} deleted")));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(name)) = remove.value().get() {
            notice.set(Some(format!("{name} was removed from the workspace")));
        }
    });
    let row_error = Signal::derive(move || {
        [delete.value().get(), remove.value().get()]
            .into_iter()
            .flatten()
            .find_map(|r: Result<String, AppError>| r.err())
            .map(|e| e.to_string())
    });

    let invite_errors = form_errors(invite.value());
    view! {
        <Title text=page_title("Users", Signal::derive(move || !invite_errors.get().is_empty()))/>
        <div class="space-y-8">
            <StatusMessage message=notice/>
            {move || row_error.get().map(|e| view! {
                <p role="alert" class="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm font-medium text-red-800">{e}</p>
            })}
            <Transition fallback=|| view! { <p class="text-zinc-600">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    page.await.ok().map(|data| view! { <Users data invite delete remove typed/> })
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Users(
    data: UsersPageData,
    invite: ServerAction<InviteUser>,
    delete: ServerAction<DeleteInvitation>,
    remove: ServerAction<RemoveMember>,
    typed: RwSignal<String>,
) -> impl IntoView {
    let ctx = data.context;
    let id = ctx.workspace.id.clone();
    view! {
        <div>
            <h1 class="text-2xl font-semibold">"Users"</h1>
            <p class="mt-1 text-sm text-zinc-600">{format!("People who can see and review {}'s boards.", ctx.workspace.name)}</p>
        </div>
        {data.notice.map(|m| view! { <p class="rounded-md border border-green-300 bg-green-50 px-4 py-3 text-sm font-medium text-green-900" data-testid="page-notice">{m}</p> })}
        {ctx.can(Permission::Write, roles::Resource::UserManagement).then(|| view! {
            <InviteForm action=invite workspace_id=id.clone() lifetime=ctx.invitation_lifetime.clone() typed/>
        })}
        {data.pending.map(|list| view! { <PendingTable list workspace_id=id.clone() delete/> })}
        <MembersTable list=data.members workspace_id=id remove/>
    }
}

#[component]
fn InviteForm(
    action: ServerAction<InviteUser>,
    workspace_id: String,
    lifetime: String,
    typed: RwSignal<String>,
) -> impl IntoView {
    let errors = form_errors(action.value());
    let emails_error = field_error(errors, "emails");
    let partial: Signal<Vec<FieldError>> = Signal::derive(move || match action.value().get() {
        Some(Ok(InviteReport { failed, .. })) => failed
            .into_iter()
            .map(|f| FieldError {
                field: "emails".into(),
                message: f.reason,
            })
            .collect(),
        _ => Vec::new(),
    });
    view! {
        <section aria-labelledby="invite-title" class="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
            <h2 id="invite-title" class="text-lg font-semibold">"Invite people"</h2>
            <p class="mt-1 text-sm text-zinc-600">{format!("They get an email with a link to join. Links expire after {lifetime}.")}</p>
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
                <ActionForm action attr:novalidate=true attr:class="flex flex-col gap-3 sm:flex-row sm:items-end">
                    <input type="hidden" name="workspace_id" value=workspace_id/>
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
                </ActionForm>
            </div>
        </section>
    }
}

#[component]
fn PendingTable(
    list: Vec<PendingInvitation>,
    workspace_id: String,
    delete: ServerAction<DeleteInvitation>,
) -> impl IntoView {
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
                                    <th scope="col" class="px-4 py-3">"Invited by"</th>
                                    <th scope="col" class="px-4 py-3">"Sent"</th>
                                    <th scope="col" class="px-4 py-3">"Expires"</th>
                                    <th scope="col" class="px-4 py-3">"Status"</th>
                                    <th scope="col" class="px-4 py-3"><span class="sr-only">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody class="divide-y divide-zinc-100">
                                {list.into_iter().map(|inv| view! { <PendingRow inv workspace_id=workspace_id.clone() delete/> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn PendingRow(inv: PendingInvitation, workspace_id: String, delete: ServerAction<DeleteInvitation>) -> impl IntoView {
    let (status, tone) = match (inv.expired, inv.delivery) {
        (true, _) => ("Expired", "bg-zinc-100 text-zinc-700"),
        (false, Delivery::Failed) => ("Not delivered", "bg-red-100 text-red-800"),
        (false, Delivery::Queued) => ("Sending", "bg-sky-100 text-sky-800"),
        (false, _) => ("Pending", "bg-amber-100 text-amber-800"),
    };
    view! {
        <tr>
            <td class="px-4 py-3 font-medium text-zinc-900">{inv.email.clone()}</td>
            <td class="px-4 py-3 text-zinc-700">{inv.invited_by}</td>
            <td class="px-4 py-3 text-zinc-700"><time datetime=inv.sent_at_iso>{inv.sent_at}</time></td>
            <td class="px-4 py-3 text-zinc-700"><time datetime=inv.expires_at_iso>{inv.expires_at}</time></td>
            <td class="px-4 py-3"><span class=format!("rounded-full px-2 py-0.5 text-xs font-medium {tone}")>{status}</span></td>
            <td class="px-4 py-3 text-right">
                <ActionForm action=delete>
                    <input type="hidden" name="workspace_id" value=workspace_id/>
                    <input type="hidden" name="invitation_id" value=inv.id/>
                    <button type="submit" class=DANGER_BUTTON aria-label=format!("Delete invitation for {}", inv.email)>"Delete"</button>
                </ActionForm>
            </td>
        </tr>
    }
}

#[component]
fn MembersTable(list: Vec<Member>, workspace_id: String, remove: ServerAction<RemoveMember>) -> impl IntoView {
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
                            <th scope="col" class="px-4 py-3">"Role"</th>
                            <th scope="col" class="px-4 py-3">"Joined"</th>
                            <th scope="col" class="px-4 py-3"><span class="sr-only">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody class="divide-y divide-zinc-100">
                        {list.into_iter().map(|m| view! { <MemberRow m workspace_id=workspace_id.clone() remove/> }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn MemberRow(m: Member, workspace_id: String, remove: ServerAction<RemoveMember>) -> impl IntoView {
    let label = format!("Remove {} from the workspace", m.name);
    view! {
        <tr>
            <td class="px-4 py-3 font-medium text-zinc-900">
                {m.name.clone()}
                {m.is_you.then(|| view! { <span class="ml-1 font-normal text-zinc-500">"(you)"</span> })}
            </td>
            <td class="px-4 py-3 text-zinc-700">{m.email}</td>
            <td class="px-4 py-3 text-zinc-700">{if m.is_owner { "Owner" } else { "Member" }}</td>
            <td class="px-4 py-3 text-zinc-700"><time datetime=m.joined_at_iso>{m.joined_at}</time></td>
            <td class="px-4 py-3 text-right">
                {m.removable.then(|| view! {
                    <ActionForm action=remove>
                        <input type="hidden" name="workspace_id" value=workspace_id.clone()/>
                        <input type="hidden" name="user_id" value=m.user_id.clone()/>
                        <button type="submit" class=DANGER_BUTTON aria-label=label.clone()>"Remove"</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}
