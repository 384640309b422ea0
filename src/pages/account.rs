//! The account page (account menu → Account): name, password, address,
//! sessions, and deleting the account. Every form works without JavaScript;
//! ending sessions and deleting the account ask first.

use crate::accounts::SessionInfo;
use crate::components::{
    AccountBar, AskFirst, DANGER_BUTTON, ErrorSummary, Field, INPUT, LocalTime, PRIMARY_BUTTON, PageError, PageNotice,
    SECONDARY_BUTTON, aria_invalid, field_error, form_errors, unshown_error,
};
use crate::domain::User;
use crate::error::AppError;
use crate::pages::page_title;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{
    accounts::{profile, session},
    state,
};

/// Everything the account page shows, loaded in one call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountPageData {
    pub user: User,
    pub workspaces: Vec<crate::workspaces::WorkspaceSummary>,
    pub home: String,
    pub sessions: Vec<SessionInfo>,
    /// The address a change waits to move the account to.
    pub pending_email: Option<String>,
    pub notice: Option<String>,
}

#[server(endpoint = "account_page")]
pub async fn account_page() -> Result<AccountPageData, AppError> {
    let user = session::require_user().await?;
    let state = state::state()?;
    let current = state::request_cookie(session::SESSION_COOKIE);
    let idle = state.config.session_idle.as_millis() as i64;
    Ok(AccountPageData {
        sessions: profile::sessions(&state.db, &user.id, current.as_deref(), idle).await?,
        pending_email: profile::pending_email(&state.db, &user.id).await?,
        home: crate::members::service::home_path(&state.db, &user.id).await?,
        workspaces: session::workspaces_of(&state, &user).await?,
        user,
        notice: state::take_notice(),
    })
}

#[server(endpoint = "rename_me")]
pub async fn rename_me(name: String) -> Result<String, AppError> {
    let user = session::require_user().await?;
    let state = state::state()?;
    let name = profile::rename(&state.db, &user, &name).await?;
    let said = format!("Your name is now {name}");
    state::notice_for_plain_form(&said);
    Ok(said)
}

/// Changes the password; every other browser is signed out, and this one
/// gets a new session.
#[server(endpoint = "change_password")]
pub async fn change_password(current_password: String, new_password: String) -> Result<String, AppError> {
    let user = session::require_user().await?;
    let state = state::state()?;
    check_limit(&state, &user).await?;
    profile::change_password(&state.db, &user, &current_password, &new_password).await?;
    state.mailer.wake();
    session::start(&state, &user).await?;
    let said = "Your password was changed, and every other browser was signed out".to_string();
    state::notice_for_plain_form(&said);
    Ok(said)
}

/// Asks to move the account to a new address, confirmed from there.
#[server(endpoint = "change_email")]
pub async fn change_email(email: String, password: String) -> Result<String, AppError> {
    let user = session::require_user().await?;
    let state = state::state()?;
    check_limit(&state, &user).await?;
    let email = profile::request_email_change(&state.db, &user, &email, &password).await?;
    state.mailer.wake();
    let said = format!("We sent a link to {email}. Your address changes when you open it");
    state::notice_for_plain_form(&said);
    Ok(said)
}

/// What a link to a new address opens: the address, and whether this
/// browser is signed in to the account it would move.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeLink {
    pub new_email: String,
    pub signed_in_as_owner: bool,
}

#[server(endpoint = "email_change_link")]
pub async fn email_change_link(token: String) -> Result<ChangeLink, AppError> {
    use crate::accounts::links::{self, Purpose};
    let state = state::state()?;
    state::rate_limit(&state, "accept", crate::platform::ratelimit::Limit::ACCEPT).await?;
    let (owner, new_email) = links::peek_owner(&state.db, &token, Purpose::EmailChange)
        .await?
        .ok_or_else(|| AppError::NotFound(profile::CHANGE_LINK_DEAD.into()))?;
    let me = session::current_user().await?;
    Ok(ChangeLink {
        new_email: new_email.unwrap_or_default(),
        signed_in_as_owner: me.is_some_and(|u| u.id == owner),
    })
}

/// Moves the signed-in account to the address the link went to; every
/// session ends and this browser gets a new one.
#[server(endpoint = "confirm_email_change")]
pub async fn confirm_email_change(token: String) -> Result<(), AppError> {
    let user = session::require_user().await?;
    let state = state::state()?;
    state::rate_limit(&state, "accept", crate::platform::ratelimit::Limit::ACCEPT).await?;
    let user = profile::confirm_email_change(&state.db, &token, &user).await?;
    state.mailer.wake();
    session::start(&state, &user).await?;
    state::notice_for_plain_form(&format!("Your address is now {}", user.email));
    state::redirect("/account");
    Ok(())
}

