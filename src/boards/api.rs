//! Server functions for boards.

use super::Board;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{accounts::session, state};

#[server(endpoint = "list_boards")]
pub async fn list_boards(workspace_id: String) -> Result<Vec<Board>, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    super::service::list(&state.db, &access).await
}

#[server(endpoint = "create_board")]
pub async fn create_board(workspace_id: String, name: String, content: String) -> Result<String, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let name = super::service::create(&state.db, &access, &name, &content).await?;
    state::notice_for_plain_form(&super::notice(&name, "created"));
    Ok(name)
}

#[server(endpoint = "get_board")]
pub async fn get_board(workspace_id: String, board_id: String) -> Result<Board, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    super::service::get(&state.db, &access, &board_id).await
}

#[server(endpoint = "update_board")]
pub async fn update_board(
    workspace_id: String,
    board_id: String,
    name: String,
    content: String,
) -> Result<String, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let name = super::service::update(&state.db, &access, &board_id, &name, &content).await?;
    state::notice_for_plain_form(&super::notice(&name, "saved"));
    Ok(name)
}

/// Deletes a board and goes back to the list.
#[server(endpoint = "delete_board")]
pub async fn delete_board(workspace_id: String, board_id: String) -> Result<String, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let name = super::service::delete(&state.db, &access, &board_id).await?;
    state::notice_for_plain_form(&super::notice(&name, "deleted"));
    state::redirect(&format!("/w/{workspace_id}/boards"));
    Ok(name)
}

/// Runs (refreshes) a board's data.
#[server(endpoint = "run_board")]
pub async fn run_board(workspace_id: String, board_id: String) -> Result<String, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let name = super::service::run(&state.db, &access, &board_id).await?;
    state::notice_for_plain_form(&super::notice(&name, "ran"));
    Ok(name)
}
