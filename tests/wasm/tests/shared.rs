//! Each test runs natively and in WebAssembly (see the crate's documentation).

use boardroom::components::{check_emails, check_summary, relative};
use boardroom::domain::{EmailAddress, PersonName, split_email_list};

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
