//! Email: an outbox written with the change it announces, a worker that delivers
//! it with retries, and the transport (SMTP or the dev mailbox). It knows kinds
//! of email, not what they are about: each kind composes its own messages.

pub mod letter;
pub mod mailbox;
pub mod outbox;
pub mod smtp;
pub mod transport;
pub mod worker;

use std::sync::Arc;
use tokio::sync::Notify;

/// A message ready to hand to a transport.
#[derive(Clone, Debug)]
pub struct OutgoingEmail {
    pub to: String,
    /// Name and address replies should go to.
    pub reply_to: Option<(String, String)>,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The link the email exists to deliver, shown by the dev mailbox.
    pub link: Option<String>,
    /// The workspace whose pages show what became of this email.
    pub workspace_id: Option<String>,
}

/// The app's handle on mail: wakes the worker after new email is queued, and
/// holds the dev mailbox when there is one.
#[derive(Clone)]
pub struct Mailer {
    wake: Arc<Notify>,
    pub dev_mailbox: Option<mailbox::DevMailbox>,
}

impl Mailer {
    pub fn new(dev_mailbox: Option<mailbox::DevMailbox>) -> Self {
        Mailer {
            wake: Arc::new(Notify::new()),
            dev_mailbox,
        }
    }

    /// Tells the worker there is mail to deliver now rather than at its next poll.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub(crate) fn wakeup(&self) -> Arc<Notify> {
        self.wake.clone()
    }
}
