//! Primitives every page uses: fields with their errors, the error summary, the
//! status region, buttons, the page frame.

mod emails;
mod forms;
mod icons;
mod page;
mod shell;

pub use emails::EmailsField;
pub use forms::{ErrorSummary, Field, FormProblem, aria_invalid, field_error, form_errors};
pub use icons::{AccountIcon, Logo};
pub use page::{Chips, Moment, PageError, PageNotice, PeopleTabs, RolePicker, post_error, unshown_error};
pub use shell::{AccountBar, AuthCard, Frame, TopBar};

/// Classes for the one primary button style.
pub const PRIMARY_BUTTON: &str = "btn-primary";
/// Classes for a quiet secondary button.
pub const SECONDARY_BUTTON: &str = "btn-secondary";
/// Classes for a destructive row action.
pub const DANGER_BUTTON: &str = "btn-danger";
/// Classes for text inputs.
pub const INPUT: &str = "field";
