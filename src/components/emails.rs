//! The invite form's addresses field, checked as it is typed with the same
//! parser the server uses (`domain`, compiled for both): each address shown as
//! ready or not, with the reason, and how many would be sent. The server still
//! checks everything; without WebAssembly the field is a plain text field.

use crate::domain::{EmailAddress, split_email_list};
use leptos::prelude::*;

/// One address as typed, and what the parser made of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Checked {
    pub typed: String,
    /// `None` when it can be sent; else why not.
    pub problem: Option<String>,
}

/// What `raw` (the field's text) would send, address by address.
pub fn check_emails(raw: &str) -> Vec<Checked> {
    split_email_list(raw)
        .into_iter()
        .map(|typed| Checked {
            problem: EmailAddress::parse(&typed).err(),
            typed,
        })
        .collect()
}

/// "2 to send", "2 to send, 1 not valid", "1 not valid".
pub fn check_summary(checked: &[Checked]) -> String {
    let bad = checked.iter().filter(|c| c.problem.is_some()).count();
    let good = checked.len() - bad;
    match (good, bad) {
        (0, 0) => String::new(),
        (_, 0) => format!("{good} to send"),
        (0, _) => format!("{bad} not valid"),
        _ => format!("{good} to send, {bad} not valid (left out)"),
    }
}

/// The addresses field of the invite form. `typed` holds what it says (the
/// server's echo after a failed post to begin with); what was typed before
/// the page woke is kept.
#[component]
pub fn EmailsField(
    typed: RwSignal<String>,
    field: NodeRef<leptos::html::Input>,
    #[prop(into)] invalid: Signal<bool>,
) -> impl IntoView {
    // Typed before this island woke: the field worked as plain HTML until then.
    Effect::new(move |_| {
        if let Some(el) = field.get() {
            let now = el.value();
            if now != typed.get_untracked() {
                typed.set(now);
            }
        }
    });
    let checked = Memo::new(move |_| check_emails(&typed.get()));
    view! {
        <input
            id="invite-emails"
            name="emails"
            // Text with an email keyboard: a browser rewrites an `email
            // multiple` field's value, dropping the spaces after the commas
            // of the addresses it is handed back.
            type="text"
            inputmode="email"
            autocomplete="email"
            spellcheck="false"
            placeholder="name@example.com"
            class=super::INPUT
            aria-invalid=move || invalid.get().then_some("true")
            aria-describedby="invite-emails-hint invite-emails-error invite-emails-check"
            value=typed.get_untracked()
            node_ref=field
            on:input=move |ev| typed.set(event_target_value(&ev))
        />
        <div id="invite-emails-check" class="text-sm">
            {move || {
                let checked = checked.get();
                // One address needs no list: the field shows it.
                (checked.len() > 1 || checked.iter().any(|c| c.problem.is_some())).then(|| view! {
                    <p class="font-medium text-zinc-700">{check_summary(&checked)}</p>
                    <ul class="mt-1 space-y-0.5" aria-label="Addresses to send to">
                        {checked.into_iter().map(|c| match c.problem {
                            None => view! {
                                <li class="text-zinc-700"><span class="font-medium text-green-800">"Ready: "</span>{c.typed}</li>
                            }.into_any(),
                            Some(why) => view! {
                                <li class="text-red-700"><span class="font-medium">"Not valid: "</span>{why}</li>
                            }.into_any(),
                        }).collect_view()}
                    </ul>
                })
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_is_checked_with_the_servers_parser() {
        let checked = check_emails("jon@, Kim@Example.com; kim@example.com\nlee@example");
        assert_eq!(checked.len(), 3, "repeats dropped: {checked:?}");
        assert!(
            checked[0]
                .problem
                .as_deref()
                .unwrap()
                .contains("(\u{201c}jon@\u{201d} is not)")
        );
        assert_eq!(checked[1].problem, None);
        assert!(checked[2].problem.is_some());
        assert_eq!(check_summary(&checked), "1 to send, 2 not valid (left out)");
        assert_eq!(check_summary(&check_emails("a@b.co b@b.co")), "2 to send");
        assert_eq!(check_summary(&check_emails("")), "");
    }
}
