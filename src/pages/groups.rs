use crate::access::{self, Permission};
use crate::components::Frame;
use crate::components::{
    AskFirst, DANGER_BUTTON, ErrorSummary, Field, INPUT, PRIMARY_BUTTON, PageError, PageNotice, PeopleTabs,
    SECONDARY_BUTTON, aria_invalid, field_error, form_errors, unshown_error,
};
use crate::error::AppError;
use crate::groups::{self, Group, GroupMember};
use crate::pages::page_title;
use crate::pages::workspace::WorkspaceRoute;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{accounts::session, domain::Window, groups::service, state};

/// Everything the Groups page shows, loaded in one call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupsPageData {
    pub frame: Frame,
    pub groups: Vec<Group>,
    /// The workspace's members, for adding to a group.
    pub people: Vec<GroupMember>,
    /// Roles that can be given to groups (target GROUP).
    pub group_roles: Vec<String>,
    /// Members of the workspace: all of them are in `everyone`.
    pub member_total: i64,
    pub notice: Option<String>,
}

/// The Groups page in one call.
#[server(endpoint = "groups_page")]
pub async fn groups_page(workspace_id: String) -> Result<GroupsPageData, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let groups = service::page(&state.db, &access, &Window::first(service::MAX_PAGE))
        .await?
        .items;
    let people = service::people(&state.db, &access).await?;
    let group_roles =
        crate::roles::service::names_for(&state.db, &access.workspace_id, crate::access::Target::Group).await?;
    let member_total = crate::workspaces::service::counts(&state.db, &access.workspace_id)
        .await?
        .members;
    Ok(GroupsPageData {
        frame: super::workspace::frame(&state, access).await?,
        groups,
        people,
        group_roles,
        member_total,
        notice: state::take_notice(),
    })
}

#[server(endpoint = "list_groups")]
pub async fn list_groups(workspace_id: String) -> Result<Vec<Group>, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    Ok(service::page(&state.db, &access, &Window::first(service::MAX_PAGE))
        .await?
        .items)
}

#[server(endpoint = "create_group")]
pub async fn create_group(workspace_id: String, name: String) -> Result<Group, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let group = service::create(&state.db, &access, &name).await?;
    state::notice_for_plain_form(&groups::created_notice(&group.name));
    Ok(group)
}

#[server(endpoint = "rename_group")]
pub async fn rename_group(workspace_id: String, group_id: String, name: String) -> Result<String, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let name = service::rename(&state.db, &access, &group_id, &name).await?;
    state::notice_for_plain_form(&groups::renamed_notice(&name));
    Ok(name)
}

#[server(endpoint = "delete_group")]
pub async fn delete_group(workspace_id: String, group_id: String) -> Result<String, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let name = service::delete(&state.db, &access, &group_id).await?;
    state::notice_for_plain_form(&groups::deleted_notice(&name));
    Ok(name)
}

#[server(endpoint = "add_group_member")]
pub async fn add_group_member(workspace_id: String, group_id: String, user_id: String) -> Result<String, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let (person, group) = service::add_member(&state.db, &access, &group_id, &user_id).await?;
    let said = groups::added_notice(&person, &group);
    state::notice_for_plain_form(&said);
    Ok(said)
}

#[server(endpoint = "remove_group_member")]
pub async fn remove_group_member(workspace_id: String, group_id: String, user_id: String) -> Result<String, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let (person, group) = service::remove_member(&state.db, &access, &group_id, &user_id).await?;
    let said = groups::removed_notice(&person, &group);
    state::notice_for_plain_form(&said);
    Ok(said)
}

#[server(endpoint = "grant_group_role")]
pub async fn grant_group_role(workspace_id: String, group_id: String, role_name: String) -> Result<String, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let group = service::grant_role(&state.db, &access, &group_id, &role_name).await?;
    let said = groups::granted_notice(&group, role_name.trim());
    state::notice_for_plain_form(&said);
    Ok(said)
}

