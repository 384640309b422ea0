//! Server functions for boards.

use super::{Board, BoardPageData, BoardsPageData};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::platform::request;

#[server(endpoint = "list_boards")]
pub async fn list_boards(workspace_id: String) -> Result<Vec<Board>, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    super::service::list(&state.db, &access).await
}

#[server(endpoint = "create_board")]
pub async fn create_board(workspace_id: String, name: String, content: String) -> Result<String, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let name = super::service::create(&state.db, &access, &name, &content).await?;
    request::notice_for_plain_form(&format!("Board \u{201c}{name}\u{201d} created"));
    Ok(name)
}

#[server(endpoint = "get_board")]
pub async fn get_board(workspace_id: String, board_id: String) -> Result<Board, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    super::service::get(&state.db, &access, &board_id).await
}

#[server(endpoint = "update_board")]
pub async fn update_board(
    workspace_id: String,
    board_id: String,
    name: String,
    content: String,
) -> Result<String, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let name = super::service::update(&state.db, &access, &board_id, &name, &content).await?;
    request::notice_for_plain_form(&format!("Board \u{201c}{name}\u{201d} saved"));
    Ok(name)
}

/// Deletes a board and goes back to the list.
#[server(endpoint = "delete_board")]
pub async fn delete_board(workspace_id: String, board_id: String) -> Result<String, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let name = super::service::delete(&state.db, &access, &board_id).await?;
    request::notice_for_plain_form(&format!("Board \u{201c}{name}\u{201d} deleted"));
    request::redirect(&format!("/w/{workspace_id}/boards"));
    Ok(name)
}

/// Runs (refreshes) a board's data.
#[server(endpoint = "run_board")]
pub async fn run_board(workspace_id: String, board_id: String) -> Result<String, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let name = super::service::run(&state.db, &access, &board_id).await?;
    request::notice_for_plain_form(&format!("Board \u{201c}{name}\u{201d} ran"));
    Ok(name)
}

/// One board's page in one call.
#[server(endpoint = "board_page")]
pub async fn board_page(workspace_id: String, board_id: String) -> Result<BoardPageData, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let context = crate::workspaces::service::context_for(&state.db, &state.config, &access).await?;
    let board = super::service::get(&state.db, &access, &board_id).await?;
    Ok(BoardPageData {
        context,
        board,
        notice: request::take_notice(),
    })
}

/// The Boards page in one call.
#[server(endpoint = "boards_page")]
pub async fn boards_page(workspace_id: String) -> Result<BoardsPageData, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let context = crate::workspaces::service::context_for(&state.db, &state.config, &access).await?;
    let boards = super::service::list(&state.db, &access).await?;
    Ok(BoardsPageData {
        context,
        boards,
        notice: request::take_notice(),
    })
}
