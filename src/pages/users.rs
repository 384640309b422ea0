use crate::access::{self, Access, Permission};
use crate::components::Frame;
use crate::components::{
    Chips, DANGER_BUTTON, EmailsField, ErrorSummary, Field, INPUT, Moment, PRIMARY_BUTTON, PageError, PageNotice,
    PeopleTabs, RolePicker, SECONDARY_BUTTON, field_error, form_errors,
};
use crate::domain::{Listing, Window};
use crate::error::AppError;
use crate::invitations::api::{
    DeleteInvitation, InviteUser, ResendInvitation, RestoreInvitation, SetInvitationRoles, ShareInvitationLink,
};
use crate::invitations::{self, Delivery, InvitationFilter, PendingInvitation, PendingState};
use crate::members::{self, Member, MemberFilter};
use crate::pages::page_title;
use crate::pages::workspace::WorkspaceRoute;
use crate::roles::RoleChoice;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Form};
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{accounts::session, members::service, state};

/// Everything the Users page shows, loaded in one call (one resource, read in
/// one place: Leptos can stall a server render when one resource is read in
/// several suspense boundaries).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersPageData {
    pub frame: Frame,
    /// What the page shows: its search, filters and pages, as its URL says.
    pub view: UsersView,
    /// One page of the members the view keeps.
    pub members: Listing<Member>,
    /// How many owners the workspace has (ownership stays with one at least).
    pub owners: usize,
    /// One page of the pending invitations the view keeps; `None` for
    /// members who may not see invitations.
    pub pending: Option<Listing<PendingInvitation>>,
    /// Roles that can be given to people (target USER), for the pickers.
    pub user_roles: Vec<RoleChoice>,
    /// What the last post on this page left to say, shown once.
    pub notice: Option<String>,
    /// The row (invitation or member id) the notice is about, when it is.
    pub about: Option<String>,
    /// The invitation link the last post handed over, shown once.
    pub shared: Option<invitations::SharedLink>,
    /// What the invite form is filled with again after the last post.
    pub echo: Option<invitations::InviteEcho>,
    /// The invitation the last post withdrew moments ago, to restore: its id
    /// and address.
    pub undo: Option<(String, String)>,
}

/// How many rows each list of the Users page shows.
pub const PAGE: usize = 50;

/// What the Users page shows, all of it in its URL (`?q=&show=&state=&after=`),
/// so that it works as plain links and forms.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersView {
    /// Search, in both lists: name or email, any case.
    pub q: String,
    /// Which members: all (empty), `owners`, or `role:NAME`.
    pub show: String,
    /// Which pending invitations (`PendingState::as_str`).
    pub state: String,
    /// The members' page: after or before a cursor.
    pub after: String,
    pub before: String,
    /// The pending invitations' page.
    pub pafter: String,
    pub pbefore: String,
}

impl UsersView {
    /// The view a URL's query names.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let get = |k: &str| get(k).unwrap_or_default();
        UsersView {
            q: get("q"),
            show: get("show"),
            state: get("state"),
            after: get("after"),
            before: get("before"),
            pafter: get("pafter"),
            pbefore: get("pbefore"),
        }
    }

    /// The URL's query for this view.
    pub fn to_query(&self) -> String {
        let pairs = [
            ("q", &self.q),
            ("show", &self.show),
            ("state", &self.state),
            ("after", &self.after),
            ("before", &self.before),
            ("pafter", &self.pafter),
            ("pbefore", &self.pbefore),
        ];
        let query: Vec<String> = pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        if query.is_empty() {
            String::new()
        } else {
            format!("?{}", query.join("&"))
        }
    }

    /// A link to this view with row `id` (a member or an invitation) open
    /// for managing.
    pub fn managing(&self, id: &str) -> String {
        let query = self.to_query();
        let joiner = if query.is_empty() { "?" } else { "&" };
        format!("{query}{joiner}manage={}#manage-{}", encode(id), encode(id))
    }

    /// A link to this view (on the same page), with no row open.
    pub fn to_query_or_here(&self) -> String {
        match self.to_query() {
            q if q.is_empty() => "?".to_string(),
            q => q,
        }
    }

    pub fn member_filter(&self) -> MemberFilter {
        MemberFilter {
            query: self.q.clone(),
            owners: self.show == "owners",
            role: self.show.strip_prefix("role:").map(str::to_string),
        }
    }

    pub fn invitation_filter(&self) -> InvitationFilter {
        InvitationFilter {
            query: self.q.clone(),
            state: PendingState::parse(&self.state),
        }
    }

    fn window(after: &str, before: &str) -> Window {
        let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Window {
            after: some(after),
            before: some(before).filter(|_| after.is_empty()),
            limit: PAGE,
        }
    }

    pub fn member_window(&self) -> Window {
        Self::window(&self.after, &self.before)
    }

    pub fn pending_window(&self) -> Window {
        Self::window(&self.pafter, &self.pbefore)
    }
}

