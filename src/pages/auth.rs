use crate::accounts::api::{SignIn, SignUp};
use crate::components::{AuthCard, ErrorSummary, Field, INPUT, PRIMARY_BUTTON, aria_invalid, field_error, form_errors};
use crate::pages::page_title;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let errors = form_errors(action.value());
    let email_error = field_error(errors, "email");
    let password_error = field_error(errors, "password");
    let next = use_query_map().read_untracked().get("next").unwrap_or_default();
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
                <ErrorSummary form="signin" errors/>
                <ActionForm action attr:novalidate=true attr:class="space-y-5">
                    <input type="hidden" name="next" value=next/>
                    <Field id="signin-email" label="Email address" error=email_error>
                        <input id="signin-email" name="email" type="email" autocomplete="email" spellcheck="false" class=INPUT aria-invalid=aria_invalid(email_error)/>
                    </Field>
                    <Field id="signin-password" label="Password" error=password_error>
                        <input id="signin-password" name="password" type="password" autocomplete="current-password" class=INPUT aria-invalid=aria_invalid(password_error)/>
                    </Field>
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

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
