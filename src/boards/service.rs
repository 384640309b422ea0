//! Storing and listing boards.
//!
//! Owns the `boards` table.

use super::{Board, LastRun};
use crate::access::{Access, Permission, Resource};
use crate::audit::record;
use crate::domain::{Timestamp, Title};
use crate::error::{AppError, AppResult, FieldError};
use crate::platform::db::{self, Db};
use crate::platform::time::now_ms;
use sqlx::Row;

pub const MAX_CONTENT: usize = 20_000;

const SELECT: &str = "SELECT b.id, b.name, b.content, b.created_at, b.last_run_at, u.name AS author, x.name AS runner \
     FROM boards b LEFT JOIN users u ON u.id = b.created_by LEFT JOIN users x ON x.id = b.last_run_by";

fn board(access: &Access, r: &sqlx::any::AnyRow) -> Result<Board, sqlx::Error> {
    let sees_runs = access.can(Permission::Read, Resource::DataExecution);
    let last_run_at: Option<i64> = r.try_get("last_run_at")?;
    Ok(Board {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        content: r.try_get("content")?,
        created_by: r.try_get("author")?,
        created_at: Timestamp(r.try_get("created_at")?),
        last_run: match last_run_at {
            Some(at) if sees_runs => Some(LastRun {
                at: Timestamp(at),
                by: r.try_get("runner")?,
            }),
            _ => None,
        },
    })
}

pub async fn list(db: &Db, access: &Access) -> AppResult<Vec<Board>> {
    access.authorize(Permission::Read, Resource::Data, "see boards")?;
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE b.workspace_id = $1 ORDER BY b.created_at DESC"
    ))
    .bind(&access.workspace_id)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| board(access, r))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

pub async fn get(db: &Db, access: &Access, board_id: &str) -> AppResult<Board> {
    access.authorize(Permission::Read, Resource::Data, "see boards")?;
    let row = sqlx::query(&format!("{SELECT} WHERE b.workspace_id = $1 AND b.id = $2"))
        .bind(&access.workspace_id)
        .bind(board_id)
        .fetch_optional(db)
        .await?
        .ok_or_else(no_such_board)?;
    Ok(board(access, &row)?)
}

fn no_such_board() -> AppError {
    AppError::NotFound("There is no such board in this workspace".into())
}

fn parse(name: &str, content: &str) -> AppResult<Title> {
    let name = Title::parse(name, "board name").map_err(|m| AppError::field("name", m));
    let content_error =
        (content.chars().count() > MAX_CONTENT).then(|| format!("A board holds at most {MAX_CONTENT} characters"));
    match (name, content_error) {
        (Ok(n), None) => Ok(n),
        (n, c) => {
            let mut errors = match n {
                Err(AppError::Invalid(e)) => e,
                _ => Vec::new(),
            };
            if let Some(message) = c {
                errors.push(FieldError {
                    field: "content".into(),
                    message,
                });
            }
            Err(AppError::Invalid(errors))
        }
    }
}

/// Changes a board's name and content. Returns the new name.
pub async fn update(db: &Db, access: &Access, board_id: &str, name: &str, content: &str) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::Data, "edit boards")?;
    let name = parse(name, content)?;
    let mut tx = db.begin().await?;
    let updated = sqlx::query("UPDATE boards SET name = $1, content = $2 WHERE id = $3 AND workspace_id = $4")
        .bind(name.as_str())
        .bind(content.trim())
        .bind(board_id)
        .bind(&access.workspace_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if updated == 0 {
        return Err(no_such_board());
    }
    record(
        &mut tx,
        &access.workspace_id,
        Some(&access.user.id),
        "board.update",
        name.as_str(),
    )
    .await?;
    tx.commit().await?;
    Ok(name.as_str().to_string())
}

/// Deletes a board. Returns its name.
pub async fn delete(db: &Db, access: &Access, board_id: &str) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::Data, "delete boards")?;
    let mut tx = db.begin().await?;
    let name: String = sqlx::query("DELETE FROM boards WHERE id = $1 AND workspace_id = $2 RETURNING name")
        .bind(board_id)
        .bind(&access.workspace_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(no_such_board)?
        .try_get("name")?;
    record(
        &mut tx,
        &access.workspace_id,
        Some(&access.user.id),
        "board.delete",
        &name,
    )
    .await?;
    tx.commit().await?;
    Ok(name)
}

/// Runs (refreshes) a board's data, recording who ran it and when. Returns its name.
pub async fn run(db: &Db, access: &Access, board_id: &str) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::DataExecution, "run boards")?;
    let mut tx = db.begin().await?;
    let name: String = sqlx::query(
        "UPDATE boards SET last_run_at = $1, last_run_by = $2 WHERE id = $3 AND workspace_id = $4 RETURNING name",
    )
    .bind(now_ms())
    .bind(&access.user.id)
    .bind(board_id)
    .bind(&access.workspace_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(no_such_board)?
    .try_get("name")?;
    record(&mut tx, &access.workspace_id, Some(&access.user.id), "board.run", &name).await?;
    tx.commit().await?;
    Ok(name)
}

pub async fn create(db: &Db, access: &Access, name: &str, content: &str) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::Data, "create boards")?;
    let name = parse(name, content)?;
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