/// `text` as a URL's query holds it.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The Users page in one call: one page of each list, their totals, and the
/// page's frame.
#[server(endpoint = "users_page")]
pub async fn users_page(workspace_id: String, #[server(default)] view: UsersView) -> Result<UsersPageData, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let members = service::page(&state.db, &access, &view.member_filter(), &view.member_window()).await?;
    let owners = service::owner_count(&state.db, &access.workspace_id).await?;
    let pending =
        match crate::invitations::service::page(&state.db, &access, &view.invitation_filter(), &view.pending_window())
            .await
        {
            Ok(list) => Some(list),
            Err(AppError::Forbidden(_)) => None,
            Err(e) => return Err(e),
        };
    let user_roles =
        crate::roles::service::choices_for(&state.db, &access.workspace_id, crate::access::Target::User).await?;
    Ok(UsersPageData {
        frame: super::workspace::frame(&state, access).await?,
        view,
        members,
        owners,
        pending,
        user_roles,
        notice: state::take_notice(),
        about: state::take_about(),
        shared: state::take_handover(),
        echo: state::take_echo(),
        undo: state::take_undo(),
    })
}

/// A page of the workspace's members, by name (the first 200 unless the
/// window says otherwise).
#[server(endpoint = "list_members")]
pub async fn list_members(
    workspace_id: String,
    #[server(default)] filter: MemberFilter,
    #[server(default)] window: Option<Window>,
) -> Result<Vec<Member>, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let window = window.unwrap_or_else(|| Window::first(service::MAX_PAGE));
    Ok(service::page(&state.db, &access, &filter, &window).await?.items)
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
    state::row_notice_for_plain_form(&user_id, &members::roles_saved_notice(&name));
    Ok(name)
}

/// Makes a member an owner too (owners only). Returns their name.
#[server(endpoint = "grant_ownership")]
pub async fn grant_ownership(workspace_id: String, user_id: String) -> Result<String, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let name = service::grant_ownership(&state.db, &access, &user_id).await?;
    state::row_notice_for_plain_form(&user_id, &members::owner_notice(&name, &access.workspace_name));
    Ok(name)
}

/// Takes ownership away from a member, or gives up one's own (owners only;
/// never the last owner). Returns their name.
#[server(endpoint = "revoke_ownership")]
pub async fn revoke_ownership(workspace_id: String, user_id: String) -> Result<String, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let name = service::revoke_ownership(&state.db, &access, &user_id).await?;
    state::row_notice_for_plain_form(
        &user_id,
        &members::no_longer_owner_notice(&name, &access.workspace_name),
    );
    Ok(name)
}

/// Every action the Users page can take: its forms post to them, and a post
/// that failed names its server function, which its action reports.
#[derive(Clone, Copy)]
struct Actions {
    invite: ServerAction<InviteUser>,
    delete: ServerAction<DeleteInvitation>,
    resend: ServerAction<ResendInvitation>,
    share: ServerAction<ShareInvitationLink>,
    restore: ServerAction<RestoreInvitation>,
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
            share: ServerAction::new(),
            restore: ServerAction::new(),
            invitation_roles: ServerAction::new(),
            remove: ServerAction::new(),
            member_roles: ServerAction::new(),
            grant_owner: ServerAction::new(),
            revoke_owner: ServerAction::new(),
        }
    }
}

