//! Files in the chat, on the conversation's side. An upload is checked on its bytes
//! (`baton_core::attachment::check`, with the site's policy from the conversation's settings),
//! stored in R2 under `site/conversation/file`, then the core transition adds the event; if the
//! rule refuses, the stored bytes are deleted again. A download is served only if the file is
//! an event of this conversation the asker may see (a visitor never gets a note's file), with
//! the headers of `baton_core::attachment::served_headers`.

use baton_core::attachment;
use baton_core::{AgentRef, ErrorCode, EventKind, FileRef};
use worker::{Env, HttpMetadata, Request, Response};

use super::ConversationRoom;
use crate::error::{ApiError, ApiResult};
use crate::util::{json_response, query_param, random_hex};

/// The R2 binding of every conversation's files.
pub const BUCKET: &str = "ATTACHMENTS";

/// Who sends a file.
pub(super) enum Sender {
    Visitor,
    Agent { agent: AgentRef, internal: bool },
}

/// Every file of a conversation sits under this prefix, so an erase finds them all.
pub fn prefix(site_id: &str, conversation_id: &str) -> String {
    format!("{site_id}/{conversation_id}/")
}

/// Deletes every stored file of a conversation; returns how many there were.
pub async fn delete_all(env: &Env, site_id: &str, conversation_id: &str) -> ApiResult<u32> {
    let bucket = env.bucket(BUCKET)?;
    let mut deleted = 0;
    loop {
        // Listed afresh each round: the deleted ones are gone from the next page.
        let listed = bucket
            .list()
            .prefix(prefix(site_id, conversation_id))
            .execute()
            .await?;
        let keys: Vec<String> = listed.objects().iter().map(|o| o.key()).collect();
        if keys.is_empty() {
            return Ok(deleted);
        }
        deleted += keys.len() as u32;
        bucket.delete_multiple(keys).await?;
    }
}

impl ConversationRoom {
    /// Checks, stores and posts an uploaded file; answers 201 with the file's reference.
    pub(super) async fn upload(&self, mut req: Request, sender: Sender) -> ApiResult<Response> {
        let conversation = self.loaded()?;
        if matches!(sender, Sender::Visitor) && !conversation.visitor_may_attach() {
            return Err(ApiError::new(
                409,
                ErrorCode::NotAllowed,
                "files can be sent while you wait for a person or chat with one",
            ));
        }
        let policy = &conversation.settings.attachments;
        if policy.allowed.is_empty() {
            return Err(ApiError::new(
                403,
                ErrorCode::NotAllowed,
                "this site does not accept files",
            ));
        }
        // Refused before the body is read when the client says how large it is.
        let declared_len = req
            .headers()
            .get("content-length")?
            .and_then(|len| len.parse::<u64>().ok());
        if let Some(len) = declared_len.filter(|len| *len > policy.max_bytes) {
            return Err(attachment::AttachmentError::TooLarge {
                len,
                max: policy.max_bytes,
            }
            .into());
        }
        let name = query_param(&req, "name")?.unwrap_or_default();
        let declared_type = req.headers().get("content-type")?;
        let bytes = req.bytes().await?;
        let checked = attachment::check(&bytes, &name, declared_type.as_deref(), policy)?;
        let file = FileRef {
            id: random_hex(16)?,
            name: checked.name,
            mime: checked.mime.to_string(),
            size: bytes.len() as u64,
            inline: checked.inline,
        };
        let key = format!(
            "{}{}",
            prefix(&conversation.site_id, &conversation.id),
            file.id
        );
        let bucket = self.env.bucket(BUCKET)?;
        bucket
            .put(&key, bytes)
            .http_metadata(HttpMetadata {
                content_type: Some(file.mime.clone()),
                ..HttpMetadata::default()
            })
            .execute()
            .await?;
        let posted = file.clone();
        let outcome = self
            .transact(|conversation, at| match sender {
                Sender::Visitor => conversation.visitor_attachment(posted, at),
                Sender::Agent { agent, internal } => {
                    conversation.agent_attachment(&agent, posted, internal, at)
                }
            })
            .await;
        match outcome {
            Ok(effects) => {
                self.after(effects).await;
                json_response(&serde_json::json!({ "file": file }), 201)
            }
            Err(refusal) => {
                // Nothing of a refused file stays behind.
                if let Err(error) = bucket.delete(&key).await {
                    worker::console_error!("could not delete refused file {key}: {error}");
                }
                Err(match refusal {
                    super::Refusal::Rule(error) => error.into(),
                    super::Refusal::Platform(error) => error,
                })
            }
        }
    }

    /// Serves a file of this conversation: `visitor` sees only what the visitor's widget shows.
    pub(super) async fn download(&self, req: &Request, visitor: bool) -> ApiResult<Response> {
        let id = query_param(req, "file")?.unwrap_or_default();
        let conversation = self.loaded()?;
        let file = self
            .store()
            .events_after(0, visitor)?
            .into_iter()
            .find_map(|event| match event.kind {
                EventKind::Attachment { file, .. } if file.id == id => Some(file),
                _ => None,
            })
            .ok_or_else(|| ApiError::not_found("file"))?;
        serve(&self.env, &conversation.site_id, &conversation.id, &file).await
    }
}

/// Serves a stored file of a conversation (a chat's, or a ticket reply's) with the headers of
/// `served_headers`; the caller has checked that the asker may have it.
pub async fn serve(
    env: &Env,
    site_id: &str,
    conversation_id: &str,
    file: &FileRef,
) -> ApiResult<Response> {
    let key = format!("{}{}", prefix(site_id, conversation_id), file.id);
    let object = env
        .bucket(BUCKET)?
        .get(&key)
        .execute()
        .await?
        .ok_or_else(|| ApiError::not_found("file"))?;
    let bytes = match object.body() {
        Some(body) => body.bytes().await?,
        None => return Err(ApiError::not_found("file")),
    };
    let headers = worker::Headers::new();
    for (name, value) in attachment::served_headers(file) {
        headers.set(name, &value)?;
    }
    Ok(Response::from_bytes(bytes)?.with_headers(headers))
}