#[server(endpoint = "revoke_group_role")]
pub async fn revoke_group_role(workspace_id: String, group_id: String, role_name: String) -> Result<String, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let group = service::revoke_role(&state.db, &access, &group_id, &role_name).await?;
    let said = groups::revoked_notice(&group, role_name.trim());
    state::notice_for_plain_form(&said);
    Ok(said)
}

#[derive(Clone, Copy)]
struct Actions {
    create: ServerAction<CreateGroup>,
    rename: ServerAction<RenameGroup>,
    delete: ServerAction<DeleteGroup>,
    add_member: ServerAction<AddGroupMember>,
    remove_member: ServerAction<RemoveGroupMember>,
    grant_role: ServerAction<GrantGroupRole>,
    revoke_role: ServerAction<RevokeGroupRole>,
}

/// Groups: sets of members that receive roles together.
#[component]
pub fn GroupsPage() -> impl IntoView {
    let ws = expect_context::<WorkspaceRoute>();
    let actions = Actions {
        create: ServerAction::new(),
        rename: ServerAction::new(),
        delete: ServerAction::new(),
        add_member: ServerAction::new(),
        remove_member: ServerAction::new(),
        grant_role: ServerAction::new(),
        revoke_role: ServerAction::new(),
    };
    let page = Resource::new(move || ws.id.get(), groups_page);
    let errors = form_errors(actions.create.value());
    view! {
        <Title text=page_title("Groups", Signal::derive(move || !errors.get().is_empty()))/>
        <div class="space-y-8">
            <Transition fallback=|| view! { <p class="text-zinc-600">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(data) => view! { <Groups data actions/> }.into_any(),
                        Err(error) => view! { <PageError error/> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Groups(data: GroupsPageData, actions: Actions) -> impl IntoView {
    let ctx = data.frame;
    let id = ctx.access.workspace_id.clone();
    let manage = ctx.access.can(Permission::Write, access::Resource::UserManagement);
    let owner = ctx.access.is_owner;
    view! {
        <div class="space-y-4">
            <div>
                <h1 class="text-2xl font-semibold">"Groups"</h1>
                <p class="mt-1 text-sm text-zinc-600">"Members of a group hold the group's roles (roles given to GROUP). Everyone is in the group everyone."</p>
            </div>
            <PeopleTabs workspace_id=id.clone() current="Groups"/>
        </div>
        <PageNotice notice=data.notice error=unshown_error(&[CreateGroup::PATH])/>
        {manage.then_some(view! { <NewGroupForm action=actions.create workspace_id=id.clone()/> })}
        <div class="grid gap-4 lg:grid-cols-2">
            {data.groups.into_iter().map(|group| {
                let card = CardContext {
                    workspace_id: id.clone(),
                    manage,
                    edit_roles: manage && (!group.builtin || owner),
                    people: data.people.clone(),
                    group_roles: data.group_roles.clone(),
                    member_total: data.member_total,
                    actions,
                };
                view! { <GroupCard group card/> }
            }).collect_view()}
        </div>
    }
}

#[derive(Clone)]
struct CardContext {
    workspace_id: String,
    manage: bool,
    /// Roles of `everyone` are changed by owners only.
    edit_roles: bool,
    people: Vec<GroupMember>,
    group_roles: Vec<String>,
    member_total: i64,
    actions: Actions,
}

#[component]
fn GroupCard(group: Group, card: CardContext) -> impl IntoView {
    let CardContext {
        workspace_id: ws,
        manage,
        edit_roles,
        people,
        group_roles,
        member_total,
        actions,
    } = card;
    let affects = if group.builtin {
        member_total
    } else {
        group.member_count
    };
    let gid = group.id.clone();
    let gname = group.name.clone();
    let addable: Vec<GroupMember> = people
        .into_iter()
        .filter(|p| !group.members.iter().any(|m| m.user_id == p.user_id))
        .collect();
    let grantable: Vec<String> = group_roles.into_iter().filter(|r| !group.roles.contains(r)).collect();
    let select = "rounded-md border-0 px-2 py-1.5 text-sm text-zinc-900 shadow-sm ring-1 ring-inset ring-zinc-300";
    view! {
        <section class="space-y-4 rounded-lg border border-zinc-200 bg-white p-5 shadow-sm" aria-label=format!("Group {}", group.name)>
            <div class="flex items-start justify-between gap-3">
                <h2 class="text-lg font-semibold">
                    {group.name.clone()}
                    {group.builtin.then_some(view! { <span class="ml-2 rounded-full bg-zinc-100 px-2 py-0.5 text-xs font-medium text-zinc-600">"built in"</span> })}
                </h2>
                { let (ws, gid, gname) = (ws.clone(), gid.clone(), gname.clone());
                  let question = groups::delete_question(&gname, group.member_count);
                  (manage && !group.builtin).then_some(view! {
                    <AskFirst question=question button="Delete group".to_string()>
                        <ActionForm
                            action=actions.delete
                        >
                            <input type="hidden" name="workspace_id" value=ws.clone()/>
                            <input type="hidden" name="group_id" value=gid.clone()/>
                            <button type="submit" class=DANGER_BUTTON aria-label=format!("Delete group {gname}")>"Delete"</button>
                        </ActionForm>
                    </AskFirst>
                })}
            </div>
            { let (ws, gid, gname) = (ws.clone(), gid.clone(), gname.clone()); (manage && !group.builtin).then_some(view! {
                <ActionForm action=actions.rename attr:class="flex gap-2">
                    <input type="hidden" name="workspace_id" value=ws.clone()/>
                    <input type="hidden" name="group_id" value=gid.clone()/>
                    <label class="sr-only" for=format!("rename-{gid}")>{format!("New name for {gname}")}</label>
                    <input id=format!("rename-{gid}") name="name" type="text" value=gname.clone() class=INPUT/>
                    <button type="submit" class=SECONDARY_BUTTON>"Rename"</button>
                </ActionForm>
            })}
            <div>
                <h3 class="text-sm font-semibold text-zinc-900">"Roles"</h3>
                {if group.roles.is_empty() {
                    view! { <p class="mt-1 text-sm text-zinc-600">"No roles: being in this group grants nothing."</p> }.into_any()
                } else {
                    view! {
                        <ul class="mt-2 flex flex-wrap gap-2">
                            {group.roles.clone().into_iter().map(|r| { let (ws, gid, gname) = (ws.clone(), gid.clone(), gname.clone()); view! {
                                <li class="flex items-center gap-1 rounded-full bg-indigo-50 py-0.5 pl-2 pr-1 text-xs font-medium text-indigo-800 ring-1 ring-inset ring-indigo-200">
                                    {r.clone()}
                                    { let (ws, gid, gname) = (ws.clone(), gid.clone(), gname.clone());
                                      let question = groups::revoke_role_question(&r, &gname, affects);
                                      edit_roles.then_some(view! {
                                        <AskFirst question=question button="Take role away".to_string()>
                                            <ActionForm
                                                action=actions.revoke_role
                                            >
                                                <input type="hidden" name="workspace_id" value=ws.clone()/>
                                                <input type="hidden" name="group_id" value=gid.clone()/>
                                                <input type="hidden" name="role_name" value=r.clone()/>
                                                <button type="submit" class="-my-1 inline-flex h-6 w-6 items-center justify-center rounded-full hover:bg-indigo-100" aria-label=format!("Take {r} away from {gname}")>"×"</button>
                                            </ActionForm>
                                        </AskFirst>
                                    })}
                                </li>
                            }}).collect_view()}
                        </ul>
                    }.into_any()
                }}
                { let (ws, gid, gname) = (ws.clone(), gid.clone(), gname.clone()); (edit_roles && !grantable.is_empty()).then_some(view! {
                    <ActionForm action=actions.grant_role attr:class="mt-3 flex gap-2">
                        <input type="hidden" name="workspace_id" value=ws.clone()/>
                        <input type="hidden" name="group_id" value=gid.clone()/>
                        <label class="sr-only" for=format!("role-for-{gid}")>{format!("Role to give {gname}")}</label>
                        <select id=format!("role-for-{gid}") name="role_name" class=select>
                            {grantable.into_iter().map(|r| view! { <option value=r.clone()>{r.clone()}</option> }).collect_view()}
                        </select>
                        <button type="submit" class=SECONDARY_BUTTON>"Give role"</button>
                    </ActionForm>
                })}
            </div>
            <div>
                <h3 class="text-sm font-semibold text-zinc-900">"Members"</h3>
                {if group.builtin {
                    view! { <p class="mt-1 text-sm text-zinc-600">"Every member of the workspace."</p> }.into_any()
                } else if group.members.is_empty() {
                    view! { <p class="mt-1 text-sm text-zinc-600">"Nobody yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="mt-2 divide-y divide-zinc-100 text-sm">
                            {group.members.clone().into_iter().map(|m| { let (ws, gid, gname) = (ws.clone(), gid.clone(), gname.clone()); view! {
                                <li class="flex items-center justify-between py-1.5">
                                    <span>{m.name.clone()}" "<span class="text-zinc-500">{m.email.clone()}</span></span>
                                    { let (ws, gid, gname) = (ws.clone(), gid.clone(), gname.clone());
                                      let question = groups::remove_member_question(&m.name, &gname);
                                      manage.then_some(view! {
                                        <AskFirst question=question button="Remove from group".to_string()>
                                            <ActionForm
                                                action=actions.remove_member
                                            >
                                                <input type="hidden" name="workspace_id" value=ws.clone()/>
                                                <input type="hidden" name="group_id" value=gid.clone()/>
                                                <input type="hidden" name="user_id" value=m.user_id.clone()/>
                                                <button type="submit" class="text-xs font-medium text-red-700 underline" aria-label=format!("Remove {} from {gname}", m.name)>"Remove"</button>
                                            </ActionForm>
                                        </AskFirst>
                                    })}
                                </li>
                            }}).collect_view()}
                        </ul>
                    }.into_any()
                }}
                { let (ws, gid, gname) = (ws.clone(), gid.clone(), gname.clone()); (manage && !group.builtin && !addable.is_empty()).then_some(view! {
                    <ActionForm action=actions.add_member attr:class="mt-3 flex gap-2">
                        <input type="hidden" name="workspace_id" value=ws.clone()/>
                        <input type="hidden" name="group_id" value=gid.clone()/>
                        <label class="sr-only" for=format!("member-for-{gid}")>{format!("Person to add to {gname}")}</label>
                        <select id=format!("member-for-{gid}") name="user_id" class=select>
                            {addable.into_iter().map(|p| view! { <option value=p.user_id>{format!("{} ({})", p.name, p.email)}</option> }).collect_view()}
                        </select>
                        <button type="submit" class=SECONDARY_BUTTON>"Add"</button>
                    </ActionForm>
                })}
            </div>
        </section>
    }
}

#[component]
fn NewGroupForm(action: ServerAction<CreateGroup>, workspace_id: String) -> impl IntoView {
    let errors = form_errors(action.value());
    let name_error = field_error(errors, "name");
    view! {
        <section aria-labelledby="group-title" class="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
            <h2 id="group-title" class="text-lg font-semibold">"Create a group"</h2>
            <div class="mt-4 space-y-4">
                <ErrorSummary form="group" errors/>
                <ActionForm action attr:novalidate=true attr:class="flex flex-col gap-3 sm:flex-row sm:items-end">
                    <input type="hidden" name="workspace_id" value=workspace_id/>
                    <div class="flex-1">
                        <Field id="group-name" label="Group name" error=name_error>
                            <input id="group-name" name="name" type="text" class=INPUT aria-invalid=aria_invalid(name_error)/>
                        </Field>
                    </div>
                    <button type="submit" class=PRIMARY_BUTTON>"Create group"</button>
                </ActionForm>
            </div>
        </section>
    }
}
