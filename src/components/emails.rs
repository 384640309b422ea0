//! The invite form's addresses field, checked as it is typed with the same
//! parser the server uses (`domain`, compiled for both): each address shown as
//! ready or not, with the reason, and how many would be sent. The server still
//! checks everything; without WebAssembly the field is a plain text field.

use crate::domain::{EmailAddress, split_email_list};
use crate::invitations::KnownAddress;
use crate::invitations::api::KnownAddresses;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use std::time::Duration;

/// How long typing pauses before the form asks which addresses are known.
const PAUSE: Duration = Duration::from_millis(400);

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
    summary_knowing(checked, 0)
}

/// The summary when `members` of the valid addresses are members' already
/// (refused when sent): "1 to send, 1 already a member, 1 not valid (left out)".
pub fn summary_knowing(checked: &[Checked], members: usize) -> String {
    let bad = checked.iter().filter(|c| c.problem.is_some()).count();
    let good = checked.len() - bad - members;
    let mut parts = Vec::new();
    if good > 0 {
        parts.push(format!("{good} to send"));
    }
    if members > 0 {
        parts.push(format!("{members} already a member"));
    }
    match (parts.is_empty(), bad) {
        (_, 0) => {}
        (true, _) => parts.push(format!("{bad} not valid")),
        (false, _) => parts.push(format!("{bad} not valid (left out)")),
    }
    parts.join(", ")
}

/// The addresses field of the invite form. `typed` holds what it says (the
/// server's echo after a failed post to begin with); what was typed before
/// the page woke is kept. Once typing pauses, the addresses that can be sent
/// are looked up (`known_addresses`): a member's is marked as one that will
/// be refused, an invited one as one that will be sent again.
#[component]
pub fn EmailsField(
    workspace_id: String,
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
    let known = RwSignal::new(Vec::<KnownAddress>::new());
    let waiting = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let sendable: Vec<String> = checked
            .get()
            .into_iter()
            .filter(|c| c.problem.is_none())
            .map(|c| c.typed)
            .collect();
        if let Some(earlier) = waiting.get_value() {
            earlier.clear();
        }
        if sendable.is_empty() {
            known.set(Vec::new());
            return;
        }
        let workspace_id = workspace_id.clone();
        let ask = move || {
            leptos::task::spawn_local(async move {
                let mut pairs = vec![("workspace_id".to_string(), workspace_id)];
                pairs.extend(
                    sendable
                        .into_iter()
                        .enumerate()
                        .map(|(i, e)| (format!("emails[{i}]"), e)),
                );
                let body = super::encode_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
                if let Ok(found) = super::call::<Vec<KnownAddress>>(KnownAddresses::url(), body).await {
                    known.set(found);
                }
            })
        };
        waiting.set_value(set_timeout_with_handle(ask, PAUSE).ok());
    });
    let known_as = move |typed: &str| known.with(|k| k.iter().find(|a| a.typed == typed).map(|a| a.member));
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
                // One address needs no list (the field shows it), unless
                // there is something to say about it.
                let remark = checked.iter().any(|c| c.problem.is_some() || known_as(&c.typed).is_some());
                (checked.len() > 1 || remark).then(|| view! {
                    <p class="font-medium text-zinc-700">{
                        let members = checked.iter().filter(|c| c.problem.is_none() && known_as(&c.typed) == Some(true)).count();
                        summary_knowing(&checked, members)
                    }</p>
                    <ul class="mt-1 space-y-0.5" aria-label="Addresses to send to">
                        {checked.into_iter().map(|c| {
                            // What becomes of it: (the words before it, their colour, the line's colour).
                            let (said, tone, line, text) = match (&c.problem, known_as(&c.typed)) {
                                (Some(why), _) => ("Not valid: ", "", "text-red-700", why.clone()),
                                (None, Some(true)) => ("Already a member: ", "", "text-red-700", c.typed),
                                (None, Some(false)) => ("Invited already (sent again): ", "text-amber-800", "text-zinc-700", c.typed),
                                (None, None) => ("Ready: ", "text-green-800", "text-zinc-700", c.typed),
                            };
                            view! { <li class=line><span class=format!("font-medium {tone}")>{said}</span>{text}</li> }
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
        assert_eq!(
            summary_knowing(&check_emails("a@b.co, c@b.co, d@"), 1),
            "1 to send, 1 already a member, 1 not valid (left out)"
        );
        assert_eq!(summary_knowing(&check_emails("a@b.co"), 1), "1 already a member");
    }
}
