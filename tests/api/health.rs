//! `/livez` and `/readyz`: whether the process answers, and whether it
//! should be sent requests (its database reachable and up to date, and not
//! stopping).

use crate::harness::{Backend, TestApp};
use crate::on_both_databases;
use std::time::Duration;

async fn status_of(app: &TestApp, path: &str) -> (u16, String) {
    let res = reqwest::get(format!("{}{path}", app.address)).await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// Healthy: both answer 200. A migration this binary knows missing from the
/// database makes it unready, and it is ready again once it is there.
async fn ready_when_the_database_is_up_to_date(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    assert_eq!(status_of(&app, "/livez").await, (200, "ok".into()));
    assert_eq!(status_of(&app, "/readyz").await, (200, "ready".into()));
    let newest: i64 = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let mark = |ok: bool| {
        let sql = if ok {
            "UPDATE _sqlx_migrations SET success = TRUE WHERE version = $1"
        } else {
            "UPDATE _sqlx_migrations SET success = FALSE WHERE version = $1"
        };
        sqlx::query(sql).bind(newest).execute(&app.db)
    };
    mark(false).await.unwrap();
    let (status, why) = status_of(&app, "/readyz").await;
    assert_eq!(status, 503);
    assert_eq!(why, format!("database: migration {newest} is not applied"));
    mark(true).await.unwrap();
    assert_eq!(status_of(&app, "/readyz").await.0, 200);
    app.stop().await;
}

/// Told to stop, the instance says 503 on /readyz at once and keeps serving
/// pages for SHUTDOWN_GRACE, then stops.
async fn draining_says_so_and_keeps_serving(backend: Backend) {
    let mut app = TestApp::spawn_with(backend, &[("SHUTDOWN_GRACE", "3s")]).await;
    app.signal_stop();
    let mut said = (0, String::new());
    for _ in 0..50 {
        said = status_of(&app, "/readyz").await;
        if said.0 == 503 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(said, (503, "draining: this instance is stopping".into()));
    assert_eq!(status_of(&app, "/signin").await.0, 200, "pages are still served");
    assert_eq!(status_of(&app, "/livez").await.0, 200);
    app.stop().await;
}

on_both_databases!(
    ready_when_the_database_is_up_to_date,
    draining_says_so_and_keeps_serving
);

/// Its PostgreSQL database gone (no connections allowed, every one ended),
/// the instance is unready; allowed again, it is ready again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unready_while_postgres_is_gone() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let name = app.database_url.rsplit('/').next().unwrap().to_string();
    let admin = sqlx::AnyPool::connect(&crate::harness::postgres_admin_url())
        .await
        .unwrap();
    let cut = |allow: bool| {
        let (admin, name) = (admin.clone(), name.clone());
        async move {
            sqlx::query(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS {allow}"))
                .execute(&admin)
                .await
                .unwrap();
            if !allow {
                sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
                    .bind(&name)
                    .execute(&admin)
                    .await
                    .unwrap();
            }
        }
    };
    assert_eq!(status_of(&app, "/readyz").await.0, 200);
    cut(false).await;
    let (status, why) = status_of(&app, "/readyz").await;
    assert_eq!(status, 503);
    assert!(why.starts_with("database:"), "{why}");
    cut(true).await;
    let mut status = 0;
    for _ in 0..100 {
        status = status_of(&app, "/readyz").await.0;
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status, 200, "ready again once the database is back");
    app.stop().await;
}
