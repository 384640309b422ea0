//! Boardroom's server, driven over HTTP the way a browser's forms and scripts
//! drive it: the real router on a random port, a real database (a fresh SQLite
//! file, or a fresh PostgreSQL database), and a real SMTP listener.

mod harness;
mod idp;
mod smtp;

mod account;
mod accounts;
mod audit;
mod authorization;
mod boards;
mod bulk;
mod dkim;
mod groups;
mod health;
mod invitations;
mod lists;
mod live;
mod me;
mod members;
mod metrics;
mod oidc;
mod outbox;
mod pages;
mod policy;
mod races;
mod recovery;
mod rest;
mod rest_authorization;
mod roles;
mod security;
mod verification;

/// Writes each test once and runs it on both databases.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::harness::Backend::Sqlite).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::harness::Backend::Postgres).await;
                }
            }
        )*
    };
}
