//! What the outbox POSTs to an operator platform for a conversation it handed over (Operator
//! API): one body per event, and the agent's typing signal, each with its idempotency key.

use baton_core::{Conversation, Effect};
use serde::Serialize;

use super::outbox::{failure, WebhookPayload};
use crate::error::ApiResult;

/// The body POSTed to an operator platform for one event of a conversation it handed over.
#[derive(Serialize)]
struct PlatformEvent<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    /// The idempotency key (also in the `baton-idempotency-key` header).
    id: &'a str,
    conversation_id: &'a str,
    external_id: &'a str,
    event: &'a baton_core::Event,
}

pub(super) fn operator_webhook(
    conversation: &Conversation,
    effects: &[Effect],
    seq: baton_core::Seq,
    id: &str,
) -> ApiResult<String> {
    let link = conversation
        .operator
        .as_ref()
        .ok_or_else(|| failure("an operator event without a platform"))?;
    let event = effects
        .iter()
        .find_map(|effect| match effect {
            Effect::Emit(event) if event.seq == seq => Some(event),
            _ => None,
        })
        .ok_or_else(|| failure("an operator event without its event"))?;
    let kind = event
        .kind
        .platform_event()
        .ok_or_else(|| failure("not an event for the platform"))?;
    let body = serde_json::to_string(&PlatformEvent {
        kind,
        id,
        conversation_id: &conversation.id,
        external_id: &link.external_id,
        event,
    })?;
    Ok(serde_json::to_string(&WebhookPayload {
        url: link.webhook_url.clone(),
        body,
    })?)
}

/// The body POSTed to an operator platform when its chat's agent starts or stops typing.
#[derive(Serialize)]
struct PlatformTyping<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    conversation_id: &'a str,
    external_id: &'a str,
    typing: bool,
    /// When the agent's dashboard said so (ms since the epoch): a platform that gets two out of
    /// order keeps the newer.
    at: baton_core::Millis,
}

pub(super) fn operator_typing(
    conversation: &Conversation,
    typing: bool,
    at: baton_core::Millis,
    id: &str,
) -> ApiResult<String> {
    let link = conversation
        .operator
        .as_ref()
        .ok_or_else(|| failure("a typing signal without a platform"))?;
    let body = serde_json::to_string(&PlatformTyping {
        kind: "agent.typing",
        id,
        conversation_id: &conversation.id,
        external_id: &link.external_id,
        typing,
        at,
    })?;
    Ok(serde_json::to_string(&WebhookPayload {
        url: link.webhook_url.clone(),
        body,
    })?)
}
