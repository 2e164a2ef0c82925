//! Conversations handed over by an outside platform (Operator API): started with its history,
//! fed its visitor's messages, closed by it while nobody holds them. Only the API key's site
//! reaches a conversation, and only through the key that created it.

use baton_core::{Conversation, Effect, ErrorCode};
use worker::{Request, Response};

use super::{ConversationRoom, Refusal};
use crate::error::{ApiError, ApiResult};
use crate::routes::operator::{OperatorCall, OperatorInit};
use crate::util::{json_body, json_response, now};

fn refusal(refusal: Refusal) -> ApiError {
    match refusal {
        Refusal::Rule(error) => ApiError::from(error),
        Refusal::Platform(error) => error,
    }
}

impl ConversationRoom {
    pub(super) async fn operator_init(&self, mut req: Request) -> ApiResult<Response> {
        let init: OperatorInit = json_body(&mut req).await?;
        if self.store().load()?.is_some() {
            return Err(ApiError::new(
                409,
                ErrorCode::NotAllowed,
                "conversation exists",
            ));
        }
        let (conversation, effects) = Conversation::start_from_platform(
            init.id,
            init.site_id,
            init.settings,
            init.visitor,
            init.link,
            &init.history,
            now(),
        )?;
        // No visitor socket: no token opens one.
        self.store().put("token_hash", "")?;
        self.store().init(&conversation)?;
        self.commit(conversation, &effects).await?;
        self.after(effects).await;
        json_response(&serde_json::json!({ "ok": true }), 201)
    }

    /// The caller's key must be the one that created this conversation.
    fn check_link(&self, call: &OperatorCall) -> ApiResult<()> {
        let conversation = self.loaded()?;
        let linked = conversation
            .operator
            .as_ref()
            .is_some_and(|link| link.key_id == call.key_id);
        if conversation.site_id != call.site_id || !linked {
            return Err(ApiError::not_found("conversation"));
        }
        Ok(())
    }

    pub(super) async fn operator_message(&self, mut req: Request) -> ApiResult<Response> {
        let call: OperatorCall = json_body(&mut req).await?;
        self.check_link(&call)?;
        let text = call.text.clone().unwrap_or_default();
        let client_id = call.client_id.clone();
        let effects = self
            .transact(|c, now| c.platform_message(&text, client_id, now))
            .await
            .map_err(refusal)?;
        let seq = effects.iter().find_map(|e| match e {
            Effect::Emit(event) => Some(event.seq),
            _ => None,
        });
        self.after(effects).await;
        json_response(&serde_json::json!({ "seq": seq }), 200)
    }

    pub(super) async fn operator_close(&self, mut req: Request) -> ApiResult<Response> {
        let call: OperatorCall = json_body(&mut req).await?;
        self.check_link(&call)?;
        let effects = self
            .transact(|c, now| c.platform_close(now))
            .await
            .map_err(refusal)?;
        self.after(effects).await;
        json_response(&serde_json::json!({ "ok": true }), 200)
    }
}
