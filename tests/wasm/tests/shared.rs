//! Each test runs natively and in WebAssembly (see the crate's documentation).

use boardroom::components::{check_emails, check_summary, relative};
use boardroom::domain::{EmailAddress, PersonName, lowercase, split_email_list};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[test]
fn addresses_are_read_as_the_server_reads_them() {
    let address = EmailAddress::parse("  Kim@Example.COM ").expect("valid");
    assert_eq!(address.as_str(), "kim@example.com");
    for bad in [
        "jon@",
        "@example.com",
        "a b@example.com",
        "kim@example",
        "kim@@example.com",
    ] {
        assert!(EmailAddress::parse(bad).is_err(), "{bad} is refused");
    }
    assert_eq!(
        split_email_list("a@x.co, b@x.co;c@x.co\nA@X.CO"),
        ["a@x.co", "b@x.co", "c@x.co"],
        "separators and repeats"
    );
}

/// The browser lowers case itself (JavaScript's `toLowerCase`); it must
/// agree with Rust's `to_lowercase`, which the server uses.
#[test]
fn case_is_lowered_alike_beyond_ascii() {
    let address = EmailAddress::parse("Jon@BÜCHER.Example").expect("valid");
    assert_eq!(address.as_str(), "jon@bücher.example");
    // Final sigma, a dotted capital I (two characters in lower case), Cyrillic.
    for (upper, lower) in [
        ("ΟΔΟΣ", "\u{3bf}\u{3b4}\u{3bf}\u{3c2}"),
        ("ΣΑΣ ΟΔΟΣ", "σας οδος"),
        ("İ", "i\u{307}"),
        ("ПРИМЕР", "пример"),
        ("ǅ", "ǆ"),
    ] {
        assert_eq!(lowercase(upper), lower, "{upper}");
        assert_eq!(lowercase(upper), upper.to_lowercase(), "{upper}, as Rust lowers it");
    }
    assert_eq!(
        split_email_list("a@bücher.example A@BÜCHER.EXAMPLE"),
        ["a@bücher.example"]
    );
}

#[test]
fn the_invite_form_counts_what_it_would_send() {
    let checked = check_emails("jon@, kim@example.com lee@example.com");
    assert_eq!(checked.len(), 3);
    assert!(checked[0].problem.as_deref().is_some_and(|why| why.contains("jon@")));
    assert_eq!(check_summary(&checked), "2 to send, 1 not valid (left out)");
}

#[test]
fn names_are_refused_as_the_server_refuses_them() {
    assert!(PersonName::parse("Ada Lovelace").is_ok());
    assert!(
        PersonName::parse("\tAda").is_err(),
        "a control character, before trimming"
    );
    assert!(PersonName::parse("   ").is_err());
}

#[test]
fn moments_within_a_week_are_worded_relative_to_now() {
    assert_eq!(relative(-5.0), Some((0.0, "second")));
    assert_eq!(relative(2.0 * 3600.0), Some((2.0, "hour")));
    assert_eq!(relative(-9.0 * 86_400.0), None);
}
