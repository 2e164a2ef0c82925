//! An agent's answer to one of this conversation's tickets: queued by the core (thread row and
//! email in the outbox, committed together), then delivered like every other effect.

use baton_core::TicketAnswer;
use worker::{Request, Response};

use super::{ConversationRoom, Refusal};
use crate::error::{ApiError, ApiResult};
use crate::routes::tickets::AnswerRequest;
use crate::util::json_response;

impl ConversationRoom {
    pub(super) async fn ticket_answer(&self, mut req: Request) -> ApiResult<Response> {
        let identity = self.require_agent(&req)?;
        let request: AnswerRequest = crate::util::json_body(&mut req).await?;
        let effects = self
            .transact(|c, now| {
                let answer = TicketAnswer {
                    ticket: &request.ticket,
                    site_name: &request.site_name,
                    agent: &identity.agent,
                    text: &request.text,
                    answer_id: request.answer_id.clone(),
                    reply_address: request.reply_address.clone(),
                };
                c.answer_ticket(answer, now)
            })
            .await
            .map_err(|refusal| match refusal {
                Refusal::Rule(error) => ApiError::from(error),
                Refusal::Platform(error) => error,
            })?;
        self.after(effects).await;
        json_response(&serde_json::json!({ "id": request.answer_id }), 201)
    }
}
