//! Primitives every page uses: fields with their errors, the error summary, the
//! status region, buttons, the page frame.

mod confirm;
mod copy;
mod emails;
mod forms;
mod icons;
mod page;
mod post;
mod shell;
mod time;

pub use confirm::{AskFirst, ConfirmForm};
pub use copy::CopyButton;
pub use emails::{EmailsField, check_emails, check_summary};
pub use forms::{ErrorSummary, Field, aria_invalid, field_error, form_errors};
pub use icons::{AccountIcon, Logo};
pub use page::{Chips, PageError, PageNotice, PeopleTabs, RolePicker, post_error, unanswered_page, unshown_error};
pub use post::{PostForm, Posted, call, encode_pairs};
pub use shell::{AccountBar, AuthCard, Frame, TopBar};
pub use time::{LocalTime, Moment, relative};

/// Classes for the one primary button style.
pub const PRIMARY_BUTTON: &str = "btn-primary";
/// Classes for a quiet secondary button.
pub const SECONDARY_BUTTON: &str = "btn-secondary";
/// Classes for a destructive row action.
pub const DANGER_BUTTON: &str = "btn-danger";
/// Classes for text inputs.
pub const INPUT: &str = "field";
