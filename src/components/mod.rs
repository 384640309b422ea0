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
pub use page::{Chips, PageError, PageNotice, PeopleTabs, RolePicker};
pub use shell::{AuthCard, Frame, TopBar};

/// Classes for the one primary button style.
pub const PRIMARY_BUTTON: &str = "inline-flex items-center justify-center rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed disabled:opacity-60";
/// Classes for a quiet secondary button.
pub const SECONDARY_BUTTON: &str = "inline-flex items-center justify-center rounded-md bg-white px-3 py-1.5 text-sm font-medium text-zinc-800 shadow-sm ring-1 ring-inset ring-zinc-300 hover:bg-zinc-50 disabled:opacity-60";
/// Classes for a destructive row action.
pub const DANGER_BUTTON: &str = "inline-flex items-center justify-center rounded-md px-3 py-1.5 text-sm font-medium text-red-700 ring-1 ring-inset ring-red-200 hover:bg-red-50 disabled:opacity-60";
/// Classes for text inputs.
pub const INPUT: &str = "block w-full rounded-md border-0 px-3 py-2 text-zinc-900 shadow-sm ring-1 ring-inset ring-zinc-300 placeholder:text-zinc-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600 aria-[invalid=true]:ring-2 aria-[invalid=true]:ring-red-600 read-only:bg-zinc-100 read-only:text-zinc-600";
