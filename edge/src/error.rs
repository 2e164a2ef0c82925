//! The one boundary where failures become HTTP responses: status + [`ErrorBody`]
//! (`{"error", "message"}`).
//! Internal details are logged, never sent to clients.

use baton_core::api::ErrorBody;
use baton_core::protocol::FrameError;
use baton_core::{ConversationError, ErrorCode};
use worker::Response;

#[derive(Debug)]
pub struct ApiError {
    pub status: u16,
    pub code: ErrorCode,
    pub message: String,
    /// Seconds, for `Retry-After` on 429.
    pub retry_after: Option<u32>,
}

pub type ApiResult<T> = std::result::Result<T, ApiError>;

impl ApiError {
    pub fn new(status: u16, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn retry_after(mut self, seconds: u32) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, ErrorCode::BadRequest, message)
    }

    pub fn unauthorized() -> Self {
        Self::new(401, ErrorCode::Unauthorized, "sign in first")
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(403, ErrorCode::Forbidden, message)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(404, ErrorCode::NotFound, format!("{what} not found"))
    }

    pub fn into_response(self) -> worker::Result<Response> {
        let body = ErrorBody {
            error: self.code,
            message: self.message,
        };
        let mut response = Response::from_json(&body)?.with_status(self.status);
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .set("retry-after", &seconds.to_string())?;
        }
        Ok(response)
    }
}

/// Turns a handler's outcome into the response sent, errors included.
pub fn respond(result: ApiResult<Response>) -> worker::Result<Response> {
    result.or_else(ApiError::into_response)
}

impl From<worker::Error> for ApiError {
    fn from(error: worker::Error) -> Self {
        worker::console_error!("internal error: {error}");
        Self::new(500, ErrorCode::Internal, "internal error")
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(error: serde_json::Error) -> Self {
        Self::new(
            400,
            ErrorCode::BadJson,
            format!("invalid JSON body: {error}"),
        )
    }
}

impl From<FrameError> for ApiError {
    fn from(error: FrameError) -> Self {
        let status = match error {
            FrameError::TooLarge { .. } => 413,
            _ => 400,
        };
        Self::new(status, error.code(), error.to_string())
    }
}

impl From<ConversationError> for ApiError {
    fn from(error: ConversationError) -> Self {
        let status = match error {
            ConversationError::AlreadyClaimed { .. } | ConversationError::NotAllowed { .. } => 409,
            ConversationError::NotHolder { .. } => 403,
            ConversationError::TooLarge { .. } => 413,
            _ => 422,
        };
        Self::new(status, error.code(), error.to_string())
    }
}

impl From<baton_core::attachment::AttachmentError> for ApiError {
    fn from(error: baton_core::attachment::AttachmentError) -> Self {
        use baton_core::attachment::AttachmentError as E;
        let (status, code) = match error {
            E::TooLarge { .. } => (413, ErrorCode::TooLarge),
            E::NotAllowed { .. } | E::Mismatch { .. } | E::Polyglot => (415, ErrorCode::NotAllowed),
            E::Empty | E::BadName => (400, ErrorCode::BadRequest),
        };
        Self::new(status, code, error.to_string())
    }
}
