//! Primitives every page uses: fields with their errors, the error summary, the
//! status region, buttons, the page frame.

mod forms;
mod icons;
mod page;
mod shell;

pub use forms::{
    ErrorSummary, Feedback, FeedbackView, Field, FormProblem, StatusMessage, aria_invalid, cleared_on_success,
    field_error, form_errors, ticked_before_hydration, typed_before_hydration,
};
pub use icons::{AccountIcon, Logo};
pub use page::{Chips, Moment, PageError, PageNotice, PeopleTabs, RolePicker};
pub use shell::{AccountBar, AuthCard, Frame, TopBar};

/// Classes for the one primary button style.
pub const PRIMARY_BUTTON: &str = "btn-primary";
/// Classes for a quiet secondary button.
pub const SECONDARY_BUTTON: &str = "btn-secondary";
/// Classes for a destructive row action.
pub const DANGER_BUTTON: &str = "btn-danger";
/// Classes for text inputs.
pub const INPUT: &str = "field";
