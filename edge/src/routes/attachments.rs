//! Files in chats: upload and download, for the visitor (the conversation's token) and for the
//! site's agents (their session). The conversation's object checks, stores and serves them
//! (conversation_room/attachments.rs); this module only authenticates and hands the request on.

use baton_core::attachment::MAX_BYTES_LIMIT;
use worker::{js_sys, Env, Method, Request, RequestInit, Response};

use super::valid_conversation_id;
use crate::conversation_room::AGENT_HEADER;
use crate::error::{ApiError, ApiResult};

/// `POST /conversations/{id}/attachments?token=…&name=…`, the bytes as the body.
pub async fn visitor_upload(req: Request, env: &Env, id: &str) -> ApiResult<Response> {
    hand_on(req, env, id, "/visitor/attachments", None, None).await
}

/// `GET /conversations/{id}/attachments/{file}?token=…`
pub async fn visitor_download(
    req: Request,
    env: &Env,
    id: &str,
    file: &str,
) -> ApiResult<Response> {
    hand_on(req, env, id, "/visitor/attachment", Some(file), None).await
}

/// `POST /sites/{site}/conversations/{id}/attachments?name=…[&internal=true]`
pub async fn agent_upload(req: Request, env: &Env, site: &str, id: &str) -> ApiResult<Response> {
    let (_, identity) = super::agent::identity(&req, env, site, id).await?;
    let header = serde_json::to_string(&identity)?;
    hand_on(req, env, id, "/agent/attachments", None, Some(header)).await
}

/// `GET /sites/{site}/conversations/{id}/attachments/{file}`
pub async fn agent_download(
    req: Request,
    env: &Env,
    site: &str,
    id: &str,
    file: &str,
) -> ApiResult<Response> {
    let (_, identity) = super::agent::identity(&req, env, site, id).await?;
    let header = serde_json::to_string(&identity)?;
    hand_on(req, env, id, "/agent/attachment", Some(file), Some(header)).await
}

/// Passes the request (query, content type and body) to the conversation's object.
async fn hand_on(
    mut req: Request,
    env: &Env,
    id: &str,
    path: &str,
    file: Option<&str>,
    agent: Option<String>,
) -> ApiResult<Response> {
    if !valid_conversation_id(id) {
        return Err(ApiError::not_found("conversation"));
    }
    let mut url = worker::Url::parse(&format!("https://internal{path}"))
        .map_err(|_| ApiError::bad_request("bad path"))?;
    url.set_query(req.url()?.query());
    if let Some(file) = file {
        url.query_pairs_mut().append_pair("file", file);
    }
    let headers = worker::Headers::new();
    if let Some(agent) = agent {
        headers.set(AGENT_HEADER, &agent)?;
    }
    let mut init = RequestInit::new();
    if req.method() == Method::Post {
        let declared = req
            .headers()
            .get("content-length")?
            .and_then(|len| len.parse::<u64>().ok());
        if declared.is_some_and(|len| len > MAX_BYTES_LIMIT) {
            return Err(too_large());
        }
        if let Some(kind) = req.headers().get("content-type")? {
            headers.set("content-type", &kind)?;
        }
        let bytes = req.bytes().await?;
        if bytes.len() as u64 > MAX_BYTES_LIMIT {
            return Err(too_large());
        }
        headers.set("content-length", &bytes.len().to_string())?;
        let body = js_sys::Uint8Array::from(bytes.as_slice());
        init.with_method(Method::Post).with_body(Some(body.into()));
    } else {
        init.with_method(Method::Get);
    }
    init.with_headers(headers);
    let inner = Request::new_with_init(url.as_str(), &init)?;
    let stub = env.durable_object("CONVERSATION")?.get_by_name(id)?;
    Ok(stub.fetch_with_request(inner).await?)
}

fn too_large() -> ApiError {
    ApiError::new(
        413,
        baton_core::ErrorCode::TooLarge,
        format!("files are at most {MAX_BYTES_LIMIT} bytes"),
    )
}
