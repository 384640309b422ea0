//! Copying what a field holds (an invitation link handed over) in one press.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlInputElement;

/// "Copy": selects the field `target` names and copies its value, then
/// reads "Copied". Without WebAssembly the field can still be selected and
/// copied by hand.
#[component]
pub fn CopyButton(target: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let copy = move |_| {
        let Some(field) = document()
            .get_element_by_id(&target)
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        else {
            return;
        };
        field.select();
        let navigator = window().navigator();
        // Only pages served over HTTPS (or from localhost) have a clipboard.
        let has_clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard"))
            .is_ok_and(|c| !c.is_undefined() && !c.is_null());
        if has_clipboard {
            let _ = navigator.clipboard().write_text(&field.value());
        } else if let Some(page) = document().dyn_ref::<web_sys::HtmlDocument>() {
            let _ = page.exec_command("copy");
        }
        copied.set(true);
    };
    view! {
        <button type="button" class=super::SECONDARY_BUTTON on:click=copy>
            {move || if copied.get() { "Copied" } else { "Copy" }}
        </button>
    }
}
