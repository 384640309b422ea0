use crate::access::{self, Access, Permission};
use crate::components::Frame;
use crate::components::{
    Chips, ConfirmForm, CopyButton, DANGER_BUTTON, EmailsField, ErrorSummary, Field, INPUT, Moment, PRIMARY_BUTTON,
    PageError, PeopleTabs, PostForm, Posted, RolePicker, SECONDARY_BUTTON, field_error, form_errors,
};
use crate::domain::url_encode as encode;
use crate::domain::{Listing, Window};
use crate::error::{AppError, FieldError};
use crate::invitations::api::{
    DeleteInvitation, InviteUser, ResendInvitation, RestoreInvitation, SetInvitationRoles, ShareInvitationLink,
};
use crate::invitations::{self, Delivery, InvitationFilter, PendingInvitation, PendingState};
use crate::members::{self, Member, MemberFilter};
use crate::pages::page_title;
use crate::pages::workspace::WorkspaceRoute;
use crate::roles::RoleChoice;
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_meta::Title;
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

    /// Each field, by the name the URL and the server function give it.
    fn fields(&self) -> [(&'static str, &str); 7] {
        [
            ("q", &self.q),
            ("show", &self.show),
            ("state", &self.state),
            ("after", &self.after),
            ("before", &self.before),
            ("pafter", &self.pafter),
            ("pbefore", &self.pbefore),
        ]
    }

    /// The URL's query for this view.
    pub fn to_query(&self) -> String {
        let query: Vec<String> = self
            .fields()
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

/// The Users page in one call: one page of each list, their totals, and the
/// page's frame.
#[server(endpoint = "users_page")]
pub async fn users_page(workspace_id: String, #[server(default)] view: UsersView) -> Result<UsersPageData, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let Lists {
        members,
        owners,
        pending,
    } = read_lists(&state, &access, &view).await?;
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

/// One page of each list of the Users page, as its view says, and how many
/// owners there are (which decides what each member's row offers).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lists {
    pub members: Listing<Member>,
    pub owners: usize,
    /// `None` for members who may not see invitations.
    pub pending: Option<Listing<PendingInvitation>>,
}

#[cfg(feature = "ssr")]
async fn read_lists(state: &state::AppState, access: &Access, view: &UsersView) -> Result<Lists, AppError> {
    let members = service::page(&state.db, access, &view.member_filter(), &view.member_window()).await?;
    let owners = service::owner_count(&state.db, &access.workspace_id).await?;
    let pending =
        match crate::invitations::service::page(&state.db, access, &view.invitation_filter(), &view.pending_window())
            .await
        {
            Ok(list) => Some(list),
            Err(AppError::Forbidden(_)) => None,
            Err(e) => return Err(e),
        };
    Ok(Lists {
        members,
        owners,
        pending,
    })
}

/// The Users page's lists as they are now, read again when the workspace
/// changes.
#[server(endpoint = "users_lists")]
pub async fn users_lists(workspace_id: String, #[server(default)] view: UsersView) -> Result<Lists, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    read_lists(&state, &access, &view).await
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

/// The Users page: invite people, see who is pending and who is in.
#[component]
pub fn UsersPage() -> impl IntoView {
    let ws = expect_context::<WorkspaceRoute>();
    let query = use_query_map();
    let view = Memo::new(move |_| query.with(|q| UsersView::from_query(|k| q.get(k))));
    // Which row is open for managing: in the URL, so a plain link opens it,
    // but not part of what the page loads.
    let editing = query.with_untracked(|q| q.get("manage").unwrap_or_default());
    let page = Resource::new(move || (ws.id.get(), view.get()), |(id, view)| users_page(id, view));
    // What a plain post of the invite form left wrong: for the tab's title,
    // and for the form.
    let invite_errors = form_errors(ServerAction::<InviteUser>::new().value()).get_untracked();
    let has_errors = !invite_errors.is_empty();
    view! {
        <Title text=page_title("Users", Signal::derive(move || has_errors))/>
        <div class="space-y-8">
            <Transition fallback=|| view! { <p class="text-zinc-600">"Loading…"</p> }>
                {move || { let (editing, invite_errors) = (editing.clone(), invite_errors.clone()); Suspend::new(async move {
                    match page.await {
                        Ok(data) => view! { <Users data editing invite_errors/> }.into_any(),
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

/// What the Users page's island starts from: what the server read, and what
/// the last plain post on the page left to say. It travels in the page as
/// the island's props, so it holds only what the page shows anyway.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    viewer: Viewer,
    lifetime: String,
    view: UsersView,
    lists: Lists,
    user_roles: Vec<RoleChoice>,
    /// Which row (member or invitation id) is open for managing.
    editing: String,
    notice: Option<String>,
    error: Option<String>,
    /// This page without its notice.
    dismiss: String,
    /// What the last post said about the open row.
    said: RowAnswer,
    /// The invitation link the last post handed over.
    shared: Option<invitations::SharedLink>,
    /// What the invite form is filled with again.
    echo: invitations::InviteEcho,
    /// What a plain post of the invite form left wrong.
    invite_errors: Vec<FieldError>,
    /// The invitation withdrawn moments ago: its id and address.
    undo: Option<(String, String)>,
}

/// Who is looking at the Users page, as far as the island needs to know.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Viewer {
    workspace_id: String,
    workspace_name: String,
    user_id: String,
    is_owner: bool,
    /// Holds WRITE on USER_MANAGEMENT.
    manages: bool,
}

impl Viewer {
    fn of(access: &Access) -> Self {
        Viewer {
            workspace_id: access.workspace_id.clone(),
            workspace_name: access.workspace_name.clone(),
            user_id: access.user.id.clone(),
            is_owner: access.is_owner,
            manages: access.can(Permission::Write, access::Resource::UserManagement),
        }
    }
}

/// The page around the island: what a plain post left is sorted out here, on
/// the server, where the router knows the address and the post's error.
#[component]
fn Users(data: UsersPageData, editing: String, invite_errors: Vec<FieldError>) -> impl IntoView {
    let ctx = data.frame;
    let id = ctx.access.workspace_id.clone();
    // What the last post said goes in the row it was about, when that row is
    // open on this page; otherwise under the page's heading.
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
        said = notice.take().map(|words| RowSaid::new(&open, Ok(words)));
    }
    use leptos::server_fn::ServerFn;
    let mut error = crate::components::post_error(&[InviteUser::PATH]);
    if shown && let Some((_, reason)) = error.take_if(|(path, _)| row_paths().contains(&path.as_str())) {
        said = Some(RowSaid::new(&open, Err(reason)));
    }
    let dismiss = crate::components::unanswered_page();
    let board = Board {
        viewer: Viewer::of(&ctx.access),
        lifetime: ctx.invitation_lifetime.clone(),
        view: data.view,
        lists: Lists {
            members: data.members,
            owners: data.owners,
            pending: data.pending,
        },
        user_roles: data.user_roles,
        editing,
        notice,
        error: error.map(|(_, reason)| reason),
        dismiss,
        said,
        shared: data.shared,
        echo: data.echo.unwrap_or_default(),
        invite_errors,
        undo: data.undo,
    };
    view! {
        <div class="space-y-4">
            <div>
                <h1 class="text-2xl font-semibold">"Users"</h1>
                <p class="mt-1 text-sm text-zinc-600">
                    {format!("People who can see and review {}'s boards.", ctx.access.workspace_name)}
                    {ctx.access.can(Permission::Write, access::Resource::UserManagement).then(|| view! {
                        " " <a href=format!("/w/{id}/users/import") class="font-medium text-indigo-700 underline">"Invite from a spreadsheet"</a>
                    })}
                </p>
            </div>
            <PeopleTabs workspace_id=id current="Users"/>
        </div>
        <UsersBoard board/>
    }
}

/// What the page said last, above everything else: the words and a way to
/// undo them, or what went wrong.
#[derive(Clone, Copy)]
struct Said {
    notice: RwSignal<Option<String>>,
    error: RwSignal<Option<String>>,
    undo: RwSignal<Option<(String, String)>>,
}

impl Said {
    fn notice(self, words: String) {
        self.notice.set(Some(words));
        self.error.set(None);
        self.undo.set(None);
    }
}

/// Reads the lists again (once at a time; a change heard meanwhile reads
/// them once more after), keeping focus where it was.
#[derive(Clone, Copy)]
struct Refresh {
    lists: RwSignal<Lists>,
    from: StoredValue<(String, UsersView)>,
    busy: StoredValue<bool>,
    again: StoredValue<bool>,
}

impl Refresh {
    fn run(self) {
        if self.busy.get_value() {
            self.again.set_value(true);
            return;
        }
        self.busy.set_value(true);
        leptos::task::spawn_local(async move {
            loop {
                self.again.set_value(false);
                let (workspace_id, view) = self.from.get_value();
                if let Ok(now) = lists_now(&workspace_id, &view).await
                    && now != self.lists.get_untracked()
                {
                    keep_focus(move || self.lists.set(now));
                }
                if !self.again.get_value() {
                    break;
                }
            }
            self.busy.set_value(false);
        });
    }
}

/// The lists as they are now, as `users_lists` reads them.
async fn lists_now(workspace_id: &str, view: &UsersView) -> Result<Lists, AppError> {
    use leptos::server_fn::ServerFn;
    let fields: Vec<(String, &str)> = view.fields().map(|(k, v)| (format!("view[{k}]"), v)).into();
    let body = crate::components::encode_pairs(
        std::iter::once(("workspace_id", workspace_id)).chain(fields.iter().map(|(k, v)| (k.as_str(), *v))),
    );
    crate::components::call(UsersLists::url(), body).await
}

/// Runs `change` (which redraws part of the page); if the control that had
/// focus was redrawn, focus goes to its new self (by id, or by label).
fn keep_focus(change: impl FnOnce()) {
    use wasm_bindgen::JsCast;
    let had = document()
        .active_element()
        .map(|el| (el.id(), el.get_attribute("aria-label")));
    change();
    let Some((id, label)) = had else {
        return;
    };
    request_animation_frame(move || {
        let page = document();
        let lost = match (page.active_element(), page.body()) {
            (Some(now), Some(body)) => now == *body.unchecked_ref::<web_sys::Element>(),
            _ => true,
        };
        if !lost {
            return;
        }
        let again = page.get_element_by_id(&id).filter(|_| !id.is_empty()).or_else(|| {
            let label = label?;
            let labelled = page.query_selector_all("[aria-label]").ok()?;
            (0..labelled.length())
                .filter_map(|i| labelled.item(i)?.dyn_into::<web_sys::Element>().ok())
                .find(|el| el.get_attribute("aria-label").as_deref() == Some(label.as_str()))
        });
        if let Some(el) = again.and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    });
}

/// Listens to the workspace's changes and reads the lists again at each;
/// `lost` once the server says this person may no longer see them.
#[cfg(feature = "hydrate")]
fn listen(workspace_id: &str, refresh: Refresh, lost: RwSignal<bool>) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let Ok(source) = web_sys::EventSource::new(&format!("/w/{workspace_id}/events")) else {
        return;
    };
    let changed = Closure::<dyn Fn()>::new(move || refresh.run());
    // "ready" too: what changed between this page's render and the stream's
    // opening (or while it was reconnecting) is read then.
    for kind in crate::domain::CHANGE_KINDS.iter().chain(&["ready", "resync"]) {
        let _ = source.add_event_listener_with_callback(kind, changed.as_ref().unchecked_ref());
    }
    let ended = {
        let source = source.clone();
        Closure::<dyn Fn()>::new(move || {
            source.close();
            lost.set(true);
        })
    };
    let _ = source.add_event_listener_with_callback("ended", ended.as_ref().unchecked_ref());
    // Both live as long as the page (islands are never taken down).
    changed.forget();
    ended.forget();
}

/// The Users page as one island: what the last action said, the invite
/// form, the search, and both lists, which follow the workspace's changes as
/// they happen. Every form is a server function's form: it posts as a plain
/// form until the island wakes, and is answered in place after.
#[island]
fn UsersBoard(board: Board) -> impl IntoView {
    let workspace_id = board.viewer.workspace_id.clone();
    let manage = board.viewer.manages;
    let said = Said {
        notice: RwSignal::new(board.notice),
        error: RwSignal::new(board.error),
        undo: RwSignal::new(board.undo.filter(|_| manage)),
    };
    let lists = RwSignal::new(board.lists);
    let refresh = Refresh {
        lists,
        from: StoredValue::new((workspace_id.clone(), board.view.clone())),
        busy: StoredValue::new(false),
        again: StoredValue::new(false),
    };
    let lost = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    listen(&workspace_id, refresh, lost);
    let base = format!("/w/{workspace_id}/users");
    let rows = RowContext {
        workspace_id: workspace_id.clone(),
        manage,
        viewer: board.viewer.clone(),
        lists,
        user_roles: board.user_roles.clone(),
        editing: board.editing,
        said: RwSignal::new(board.said),
        shared: RwSignal::new(board.shared),
        page: said,
        refresh,
        view: board.view.clone(),
        base: base.clone(),
    };
    let has_pending = lists.with_untracked(|l| l.pending.is_some());
    // The island's sections, spaced as the page's own (an island adds no box).
    view! {
        <div class="space-y-8">
        <Notice said dismiss=board.dismiss workspace_id=workspace_id.clone() refresh/>
        {move || lost.get().then(|| view! {
            <p role="status" class="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm font-medium text-amber-900">
                "These lists no longer update: you may no longer see this workspace's people. Reload the page to see what you may."
            </p>
        })}
        {manage.then(|| view! {
            <InviteForm workspace_id lifetime=board.lifetime user_roles=board.user_roles.clone() echo=board.echo errors=board.invite_errors said refresh/>
        })}
        <Search view=board.view base user_roles=board.user_roles pending=has_pending/>
        {has_pending.then(|| view! { <PendingTable rows=rows.clone()/> })}
        <MembersTable rows/>
        </div>
    }
}

/// What the last action on the page said, in the page's flow under its
/// heading, where it covers nothing: its notice in a status region that is
/// there from the first render (empty, it takes no room), so that screen
/// readers announce what arrives in it, and what went wrong as an alert;
/// Undo beside a withdrawal; Dismiss takes it away.
#[component]
fn Notice(said: Said, dismiss: String, workspace_id: String, refresh: Refresh) -> impl IntoView {
    let restore = Posted::<RestoreInvitation>::new(move |answer| match answer {
        Ok(email) => {
            said.notice(invitations::restored_notice(&email));
            refresh.run();
        }
        Err(e) => said.error.set(Some(e.to_string())),
    });
    let undo = move || {
        said.undo.get().map(|(invitation, email)| {
            let label = format!("Undo: restore the invitation to {email}");
            let fields = ids(&workspace_id, "invitation_id", &invitation);
            view! {
                <PostForm posted=restore>
                    {fields}
                    <button type="submit" class=SECONDARY_BUTTON aria-label=label>"Undo"</button>
                </PostForm>
            }
        })
    };
    let shown = Memo::new(move |_| said.notice.with(Option::is_some) || said.error.with(Option::is_some));
    let away = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        said.notice.set(None);
        said.error.set(None);
        said.undo.set(None);
    };
    view! {
        <div class="space-y-2">
            <div role="status" aria-live="polite" aria-atomic="true">
                {move || said.notice.get().map(|m| view! {
                    <p class="rounded-md border border-green-300 bg-green-50 px-4 py-3 text-sm font-medium break-words text-green-900">{m}</p>
                })}
            </div>
            {move || said.error.get().map(|e| view! {
                <p role="alert" class="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm font-medium text-red-800">{e}</p>
            })}
            {move || shown.get().then(|| view! {
                <div class="flex flex-wrap items-center justify-end gap-3">
                    {undo.clone()}
                    <a href=dismiss.clone() class="row-link" on:click=away>"Dismiss"</a>
                </div>
            })}
        </div>
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
            <form method="get" action=base.clone() class="flex flex-col gap-3 rounded-lg border border-zinc-200 bg-white p-4 shadow-sm sm:flex-row sm:items-end">
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
            </form>
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

impl Pager {
    /// The pages on either side of `list`: `at(after, before)` is the view
    /// of the page after or before a cursor.
    fn of<T>(label: &'static str, list: &Listing<T>, base: &str, at: impl Fn(String, String) -> UsersView) -> Self {
        Pager {
            label,
            next: list.next.clone().map(|c| at(c, String::new())),
            previous: list.previous.clone().map(|c| at(String::new(), c)),
            base: base.to_string(),
        }
    }
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
                Some(v) => Either::Left(view! { <a href=href(v) class=link rel="prev">"Previous"</a> }),
                None => Either::Right(view! { <span></span> }),
            }}
            {pages.next.as_ref().map(|v| view! { <a href=href(v) class=link rel="next">"Next"</a> })}
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
    viewer: Viewer,
    /// Both lists, as last read.
    lists: RwSignal<Lists>,
    user_roles: Vec<RoleChoice>,
    /// Which row (member or invitation id) is open for managing.
    editing: String,
    /// What the last action on a row said about it.
    said: RwSignal<RowAnswer>,
    /// The invitation link the last action handed over.
    shared: RwSignal<Option<invitations::SharedLink>>,
    /// What the page says above everything.
    page: Said,
    refresh: Refresh,
    /// The page's view and path, for the rows' links.
    view: UsersView,
    base: String,
}

impl RowContext {
    /// Whether row `id`'s panel is open.
    fn opens(&self, id: &str) -> bool {
        self.editing == id
    }

    /// Says `answer` in row `id`, and reads the lists again.
    fn answer(&self, id: &str, answer: Result<String, AppError>) {
        self.said.set(Some(RowSaid::new(id, answer.map_err(|e| e.to_string()))));
        self.refresh.run();
    }
}

/// What the invite form reads of `invite_user`'s answer (its report): who
/// was sent an invitation, and what could not be sent with the reason.
#[derive(Deserialize)]
struct InviteAnswer {
    sent: Vec<String>,
    resent: Vec<String>,
    failed: Vec<NotSent>,
}

#[derive(Deserialize)]
struct NotSent {
    email: String,
    reason: String,
}

impl InviteAnswer {
    fn to_correct(&self) -> (String, Vec<String>) {
        invitations::to_correct(self.failed.iter().map(|f| (f.email.as_str(), f.reason.as_str())))
    }

    fn notice(&self) -> Option<String> {
        invitations::sent_notice(&self.sent, &self.resent)
    }
}

#[component]
fn InviteForm(
    workspace_id: String,
    lifetime: String,
    user_roles: Vec<RoleChoice>,
    /// What the last post left to fill the form with again.
    echo: invitations::InviteEcho,
    /// What a plain post left wrong.
    errors: Vec<FieldError>,
    said: Said,
    refresh: Refresh,
) -> impl IntoView {
    let field_workspace = workspace_id.clone();
    let errors = RwSignal::new(errors);
    let emails_error = field_error(errors.into(), "emails");
    let typed = RwSignal::new(echo.emails.clone());
    let failed = RwSignal::new(echo.failed);
    let form = NodeRef::<leptos::html::Form>::new();
    let field = NodeRef::<leptos::html::Input>::new();
    let action = Posted::<InviteUser, InviteAnswer>::new(move |answer| {
        use wasm_bindgen::JsCast;
        // The tab's title says whether the form needs correcting, as it does
        // after a plain post.
        document().set_title(&crate::pages::title_text("Users", answer.is_err()));
        errors.set(answer.as_ref().err().map(AppError::field_errors).unwrap_or_default());
        match answer {
            Ok(report) => {
                // What could not be sent stays in the field, to correct.
                let (again, reasons) = report.to_correct();
                failed.set(reasons);
                if let Some(field) = field.get_untracked() {
                    field.set_value(&again);
                }
                typed.set(again);
                if report.failed.is_empty()
                    && let Some(form) = form.get_untracked()
                    && let Ok(boxes) = form.query_selector_all("input[type=checkbox]")
                {
                    for i in 0..boxes.length() {
                        if let Some(tick) = boxes
                            .item(i)
                            .and_then(|b| b.dyn_into::<web_sys::HtmlInputElement>().ok())
                        {
                            tick.set_checked(false);
                        }
                    }
                }
                if let Some(notice) = report.notice() {
                    said.notice(notice);
                }
                refresh.run();
            }
            Err(_) => {
                failed.set(Vec::new());
                // The summary lists what to correct: it takes focus once drawn.
                request_animation_frame(|| {
                    if let Ok(Some(summary)) = document().query_selector("#invite-summary")
                        && let Ok(summary) = summary.dyn_into::<web_sys::HtmlElement>()
                    {
                        let _ = summary.focus();
                    }
                });
            }
        }
    });
    let sending = action.pending();
    view! {
        <section aria-labelledby="invite-title" class="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
            <h2 id="invite-title" class="text-lg font-semibold">"Invite people"</h2>
            <p class="mt-1 text-sm text-zinc-600">{format!("They get an email with a link to join. Links expire after {lifetime}. Everyone who joins is also in the built-in group “everyone” and gets what it allows (see Groups).")}</p>
            <div class="mt-4 space-y-4">
                <ErrorSummary form="invite" errors/>
                {move || {
                    let partial = failed.get();
                    let count = partial.len();
                    (count > 0).then(|| view! {
                        <div role="alert" class="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900">
                            <p class="font-semibold">{if count == 1 { "1 person couldn't be invited".to_string() } else { format!("{count} people couldn't be invited") }}</p>
                            <ul class="mt-1 list-disc pl-5">{partial.into_iter().map(|reason| view! { <li>{reason}</li> }).collect_view()}</ul>
                        </div>
                    })
                }}
                <PostForm posted=action node_ref=form attr:id="invite" attr:novalidate=true attr:class="space-y-4">
                    <input type="hidden" name="workspace_id" value=workspace_id/>
                    <Field id="invite-emails" label="Email addresses" hint="Separate several addresses with commas." error=emails_error>
                        <EmailsField workspace_id=field_workspace typed field invalid=Signal::derive(move || emails_error.get().is_some())/>
                    </Field>
                    // Roles come before Send, on screen and in tab order: choose, then send.
                    <RolePicker id="invite-roles".to_string() choices=user_roles chosen=echo.roles legend="Roles"/>
                    <div>
                        <button type="submit" class=PRIMARY_BUTTON disabled=move || sending.get()>
                            {move || if sending.get() { "Sending…" } else { "Send" }}
                        </button>
                    </div>
                </PostForm>
            </div>
        </section>
    }
}

/// A list's total, beside its heading.
fn count_chip(count: impl Fn() -> i64 + Send + Sync + 'static) -> impl IntoView {
    view! { <span class="rounded-full bg-zinc-200 px-2 py-0.5 text-xs font-medium text-zinc-700">{count}</span> }
}

/// The hidden fields naming the workspace and the row a form acts on.
fn ids(workspace_id: &str, key: &'static str, id: &str) -> impl IntoView + use<> {
    view! {
        <input type="hidden" name="workspace_id" value=workspace_id.to_string()/>
        <input type="hidden" name=key value=id.to_string()/>
    }
}

/// What identifies a row as drawn: the row itself. A row is drawn again
/// when anything it shows has changed, and kept (with focus and what was
/// ticked) otherwise.
fn drawn<T: Clone>(row: &T) -> T {
    row.clone()
}

#[component]
fn PendingTable(rows: RowContext) -> impl IntoView {
    let lists = rows.lists;
    let listing = Memo::new(move |_| lists.with(|l| l.pending.clone()).unwrap_or_else(Listing::empty));
    let view = rows.view.clone();
    let filtered = !view.q.is_empty() || !view.state.is_empty();
    let base = rows.base.clone();
    let pages = move || {
        let pages = Pager::of("Pending invitations", &listing.get(), &base, |pafter, pbefore| {
            UsersView {
                pafter,
                pbefore,
                ..view.clone()
            }
        });
        view! { <Pages pages/> }
    };
    let empty = Memo::new(move |_| listing.with(|l| l.items.is_empty()));
    view! {
        <section aria-labelledby="pending-title" class="space-y-3">
            <h2 id="pending-title" class="flex items-center gap-2 text-lg font-semibold">
                "Pending invitations"
                {count_chip(move || listing.with(|l| l.total))}
            </h2>
            {move || empty.get().then(|| view! {
                <p class="rounded-lg border border-dashed border-zinc-300 bg-white p-6 text-center text-sm text-zinc-600">
                    {if filtered { "No pending invitations match." } else { "No pending invitations." }}
                </p>
            })}
            {move || (!empty.get()).then(|| view! {
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
                            {
                                let rows = rows.clone();
                                view! {
                                    <For each=move || listing.get().items key=drawn let:inv>
                                        <PendingRow inv rows=rows.clone()/>
                                    </For>
                                }
                            }
                        </tbody>
                    </table>
                </div>
            })}
            {pages}
        </section>
    }
}

#[component]
fn PendingRow(inv: PendingInvitation, rows: RowContext) -> impl IntoView {
    let declined = inv.declined_at;
    let (status, tone) = match (inv.expired, inv.delivery) {
        _ if declined.is_some() => ("Declined", "bg-zinc-100 text-zinc-700"),
        _ if inv.blocked => ("Domain not allowed", "bg-red-100 text-red-800"),
        (true, _) => ("Expired", "bg-zinc-100 text-zinc-700"),
        (false, Delivery::Failed) => ("Not delivered", "bg-red-100 text-red-800"),
        (false, Delivery::Queued) => ("Sending", "bg-sky-100 text-sky-800"),
        (false, _) => ("Pending", "bg-amber-100 text-amber-800"),
    };
    let open = rows.opens(&inv.id) && declined.is_none();
    let panel = open.then(|| {
        let close = rows.view.to_query_or_here();
        let (id, said) = (inv.id.clone(), rows.said);
        panel_row(
            id,
            7,
            close,
            said,
            view! { <InvitationPanel inv=inv.clone() rows=rows.clone()/> },
        )
    });
    view! {
        <tr class="align-top">
            <td class="cell-name">{inv.email.clone()}</td>
            <td class="cell"><Chips items=inv.roles.clone() empty="—"/></td>
            <td class="cell">{inv.invited_by.clone()}</td>
            <td class="cell"><Moment at=inv.sent_at/></td>
            <td class="cell"><Moment at=inv.expires_at/></td>
            <td class="px-4 py-3">
                <span class=format!("status {tone}")>{status}</span>
                {declined.map(|at| view! { <span class="mt-1 block text-xs text-zinc-600"><Moment at/></span> })}
                {inv.delivery_error.clone().map(|why| view! { <span class="mt-1 block max-w-xs text-xs text-zinc-600">{why}</span> })}
            </td>
            <td class="cell-actions">
                {(rows.manage && declined.is_none()).then(|| view! { <Manage rows=rows.clone() id=inv.id.clone() label=inv.email.clone()/> })}
            </td>
        </tr>
        {panel}
    }
}

/// What can be done with a pending invitation: its roles, Resend, a link to
/// hand over, Delete.
#[component]
fn InvitationPanel(inv: PendingInvitation, rows: RowContext) -> impl IntoView {
    let (iid, email) = (inv.id.clone(), inv.email.clone());
    let resend = {
        let (rows, iid) = (rows.clone(), iid.clone());
        Posted::<ResendInvitation>::new(move |a| rows.answer(&iid, a.map(|e| invitations::resent_notice(&e))))
    };
    let roles = {
        let (rows, iid) = (rows.clone(), iid.clone());
        Posted::<SetInvitationRoles>::new(move |a| rows.answer(&iid, a.map(|e| invitations::roles_saved_notice(&e))))
    };
    let share = {
        let (rows, iid) = (rows.clone(), iid.clone());
        Posted::<ShareInvitationLink>::new(move |a| {
            if let Ok(link) = &a {
                rows.shared.set(Some(link.clone()));
            }
            rows.answer(&iid, a.map(|link| invitations::shared_link_notice(&link)));
        })
    };
    let delete = {
        let (rows, iid) = (rows.clone(), iid.clone());
        Posted::<DeleteInvitation>::new(move |a| match a {
            Ok(email) => {
                rows.page.notice(invitations::deleted_notice(&email));
                rows.page.undo.set(Some((iid.clone(), email)));
                rows.said.set(None);
                rows.refresh.run();
            }
            Err(e) => rows.answer(&iid, Err(e)),
        })
    };
    let hidden = || ids(&rows.workspace_id, "invitation_id", &inv.id);
    let (for_resend, for_share, for_delete) = (hidden(), hidden(), hidden());
    let (resend_label, share_label, delete_label) = (
        format!("Resend invitation to {email}"),
        format!("Copy invite link for {email}"),
        format!("Delete invitation for {email}"),
    );
    let shared = {
        let id = inv.id.clone();
        move || {
            rows.shared
                .get()
                .filter(|link| link.invitation_id == id)
                .map(|link| view! { <SharedLinkBox link/> })
        }
    };
    view! {
        <RolesForm of=RolesOf::Invitation(roles) workspace_id=rows.workspace_id.clone() id=inv.id.clone() held=inv.roles.clone() choices=rows.user_roles.clone()/>
        <div class="flex flex-wrap gap-2">
            <PostForm posted=resend>
                {for_resend}
                <button type="submit" class=SECONDARY_BUTTON aria-label=resend_label>"Resend"</button>
            </PostForm>
            <PostForm posted=share>
                {for_share}
                <button type="submit" class=SECONDARY_BUTTON aria-label=share_label>"Copy invite link"</button>
            </PostForm>
            <ConfirmForm posted=delete question=invitations::delete_question(&email) button="Delete invitation".to_string()>
                {for_delete}
                <button type="submit" class=DANGER_BUTTON aria-label=delete_label>"Delete"</button>
            </ConfirmForm>
        </div>
        {shared}
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
                <CopyButton target=id/>
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

/// What the last action on a row said: its words, or the reason it failed.
type RowAnswer = Option<RowSaid>;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct RowSaid {
    /// The row's id.
    row: String,
    words: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    failed: bool,
}

impl RowSaid {
    fn new(row: &str, outcome: Result<String, String>) -> Self {
        let failed = outcome.is_err();
        RowSaid {
            row: row.to_string(),
            words: outcome.unwrap_or_else(|reason| reason),
            failed,
        }
    }
}

/// A row's panel: what can be done with it, below it, the width of the
/// table, with what the last action on it said; "Done" (`close`) closes it.
fn panel_row(
    id: String,
    columns: u8,
    close: String,
    said: RwSignal<RowAnswer>,
    body: impl IntoView + 'static,
) -> impl IntoView {
    let row = id.clone();
    let answer = move || {
        said.get().filter(|said| said.row == row).map(|said| {
            let (role, tone) = match said.failed {
                false => ("status", "text-green-800"),
                true => ("alert", "text-red-700"),
            };
            view! { <p role=role class=format!("text-sm font-medium {tone}")>{said.words}</p> }
        })
    };
    view! {
        <tr id=format!("manage-{id}") class="bg-zinc-50">
            <td colspan=columns class="px-4 py-4">
                <div class="space-y-4">
                    {body}
                    {answer}
                    <a href=close class="inline-block text-sm font-medium text-indigo-700 underline">"Done"</a>
                </div>
            </td>
        </tr>
    }
}

/// Whose roles a form changes, and the action that saves them.
#[derive(Clone, Copy)]
enum RolesOf {
    Invitation(Posted<SetInvitationRoles>),
    Member(Posted<SetMemberRoles>),
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
        return EitherOf3::A(
            view! { <p class="text-sm text-zinc-600">"No roles for people yet. Create one on the Roles tab."</p> },
        );
    }
    let fields = view! {
        <input type="hidden" name="workspace_id" value=workspace_id/>
        <input type="hidden" name=key value=id.clone()/>
        <RolePicker id=format!("{form}-{id}") choices chosen=held legend="Roles"/>
        <button type="submit" id=format!("{form}-{id}-save") class=SECONDARY_BUTTON>"Save roles"</button>
    };
    match of {
        RolesOf::Invitation(action) => {
            EitherOf3::B(view! { <PostForm posted=action attr:class="space-y-3">{fields}</PostForm> })
        }
        RolesOf::Member(action) => {
            EitherOf3::C(view! { <PostForm posted=action attr:class="space-y-3">{fields}</PostForm> })
        }
    }
}

#[component]
fn MembersTable(rows: RowContext) -> impl IntoView {
    let lists = rows.lists;
    let listing = Memo::new(move |_| lists.with(|l| l.members.clone()));
    let view = rows.view.clone();
    let base = rows.base.clone();
    let pages = move || {
        let pages = Pager::of("Active users", &listing.get(), &base, |after, before| UsersView {
            after,
            before,
            ..view.clone()
        });
        view! { <Pages pages/> }
    };
    let member_rows = rows.clone();
    let none = Memo::new(move |_| listing.with(|l| l.items.is_empty()));
    view! {
        <section aria-labelledby="members-title" class="space-y-3">
            <h2 id="members-title" class="flex items-center gap-2 text-lg font-semibold">
                "Active users"
                {count_chip(move || listing.with(|l| l.total))}
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
                        // The owners' count decides what each row offers.
                        <For each=move || { let l = lists.get(); l.members.items.into_iter().map(|m| (l.owners, m)).collect::<Vec<_>>() } key=drawn let:((owners, m))>
                            <MemberRow m owners rows=member_rows.clone()/>
                        </For>
                    </tbody>
                </table>
            </div>
            {move || none.get().then(|| view! {
                <p class="rounded-lg border border-dashed border-zinc-300 bg-white p-6 text-center text-sm text-zinc-600">"No members match."</p>
            })}
            {pages}
        </section>
    }
}

#[component]
fn MemberRow(m: Member, owners: usize, rows: RowContext) -> impl IntoView {
    let viewer = rows.viewer.clone();
    let is_you = m.user_id == viewer.user_id;
    let removable = members::Remover {
        manages: viewer.manages,
        user_id: &viewer.user_id,
        is_owner: viewer.is_owner,
    }
    .may_remove(&m, owners);
    let make_owner = viewer.is_owner && !m.is_owner;
    let unmake_owner = viewer.is_owner && m.is_owner && owners > 1;
    let anything = rows.manage || make_owner || unmake_owner || removable;
    let mut labels = Vec::new();
    if m.is_owner {
        labels.push("Owner".to_string());
    }
    labels.extend(m.roles.iter().cloned());
    labels.extend(m.groups.iter().map(|g| format!("group: {g}")));
    let panel = (rows.opens(&m.user_id) && anything).then(|| {
        let offers = Offers {
            roles: rows.manage,
            grant: make_owner,
            revoke: unmake_owner,
            remove: removable,
        };
        panel_row(
            m.user_id.clone(),
            5,
            rows.view.to_query_or_here(),
            rows.said,
            view! { <MemberPanel m=m.clone() offers rows=rows.clone()/> },
        )
    });
    view! {
        <tr class="align-top">
            <td class="cell-name">
                {m.name.clone()}
                {is_you.then_some(view! { <span class="ml-1 font-normal text-zinc-500">"(you)"</span> })}
                {m.outside_domains.then_some(view! { <span class="mt-1 block text-xs font-normal text-red-800">"Outside the allowed domains"</span> })}
            </td>
            <td class="cell">{m.email.clone()}</td>
            <td class="cell"><Chips items=labels empty="Member"/></td>
            <td class="cell"><Moment at=m.joined_at/></td>
            <td class="cell-actions">
                {anything.then(|| view! { <Manage rows=rows.clone() id=m.user_id.clone() label=m.name.clone()/> })}
            </td>
        </tr>
        {panel}
    }
}

/// What the viewer may do with a member.
#[derive(Clone, Copy)]
struct Offers {
    roles: bool,
    grant: bool,
    revoke: bool,
    remove: bool,
}

/// What can be done with a member: their roles, ownership, Remove.
#[component]
fn MemberPanel(m: Member, offers: Offers, rows: RowContext) -> impl IntoView {
    let workspace = rows.viewer.workspace_name.clone();
    let (uid, name) = (m.user_id.clone(), m.name.clone());
    let is_you = uid == rows.viewer.user_id;
    let roles = {
        let (rows, uid) = (rows.clone(), uid.clone());
        Posted::<SetMemberRoles>::new(move |a| rows.answer(&uid, a.map(|n| members::roles_saved_notice(&n))))
    };
    let grant = {
        let (rows, uid, ws) = (rows.clone(), uid.clone(), workspace.clone());
        Posted::<GrantOwnership>::new(move |a| rows.answer(&uid, a.map(|n| members::owner_notice(&n, &ws))))
    };
    let revoke = {
        let (rows, uid, ws) = (rows.clone(), uid.clone(), workspace.clone());
        Posted::<RevokeOwnership>::new(move |a| {
            if is_you && a.is_ok() {
                // What this person may do has changed: the page is drawn again for it.
                let _ = window().location().reload();
                return;
            }
            rows.answer(&uid, a.map(|n| members::no_longer_owner_notice(&n, &ws)));
        })
    };
    let remove = {
        let (rows, uid, ws) = (rows.clone(), uid.clone(), workspace.clone());
        Posted::<RemoveMember>::new(move |a| match a {
            Ok(name) => {
                rows.page.notice(members::removed_notice(&name, &ws));
                rows.said.set(None);
                rows.refresh.run();
            }
            Err(e) => rows.answer(&uid, Err(e)),
        })
    };
    let hidden = {
        let (workspace_id, uid) = (rows.workspace_id.clone(), uid.clone());
        move || ids(&workspace_id, "user_id", &uid)
    };
    let grant = offers.grant.then({
        let (fields, label) = (hidden(), format!("Make owner: {name}"));
        move || {
            view! {
                <PostForm posted=grant>
                    {fields}
                    <button type="submit" class=SECONDARY_BUTTON aria-label=label>"Make owner"</button>
                </PostForm>
            }
        }
    });
    let revoke = offers.revoke.then({
        let (fields, name, workspace) = (hidden(), name.clone(), workspace.clone());
        move || {
        let (label, text) = if is_you {
            ("Give up ownership".to_string(), "Give up ownership")
        } else {
            (format!("Remove as owner: {name}"), "Remove as owner")
        };
        view! {
            <ConfirmForm posted=revoke question=members::revoke_owner_question(&name, &workspace, is_you) button=text.to_string()>
                {fields}
                <button type="submit" class=SECONDARY_BUTTON aria-label=label>{text}</button>
            </ConfirmForm>
        }
    }});
    let remove = offers.remove.then(|| {
        let (fields, label) = (hidden(), format!("Remove {name} from the workspace"));
        view! {
            <ConfirmForm posted=remove question=members::remove_question(&name, &workspace) button="Remove".to_string()>
                {fields}
                <button type="submit" class=DANGER_BUTTON aria-label=label>"Remove"</button>
            </ConfirmForm>
        }
    });
    let roles = offers.roles.then(|| {
        view! {
            <RolesForm of=RolesOf::Member(roles) workspace_id=rows.workspace_id.clone() id=m.user_id.clone() held=m.roles.clone() choices=rows.user_roles.clone()/>
        }
    });
    view! {
        {roles}
        <div class="flex flex-wrap gap-2">{grant}{revoke}{remove}</div>
    }
}
