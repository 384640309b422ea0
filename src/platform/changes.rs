//! Change notices: in which workspace something changed, what kind of thing
//! and its id, and nothing more (no names, no addresses). A change is
//! announced inside the transaction that makes it and heard when that
//! transaction commits: on PostgreSQL through `NOTIFY`, so that every instance
//! sharing the database hears it (one listening connection per instance,
//! `relay`); on SQLite, where one process owns the file, in process.

use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, watch};

/// The PostgreSQL channel the notices travel on.
pub const CHANNEL: &str = "boardroom_changes";
/// How the relay's connection names itself to PostgreSQL.
pub const LISTENER_NAME: &str = "boardroom-changes";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub workspace_id: String,
    /// `invitation.created`, `email.sent`, `member.removed`, …
    pub kind: String,
    /// The id of the invitation or member it is about.
    pub id: String,
}

impl Change {
    pub fn new(workspace_id: &str, kind: &str, id: &str) -> Change {
        Change {
            workspace_id: workspace_id.to_string(),
            kind: kind.to_string(),
            id: id.to_string(),
        }
    }
}

/// What a subscriber hears.
#[derive(Clone, Debug)]
pub enum Heard {
    Change(Arc<Change>),
    /// Notices may have been missed (the listener lost its connection, or
    /// this subscriber fell behind): whatever is shown should be read again.
    Resync,
}

/// This instance's subscribers.
#[derive(Debug)]
pub struct Bus {
    sender: broadcast::Sender<Heard>,
}

impl Default for Bus {
    fn default() -> Self {
        Bus {
            sender: broadcast::channel(1024).0,
        }
    }
}

impl Bus {
    pub fn subscribe(&self) -> broadcast::Receiver<Heard> {
        self.sender.subscribe()
    }

    pub fn publish(&self, heard: Heard) {
        // Nobody listening is not an error.
        let _ = self.sender.send(heard);
    }
}

/// The payload a PostgreSQL notice carries.
pub fn payload(change: &Change) -> String {
    serde_json::to_string(change).expect("a change serializes")
}

/// On PostgreSQL: listens on `CHANNEL` through a connection of its own and
/// hands every notice to `bus`, for as long as the task runs (the server
/// ends it as it stops). A lost connection is replaced by a new listener (a
/// reset one can stay stuck, sqlx#4014), and once it listens again the
/// subscribers are told to resync, since notices sent meanwhile are gone.
/// `first` is a listener already listening.
pub async fn relay(url: String, first: sqlx::postgres::PgListener, bus: Arc<Bus>) {
    let mut listener = Some(first);
    loop {
        let mut current = match listener.take() {
            Some(l) => l,
            None => match listen(&url).await {
                Ok(l) => {
                    tracing::info!("changes: listening again; subscribers resync");
                    bus.publish(Heard::Resync);
                    l
                }
                Err(e) => {
                    tracing::warn!(error = %e, "changes: cannot listen; trying again in a second");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            },
        };
        loop {
            match current.try_recv().await {
                Ok(Some(notice)) => match serde_json::from_str::<Change>(notice.payload()) {
                    Ok(change) => bus.publish(Heard::Change(Arc::new(change))),
                    Err(e) => tracing::warn!(error = %e, "changes: a notice that is not a change"),
                },
                Ok(None) | Err(_) => {
                    tracing::warn!("changes: the listening connection was lost");
                    break;
                }
            }
        }
    }
}

/// A new listener on `CHANNEL`, named so that operators can find it.
pub async fn listen(url: &str) -> Result<sqlx::postgres::PgListener, sqlx::Error> {
    let joiner = if url.contains('?') { '&' } else { '?' };
    let mut listener =
        sqlx::postgres::PgListener::connect(&format!("{url}{joiner}application_name={LISTENER_NAME}")).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// The open event streams of this instance: how many each person holds (up
/// to a limit), and whether the instance is stopping (streams end at once,
/// so that they never hold up a shutdown).
#[derive(Debug)]
pub struct Watchers {
    open: std::sync::Mutex<std::collections::HashMap<String, usize>>,
    per_person: usize,
    stopping: watch::Receiver<bool>,
}

/// One open stream, counted until it is dropped.
#[derive(Debug)]
pub struct Ticket {
    watchers: Arc<Watchers>,
    person: String,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut open = self.watchers.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.person) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.person);
            }
        }
    }
}

impl Watchers {
    pub fn new(per_person: usize, stopping: watch::Receiver<bool>) -> Arc<Watchers> {
        Arc::new(Watchers {
            open: Default::default(),
            per_person,
            stopping,
        })
    }

    /// A ticket for one more stream of `person`'s, or `None` when they hold
    /// as many as they may.
    pub fn admit(self: &Arc<Self>, person: &str) -> Option<Ticket> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let n = open.entry(person.to_string()).or_default();
        if *n >= self.per_person {
            return None;
        }
        *n += 1;
        Some(Ticket {
            watchers: self.clone(),
            person: person.to_string(),
        })
    }

    /// How many streams are open, in all.
    pub fn count(&self) -> usize {
        self.open.lock().unwrap_or_else(|e| e.into_inner()).values().sum()
    }

    /// Turns true when the instance begins to stop.
    pub fn stopping(&self) -> watch::Receiver<bool> {
        self.stopping.clone()
    }
}
