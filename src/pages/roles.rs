use crate::access::{self, Grant, Permission, Target};
use crate::components::Frame;
use crate::components::{
    AskFirst, DANGER_BUTTON, ErrorSummary, Field, INPUT, PRIMARY_BUTTON, PageError, PageNotice, PeopleTabs,
    aria_invalid, field_error, form_errors, unshown_error,
};
use crate::error::AppError;
use crate::pages::page_title;
use crate::pages::workspace::WorkspaceRoute;
use crate::roles::RoleRow;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{accounts::session, roles::service, state};

/// Everything the Roles page shows, loaded in one call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RolesPageData {
    pub frame: Frame,
    pub roles: Vec<RoleRow>,
    pub notice: Option<String>,
}

/// The Roles page in one call.
#[server(endpoint = "roles_page")]
pub async fn roles_page(workspace_id: String) -> Result<RolesPageData, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let roles = service::list_roles(&state.db, &access).await?;
    Ok(RolesPageData {
        frame: super::workspace::frame(&state, access).await?,
        roles,
        notice: state::take_notice(),
    })
}

/// Adds a grant to a role (creating it): `permission` READ|WRITE, `resource`
/// DATA|DATA_EXECUTION|USER_MANAGEMENT|BUSINESS_INFO, `target` USER|GROUP.
#[server(endpoint = "create_role")]
pub async fn create_role(
    workspace_id: String,
    role_name: String,
    permission: String,
    resource: String,
    target: String,
) -> Result<RoleRow, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let row = service::create_role(&state.db, &access, &role_name, &permission, &resource, &target).await?;
    state::notice_for_plain_form(&crate::roles::created_notice(&row));
    Ok(row)
}

#[server(endpoint = "list_roles")]
pub async fn list_roles(workspace_id: String) -> Result<Vec<RoleRow>, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    service::list_roles(&state.db, &access).await
}

#[server(endpoint = "delete_role")]
pub async fn delete_role(workspace_id: String, role_name: String) -> Result<String, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    service::delete_role(&state.db, &access, &role_name).await?;
    state::notice_for_plain_form(&crate::roles::deleted_notice(&role_name));
    Ok(role_name)
}