/// Signs another browser out.
#[server(endpoint = "end_session")]
pub async fn end_session(session_id: String) -> Result<String, AppError> {
    let user = session::require_user().await?;
    let state = state::state()?;
    let current = state::request_cookie(session::SESSION_COOKIE);
    profile::end_session(&state.db, &user.id, &session_id, current.as_deref()).await?;
    let said = "That browser was signed out".to_string();
    state::notice_for_plain_form(&said);
    Ok(said)
}

/// Signs out every browser but this one.
#[server(endpoint = "end_other_sessions")]
pub async fn end_other_sessions() -> Result<String, AppError> {
    let user = session::require_user().await?;
    let state = state::state()?;
    let current = state::request_cookie(session::SESSION_COOKIE);
    let n = profile::end_other_sessions(&state.db, &user.id, current.as_deref()).await?;
    let said = match n {
        0 => "No other browser was signed in".to_string(),
        1 => "1 other browser was signed out".to_string(),
        n => format!("{n} other browsers were signed out"),
    };
    state::notice_for_plain_form(&said);
    Ok(said)
}

/// Deletes the account (the password given), then goes to sign-in.
#[server(endpoint = "delete_account")]
pub async fn delete_account(password: String) -> Result<(), AppError> {
    let user = session::require_user().await?;
    let state = state::state()?;
    check_limit(&state, &user).await?;
    profile::delete_account(&state.db, &user, &password).await?;
    session::set_session_cookie(&state, None);
    state::redirect("/signin?deleted=1");
    Ok(())
}

/// Guesses at the password of a signed-in account (a browser left open) are
/// limited per account, as sign-ins are.
#[cfg(feature = "ssr")]
async fn check_limit(state: &crate::state::AppState, user: &User) -> Result<(), AppError> {
    state::rate_limit_key(
        state,
        &format!("password_of:{}", user.id),
        crate::platform::ratelimit::Limit::SIGN_IN,
    )
    .await
}

/// The question asked before ending a session, or all others.
pub fn end_session_question(device: &str) -> String {
    format!("Sign out {device}? Whoever uses it will have to sign in again.")
}
pub const END_OTHERS_QUESTION: &str = "Sign out every other browser? Each will have to sign in again.";
pub const DELETE_QUESTION: &str =
    "Delete your account? You leave every workspace, your tokens stop working, and this can't be undone.";

