use crate::accounts::api::{
    ConfirmEmail, RequestPasswordReset, ResetPassword, SendVerificationAgain, SignIn, SignOut, SignUp,
    check_inbox_page, forgot_page, reset_link, verify_link,
};
use crate::components::{
    AuthCard, ErrorSummary, Field, INPUT, PRIMARY_BUTTON, SECONDARY_BUTTON, aria_invalid, field_error, form_errors,
};
use crate::pages::page_title;
use crate::sso::CompanySignInRefusal;
use crate::sso::api::company_sign_in;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let errors = form_errors(action.value());
    let email_error = field_error(errors, "email");
    let password_error = field_error(errors, "password");
    let query = use_query_map();
    let next = query.read_untracked().get("next").unwrap_or_default();
    let was_reset = query.read_untracked().get("reset").is_some();
    let was_deleted = query.read_untracked().get("deleted").is_some();
    let refusal = query
        .read_untracked()
        .get("sso")
        .and_then(|code| CompanySignInRefusal::from_code(&code));
    let signup_href = if next.is_empty() {
        "/signup".to_string()
    } else {
        format!("/signup?next={}", urlencode(&next))
    };
    view! {
        <Title text=page_title("Sign in", Signal::derive(move || !errors.get().is_empty()))/>
        <AuthCard>
            <h1 class="text-2xl font-semibold">"Sign in"</h1>
            <div class="mt-6 space-y-6">
                {was_reset.then(|| view! {
                    <p role="status" class="rounded-md border border-green-300 bg-green-50 p-3 text-sm text-green-900">
                        "Your password was changed, and every browser signed in to your account was signed out. Sign in with your new password."
                    </p>
                })}
                {was_deleted.then(|| view! {
                    <p role="status" class="rounded-md border border-green-300 bg-green-50 p-3 text-sm text-green-900">
                        "Your account was deleted, and every browser signed in to it was signed out."
                    </p>
                })}
                {refusal.map(|why| view! {
                    <p role="alert" class="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">{why.message()}"."</p>
                })}
                <CompanySignIn next=next.clone() invitation=String::new() text="Sign in with"/>
                <ErrorSummary form="signin" errors/>
                <ActionForm action attr:novalidate=true attr:class="space-y-5">
                    <input type="hidden" name="next" value=next/>
                    <Field id="signin-email" label="Email address" error=email_error>
                        <input id="signin-email" name="email" type="email" autocomplete="email" spellcheck="false" class=INPUT aria-invalid=aria_invalid(email_error)/>
                    </Field>
                    <Field id="signin-password" label="Password" error=password_error>
                        <input id="signin-password" name="password" type="password" autocomplete="current-password" class=INPUT aria-invalid=aria_invalid(password_error)/>
                    </Field>
                    <p class="-mt-2 text-sm"><a class="font-medium text-indigo-700 underline" href="/forgot">"Forgot your password?"</a></p>
                    <button type="submit" class=format!("{PRIMARY_BUTTON} w-full")>"Sign in"</button>
                </ActionForm>
                <p class="text-sm text-zinc-700">"New to Boardroom? " <a class="font-medium text-indigo-700 underline" href=signup_href>"Create an account"</a></p>
            </div>
        </AuthCard>
    }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let errors = form_errors(action.value());
    let name_error = field_error(errors, "name");
    let email_error = field_error(errors, "email");
    let password_error = field_error(errors, "password");
    let workspace_error = field_error(errors, "workspace");
    view! {
        <Title text=page_title("Create an account", Signal::derive(move || !errors.get().is_empty()))/>
        <AuthCard>
            <h1 class="text-2xl font-semibold">"Create an account"</h1>
            <p class="mt-2 text-sm text-zinc-700">"You get a workspace of your own to invite people into."</p>
            <div class="mt-6 space-y-6">
                <ErrorSummary form="signup" errors/>
                <ActionForm action attr:novalidate=true attr:class="space-y-5">
                    <Field id="signup-name" label="Your name" error=name_error>
                        <input id="signup-name" name="name" type="text" autocomplete="name" class=INPUT aria-invalid=aria_invalid(name_error)/>
                    </Field>
                    <Field id="signup-email" label="Email address" error=email_error>
                        <input id="signup-email" name="email" type="email" autocomplete="email" spellcheck="false" class=INPUT aria-invalid=aria_invalid(email_error)/>
                    </Field>
                    <Field id="signup-password" label="Password" hint="At least 8 characters." error=password_error>
                        <input id="signup-password" name="password" type="password" autocomplete="new-password" class=INPUT aria-invalid=aria_invalid(password_error)/>
                    </Field>
                    <Field id="signup-workspace" label="Workspace name" hint="Optional. You can rename it later." error=workspace_error>
                        <input id="signup-workspace" name="workspace" type="text" autocomplete="organization" class=INPUT aria-invalid=aria_invalid(workspace_error)/>
                    </Field>
                    <button type="submit" class=format!("{PRIMARY_BUTTON} w-full")>"Create account"</button>
                </ActionForm>
                <p class="text-sm text-zinc-700">"Already have an account? " <a class="font-medium text-indigo-700 underline" href="/signin">"Sign in"</a></p>
            </div>
        </AuthCard>
    }
}

