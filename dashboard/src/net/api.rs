//! JSON requests to the edge's agent API. Every failure becomes an [`ApiError`] with the edge's
//! own message, ready to show; a 401 means the session ended.

use baton_core::api::ErrorBody;
use baton_core::ErrorCode;
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    pub status: u16,
    /// The edge's code; `None` when no error body came (network failure, another server).
    pub code: Option<ErrorCode>,
    pub message: String,
}

impl ApiError {
    fn network(error: impl std::fmt::Display) -> Self {
        Self {
            status: 0,
            code: None,
            message: format!("Cannot reach the server ({error}). Check the connection."),
        }
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

async fn decode<T: DeserializeOwned>(response: Response) -> ApiResult<T> {
    let status = response.status();
    if (200..300).contains(&status) {
        return response.json::<T>().await.map_err(ApiError::network);
    }
    let body: Option<ErrorBody> = response.json().await.ok();
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

async fn run<T: DeserializeOwned>(builder: RequestBuilder, body: Option<String>) -> ApiResult<T> {
    let request = match body {
        Some(json) => builder
            .header("content-type", "application/json")
            .body(json)
            .map_err(ApiError::network)?,
        None => builder.build().map_err(ApiError::network)?,
    };
    let response = request.send().await.map_err(ApiError::network)?;
    decode(response).await
}

fn json<B: Serialize>(body: &B) -> ApiResult<Option<String>> {
    serde_json::to_string(body)
        .map(Some)
        .map_err(ApiError::network)
}

pub async fn get<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    run(Request::get(path), None).await
}

pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    run(Request::post(path), json(body)?).await
}

pub async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    run(Request::put(path), json(body)?).await
}

pub async fn patch<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    run(Request::patch(path), json(body)?).await
}

pub async fn delete<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    run(Request::delete(path), None).await
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
    let request = Request::post(&path)
        .header("content-type", &kind)
        .body(wasm_bindgen::JsValue::from(file.clone()))
        .map_err(ApiError::network)?;
    let response = request.send().await.map_err(ApiError::network)?;
    decode::<Uploaded>(response).await.map(|u| u.file)
}

/// Path segments in URLs are ids the edge gave us, but encode them anyway.
pub fn seg(part: &str) -> String {
    js_sys::encode_uri_component(part).into()
}
