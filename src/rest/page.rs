//! Lists come in pages: `limit` (1 to 200, default 50) items, and a
//! `next_token` to pass back for the next page while there is one.

use super::ApiError;
use crate::error::ErrorCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
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

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass back as `next_token` for the next page; absent on the last.
    pub next_token: Option<String>,
}

impl<T> Page<T> {
    /// The page `query` asks for out of `all`, in their order.
    pub fn of(all: Vec<T>, query: &PageQuery) -> Result<Page<T>, ApiError> {
        let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::new(
                ErrorCode::BadRequest,
                format!("limit must be a whole number from 1 to {MAX_LIMIT}"),
            )
            .on_field("limit"));
        }
        let start = match &query.next_token {
            None => 0,
            Some(t) => decode(t).ok_or_else(|| {
                ApiError::new(ErrorCode::BadRequest, "next_token is not one this API gave out").on_field("next_token")
            })?,
        };
        let total = all.len();
        let items: Vec<T> = all.into_iter().skip(start).take(limit).collect();
        let end = start + items.len();
        Ok(Page {
            items,
            next_token: (end < total).then(|| URL_SAFE_NO_PAD.encode(format!("o{end}"))),
        })
    }
}

fn decode(token: &str) -> Option<usize> {
    let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
    std::str::from_utf8(&bytes).ok()?.strip_prefix('o')?.parse().ok()
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

    #[test]
    fn pages_walk_the_whole_list_once() {
        let mut query = PageQuery {
            limit: Some(2),
            next_token: None,
        };
        let mut seen = Vec::new();
        loop {
            let page = Page::of((1..=5).collect::<Vec<_>>(), &query).unwrap();
            seen.extend(page.items);
            match page.next_token {
                Some(t) => query.next_token = Some(t),
                None => break,
            }
        }
        assert_eq!(seen, [1, 2, 3, 4, 5]);
        query.next_token = Some("garbage".into());
        assert_eq!(Page::of(vec![1], &query).unwrap_err().status(), 400);
        query.limit = Some(0);
        assert_eq!(
            Page::of(
                vec![1],
                &PageQuery {
                    limit: Some(0),
                    next_token: None
                }
            )
            .unwrap_err()
            .field
            .as_deref(),
            Some("limit")
        );
    }
}