/// The Users page: invite people, see who is pending and who is in.
#[component]
pub fn UsersPage() -> impl IntoView {
    let ws = expect_context::<WorkspaceRoute>();
    let actions = Actions::new();
    let query = use_query_map();
    let view = Memo::new(move |_| query.with(|q| UsersView::from_query(|k| q.get(k))));
    // Which row is open for managing: in the URL, so a plain link opens it,
    // but not part of what the page loads.
    let editing = query.with_untracked(|q| q.get("manage").unwrap_or_default());
    let page = Resource::new(move || (ws.id.get(), view.get()), |(id, view)| users_page(id, view));

    let invite_errors = form_errors(actions.invite.value());
    view! {
        <Title text=page_title("Users", Signal::derive(move || !invite_errors.get().is_empty()))/>
        <div class="space-y-8">
            <Transition fallback=|| view! { <p class="text-zinc-600">"Loading…"</p> }>
                {move || { let editing = editing.clone(); Suspend::new(async move {
                    match page.await {
                        Ok(data) => view! { <Users data actions editing/> }.into_any(),
                        Err(error) => view! { <PageError error/> }.into_any(),
                    }
                })}}
            </Transition>
        </div>
    }
}

/// The server functions whose failures a row's panel shows.
fn row_paths() -> [&'static str; 6] {
    use leptos::server_fn::ServerFn;
    [
        ResendInvitation::PATH,
        ShareInvitationLink::PATH,
        SetInvitationRoles::PATH,
        SetMemberRoles::PATH,
        GrantOwnership::PATH,
        RevokeOwnership::PATH,
    ]
}

#[component]
fn Users(data: UsersPageData, actions: Actions, editing: String) -> impl IntoView {
    let ctx = data.frame;
    let id = ctx.access.workspace_id.clone();
    let manage = ctx.access.can(Permission::Write, access::Resource::UserManagement);
    // What the last post said goes in the row it was about, when that row is
    // open on this page; otherwise at the foot of the window.
    let open = editing.clone();
    let shown = !open.is_empty()
        && (data.members.items.iter().any(|m| m.user_id == open)
            || data
                .pending
                .as_ref()
                .is_some_and(|p| p.items.iter().any(|i| i.id == open)));
    let mut notice = data.notice;
    let mut said: RowAnswer = None;
    if shown && data.about.as_deref() == Some(open.as_str()) {
        said = notice.take().map(|words| (open.clone(), Ok(words)));
    }
    use leptos::server_fn::ServerFn;
    let mut error = crate::components::post_error(&[InviteUser::PATH]);
    if shown && let Some((_, reason)) = error.take_if(|(path, _)| row_paths().contains(&path.as_str())) {
        said = Some((open.clone(), Err(reason)));
    }
    let rows = RowContext {
        workspace_id: id.clone(),
        manage,
        viewer: ctx.access.clone(),
        owners: data.owners,
        user_roles: data.user_roles.clone(),
        actions,
        editing,
        said,
        shared: data.shared,
        view: data.view.clone(),
        base: format!("/w/{id}/users"),
    };
    let base = rows.base.clone();
    let undo = data
        .undo
        .filter(|_| manage && notice.is_some())
        .map(|(invitation, email)| {
            let id = id.clone();
            let label = format!("Undo: restore the invitation to {email}");
            view! {
                <ActionForm action=actions.restore>
                    <input type="hidden" name="workspace_id" value=id.clone()/>
                    <input type="hidden" name="invitation_id" value=invitation/>
                    <button type="submit" class=SECONDARY_BUTTON aria-label=label>"Undo"</button>
                </ActionForm>
            }
            .into_any()
        });
    view! {
        <div class="space-y-4">
            <div>
                <h1 class="text-2xl font-semibold">"Users"</h1>
                <p class="mt-1 text-sm text-zinc-600">{format!("People who can see and review {}'s boards.", ctx.access.workspace_name)}</p>
            </div>
            <PeopleTabs workspace_id=id.clone() current="Users"/>
        </div>
        <PageNotice notice error=error.map(|(_, reason)| reason) beside=undo/>
        {manage.then_some(view! {
            <InviteForm action=actions.invite workspace_id=id.clone() lifetime=ctx.invitation_lifetime.clone() user_roles=data.user_roles.clone() echo=data.echo.unwrap_or_default()/>
        })}
        <Search view=data.view.clone() base=base.clone() user_roles=data.user_roles.clone() pending=data.pending.is_some()/>
        {data.pending.map(|list| view! { <PendingTable list view=data.view.clone() base=base.clone() rows=rows.clone()/> })}
        <MembersTable list=data.members view=data.view base rows/>
    }
}

