//! Why a page render once stalled for good inside the test process, and that
//! it no longer can.
//!
//! Listing the app's routes renders it once with resources suppressed, and
//! Leptos 0.8 keeps that switch in one process-wide flag
//! (leptos-rs/leptos#4773): a resource first polled while any listing runs
//! waits forever. The tests build a router per app, so one app's page could
//! meet another app's listing. This binary has a process of its own because it
//! holds that flag on purpose.

#[allow(dead_code)]
#[path = "api/harness.rs"]
mod harness;
#[allow(dead_code)]
#[path = "api/smtp.rs"]
mod smtp;

#[path = "api/idp.rs"]
#[allow(dead_code)]
mod idp;

use harness::{Backend, TestApp};
use std::time::Duration;

/// One test, so that its two halves never overlap: the first holds the flag.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_render_under_a_route_listing_stalls_and_building_routers_no_longer_lists() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let users = format!("{}/w/{ws}/users", app.address);
    assert_eq!(ada.http.get(&users).send().await.unwrap().status(), 200);

    // The cause: a page whose resource is first polled while the flag is on
    // never finishes, even after the flag is off again.
    let guard = leptos::server::SuppressResourceLoad::new();
    let mut stalled = tokio::spawn({
        let (http, users) = (ada.http.clone(), users.clone());
        async move { http.get(&users).send().await }
    });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    drop(guard);
    let waited = tokio::time::timeout(Duration::from_secs(5), &mut stalled).await;
    assert!(waited.is_err(), "the page rendered under the flag finished after all");
    stalled.abort();
    assert_eq!(
        ada.http.get(&users).send().await.unwrap().status(),
        200,
        "later pages render"
    );

    // The fix: routes are listed once per process, so routers built while
    // pages render (ten more apps starting, and the route list asked for
    // again and again) leave those pages alone.
    let pages: Vec<_> = (0..16)
        .map(|_| {
            let (http, users) = (ada.http.clone(), users.clone());
            tokio::spawn(async move {
                for _ in 0..5 {
                    let res = tokio::time::timeout(Duration::from_secs(20), http.get(&users).send())
                        .await
                        .expect("a page render stalled")
                        .unwrap();
                    assert_eq!(res.status(), 200);
                }
            })
        })
        .collect();
    let listed = tokio::task::spawn_blocking(|| {
        (0..500)
            .map(|_| boardroom::server::page_routes().len())
            .collect::<Vec<_>>()
    });
    for _ in 0..10 {
        TestApp::spawn(Backend::Sqlite).await.stop().await;
    }
    for page in pages {
        page.await.unwrap();
    }
    let listed = listed.await.unwrap();
    assert!(listed.iter().all(|n| *n == listed[0] && *n > 5));
    app.stop().await;
}