/// "Sign in with …" the company's identity provider, when it is set up, and
/// an "or" before the form that follows. A plain form: it works without
/// JavaScript.
#[component]
pub fn CompanySignIn(next: String, invitation: String, text: &'static str) -> impl IntoView {
    let provider = Resource::new(|| (), |_| company_sign_in());
    view! {
        <Suspense>
            {move || Suspend::new({
                let (next, invitation) = (next.clone(), invitation.clone());
                async move {
                    provider.await.ok().flatten().map(|name| view! {
                        <form method="post" action="/auth/oidc/start">
                            <input type="hidden" name="next" value=next/>
                            <input type="hidden" name="invitation" value=invitation/>
                            <button type="submit" class=format!("{SECONDARY_BUTTON} w-full")>{format!("{text} {name}")}</button>
                        </form>
                        <p class="flex items-center gap-3 text-sm text-zinc-600 before:h-px before:flex-1 before:bg-zinc-200 after:h-px after:flex-1 after:bg-zinc-200">"or"</p>
                    })
                }
            })}
        </Suspense>
    }
}

/// Asks for a link to choose a new password. The answer is the same whether
/// or not the address has an account.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let errors = form_errors(action.value());
    let email_error = field_error(errors, "email");
    let email = use_query_map().read_untracked().get("email").unwrap_or_default();
    // A plain form's post comes back here with its answer left for one read.
    let left = Resource::new(|| (), |_| forgot_page());
    let sent = move || {
        action
            .value()
            .get()
            .and_then(Result::ok)
            .or_else(|| left.get().and_then(Result::ok).flatten())
    };
    view! {
        <Title text=page_title("Reset your password", Signal::derive(move || !errors.get().is_empty()))/>
        <AuthCard>
            <h1 class="text-2xl font-semibold">"Reset your password"</h1>
            <p class="mt-2 text-sm text-zinc-700">"Enter your account's email address and we'll send you a link to choose a new password."</p>
            <div class="mt-6 space-y-6">
                <Suspense>
                    {move || sent().map(|notice| view! {
                        <p role="status" class="rounded-md border border-green-300 bg-green-50 p-3 text-sm text-green-900">{notice}"."</p>
                    })}
                </Suspense>
                <ErrorSummary form="forgot" errors/>
                <ActionForm action attr:novalidate=true attr:class="space-y-5">
                    <Field id="forgot-email" label="Email address" error=email_error>
                        <input id="forgot-email" name="email" type="email" autocomplete="email" spellcheck="false" value=email class=INPUT aria-invalid=aria_invalid(email_error)/>
                    </Field>
                    <button type="submit" class=format!("{PRIMARY_BUTTON} w-full")>"Send link"</button>
                </ActionForm>
                <p class="text-sm text-zinc-700">"Remembered it? " <a class="font-medium text-indigo-700 underline" href="/signin">"Sign in"</a></p>
            </div>
        </AuthCard>
    }
}

