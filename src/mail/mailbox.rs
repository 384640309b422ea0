//! The dev mailbox: with no SMTP server, sent email is kept in memory and shown
//! at `/dev/mailbox`, so the whole flow can be tried on a laptop.

use super::OutgoingEmail;
use crate::domain::Timestamp;
use crate::platform::time::now_ms;
use axum::response::Html;
use html_escape::{encode_double_quoted_attribute as attr, encode_text as esc};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

const KEEP: usize = 200;

#[derive(Clone, Default)]
pub struct DevMailbox {
    messages: Arc<Mutex<VecDeque<(i64, OutgoingEmail)>>>,
}

impl DevMailbox {
    pub fn push(&self, email: OutgoingEmail) {
        let mut messages = self.messages.lock().unwrap_or_else(|e| e.into_inner());
        messages.push_front((now_ms(), email));
        messages.truncate(KEEP);
    }

    pub fn messages(&self) -> Vec<(i64, OutgoingEmail)> {
        self.messages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    /// The page: newest first, each with its link and its text.
    pub fn page(&self) -> Html<String> {
        let messages = self.messages();
        let items: String = if messages.is_empty() {
            r#"<p class="text-zinc-600">No email yet. Invite someone from a workspace's Users page and it will appear here.</p>"#.into()
        } else {
            messages
                .iter()
                .map(|(at, m)| {
                    let link = m
                        .link
                        .as_deref()
                        .map(|l| format!(r#"<p class="mt-3"><a class="font-medium text-indigo-700 underline break-all" href="{}">{}</a></p>"#, attr(l), esc(l)))
                        .unwrap_or_default();
                    format!(
                        r#"<article class="rounded-lg border border-zinc-200 bg-white p-5 shadow-sm">
<h2 class="font-semibold">{subject}</h2>
<p class="mt-1 text-sm text-zinc-600">To {to} · <time datetime="{iso}">{at}</time></p>{link}
<details class="mt-3"><summary class="cursor-pointer text-sm text-zinc-700">Plain-text part</summary><pre class="mt-2 whitespace-pre-wrap text-sm">{text}</pre></details>
</article>"#,
                        subject = esc(&m.subject),
                        to = esc(&m.to),
                        iso = Timestamp(*at).iso(),
                        at = Timestamp(*at).display(),
                        text = esc(&m.text),
                    )
                })
                .collect()
        };
        Html(format!(
            r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dev mailbox · Boardroom</title><link rel="stylesheet" href="/pkg/boardroom.css"></head>
<body class="min-h-screen bg-zinc-50 text-zinc-900"><main class="mx-auto max-w-3xl p-6">
<h1 class="text-2xl font-semibold">Dev mailbox</h1>
<p class="mt-2 mb-6 text-sm text-zinc-600">No SMTP server is configured, so email is kept here instead of being sent. This page exists only while Boardroom listens on a loopback address (or DEV_MAILBOX is set).</p>
<div class="space-y-4">{items}</div></main></body></html>"#
        ))
    }
}