#[component]
pub fn AccountPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| account_page());
    view! {
        <Title text="Account · Boardroom"/>
        <Transition fallback=|| view! { <p class="px-4 py-8 text-zinc-600">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(data) => view! {
                        <AccountBar user=data.user.clone() workspaces=data.workspaces.clone()/>
                        <main id="main" tabindex="-1" class="mx-auto max-w-4xl space-y-8 px-4 py-8 focus:outline-none">
                            <Account data/>
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

const SECTION: &str = "rounded-lg border border-zinc-200 bg-white p-6 shadow-sm";

#[component]
fn Account(data: AccountPageData) -> impl IntoView {
    let rename = ServerAction::<RenameMe>::new();
    let password = ServerAction::<ChangePassword>::new();
    let email = ServerAction::<ChangeEmail>::new();
    let delete = ServerAction::<DeleteAccount>::new();
    let said = data
        .notice
        .clone()
        .or_else(|| rename.value().get_untracked().and_then(Result::ok));
    view! {
        <div>
            <p class="text-sm"><a class="text-indigo-700 underline" href=data.home.clone()>"← Back to Boardroom"</a></p>
            <h1 class="mt-2 text-2xl font-semibold">"Account"</h1>
            <p class="mt-1 text-sm text-zinc-600">{format!("Signed in as {} ({}).", data.user.name, data.user.email)}</p>
        </div>
        <PageNotice notice=said error=unshown_error(&[EndSession::PATH, EndOtherSessions::PATH])/>
        <NameForm action=rename name=data.user.name.clone()/>
        <PasswordForm action=password/>
        <EmailForm action=email current=data.user.email.clone() pending=data.pending_email.clone()/>
        <Sessions sessions=data.sessions.clone()/>
        <DeleteForm action=delete/>
    }
}

#[component]
fn NameForm(action: ServerAction<RenameMe>, name: String) -> impl IntoView {
    let errors = form_errors(action.value());
    let name_error = field_error(errors, "name");
    view! {
        <section aria-labelledby="name-title" class=SECTION>
            <h2 id="name-title" class="text-lg font-semibold">"Name"</h2>
            <div class="mt-4 space-y-4">
                <ErrorSummary form="name" errors/>
                <ActionForm action attr:novalidate=true attr:class="flex flex-col gap-3 sm:flex-row sm:items-end">
                    <div class="flex-1">
                        <Field id="account-name" label="Your name" hint="How others see you in their workspaces." error=name_error>
                            <input id="account-name" name="name" type="text" autocomplete="name" value=name class=INPUT aria-invalid=aria_invalid(name_error)/>
                        </Field>
                    </div>
                    <button type="submit" class=PRIMARY_BUTTON>"Save name"</button>
                </ActionForm>
            </div>
        </section>
    }
}

#[component]
fn PasswordForm(action: ServerAction<ChangePassword>) -> impl IntoView {
    let errors = form_errors(action.value());
    let current_error = field_error(errors, "current_password");
    let new_error = field_error(errors, "new_password");
    view! {
        <section aria-labelledby="password-title" class=SECTION>
            <h2 id="password-title" class="text-lg font-semibold">"Password"</h2>
            <p class="mt-1 text-sm text-zinc-600">"Changing it signs out every other browser."</p>
            <div class="mt-4 space-y-4">
                <ErrorSummary form="password" errors/>
                <ActionForm action attr:novalidate=true attr:class="space-y-4">
                    <input type="text" name="username" autocomplete="username" class="hidden" aria-hidden="true" tabindex="-1"/>
                    <Field id="current-password" label="Current password" error=current_error>
                        <input id="current-password" name="current_password" type="password" autocomplete="current-password" class=INPUT aria-invalid=aria_invalid(current_error)/>
                    </Field>
                    <Field id="new-password" label="New password" hint="At least 8 characters." error=new_error>
                        <input id="new-password" name="new_password" type="password" autocomplete="new-password" class=INPUT aria-invalid=aria_invalid(new_error)/>
                    </Field>
                    <button type="submit" class=PRIMARY_BUTTON>"Change password"</button>
                </ActionForm>
            </div>
        </section>
    }
}

#[component]
fn EmailForm(action: ServerAction<ChangeEmail>, current: String, pending: Option<String>) -> impl IntoView {
    let errors = form_errors(action.value());
    let email_error = field_error(errors, "email");
    let password_error = field_error(errors, "password");
    view! {
        <section aria-labelledby="email-title" class=SECTION>
            <h2 id="email-title" class="text-lg font-semibold">"Email address"</h2>
            <p class="mt-1 text-sm text-zinc-600">{format!("Now {current}. A new address is confirmed by a link sent to it; the old one is told once it changes.")}</p>
            {pending.map(|p| view! {
                <p class="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
                    {format!("Waiting for you to open the link sent to {p}. Resetting your password cancels the change.")}
                </p>
            })}
            <div class="mt-4 space-y-4">
                <ErrorSummary form="email" errors/>
                <ActionForm action attr:novalidate=true attr:class="space-y-4">
                    <Field id="new-email" label="New email address" error=email_error>
                        <input id="new-email" name="email" type="email" autocomplete="email" spellcheck="false" class=INPUT aria-invalid=aria_invalid(email_error)/>
                    </Field>
                    <Field id="email-password" label="Your password" error=password_error>
                        <input id="email-password" name="password" type="password" autocomplete="current-password" class=INPUT aria-invalid=aria_invalid(password_error)/>
                    </Field>
                    <button type="submit" class=SECONDARY_BUTTON>"Send confirmation link"</button>
                </ActionForm>
            </div>
        </section>
    }
}

#[component]
fn Sessions(sessions: Vec<SessionInfo>) -> impl IntoView {
    let end = ServerAction::<EndSession>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();
    let others = sessions.iter().filter(|s| !s.current).count();
    view! {
        <section aria-labelledby="sessions-title" class=SECTION>
            <div class="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
                <div>
                    <h2 id="sessions-title" class="text-lg font-semibold">"Where you're signed in"</h2>
                    <p class="mt-1 text-sm text-zinc-600">"Sign out any browser you don't recognise, then change your password."</p>
                </div>
                {(others > 0).then(|| view! {
                    <AskFirst question=END_OTHERS_QUESTION.to_string() button="Sign out others".to_string()>
                        <ActionForm action=end_others>
                            <button type="submit" class=DANGER_BUTTON>"Sign out all other browsers"</button>
                        </ActionForm>
                    </AskFirst>
                })}
            </div>
            <div class="relative mt-4 overflow-x-auto">
                <table class="stack stack-sessions min-w-full divide-y divide-zinc-200 text-sm" aria-label="Sessions">
                    <thead class="text-left text-xs font-medium uppercase tracking-wide text-zinc-600">
                        <tr>
                            <th scope="col" class="px-4 py-3">"Browser"</th>
                            <th scope="col" class="px-4 py-3">"IP address"</th>
                            <th scope="col" class="px-4 py-3">"Signed in"</th>
                            <th scope="col" class="px-4 py-3">"Last seen"</th>
                            <th scope="col" class="px-4 py-3"><span class="sr-only">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody class="divide-y divide-zinc-100">
                        {sessions.into_iter().map(|s| {
                            let question = end_session_question(&s.device);
                            let label = format!("Sign out {}, last seen {}", s.device, s.last_seen.display());
                            view! {
                                <tr>
                                    <td class="cell-name">
                                        {s.device.clone()}
                                        {s.current.then(|| view! {
                                            <span class="ml-2 rounded-full bg-green-50 px-2 py-0.5 text-xs font-medium text-green-800 ring-1 ring-inset ring-green-200">"This browser"</span>
                                        })}
                                    </td>
                                    <td class="cell">{s.ip.clone()}</td>
                                    <td class="cell"><LocalTime at=s.signed_in/></td>
                                    <td class="cell"><LocalTime at=s.last_seen/></td>
                                    <td class="cell-actions">
                                        {(!s.current).then(|| view! {
                                            <AskFirst question=question.clone() button="Sign out".to_string()>
                                                <ActionForm action=end>
                                                    <input type="hidden" name="session_id" value=s.id.clone()/>
                                                    <button type="submit" class=DANGER_BUTTON aria-label=label.clone()>"Sign out"</button>
                                                </ActionForm>
                                            </AskFirst>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn DeleteForm(action: ServerAction<DeleteAccount>) -> impl IntoView {
    let errors = form_errors(action.value());
    let password_error = field_error(errors, "password");
    view! {
        <section aria-labelledby="delete-title" class="rounded-lg border border-red-200 bg-white p-6 shadow-sm">
            <h2 id="delete-title" class="text-lg font-semibold text-red-700">"Delete account"</h2>
            <p class="mt-1 text-sm text-zinc-700">"You leave every workspace; one you are the only member of is deleted with its boards. While you are the only owner of a workspace with other members, make someone else an owner first."</p>
            <div class="mt-4 space-y-4">
                <ErrorSummary form="delete" errors/>
                <AskFirst question=DELETE_QUESTION.to_string() button="Delete account".to_string()>
                    <ActionForm action attr:novalidate=true attr:class="flex flex-col gap-3 sm:flex-row sm:items-end">
                        <div class="flex-1">
                            <Field id="delete-password" label="Your password" error=password_error>
                                <input id="delete-password" name="password" type="password" autocomplete="current-password" class=INPUT aria-invalid=aria_invalid(password_error)/>
                            </Field>
                        </div>
                        <button type="submit" class=DANGER_BUTTON>"Delete account"</button>
                    </ActionForm>
                </AskFirst>
            </div>
        </section>
    }
}

/// Where a link to a new address lands: one button moves the account.
#[component]
pub fn ConfirmEmailChangePage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let link = Resource::new(token, email_change_link);
    let action = ServerAction::<ConfirmEmailChange>::new();
    let errors = form_errors(action.value());
    view! {
        <crate::components::AuthCard>
            <Suspense fallback=|| view! { <p class="text-zinc-600">"Checking your link…"</p> }>
                {move || Suspend::new(async move {
                    match link.await {
                        Ok(link) if !link.signed_in_as_owner => {
                            let next = format!("/signin?next={}", crate::pages::auth::urlencode(&format!("/confirm-email/{}", token())));
                            view! {
                                <Title text="Sign in to confirm your new address · Boardroom"/>
                                <h1 class="text-2xl font-semibold">"Sign in to confirm your new address"</h1>
                                <p class="mt-3 text-zinc-700">"To move your Boardroom account to "<strong>{link.new_email}</strong>", sign in to it in this browser, then confirm."</p>
                                <p class="mt-6"><a class=format!("{PRIMARY_BUTTON} w-full") href=next>"Sign in"</a></p>
                            }.into_any()
                        }
                        Ok(link) => view! {
                            <Title text=page_title("Confirm your new address", Signal::derive(move || !errors.get().is_empty()))/>
                            <h1 class="text-2xl font-semibold">"Confirm your new address"</h1>
                            <p class="mt-3 text-zinc-700">"Move your Boardroom account to "<strong>{link.new_email}</strong>"? Every other browser signed in to it will be signed out."</p>
                            <div class="mt-6 space-y-4">
                                <ErrorSummary form="confirm-change" errors/>
                                <ActionForm action>
                                    <input type="hidden" name="back" value=format!("/confirm-email/{}", token())/>
                                    <input type="hidden" name="token" value=token()/>
                                    <button type="submit" class=format!("{PRIMARY_BUTTON} w-full")>"Confirm new address"</button>
                                </ActionForm>
                            </div>
                        }.into_any(),
                        Err(e) => view! {
                            <Title text="Link can't be used · Boardroom"/>
                            <h1 class="text-xl font-semibold">"This link can't be used"</h1>
                            <p class="mt-3 text-zinc-700">{e.to_string()}"."</p>
                            <p class="mt-6"><a class="font-medium text-indigo-700 underline" href="/account">"Go to your account"</a></p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </crate::components::AuthCard>
    }
}