/// Where a reset link lands: a new password for the address it was sent to.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let link = Resource::new(token, reset_link);
    view! {
        <AuthCard>
            <Suspense fallback=|| view! { <p class="text-zinc-600">"Checking your link…"</p> }>
                {move || Suspend::new(async move {
                    match link.await {
                        Ok(email) => view! { <NewPasswordForm email token=token()/> }.into_any(),
                        Err(e) => view! {
                            <Title text="Reset link can't be used · Boardroom"/>
                            <h1 class="text-xl font-semibold">"This link can't be used"</h1>
                            <p class="mt-3 text-zinc-700">{e.to_string()}"."</p>
                            <p class="mt-6"><a class="font-medium text-indigo-700 underline" href="/forgot">"Ask for a new link"</a></p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </AuthCard>
    }
}

#[component]
fn NewPasswordForm(email: String, token: String) -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let errors = form_errors(action.value());
    let password_error = field_error(errors, "password");
    view! {
        <Title text=page_title("Choose a new password", Signal::derive(move || !errors.get().is_empty()))/>
        <h1 class="text-2xl font-semibold">"Choose a new password"</h1>
        <p class="mt-2 text-sm text-zinc-700">"Every browser signed in to this account will be signed out, this one too."</p>
        <div class="mt-6 space-y-6">
            <ErrorSummary form="reset" errors/>
            <ActionForm action attr:novalidate=true attr:class="space-y-5">
                // This page sends no referrer: the form names it for its answer.
                <input type="hidden" name="back" value=format!("/reset/{token}")/>
                <input type="hidden" name="token" value=token/>
                <Field id="reset-email" label="Email address">
                    <input id="reset-email" type="email" value=email autocomplete="username" readonly=true class=INPUT/>
                </Field>
                <Field id="reset-password" label="New password" hint="At least 8 characters." error=password_error>
                    <input id="reset-password" name="password" type="password" autocomplete="new-password" class=INPUT aria-invalid=aria_invalid(password_error)/>
                </Field>
                <button type="submit" class=format!("{PRIMARY_BUTTON} w-full")>"Change password"</button>
            </ActionForm>
        </div>
    }
}

/// After signing up (or signing in to an account whose address is not proven
/// yet): open the emailed link. Offers to send it again.
#[component]
pub fn CheckInboxPage() -> impl IntoView {
    let again = ServerAction::<SendVerificationAgain>::new();
    let errors = form_errors(again.value());
    let email_error = field_error(errors, "email");
    let page = Resource::new(|| (), |_| check_inbox_page());
    view! {
        <Title text=page_title("Check your inbox", Signal::derive(move || !errors.get().is_empty()))/>
        <AuthCard>
            <h1 class="text-2xl font-semibold">"Check your inbox"</h1>
            <Suspense fallback=|| view! { <p class="mt-3 text-zinc-600">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let data = page.await.unwrap_or(crate::accounts::api::CheckInbox { email: None, signed_in: false, notice: None });
                    let said = again.value().get().and_then(Result::ok).or(data.notice.clone());
                    let lead = match &data.email {
                        Some(email) => format!("We sent a link to {email}. Open it to confirm your address and finish setting up your account."),
                        None => "We sent you a link. Open it to confirm your address and finish setting up your account.".to_string(),
                    };
                    view! {
                        <p class="mt-3 text-zinc-700">{lead}</p>
                        <p class="mt-2 text-sm text-zinc-600">"Until then your account can't be used. The link works for 24 hours."</p>
                        <div class="mt-6 space-y-4">
                            {said.map(|notice| view! {
                                <p role="status" class="rounded-md border border-green-300 bg-green-50 p-3 text-sm text-green-900">{notice}"."</p>
                            })}
                            <ErrorSummary form="again" errors/>
                            <ActionForm action=again attr:novalidate=true attr:class="space-y-4">
                                {match data.email.clone() {
                                    Some(email) => view! { <input type="hidden" name="email" value=email/> }.into_any(),
                                    None => view! {
                                        <Field id="again-email" label="Email address" error=email_error>
                                            <input id="again-email" name="email" type="email" autocomplete="email" spellcheck="false" class=INPUT aria-invalid=aria_invalid(email_error)/>
                                        </Field>
                                    }.into_any(),
                                }}
                                <p class="text-sm text-zinc-700">"No email? Check your spam folder, or "
                                    <button type="submit" class="font-medium text-indigo-700 underline">"send the link again"</button>"."
                                </p>
                            </ActionForm>
                            {data.signed_in.then(|| view! { <SignOutLink/> })}
                            {(!data.signed_in).then(|| view! {
                                <p class="text-sm text-zinc-700">"Wrong address? " <a class="font-medium text-indigo-700 underline" href="/signup">"Sign up again"</a></p>
                            })}
                        </div>
                    }
                })}
            </Suspense>
        </AuthCard>
    }
}

#[component]
fn SignOutLink() -> impl IntoView {
    let action = ServerAction::<SignOut>::new();
    view! {
        <ActionForm action attr:class="text-sm text-zinc-700">
            "Signed up with the wrong address? "
            <button type="submit" class="font-medium text-indigo-700 underline">"Sign out"</button>
        </ActionForm>
    }
}

/// Where a proving link lands: one button proves the address (opening the
/// link changes nothing, since mail scanners open links too).
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let link = Resource::new(token, verify_link);
    view! {
        <AuthCard>
            <Suspense fallback=|| view! { <p class="text-zinc-600">"Checking your link…"</p> }>
                {move || Suspend::new(async move {
                    match link.await {
                        Ok(email) => view! { <ConfirmEmailForm email token=token()/> }.into_any(),
                        Err(e) => view! {
                            <Title text="Confirmation link can't be used · Boardroom"/>
                            <h1 class="text-xl font-semibold">"This link can't be used"</h1>
                            <p class="mt-3 text-zinc-700">{e.to_string()}"."</p>
                            <p class="mt-6 flex gap-4">
                                <a class="font-medium text-indigo-700 underline" href="/signin">"Sign in"</a>
                                <a class="font-medium text-indigo-700 underline" href="/check-inbox">"Send a new link"</a>
                            </p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </AuthCard>
    }
}

#[component]
fn ConfirmEmailForm(email: String, token: String) -> impl IntoView {
    let action = ServerAction::<ConfirmEmail>::new();
    let errors = form_errors(action.value());
    view! {
        <Title text=page_title("Confirm your email address", Signal::derive(move || !errors.get().is_empty()))/>
        <h1 class="text-2xl font-semibold">"Confirm your email address"</h1>
        <p class="mt-3 text-zinc-700">"Confirm that "<strong>{email}</strong>" is your address, and your account is ready."</p>
        <div class="mt-6 space-y-4">
            <ErrorSummary form="confirm-email" errors/>
            <ActionForm action>
                // This page sends no referrer: the form names it for its answer.
                <input type="hidden" name="back" value=format!("/verify/{token}")/>
                <input type="hidden" name="token" value=token/>
                <button type="submit" class=format!("{PRIMARY_BUTTON} w-full")>"Confirm and continue"</button>
            </ActionForm>
            <p class="text-sm text-zinc-600">"Not you? Close this page: nothing happens until you confirm."</p>
        </div>
    }
}

/// `s` for a URL's query (letters, digits and `-_.~/` as they are).
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
