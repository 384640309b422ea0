//! Server functions for boards.

use super::{Board, BoardsPageData};
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
