//! JSON requests to the edge's agent API. Every failure becomes an [`ApiError`] with the edge's
//! own message, ready to show; a 401 means the session ended.
//!
//! Two ways to read an answer: [`json`] gives the browser's `JSON.parse` of it, for the first
//! screen's readers (`model::answers`, no serde in the main module); [`get`], [`post`] and the
//! rest read it with serde, for the lazy screens. Requests go through `fetch` directly (no
//! gloo-net: its error type carries serde_json's).

use baton_core::ErrorCode;
use js_sys::{Object, Reflect, JSON};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestInit, Response};

use crate::model::answers;

#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    pub status: u16,
    /// The edge's code; `None` when no error body came (network failure, another server).
    pub code: Option<ErrorCode>,
    pub message: String,
}

impl ApiError {
    fn network(detail: &str) -> Self {
        Self {
            status: 0,
            code: None,
            message: format!("Cannot reach the server ({detail}). Check the connection."),
        }
    }

    /// A failed `fetch` or body read: its JavaScript error ("TypeError: Failed to fetch").
    fn thrown(error: &JsValue) -> Self {
        let detail = match error.dyn_ref::<js_sys::Error>() {
            Some(error) => String::from(error.to_string()),
            None => error.as_string().unwrap_or_else(|| "no answer".into()),
        };
        Self::network(&detail)
    }

    fn unreadable() -> Self {
        Self::network("its answer could not be read")
    }

    pub fn signed_out(&self) -> bool {
        self.status == 401
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Sends a request; `body` is its content type and bytes.
async fn send(method: &str, path: &str, body: Option<(&str, JsValue)>) -> ApiResult<Response> {
    let init = RequestInit::new();
    init.set_method(method);
    if let Some((kind, body)) = body {
        let headers = Object::new();
        let _ = Reflect::set(&headers, &"content-type".into(), &kind.into());
        init.set_headers(&headers);
        init.set_body(&body);
    }
    let promise = leptos::prelude::window().fetch_with_str_and_init(path, &init);
    let answer = JsFuture::from(promise)
        .await
        .map_err(|e| ApiError::thrown(&e))?;
    answer.dyn_into().map_err(|e| ApiError::thrown(&e))
}

/// The body of a success; a failure status becomes the edge's error (its `{error, message}`).
async fn text(response: Response) -> ApiResult<String> {
    let status = response.status();
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .map(|t| t.as_string().unwrap_or_default()),
        Err(error) => Err(error),
    };
    if (200..300).contains(&status) {
        return text.map_err(|e| ApiError::thrown(&e));
    }
    let body = text
        .ok()
        .and_then(|t| JSON::parse(&t).ok())
        .and_then(|json| answers::error_body(&json));
    Err(match body {
        Some(body) => ApiError {
            status,
            code: Some(body.error),
            message: body.message,
        },
        None => ApiError {
            status,
            code: None,
            message: format!("The server answered {status}."),
        },
    })
}

/// A request with a JSON body (already written), answered with JSON parsed by the browser.
pub async fn json(method: &str, path: &str, body: Option<String>) -> ApiResult<JsValue> {
    let body = body.map(|b| ("application/json", JsValue::from(b)));
    let text = text(send(method, path, body).await?).await?;
    JSON::parse(&text).map_err(|_| ApiError::unreadable())
}

/// Reads an answer of [`json`] with one of `model::answers`' readers.
pub fn read<T>(answer: ApiResult<JsValue>, read: fn(&JsValue) -> Option<T>) -> ApiResult<T> {
    read(&answer?).ok_or_else(ApiError::unreadable)
}

async fn decode<T: DeserializeOwned>(response: Response) -> ApiResult<T> {
    let text = text(response).await?;
    serde_json::from_str(&text).map_err(|e| ApiError::network(&e.to_string()))
}

async fn run<B: Serialize, T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<&B>,
) -> ApiResult<T> {
    let body = match body {
        Some(body) => {
            Some(serde_json::to_string(body).map_err(|e| ApiError::network(&e.to_string()))?)
        }
        None => None,
    };
    let body = body.map(|b| ("application/json", JsValue::from(b)));
    decode(send(method, path, body).await?).await
}

pub async fn get<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    run::<(), T>("GET", path, None).await
}

pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    run("POST", path, Some(body)).await
}

pub async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    run("PUT", path, Some(body)).await
}

pub async fn patch<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    run("PATCH", path, Some(body)).await
}

pub async fn delete<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    run::<(), T>("DELETE", path, None).await
}

/// Sends a file to a conversation (its own bytes as the body, not JSON): to the visitor, or
/// on an internal note. The edge checks the bytes and answers with the stored file.
pub async fn upload(
    site_id: &str,
    conversation_id: &str,
    file: &web_sys::File,
    internal: bool,
) -> ApiResult<baton_core::FileRef> {
    #[derive(serde::Deserialize)]
    struct Uploaded {
        file: baton_core::FileRef,
    }
    let path = format!(
        "/api/v1/sites/{}/conversations/{}/attachments?name={}&internal={internal}",
        seg(site_id),
        seg(conversation_id),
        seg(&file.name())
    );
    let kind = match file.type_() {
        kind if kind.is_empty() => "application/octet-stream".to_string(),
        kind => kind,
    };
    let response = send("POST", &path, Some((&kind, JsValue::from(file.clone())))).await?;
    decode::<Uploaded>(response).await.map(|u| u.file)
}

/// Path segments in URLs are ids the edge gave us, but encode them anyway.
pub fn seg(part: &str) -> String {
    js_sys::encode_uri_component(part).into()
}
