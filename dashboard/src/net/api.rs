//! JSON requests to the edge's agent API. Every failure becomes an [`ApiError`] with the edge's
//! own message, ready to show; a 401 means the session ended.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::model::wire::ErrorBody;

#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub message: String,
}

impl ApiError {
    fn network(error: impl std::fmt::Display) -> Self {
        Self {
            status: 0,
            code: "network".into(),
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
            code: body.error,
            message: body.message,
        },
        None => ApiError {
            status,
            code: "http".into(),
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

/// Path segments in URLs are ids the edge gave us, but encode them anyway.
pub fn seg(part: &str) -> String {
    js_sys::encode_uri_component(part).into()
}
