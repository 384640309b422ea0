//! Lists come in pages: `limit` (1 to 200, default 50) items, and a
//! `next_token` to pass back for the next page while there is one.

use super::ApiError;
use crate::domain::{Listing, Window};
use crate::error::{AppError, ErrorCode};
use serde::{Deserialize, Serialize};

pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 200;

#[derive(Debug, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// How many items, 1 to 200 (50 if not given).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<usize>,
    /// The `next_token` of the page before.
    #[param(min_length = 1)]
    pub next_token: Option<String>,
}

impl PageQuery {
    /// Reads `limit` and `next_token` from a query string; other parameters
    /// are ignored. Each problem is a 400 naming its parameter.
    pub fn parse(query: &str) -> Result<PageQuery, ApiError> {
        let mut page = PageQuery::default();
        let bad = |field: &str, message: String| ApiError::new(ErrorCode::BadRequest, message).on_field(field);
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match key.as_ref() {
                "limit" => {
                    if page.limit.is_some() {
                        return Err(bad("limit", "limit is given more than once".into()));
                    }
                    page.limit = Some(
                        value
                            .parse::<usize>()
                            .ok()
                            .filter(|n| (1..=MAX_LIMIT).contains(n))
                            .ok_or_else(|| {
                                bad("limit", format!("limit must be a whole number from 1 to {MAX_LIMIT}"))
                            })?,
                    );
                }
                "next_token" => {
                    if page.next_token.is_some() {
                        return Err(bad("next_token", "next_token is given more than once".into()));
                    }
                    page.next_token = Some(value.into_owned());
                }
                _ => {}
            }
        }
        Ok(page)
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for PageQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        PageQuery::parse(parts.uri.query().unwrap_or_default())
    }
}

impl PageQuery {
    /// The window this query asks for: `limit` items after `next_token`.
    pub fn window(&self) -> Window {
        Window {
            after: self.next_token.clone(),
            before: None,
            limit: self.limit.unwrap_or(DEFAULT_LIMIT),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// How many items the whole list holds.
    pub total: i64,
    /// Pass back as `next_token` for the next page; absent on the last.
    pub next_token: Option<String>,
}

impl<T> Page<T> {
    /// A page of the API from a page of a list, each item as the API shows it.
    pub fn of<U>(listing: Listing<U>, show: impl FnMut(U) -> T) -> Page<T> {
        Page {
            items: listing.items.into_iter().map(show).collect(),
            total: listing.total,
            next_token: listing.next,
        }
    }
}

/// A list's failure as the API reports it: a cursor that is not one it gave
/// out is a bad `next_token`.
pub fn list_error(e: AppError) -> ApiError {
    match e {
        AppError::BadRequest(_) => {
            ApiError::new(ErrorCode::BadRequest, "next_token is not one this API gave out").on_field("next_token")
        }
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_problems_name_their_parameter() {
        for bad in [
            "limit=abc",
            "limit=",
            "limit=-1",
            "limit=0",
            "limit=201",
            "limit=5&limit=6",
        ] {
            let e = PageQuery::parse(bad).unwrap_err();
            assert_eq!((e.status(), e.field.as_deref()), (400, Some("limit")), "{bad}");
        }
        let ok = PageQuery::parse("limit=200&next_token=abc&other=1").unwrap();
        assert_eq!((ok.limit, ok.next_token.as_deref()), (Some(200), Some("abc")));
    }
}
