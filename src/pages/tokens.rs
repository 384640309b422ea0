use crate::components::{
    AccountBar, AskFirst, DANGER_BUTTON, ErrorSummary, Field, INPUT, LocalTime, PRIMARY_BUTTON, PageError, PageNotice,
    aria_invalid, field_error, form_errors, unshown_error,
};
use crate::domain::User;
use crate::error::AppError;
use crate::pages::page_title;
use crate::tokens::ApiToken;
use crate::tokens::api::{CreateApiToken, RevokeApiToken};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{accounts::session, state};

/// Everything the API tokens page shows, loaded in one call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokensPageData {
    pub user: User,
    /// The person's workspaces, for the account menu.
    pub workspaces: Vec<crate::workspaces::WorkspaceSummary>,
    pub tokens: Vec<ApiToken>,
    /// Where "back" goes: the person's first workspace, or creating one.
    pub home: String,
    pub notice: Option<String>,
    /// The secret of the token the last post made, shown once.
    pub secret: Option<String>,
}

/// The API tokens page in one call.
#[server(endpoint = "tokens_page")]
pub async fn tokens_page() -> Result<TokensPageData, AppError> {
    let user = session::require_user().await?;
    let state = state::state()?;
    Ok(TokensPageData {
        tokens: crate::tokens::service::list(&state.db, &user.id).await?,
        home: crate::members::service::home_path(&state.db, &user.id).await?,
        workspaces: session::workspaces_of(&state, &user).await?,
        user,
        notice: state::take_notice(),
        secret: state::take_handover(),
    })
}

/// A person's API tokens: create (shown once), see when each was last used, revoke.
#[component]
pub fn TokensPage() -> impl IntoView {
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let page = Resource::new(|| (), |_| tokens_page());
    let errors = form_errors(create.value());
    view! {
        <Title text=page_title("API tokens", Signal::derive(move || !errors.get().is_empty()))/>
        // The bar comes with the page's data (who is signed in, their
        // workspaces), read in this one boundary.
        <Transition fallback=|| view! { <p class="px-4 py-8 text-zinc-600">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(data) => view! {
                        <AccountBar user=data.user.clone() workspaces=data.workspaces.clone()/>
                        <main id="main" tabindex="-1" class="mx-auto max-w-4xl space-y-8 px-4 py-8 focus:outline-none">
                            {data.secret.clone().map(|secret| view! {
                                <section class="rounded-lg border border-amber-300 bg-amber-50 p-5" aria-labelledby="secret-title">
                                    <h2 id="secret-title" class="font-semibold text-amber-900">"Copy your new token now"</h2>
                                    <p class="mt-1 text-sm text-amber-900">"It won't be shown again. Scripts send it as "<code>"Authorization: Bearer …"</code>"."</p>
                                    <label for="new-token" class="sr-only">"New token"</label>
                                    <input id="new-token" readonly=true value=secret class=format!("{INPUT} mt-3 font-mono text-sm")/>
                                </section>
                            })}
                            <Tokens data create revoke/>
                        </main>
                    }.into_any(),
                    Err(error) => view! {
                        <main id="main" class="mx-auto max-w-4xl px-4 py-8"><PageError error/></main>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Tokens(
    data: TokensPageData,
    create: ServerAction<CreateApiToken>,
    revoke: ServerAction<RevokeApiToken>,
) -> impl IntoView {
    let errors = form_errors(create.value());
    let name_error = field_error(errors, "name");
    view! {
        <div>
            <p class="text-sm"><a class="text-indigo-700 underline" href=data.home>"← Back to Boardroom"</a></p>
            <h1 class="mt-2 text-2xl font-semibold">"API tokens"</h1>
            <p class="mt-1 text-sm text-zinc-600">{format!("Tokens let scripts, the SDKs and the command line act as {} ({}), with your grants in each workspace and nothing more.", data.user.name, data.user.email)}</p>
        </div>
        <PageNotice notice=data.notice error=unshown_error(&[CreateApiToken::PATH])/>
        <section aria-labelledby="token-title" class="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
            <h2 id="token-title" class="text-lg font-semibold">"New token"</h2>
            <div class="mt-4 space-y-4">
                <ErrorSummary form="token" errors/>
                <ActionForm action=create attr:novalidate=true attr:class="flex flex-col gap-3 sm:flex-row sm:items-end">
                    <div class="flex-1">
                        <Field id="token-name" label="Name" hint="What it is for, e.g. \u{201c}CI invites\u{201d}." error=name_error>
                            <input id="token-name" name="name" type="text" class=INPUT aria-invalid=aria_invalid(name_error)/>
                        </Field>
                    </div>
                    <button type="submit" class=PRIMARY_BUTTON>"Create token"</button>
                </ActionForm>
            </div>
        </section>
        {if data.tokens.is_empty() {
            view! { <p class="rounded-lg border border-dashed border-zinc-300 bg-white p-6 text-center text-sm text-zinc-600">"No tokens yet."</p> }.into_any()
        } else {
            view! {
                <div class="relative overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-sm">
                    <table class="stack stack-tokens min-w-full divide-y divide-zinc-200 text-sm" aria-label="API tokens">
                        <thead class="bg-zinc-50 text-left text-xs font-medium uppercase tracking-wide text-zinc-600">
                            <tr>
                                <th scope="col" class="px-4 py-3">"Name"</th>
                                <th scope="col" class="px-4 py-3">"Created"</th>
                                <th scope="col" class="px-4 py-3">"Last used"</th>
                                <th scope="col" class="px-4 py-3"><span class="sr-only">"Actions"</span></th>
                            </tr>
                        </thead>
                        <tbody class="divide-y divide-zinc-100">
                            {data.tokens.into_iter().map(|t| { let question = crate::tokens::revoke_question(&t.name); view! {
                                <tr>
                                    <td class="cell-name">{t.name.clone()}</td>
                                    <td class="cell"><LocalTime at=t.created_at/></td>
                                    <td class="cell">{match t.last_used_at {
                                        Some(at) => view! { <LocalTime at/> }.into_any(),
                                        None => "Never".into_any(),
                                    }}</td>
                                    <td class="cell-actions">
                                        <AskFirst question=question button="Revoke token".to_string()>
                                            <ActionForm
                                                action=revoke
                                            >
                                                <input type="hidden" name="token_id" value=t.id/>
                                                <button type="submit" class=DANGER_BUTTON aria-label=format!("Revoke token {}", t.name)>"Revoke"</button>
                                            </ActionForm>
                                        </AskFirst>
                                    </td>
                                </tr>
                            }}).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}
