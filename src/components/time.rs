//! Moments as the reader's clock puts them. The server writes every moment in
//! UTC ("26 Nov 2026, 14:05 UTC"), and so does the first render in the
//! browser, so the two agree; once awake, a moment reads in the reader's time
//! zone, relative when within a week ("3 hours ago", "in 6 days"), with the
//! full local date and time as its tooltip, and keeps itself current.

use crate::domain::Timestamp;
use leptos::prelude::*;

/// `delta` seconds from now (negative: past) as a person would say it, for
/// `Intl.RelativeTimeFormat`: the amount and its unit; `None` beyond a week,
/// where a date reads better.
pub fn relative(delta: f64) -> Option<(f64, &'static str)> {
    const STEPS: [(f64, f64, &str); 4] = [
        (60.0, 1.0, "second"),
        (3600.0, 60.0, "minute"),
        (86_400.0, 3600.0, "hour"),
        (604_800.0, 86_400.0, "day"),
    ];
    let distance = delta.abs();
    if distance < 45.0 {
        // "now", or "in 1 minute" for what is about to come.
        return Some(if delta < 0.0 { (0.0, "second") } else { (1.0, "minute") });
    }
    STEPS
        .iter()
        .find(|(below, _, _)| distance < *below)
        .map(|(_, per, unit)| ((delta / per).round(), *unit))
}

/// A moment, in UTC until the page wakes, then in the reader's time zone (see
/// the module's documentation). Inside an island it wakes with it; on a page
/// rendered only on the server, use `LocalTime`.
#[component]
pub fn Moment(at: Timestamp) -> impl IntoView {
    let text = RwSignal::new(at.display());
    let full = RwSignal::new(None::<String>);
    #[cfg(feature = "hydrate")]
    {
        let read = move || {
            let (words, whole) = local::words(at);
            text.try_set(words);
            full.try_set(Some(whole));
        };
        Effect::new(move |_| read());
        // A row drawn again takes its moments with it: their clocks stop.
        if let Ok(clock) = set_interval_with_handle(read, std::time::Duration::from_secs(60)) {
            on_cleanup(move || clock.clear());
        }
    }
    view! { <time datetime=at.iso() title=move || full.get()>{move || text.get()}</time> }
}

/// `Moment` on its own, for pages that are otherwise not hydrated.
#[island]
pub fn LocalTime(at: Timestamp) -> impl IntoView {
    view! { <Moment at/> }
}

#[cfg(feature = "hydrate")]
mod local {
    use crate::domain::Timestamp;
    use js_sys::{Array, Date, Intl, Object, Reflect};
    use wasm_bindgen::JsValue;

    fn options(pairs: &[(&str, &str)]) -> Object {
        let options = Object::new();
        for (key, value) in pairs {
            let _ = Reflect::set(&options, &JsValue::from_str(key), &JsValue::from_str(value));
        }
        options
    }

    /// What `at` reads as here and now, and the full local date and time.
    pub fn words(at: Timestamp) -> (String, String) {
        let millis = at.millis() as f64;
        let date = Date::new(&JsValue::from_f64(millis));
        let language = leptos::prelude::window()
            .navigator()
            .language()
            .unwrap_or_else(|| "en".into());
        let whole = date.to_locale_string(
            &language,
            &options(&[
                ("year", "numeric"),
                ("month", "short"),
                ("day", "numeric"),
                ("hour", "2-digit"),
                ("minute", "2-digit"),
                ("timeZoneName", "short"),
            ])
            .into(),
        );
        let words = match super::relative((millis - Date::now()) / 1000.0) {
            Some((amount, unit)) => Intl::RelativeTimeFormat::new(&Array::new(), &options(&[("numeric", "auto")]))
                .format(amount, unit)
                .into(),
            None => date
                .to_locale_date_string(
                    &language,
                    &options(&[("day", "numeric"), ("month", "short"), ("year", "numeric")]).into(),
                )
                .into(),
        };
        (words, whole.into())
    }
}

#[cfg(test)]
mod tests {
    use super::relative;

    #[test]
    fn moments_within_a_week_are_said_relative_to_now() {
        assert_eq!(relative(-10.0), Some((0.0, "second")));
        assert_eq!(relative(10.0), Some((1.0, "minute")));
        assert_eq!(relative(-50.0), Some((-50.0, "second")));
        assert_eq!(relative(-3.0 * 3600.0 - 100.0), Some((-3.0, "hour")));
        assert_eq!(relative(6.0 * 86_400.0), Some((6.0, "day")));
        assert_eq!(relative(-8.0 * 86_400.0), None);
    }
}
