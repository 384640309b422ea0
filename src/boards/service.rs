//! Storing and listing boards.

use super::Board;
use crate::domain::Title;
use crate::error::{AppError, AppResult};
use crate::platform::db::{self, Db, now_ms};
use crate::platform::when;
use crate::roles::{Permission, Resource};
use crate::workspaces::service::{Access, record};
use sqlx::Row;

pub const MAX_CONTENT: usize = 20_000;

pub async fn list(db: &Db, access: &Access) -> AppResult<Vec<Board>> {
    access.authorize(Permission::Read, Resource::Data, "see boards")?;
    let rows = sqlx::query(
        "SELECT b.id, b.name, b.content, b.created_at, u.name AS author FROM boards b LEFT JOIN users u ON u.id = b.created_by \
         WHERE b.workspace_id = $1 ORDER BY b.created_at DESC",
    )
    .bind(&access.workspace_id)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Board {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                content: r.try_get("content")?,
                created_by: r.try_get("author")?,
                created_at: when::display(r.try_get("created_at")?),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

pub async fn create(db: &Db, access: &Access, name: &str, content: &str) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::Data, "create boards")?;
    let name = Title::parse(name, "board name").map_err(|m| AppError::field("name", m))?;
    if content.chars().count() > MAX_CONTENT {
        return Err(AppError::field(
            "content",
            format!("A board holds at most {MAX_CONTENT} characters"),
        ));
    }
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO boards (id, workspace_id, name, content, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(db::new_id())
    .bind(&access.workspace_id)
    .bind(name.as_str())
    .bind(content.trim())
    .bind(&access.user.id)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    record(
        &mut tx,
        &access.workspace_id,
        Some(&access.user.id),
        "board.create",
        name.as_str(),
    )
    .await?;
    tx.commit().await?;
    Ok(name.as_str().to_string())
}
