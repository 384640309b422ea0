use crate::accounts::api::SignOut;
use crate::components::{
    AskFirst, AuthCard, ErrorSummary, Field, INPUT, LocalTime, PRIMARY_BUTTON, SECONDARY_BUTTON, aria_invalid,
    field_error, form_errors,
};
use crate::error::AppError;
use crate::invitations::api::{
    AcceptInvitation, AcceptInvitationClaim, AcceptInvitationNewAccount, AcceptInvitationSignIn, DeclineInvitation,
    get_invitation_preview,
};
use crate::invitations::{self, InvitationPreview, InvitedAccount};
use crate::pages::auth::CompanySignIn;
use crate::pages::page_title;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// Where the emailed link lands. Opening it changes nothing; each way of
/// joining is a form the person submits.
#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let preview = Resource::new(token, get_invitation_preview);
    view! {
        <AuthCard>
            <Suspense fallback=|| view! { <p class="text-zinc-600">"Loading your invitation…"</p> }>
                {move || Suspend::new(async move {
                    match preview.await {
                        Ok(p) => view! { <Invitation p token=token()/> }.into_any(),
                        // What declining it moments ago left to say.
                        Err(AppError::NotFound(said)) if said != invitations::INVALID_LINK => view! {
                            <Title text="Invitation declined · Boardroom"/>
                            <h1 class="text-xl font-semibold">"Invitation declined"</h1>
                            <p role="status" class="mt-3 text-zinc-700">{said}". The person who invited you can see that you declined."</p>
                            <p class="mt-6"><a class="font-medium text-indigo-700 underline" href="/">"Go to Boardroom"</a></p>
                        }.into_any(),
                        Err(e) => view! {
                            <Title text="Invitation link can't be used · Boardroom"/>
                            <h1 class="text-xl font-semibold">"This invitation link can't be used"</h1>
                            <p class="mt-3 text-zinc-700">{e.to_string()}"."</p>
                            <p class="mt-6"><a class="font-medium text-indigo-700 underline" href="/">"Go to Boardroom"</a></p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </AuthCard>
    }
}

#[component]
fn Invitation(p: InvitationPreview, token: String) -> impl IntoView {
    let heading = join_heading(&p);
    let body = view! {
        <h1 class="text-2xl font-semibold">{heading.clone()}</h1>
        <p class="mt-3 text-zinc-700">
            <strong>{p.inviter_name.clone()}</strong>{format!(" ({}) invited you to join ", p.inviter_email)}
            <strong>{p.workspace_name.clone()}</strong>" on Boardroom."
        </p>
        <dl class="mt-4 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 rounded-md bg-zinc-50 p-3 text-sm">
            <dt class="text-zinc-600">"Invitation for"</dt><dd class="font-medium">{p.email.clone()}</dd>
            <dt class="text-zinc-600">"Expires"</dt><dd><LocalTime at=p.expires_at/></dd>
        </dl>
        <Offered roles=p.roles.clone() everyone=p.everyone_gets.clone()/>
    };
    let decline = ServerAction::<DeclineInvitation>::new();
    let question = invitations::decline_question(&p.workspace_name, &p.inviter_name);
    let title = format!("{heading} · Boardroom");
    view! {
        <Title text=title/>
        {body}
        <div class="mt-6">
            {
                let failure = decline.value().get_untracked().and_then(Result::err).map(|e| e.to_string());
                let next = next_step(&p, token.clone());
                let form = (!p.already_member).then(move || view! {
                    <AskFirst question=question button="Decline invitation".to_string()>
                        <ActionForm
                            action=decline
                            attr:class="mt-6 border-t border-zinc-200 pt-4 text-center"
                        >
                            <input type="hidden" name="token" value=token/>
                            <span class="text-sm text-zinc-600">"Not for you? "</span>
                            <button type="submit" class="text-sm font-medium text-zinc-700 underline hover:text-zinc-900">"Decline invitation"</button>
                        </ActionForm>
                    </AskFirst>
                });
                view! {
                    {next}
                    {failure.map(|e| view! { <p role="alert" class="mt-4 text-sm text-red-700">{e}</p> })}
                    {form}
                }
            }
        </div>
    }
}

/// The roles accepting gives, and what every member gets, each with what it
/// allows in plain words.
#[component]
fn Offered(roles: Vec<crate::roles::RoleChoice>, everyone: Vec<crate::roles::RoleChoice>) -> impl IntoView {
    let offered = (!roles.is_empty()).then(|| {
        view! {
            <div class="mt-4">
                <h2 id="offered-roles" class="text-sm font-medium">"Roles you'll have"</h2>
                <RoleList roles labelled_by="offered-roles"/>
            </div>
        }
    });
    let every_member = if everyone.is_empty() {
        view! {
            <p class="mt-4 text-sm text-zinc-700">"Members of this workspace get nothing more until someone gives them a role."</p>
        }
        .into_any()
    } else {
        view! {
            <div class="mt-4">
                <h2 id="everyone-roles" class="text-sm font-medium">"What every member may do"</h2>
                <RoleList roles=everyone labelled_by="everyone-roles"/>
            </div>
        }
        .into_any()
    };
    view! { {offered} {every_member} }
}

#[component]
fn RoleList(roles: Vec<crate::roles::RoleChoice>, labelled_by: &'static str) -> impl IntoView {
    view! {
        <ul class="mt-2 space-y-2 text-sm" aria-labelledby=labelled_by>
            {roles.into_iter().map(|r| { let allows = r.allows.clone(); view! {
                <li>
                    <span class="rounded-full bg-indigo-50 px-2 py-0.5 text-xs font-medium text-indigo-800 ring-1 ring-inset ring-indigo-200">{r.name}</span>
                    <span class="ml-2 text-zinc-700">{allows}</span>
                </li>
            }}).collect_view()}
        </ul>
    }
}

/// The page's heading, and its tab title.
fn join_heading(p: &InvitationPreview) -> String {
    format!("Join {}", p.workspace_name)
}

/// What the person can do next, by who is signed in.
fn next_step(p: &InvitationPreview, token: String) -> AnyView {
    match &p.signed_in_as {
        Some(me) if *me == p.email && p.already_member => view! {
            <p class="mt-6 text-zinc-700">"You're already a member of this workspace."</p>
            <p class="mt-4"><a class=PRIMARY_BUTTON href=format!("/w/{}/boards", p.workspace_id)>"Go to the workspace"</a></p>
        }.into_any(),
        Some(me) if *me == p.email => view! { <AcceptAsSignedIn token/> }.into_any(),
        Some(me) => view! { <WrongAccount invited=p.email.clone() me=me.clone() token/> }.into_any(),
        None => match p.account {
            InvitedAccount::Proven => view! { <SignInToAccept email=p.email.clone() token heading=join_heading(p)/> }.into_any(),
            InvitedAccount::Unproven if p.link_proves_address => view! { <ClaimToAccept email=p.email.clone() name=p.suggested_name.clone() token heading=join_heading(p)/> }.into_any(),
            InvitedAccount::Unproven => view! {
                <p role="alert" class="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900">{invitations::HANDED_OVER_CANNOT_CLAIM}"."</p>
            }.into_any(),
            InvitedAccount::None => view! { <SignUpToAccept email=p.email.clone() name=p.suggested_name.clone() token heading=join_heading(p)/> }.into_any(),
        },
    }
}

#[component]
fn AcceptAsSignedIn(token: String) -> impl IntoView {
    let action = ServerAction::<AcceptInvitation>::new();
    let errors = form_errors(action.value());
    view! {
        <ErrorSummary form="accept" errors/>
        <ActionForm action attr:class="mt-4">
            <input type="hidden" name="token" value=token/>
            <button type="submit" class=format!("{PRIMARY_BUTTON} w-full")>"Accept invitation"</button>
        </ActionForm>
    }
}

#[component]
fn WrongAccount(invited: String, me: String, token: String) -> impl IntoView {
    let action = ServerAction::<SignOut>::new();
    view! {
        <div role="alert" class="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900">
            {format!("This invitation was sent to {invited}, but you're signed in as {me}.")}
        </div>
        <ActionForm action attr:class="mt-4">
            <input type="hidden" name="next" value=format!("/invite/{token}")/>
            <button type="submit" class=format!("{SECONDARY_BUTTON} w-full")>"Sign out and continue"</button>
        </ActionForm>
    }
}

#[component]
fn SignInToAccept(email: String, token: String, heading: String) -> impl IntoView {
    let action = ServerAction::<AcceptInvitationSignIn>::new();
    let errors = form_errors(action.value());
    let forgot = format!("/forgot?email={}", crate::pages::auth::urlencode(&email));
    let password_error = field_error(errors, "password");
    view! {
        <Title text=page_title(&heading, Signal::derive(move || !errors.get().is_empty()))/>
        <p class="text-sm text-zinc-700">"You already have a Boardroom account. Sign in to accept."</p>
        <div class="mt-4 space-y-4">
            <CompanySignIn next=String::new() invitation=token.clone() text="Accept with"/>
            <ErrorSummary form="accept" errors/>
            <ActionForm action attr:novalidate=true attr:class="space-y-4">
                <input type="hidden" name="token" value=token/>
                <Field id="accept-email" label="Email address">
                    <input id="accept-email" type="email" value=email readonly=true class=INPUT/>
                </Field>
                <Field id="accept-password" label="Password" error=password_error>
                    <input id="accept-password" name="password" type="password" autocomplete="current-password" class=INPUT aria-invalid=aria_invalid(password_error)/>
                </Field>
                <p class="-mt-1 text-sm"><a class="font-medium text-indigo-700 underline" href=forgot>"Forgot your password?"</a></p>
                <button type="submit" class=format!("{PRIMARY_BUTTON} w-full")>"Sign in and accept"</button>
            </ActionForm>
        </div>
    }
}

#[component]
fn SignUpToAccept(email: String, name: String, token: String, heading: String) -> impl IntoView {
    let action = ServerAction::<AcceptInvitationNewAccount>::new();
    let errors = form_errors(action.value());
    view! {
        <Title text=page_title(&heading, Signal::derive(move || !errors.get().is_empty()))/>
        <p class="text-sm text-zinc-700">"Create your account to accept."</p>
        <div class="mt-4 space-y-4">
            <CompanySignIn next=String::new() invitation=token.clone() text="Accept with"/>
            <ErrorSummary form="accept" errors/>
            <ActionForm action attr:novalidate=true attr:class="space-y-4">
                <NewAccountFields token email name errors password_label="Password"/>
                <button type="submit" class=format!("{PRIMARY_BUTTON} w-full")>"Create account and join"</button>
            </ActionForm>
        </div>
    }
}

/// The invited address has an account that was never confirmed: whoever
/// opened the link holds the mailbox, and takes it over.
#[component]
fn ClaimToAccept(email: String, name: String, token: String, heading: String) -> impl IntoView {
    let action = ServerAction::<AcceptInvitationClaim>::new();
    let errors = form_errors(action.value());
    view! {
        <Title text=page_title(&heading, Signal::derive(move || !errors.get().is_empty()))/>
        <p class="text-sm text-zinc-700">
            "An account with this address was started but its address was never confirmed. "
            "Choose your name and a password to make it yours: anyone signed in to it is signed out."
        </p>
        <div class="mt-4 space-y-4">
            <ErrorSummary form="accept" errors/>
            <ActionForm action attr:novalidate=true attr:class="space-y-4">
                <NewAccountFields token email name errors password_label="New password"/>
                <button type="submit" class=format!("{PRIMARY_BUTTON} w-full")>"Take over the account and join"</button>
            </ActionForm>
        </div>
    }
}

/// Joining with an account of one's own: the invitation's link, the invited
/// address (fixed), a name and a password.
#[component]
fn NewAccountFields(
    token: String,
    email: String,
    /// What the name field starts with.
    name: String,
    errors: Signal<Vec<crate::error::FieldError>>,
    password_label: &'static str,
) -> impl IntoView {
    let name_error = field_error(errors, "name");
    let password_error = field_error(errors, "password");
    view! {
        <input type="hidden" name="token" value=token/>
        <Field id="accept-email" label="Email address" hint="The invitation was sent to this address.">
            <input id="accept-email" type="email" value=email readonly=true class=INPUT aria-describedby="accept-email-hint"/>
        </Field>
        <Field id="accept-name" label="Your name" error=name_error>
            <input id="accept-name" name="name" type="text" autocomplete="name" value=name class=INPUT aria-invalid=aria_invalid(name_error)/>
        </Field>
        <Field id="accept-password" label=password_label hint="At least 8 characters." error=password_error>
            <input id="accept-password" name="password" type="password" autocomplete="new-password" class=INPUT aria-invalid=aria_invalid(password_error)/>
        </Field>
    }
}
