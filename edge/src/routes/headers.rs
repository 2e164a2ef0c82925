//! Headers every API response carries, CORS by route family, and the one guard against
//! cross-site form posts on cookie-authenticated routes.

use worker::{Method, Request, Response};

use crate::error::{ApiError, ApiResult};

/// Routes a customer's page calls from its own origin (the widget). Everything else is for
/// agents, on the edge's own origin.
pub fn is_visitor_route(method: &Method, segments: &[&str]) -> bool {
    match segments {
        ["api", "v1", "sites", _, "conversations"] => {
            matches!(method, Method::Post | Method::Options)
        }
        ["api", "v1", "sites", _, "widget-config"] => true,
        ["api", "v1", "conversations", _, "ws" | "events"] => true,
        ["api", "v1", "conversations", _, "attachments"] => {
            matches!(method, Method::Post | Method::Options)
        }
        ["api", "v1", "conversations", _, "attachments", _] => true,
        _ => false,
    }
}

/// A page on another site can POST `text/plain` or a form without a CORS preflight, and the
/// browser attaches the session cookie (or, for sign-in, any credentials guessed). Requests
/// with a body on agent routes must therefore say they are JSON, which forces a preflight;
/// bearer-token clients cannot be driven by another page and are not affected.
pub fn require_json_for_cookies(req: &Request, visitor_route: bool) -> ApiResult<()> {
    let has_body = matches!(req.method(), Method::Post | Method::Put | Method::Patch);
    if visitor_route || !has_body || req.headers().has("authorization").unwrap_or(false) {
        return Ok(());
    }
    let content_type = req.headers().get("content-type").ok().flatten();
    let json = content_type
        .as_deref()
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
    if json || same_origin_upload(req) {
        Ok(())
    } else {
        Err(ApiError::new(
            415,
            baton_core::ErrorCode::BadRequest,
            "send the body as JSON with content-type: application/json",
        ))
    }
}

/// A file from the dashboard is sent as its own bytes, not JSON. Browsers send `Origin` with
/// every POST, so one from the edge's own origin is the dashboard and never another page.
fn same_origin_upload(req: &Request) -> bool {
    let path = req.path();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let upload = matches!(
        segments.as_slice(),
        ["api", "v1", "sites", _, "conversations", _, "attachments"]
    );
    let own = req.url().ok().map(|url| url.origin().ascii_serialization());
    let origin = req.headers().get("origin").ok().flatten();
    upload && origin.is_some() && origin == own
}

/// Adds the security headers (and CORS for `cors_origin`). Responses from a Durable Object
/// have immutable headers, so they are copied; a WebSocket upgrade is passed through as is.
pub fn finish(response: Response, cors_origin: Option<&str>) -> Response {
    if response.status_code() == 101 {
        return response;
    }
    let headers = worker::Headers::from_iter(response.headers().entries());
    let _ = headers.set("x-content-type-options", "nosniff");
    // A served file brings its own, stricter one (with `sandbox`).
    if !headers.has("content-security-policy").unwrap_or(false) {
        let _ = headers.set(
            "content-security-policy",
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
        );
    }
    let _ = headers.set("referrer-policy", "no-referrer");
    if let Some(origin) = cors_origin {
        let _ = headers.set("access-control-allow-origin", origin);
        let _ = headers.set("vary", "origin");
        let _ = headers.set(
            "access-control-allow-methods",
            "GET, POST, PUT, PATCH, DELETE, OPTIONS",
        );
        let _ = headers.set(
            "access-control-allow-headers",
            "content-type, authorization",
        );
        let _ = headers.set("access-control-max-age", "86400");
    }
    response.with_headers(headers)
}