/// The search and filters of both lists, as a plain GET form. A new search
/// starts both lists at their first page.
#[component]
fn Search(view: UsersView, base: String, user_roles: Vec<RoleChoice>, pending: bool) -> impl IntoView {
    let select = "block w-full rounded-md border-0 px-3 py-2 text-sm text-zinc-900 shadow-sm ring-1 ring-inset ring-zinc-300 focus:ring-2 focus:ring-indigo-600";
    let shows = [("", "All members".to_string()), ("owners", "Owners".to_string())]
        .into_iter()
        .map(|(v, l)| (v.to_string(), l))
        .chain(
            user_roles
                .into_iter()
                .map(|r| (format!("role:{}", r.name), format!("Role: {}", r.name))),
        )
        .collect::<Vec<_>>();
    let searching = !view.q.is_empty() || !view.show.is_empty() || !view.state.is_empty();
    view! {
        <search aria-label="Search people">
            <Form method="GET" action=base.clone() attr:class="flex flex-col gap-3 rounded-lg border border-zinc-200 bg-white p-4 shadow-sm sm:flex-row sm:items-end">
                <div class="flex-1">
                    <label for="users-q" class="block text-sm font-medium text-zinc-900">"Search by name or email"</label>
                    <input id="users-q" name="q" type="search" value=view.q.clone() autocomplete="off" spellcheck="false" class=format!("{INPUT} mt-1.5")/>
                </div>
                <div>
                    <label for="users-show" class="block text-sm font-medium text-zinc-900">"Members"</label>
                    <select id="users-show" name="show" class=format!("{select} mt-1.5")>
                        {shows.into_iter().map(|(value, label)| {
                            let selected = value == view.show;
                            view! { <option value=value selected=selected>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                {pending.then(|| view! {
                    <div>
                        <label for="users-state" class="block text-sm font-medium text-zinc-900">"Pending"</label>
                        <select id="users-state" name="state" class=format!("{select} mt-1.5")>
                            {PendingState::ALL.into_iter().map(|s| {
                                let selected = s.as_str() == view.state;
                                view! { <option value=s.as_str() selected=selected>{s.label()}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                })}
                <div class="flex gap-2">
                    <button type="submit" class=SECONDARY_BUTTON>"Search"</button>
                    {searching.then(|| view! { <a href=base.clone() class="inline-flex items-center px-2 text-sm font-medium text-indigo-700 underline">"Clear"</a> })}
                </div>
            </Form>
        </search>
    }
}

/// The links to a list's pages on either side, as the URL says.
struct Pager {
    label: &'static str,
    next: Option<UsersView>,
    previous: Option<UsersView>,
    base: String,
}

#[component]
fn Pages(pages: Pager) -> impl IntoView {
    if pages.next.is_none() && pages.previous.is_none() {
        return None;
    }
    let link = "inline-flex items-center rounded-md px-3 py-1.5 text-sm font-medium text-indigo-700 ring-1 ring-inset ring-zinc-300 hover:bg-zinc-50";
    let href = |v: &UsersView| format!("{}{}", pages.base, v.to_query());
    Some(view! {
        <nav aria-label=format!("{}: pages", pages.label) class="flex justify-between gap-3">
            {match &pages.previous {
                Some(v) => view! { <A href=href(v) attr:class=link attr:rel="prev">"Previous"</A> }.into_any(),
                None => view! { <span></span> }.into_any(),
            }}
            {pages.next.as_ref().map(|v| view! { <A href=href(v) attr:class=link attr:rel="next">"Next"</A> })}
        </nav>
    })
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
    user_roles: Vec<RoleChoice>,
    actions: Actions,
    /// Which row (member or invitation id) is open for managing.
    editing: String,
    /// What the last post said about the open row.
    said: RowAnswer,
    /// The invitation link the last post handed over.
    shared: Option<invitations::SharedLink>,
    /// The page's view and path, for the rows' links.
    view: UsersView,
    base: String,
}

impl RowContext {
    /// Whether row `id`'s panel is open.
    fn opens(&self, id: &str) -> bool {
        self.editing == id
    }
}

#[component]
fn InviteForm(
    action: ServerAction<InviteUser>,
    workspace_id: String,
    lifetime: String,
    user_roles: Vec<RoleChoice>,
    /// What the last post left to fill the form with again.
    echo: invitations::InviteEcho,
) -> impl IntoView {
    let errors = form_errors(action.value());
    let emails_error = field_error(errors, "emails");
    let partial = echo.failed;
    let failed = partial.len();
    view! {
        <section aria-labelledby="invite-title" class="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
            <h2 id="invite-title" class="text-lg font-semibold">"Invite people"</h2>
            <p class="mt-1 text-sm text-zinc-600">{format!("They get an email with a link to join. Links expire after {lifetime}. Everyone who joins is also in the built-in group “everyone” and gets what it allows (see Groups).")}</p>
            <div class="mt-4 space-y-4">
                <ErrorSummary form="invite" errors/>
                {(failed > 0).then(|| view! {
                    <div role="alert" class="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900">
                        <p class="font-semibold">{if failed == 1 { "1 person couldn't be invited".to_string() } else { format!("{failed} people couldn't be invited") }}</p>
                        <ul class="mt-1 list-disc pl-5">{partial.into_iter().map(|reason| view! { <li>{reason}</li> }).collect_view()}</ul>
                    </div>
                })}
                <ActionForm action attr:id="invite" attr:novalidate=true attr:class="space-y-4">
                    <input type="hidden" name="workspace_id" value=workspace_id/>
                    <div>
                        <div>
                            <Field id="invite-emails" label="Email addresses" hint="Separate several addresses with commas." error=emails_error>
                                <EmailsField value=echo.emails invalid=emails_error.get_untracked().is_some()/>
                            </Field>
                        </div>
                    </div>
                    // Roles come before Send, on screen and in tab order: choose, then send.
                    <RolePicker id="invite-roles".to_string() choices=user_roles chosen=echo.roles legend="Roles"/>
                    <div>
                        <button type="submit" class=PRIMARY_BUTTON data-busy="Sending…">"Send"</button>
                    </div>
                </ActionForm>
            </div>
        </section>
    }
}

#[component]
fn PendingTable(list: Listing<PendingInvitation>, view: UsersView, base: String, rows: RowContext) -> impl IntoView {
    let count = list.total;
    let pages = Pager {
        label: "Pending invitations",
        next: list.next.map(|c| UsersView {
            pafter: c,
            pbefore: String::new(),
            ..view.clone()
        }),
        previous: list.previous.map(|c| UsersView {
            pafter: String::new(),
            pbefore: c,
            ..view.clone()
        }),
        base,
    };
    let filtered = !view.q.is_empty() || !view.state.is_empty();
    let list = list.items;
    view! {
        <section aria-labelledby="pending-title" class="space-y-3">
            <h2 id="pending-title" class="flex items-center gap-2 text-lg font-semibold">
                "Pending invitations"
                <span class="rounded-full bg-zinc-200 px-2 py-0.5 text-xs font-medium text-zinc-700">{count}</span>
            </h2>
            {if list.is_empty() {
                let empty = if filtered { "No pending invitations match." } else { "No pending invitations." };
                view! { <p class="rounded-lg border border-dashed border-zinc-300 bg-white p-6 text-center text-sm text-zinc-600">{empty}</p> }.into_any()
            } else {
                view! {
                    <div class="relative overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-sm">
                        <table class="stack stack-pending min-w-full divide-y divide-zinc-200 text-sm" aria-label="Pending invitations">
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
            <Pages pages/>
        </section>
    }
}

#[component]
fn PendingRow(inv: PendingInvitation, rows: RowContext) -> impl IntoView {
    let declined = inv.declined_at;
    let (status, tone) = match (inv.expired, inv.delivery) {
        _ if declined.is_some() => ("Declined", "bg-zinc-100 text-zinc-700"),
        (true, _) => ("Expired", "bg-zinc-100 text-zinc-700"),
        (false, Delivery::Failed) => ("Not delivered", "bg-red-100 text-red-800"),
        (false, Delivery::Queued) => ("Sending", "bg-sky-100 text-sky-800"),
        (false, _) => ("Pending", "bg-amber-100 text-amber-800"),
    };
    let open = rows.opens(&inv.id);
    let panel = {
        let (rows, inv) = (rows.clone(), inv.clone());
        move || {
            let RowContext {
                workspace_id,
                user_roles,
                actions,
                ..
            } = rows.clone();
            let (iid, email) = (inv.id.clone(), inv.email.clone());
            let hidden = || {
                view! {
                    <input type="hidden" name="workspace_id" value=workspace_id.clone()/>
                    <input type="hidden" name="invitation_id" value=iid.clone()/>
                }
            };
            let (for_resend, for_delete, for_share) = (hidden(), hidden(), hidden());
            let (resend_label, delete_label, share_label) = (
                format!("Resend invitation to {email}"),
                format!("Delete invitation for {email}"),
                format!("Copy invite link for {email}"),
            );
            let resend = view! {
                <ActionForm action=actions.resend>
                    {for_resend}
                    <button type="submit" class=SECONDARY_BUTTON aria-label=resend_label>"Resend"</button>
                </ActionForm>
            };
            let share = view! {
                <ActionForm action=actions.share>
                    {for_share}
                    <button type="submit" class=SECONDARY_BUTTON aria-label=share_label>"Copy invite link"</button>
                </ActionForm>
            };
            let shared = rows
                .shared
                .clone()
                .filter(|link| link.invitation_id == iid)
                .map(|link| view! { <SharedLinkBox link/> });
            let delete = view! {
                <ActionForm
                    action=actions.delete
                    attr:data-confirm=crate::invitations::delete_question(&email)
                    attr:data-confirm-button="Delete invitation"
                >
                    {for_delete}
                    <button type="submit" class=DANGER_BUTTON aria-label=delete_label>"Delete"</button>
                </ActionForm>
            };
            view! {
                <RolesForm of=RolesOf::Invitation(actions.invitation_roles) workspace_id=workspace_id.clone() id=iid.clone() held=inv.roles.clone() choices=user_roles/>
                <div class="flex flex-wrap gap-2">{resend}{share}{delete}</div>
                {shared}
            }
        }
    };
    view! {
        <tr class="align-top">
            <td class="cell-name">{inv.email.clone()}</td>
            <td class="cell"><Chips items=inv.roles.clone() empty="—"/></td>
            <td class="cell">{inv.invited_by.clone()}</td>
            <td class="cell"><Moment at=inv.sent_at/></td>
            <td class="cell"><Moment at=inv.expires_at/></td>
            <td class="px-4 py-3">
                <span class=format!("rounded-full px-2 py-0.5 text-xs font-medium {tone}")>{status}</span>
                {declined.map(|at| view! { <span class="mt-1 block text-xs text-zinc-600"><Moment at/></span> })}
                {inv.delivery_error.clone().map(|why| view! { <span class="mt-1 block max-w-xs text-xs text-zinc-600">{why}</span> })}
            </td>
            <td class="cell-actions">
                {(rows.manage && declined.is_none()).then(|| view! { <Manage rows=rows.clone() id=inv.id.clone() label=inv.email.clone()/> })}
            </td>
        </tr>
        {let (id, close) = (inv.id.clone(), rows.view.to_query_or_here()); open.then(|| panel_row(&id, 7, &close, rows.said.clone(), panel()))}
    }
}

/// A pending invitation's link, handed over: to copy and send by other means.
#[component]
fn SharedLinkBox(link: invitations::SharedLink) -> impl IntoView {
    let id = format!("invite-link-{}", link.invitation_id);
    let hint = format!(
        "Anyone with this link can join as {}. Send it yourself; it is shown only now.",
        link.email
    );
    view! {
        <div class="rounded-md border border-zinc-200 bg-white p-3">
            <label for=id.clone() class="block text-sm font-medium">{format!("Invite link for {}", link.email)}</label>
            <div class="mt-2 flex flex-wrap gap-2">
                <input id=id.clone() type="text" readonly=true value=link.url class="field min-w-0 flex-1 font-mono text-xs"/>
                <button type="button" class=SECONDARY_BUTTON data-copy=id>"Copy"</button>
            </div>
            <p class="mt-2 text-xs text-zinc-600">{hint}" Works until "<Moment at=link.expires_at/>"."</p>
        </div>
    }
}

/// A row's "Manage" link: it opens the row's panel (in the URL, so that it
/// is a plain link), or closes it again.
#[component]
fn Manage(rows: RowContext, id: String, label: String) -> impl IntoView {
    let open = rows.opens(&id);
    view! {
        <a
            href=if open { rows.view.to_query_or_here() } else { rows.view.managing(&id) }
            aria-expanded=if open { "true" } else { "false" }
            aria-label=format!("Manage: {label}")
            class="row-link"
        >
            "Manage"
        </a>
    }
}

/// What the last post on a row said, by the row's id: its words, or the
/// reason it failed.
type RowAnswer = Option<(String, Result<String, String>)>;

/// A row's panel: what can be done with it, below it, the width of the
/// table, with what the last action on it said; "Done" (`close`) closes it.
fn panel_row<V: IntoView + 'static>(
    id: &str,
    columns: u8,
    close: &str,
    said: RowAnswer,
    body: V,
) -> impl IntoView + use<V> {
    let row = id.to_string();
    let answer = {
        said.filter(|(about, _)| *about == row)
            .map(|(_, outcome)| match outcome {
                Ok(words) => {
                    view! { <p role="status" class="text-sm font-medium text-green-800">{words}</p> }.into_any()
                }
                Err(reason) => {
                    view! { <p role="alert" class="text-sm font-medium text-red-700">{reason}</p> }.into_any()
                }
            })
    };
    view! {
        <tr id=format!("manage-{id}") class="bg-zinc-50">
            <td colspan=columns class="px-4 py-4">
                <div class="space-y-4">
                    {body}
                    {answer}
                    <a href=close.to_string() class="inline-block text-sm font-medium text-indigo-700 underline">"Done"</a>
                </div>
            </td>
        </tr>
    }
}

/// Whose roles a form changes, and the action that saves them.
#[derive(Clone, Copy)]
enum RolesOf {
    Invitation(ServerAction<SetInvitationRoles>),
    Member(ServerAction<SetMemberRoles>),
}

/// The roles a member or an invitation gives, to change.
#[component]
fn RolesForm(
    of: RolesOf,
    workspace_id: String,
    id: String,
    held: Vec<String>,
    choices: Vec<RoleChoice>,
) -> impl IntoView {
    let (key, form) = match of {
        RolesOf::Invitation(_) => ("invitation_id", "inv"),
        RolesOf::Member(_) => ("user_id", "member"),
    };
    if choices.is_empty() {
        return view! { <p class="text-sm text-zinc-600">"No roles for people yet. Create one on the Roles tab."</p> }
            .into_any();
    }
    let fields = view! {
        <input type="hidden" name="workspace_id" value=workspace_id/>
        <input type="hidden" name=key value=id.clone()/>
        <RolePicker id=format!("{form}-{id}") choices chosen=held legend="Roles"/>
        <button type="submit" class=SECONDARY_BUTTON>"Save roles"</button>
    };
    match of {
        RolesOf::Invitation(action) => {
            view! { <ActionForm action attr:class="space-y-3">{fields}</ActionForm> }.into_any()
        }
        RolesOf::Member(action) => view! { <ActionForm action attr:class="space-y-3">{fields}</ActionForm> }.into_any(),
    }
}

#[component]
fn MembersTable(list: Listing<Member>, view: UsersView, base: String, rows: RowContext) -> impl IntoView {
    let count = list.total;
    let pages = Pager {
        label: "Active users",
        next: list.next.map(|c| UsersView {
            after: c,
            before: String::new(),
            ..view.clone()
        }),
        previous: list.previous.map(|c| UsersView {
            after: String::new(),
            before: c,
            ..view.clone()
        }),
        base,
    };
    let none_match = list.items.is_empty();
    let list = list.items;
    view! {
        <section aria-labelledby="members-title" class="space-y-3">
            <h2 id="members-title" class="flex items-center gap-2 text-lg font-semibold">
                "Active users"
                <span class="rounded-full bg-zinc-200 px-2 py-0.5 text-xs font-medium text-zinc-700">{count}</span>
            </h2>
            <div class="relative overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-sm">
                <table class="stack stack-members min-w-full divide-y divide-zinc-200 text-sm" aria-label="Active users">
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
            {none_match.then_some(view! {
                <p class="rounded-lg border border-dashed border-zinc-300 bg-white p-6 text-center text-sm text-zinc-600">"No members match."</p>
            })}
            <Pages pages/>
        </section>
    }
}

#[component]
fn MemberRow(m: Member, rows: RowContext) -> impl IntoView {
    let viewer = rows.viewer.clone();
    let is_you = m.user_id == viewer.user.id;
    let removable = members::may_remove(&viewer, &m, rows.owners);
    let make_owner = viewer.is_owner && !m.is_owner;
    let unmake_owner = viewer.is_owner && m.is_owner && rows.owners > 1;
    let anything = rows.manage || make_owner || unmake_owner || removable;
    let mut labels = Vec::new();
    if m.is_owner {
        labels.push("Owner".to_string());
    }
    labels.extend(m.roles.iter().cloned());
    labels.extend(m.groups.iter().map(|g| format!("group: {g}")));
    let open = rows.opens(&m.user_id);
    let panel = {
        let (rows, m) = (rows.clone(), m.clone());
        move || {
            let RowContext {
                workspace_id,
                manage,
                user_roles,
                actions,
                ..
            } = rows.clone();
            let workspace = viewer.workspace_name.clone();
            let (uid, name) = (m.user_id.clone(), m.name.clone());
            let hidden = || {
                view! {
                    <input type="hidden" name="workspace_id" value=workspace_id.clone()/>
                    <input type="hidden" name="user_id" value=uid.clone()/>
                }
            };
            let grant = make_owner.then(|| {
                let fields = hidden();
                let label = format!("Make owner: {name}");
                view! {
                    <ActionForm action=actions.grant_owner>
                        {fields}
                        <button type="submit" class=SECONDARY_BUTTON aria-label=label>"Make owner"</button>
                    </ActionForm>
                }
            });
            let revoke = unmake_owner.then(|| {
                let fields = hidden();
                let (label, text) = if is_you {
                    ("Give up ownership".to_string(), "Give up ownership")
                } else {
                    (format!("Remove as owner: {name}"), "Remove as owner")
                };
                view! {
                    <ActionForm
                        action=actions.revoke_owner
                        attr:data-confirm=members::revoke_owner_question(&name, &workspace, is_you)
                        attr:data-confirm-button=text
                    >
                        {fields}
                        <button type="submit" class=SECONDARY_BUTTON aria-label=label>{text}</button>
                    </ActionForm>
                }
            });
            let remove = removable.then(|| {
                let fields = hidden();
                let label = format!("Remove {name} from the workspace");
                view! {
                    <ActionForm
                        action=actions.remove
                        attr:data-confirm=members::remove_question(&name, &workspace)
                        attr:data-confirm-button="Remove"
                    >
                        {fields}
                        <button type="submit" class=DANGER_BUTTON aria-label=label>"Remove"</button>
                    </ActionForm>
                }
            });
            let roles = manage.then(|| {
                view! {
                    <RolesForm of=RolesOf::Member(actions.member_roles) workspace_id=workspace_id.clone() id=uid.clone() held=m.roles.clone() choices=user_roles.clone()/>
                }
            });
            view! {
                {roles}
                <div class="flex flex-wrap gap-2">{grant}{revoke}{remove}</div>
            }
        }
    };
    view! {
        <tr class="align-top">
            <td class="cell-name">
                {m.name.clone()}
                {is_you.then_some(view! { <span class="ml-1 font-normal text-zinc-500">"(you)"</span> })}
            </td>
            <td class="cell">{m.email.clone()}</td>
            <td class="cell"><Chips items=labels empty="Member"/></td>
            <td class="cell"><Moment at=m.joined_at/></td>
            <td class="cell-actions">
                {anything.then(|| view! { <Manage rows=rows.clone() id=m.user_id.clone() label=m.name.clone()/> })}
            </td>
        </tr>
        {let (id, close) = (m.user_id.clone(), rows.view.to_query_or_here()); open.then(|| panel_row(&id, 5, &close, rows.said.clone(), panel()))}
    }
}