/// The workspace's roles: what each name grants, and to whom it can be given.
#[component]
pub fn RolesPage() -> impl IntoView {
    let ws = expect_context::<WorkspaceRoute>();
    let create = ServerAction::<CreateRole>::new();
    let delete = ServerAction::<DeleteRole>::new();
    let page = Resource::new(move || ws.id.get(), roles_page);
    let errors = form_errors(create.value());
    view! {
        <Title text=page_title("Roles", Signal::derive(move || !errors.get().is_empty()))/>
        <div class="space-y-8">
            <Transition fallback=|| view! { <p class="text-zinc-600">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(data) => view! { <Roles data create delete/> }.into_any(),
                        Err(error) => view! { <PageError error/> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

/// One role name and all its grants.
struct RoleGroup {
    name: String,
    grants: Vec<Grant>,
    targets: Vec<Target>,
}

fn by_name(rows: Vec<RoleRow>) -> Vec<RoleGroup> {
    let mut out: Vec<RoleGroup> = Vec::new();
    for r in rows {
        let grant = Grant::new(r.permission, r.resource);
        let target = r.target;
        match out.iter_mut().find(|g| g.name == r.name) {
            Some(g) => {
                g.grants.push(grant);
                if !g.targets.contains(&target) {
                    g.targets.push(target);
                }
            }
            None => out.push(RoleGroup {
                name: r.name,
                grants: vec![grant],
                targets: vec![target],
            }),
        }
    }
    out
}

#[component]
fn Roles(data: RolesPageData, create: ServerAction<CreateRole>, delete: ServerAction<DeleteRole>) -> impl IntoView {
    let ctx = data.frame;
    let id = ctx.access.workspace_id.clone();
    let manage = ctx.access.can(Permission::Write, access::Resource::UserManagement);
    let groups = by_name(data.roles);
    view! {
        <div class="space-y-4">
            <div>
                <h1 class="text-2xl font-semibold">"Roles"</h1>
                <p class="mt-1 text-sm text-zinc-600">"A role is a name for what its holders may do. Roles for people are given to members directly; roles for groups are given to groups, and reach everyone in them."</p>
            </div>
            <PeopleTabs workspace_id=id.clone() current="Roles"/>
        </div>
        <PageNotice notice=data.notice error=unshown_error(&[CreateRole::PATH])/>
        {manage.then(|| view! { <NewRoleForm action=create workspace_id=id.clone()/> })}
        <div class="relative overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-sm">
            <table class="stack stack-roles min-w-full divide-y divide-zinc-200 text-sm" aria-label="Roles">
                <thead class="bg-zinc-50 text-left text-xs font-medium uppercase tracking-wide text-zinc-600">
                    <tr>
                        <th scope="col" class="px-4 py-3">"Role"</th>
                        <th scope="col" class="px-4 py-3">"Allows"</th>
                        <th scope="col" class="px-4 py-3">"Given to"</th>
                        <th scope="col" class="px-4 py-3"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-zinc-100">
                    {groups.into_iter().map(|g| { let id = id.clone(); view! {
                        <tr class="align-top">
                            <td class="cell-name">{g.name.clone()}</td>
                            <td class="px-4 py-3"><GrantList grants=g.grants/></td>
                            <td class="cell">{g.targets.iter().map(|t| t.label()).collect::<Vec<_>>().join(", ")}</td>
                            <td class="cell-actions">
                                {let question = crate::roles::delete_question(&g.name);
                                 manage.then_some(view! {
                                    <AskFirst question=question button="Delete role".to_string()>
                                        <ActionForm
                                            action=delete
                                        >
                                            <input type="hidden" name="workspace_id" value=id.clone()/>
                                            <input type="hidden" name="role_name" value=g.name.clone()/>
                                            <button type="submit" class=DANGER_BUTTON aria-label=format!("Delete role {}", g.name)>"Delete"</button>
                                        </ActionForm>
                                    </AskFirst>
                                })}
                            </td>
                        </tr>
                    }}).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// What a role allows, in words, each with the API's spelling beside it.
#[component]
fn GrantList(grants: Vec<Grant>) -> impl IntoView {
    view! {
        <ul class="space-y-1">
            {grants
                .into_iter()
                .map(|g| view! {
                    <li>
                        <span class="text-zinc-900">{g.label()}</span>
                        " "
                        <code class="text-xs text-zinc-600">{g.to_string()}</code>
                    </li>
                })
                .collect_view()}
        </ul>
    }
}

/// `(value, words)` pairs as options reading "Words (VALUE)": the page's
/// words beside the API's spelling.
fn options(values: impl Iterator<Item = (&'static str, &'static str)>) -> impl IntoView {
    values
        .map(|(v, words)| view! { <option value=v>{format!("{words} ({v})")}</option> })
        .collect_view()
}

#[component]
fn NewRoleForm(action: ServerAction<CreateRole>, workspace_id: String) -> impl IntoView {
    let errors = form_errors(action.value());
    let name_error = field_error(errors, "role_name");
    let select = "block w-full rounded-md border-0 px-3 py-2 text-zinc-900 shadow-sm ring-1 ring-inset ring-zinc-300 focus:ring-2 focus:ring-indigo-600";
    let permissions = Permission::ALL.iter().map(|p| (p.as_str(), p.label()));
    let resources = access::Resource::ALL.iter().map(|r| (r.as_str(), r.label()));
    let targets = Target::ALL.iter().map(|t| (t.as_str(), t.label()));
    view! {
        <section aria-labelledby="role-title" class="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
            <h2 id="role-title" class="text-lg font-semibold">"Create a role"</h2>
            <p class="mt-1 text-sm text-zinc-600">"Using an existing name adds a grant to that role. You can only grant what you hold yourself."</p>
            <div class="mt-4 space-y-4">
                <ErrorSummary form="role" errors/>
                <ActionForm action attr:novalidate=true attr:class="grid gap-4 sm:grid-cols-5 sm:items-end">
                    <input type="hidden" name="workspace_id" value=workspace_id/>
                    <div class="sm:col-span-2">
                        <Field id="role-role_name" label="Role name" error=name_error>
                            <input id="role-role_name" name="role_name" type="text" class=INPUT placeholder="test_role" aria-invalid=aria_invalid(name_error)/>
                        </Field>
                    </div>
                    <Field id="role-permission" label="Permission">
                        <select id="role-permission" name="permission" class=select>{options(permissions)}</select>
                    </Field>
                    <Field id="role-resource" label="Resource">
                        <select id="role-resource" name="resource" class=select>{options(resources)}</select>
                    </Field>
                    <Field id="role-target" label="Given to">
                        <select id="role-target" name="target" class=select>{options(targets)}</select>
                    </Field>
                    <div class="sm:col-span-5">
                        <button type="submit" class=PRIMARY_BUTTON>"Create role"</button>
                    </div>
                </ActionForm>
                <details class="text-sm">
                    <summary class="cursor-pointer font-medium text-indigo-700">"What each grant allows"</summary>
                    <dl class="mt-2 divide-y divide-zinc-100">
                        {Grant::ALL
                            .into_iter()
                            .map(|g| view! {
                                <div class="py-2 sm:flex sm:gap-4">
                                    <dt class="font-medium text-zinc-900 sm:w-64 sm:shrink-0">{g.label()}" "<code class="text-xs font-normal text-zinc-600">{g.to_string()}</code></dt>
                                    <dd class="text-zinc-700">{g.description()}</dd>
                                </div>
                            })
                            .collect_view()}
                    </dl>
                    <p class="mt-2 text-zinc-600">{format!("{} (WRITE) includes {} (READ).", Permission::Write.label(), Permission::Read.label())}</p>
                </details>
            </div>
        </section>
    }
}
