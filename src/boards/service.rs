//! Storing and listing boards.
//!
//! Owns the `boards` table.

use super::{Board, LastRun};
use crate::access::{Access, Permission, Resource};
use crate::audit;
use crate::domain::{Timestamp, Title};
use crate::error::{AppError, AppResult};
use crate::platform::db::{self, Db};
use crate::platform::time::now_ms;

pub const MAX_CONTENT: usize = 20_000;

const SELECT: &str = "SELECT b.id, b.name, b.content, b.created_at, b.last_run_at, u.name AS author, x.name AS runner \
     FROM boards b LEFT JOIN users u ON u.id = b.created_by LEFT JOIN users x ON x.id = b.last_run_by";

/// A board's row, with its author's and last runner's names.
#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    name: String,
    content: String,
    created_at: i64,
    last_run_at: Option<i64>,
    author: Option<String>,
    runner: Option<String>,
}

/// A board as `access` may see it: when it last ran only with READ on DATA_EXECUTION.
fn board(access: &Access, r: Row) -> Board {
    let sees_runs = access.can(Permission::Read, Resource::DataExecution);
    Board {
        id: r.id,
        name: r.name,
        content: r.content,
        created_by: r.author,
        created_at: Timestamp(r.created_at),
        last_run: match r.last_run_at {
            Some(at) if sees_runs => Some(LastRun {
                at: Timestamp(at),
                by: r.runner,
            }),
            _ => None,
        },
    }
}

pub async fn list(db: &Db, access: &Access) -> AppResult<Vec<Board>> {
    access.authorize(Permission::Read, Resource::Data, "see boards")?;
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE b.workspace_id = $1 ORDER BY b.created_at DESC"
    ))
    .bind(&access.workspace_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| board(access, r)).collect())
}

pub async fn get(db: &Db, access: &Access, board_id: &str) -> AppResult<Board> {
    access.authorize(Permission::Read, Resource::Data, "see boards")?;
    let row = sqlx::query_as(&format!("{SELECT} WHERE b.workspace_id = $1 AND b.id = $2"))
        .bind(&access.workspace_id)
        .bind(board_id)
        .fetch_optional(db)
        .await?
        .ok_or_else(no_such_board)?;
    Ok(board(access, row))
}

fn no_such_board() -> AppError {
    AppError::NotFound("There is no such board in this workspace".into())
}

fn parse(name: &str, content: &str) -> AppResult<Title> {
    let name = Title::parse(name, "board name");
    let too_long =
        (content.chars().count() > MAX_CONTENT).then(|| format!("A board holds at most {MAX_CONTENT} characters"));
    match (name, too_long) {
        (Ok(n), None) => Ok(n),
        (n, c) => Err(AppError::fields([("name", n.err()), ("content", c)])),
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
    audit::commit(tx, access, "board.update", name.as_str()).await?;
    Ok(name.as_str().to_string())
}

/// Deletes a board. Returns its name.
pub async fn delete(db: &Db, access: &Access, board_id: &str) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::Data, "delete boards")?;
    let mut tx = db.begin().await?;
    let name: String = sqlx::query_scalar("DELETE FROM boards WHERE id = $1 AND workspace_id = $2 RETURNING name")
        .bind(board_id)
        .bind(&access.workspace_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(no_such_board)?;
    audit::commit(tx, access, "board.delete", &name).await?;
    Ok(name)
}

/// Runs (refreshes) a board's data, recording who ran it and when. Returns its name.
pub async fn run(db: &Db, access: &Access, board_id: &str) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::DataExecution, "run boards")?;
    let mut tx = db.begin().await?;
    let name: String = sqlx::query_scalar(
        "UPDATE boards SET last_run_at = $1, last_run_by = $2 WHERE id = $3 AND workspace_id = $4 RETURNING name",
    )
    .bind(now_ms())
    .bind(&access.user.id)
    .bind(board_id)
    .bind(&access.workspace_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(no_such_board)?;
    audit::commit(tx, access, "board.run", &name).await?;
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
    audit::commit(tx, access, "board.create", name.as_str()).await?;
    Ok(name.as_str().to_string())
}
