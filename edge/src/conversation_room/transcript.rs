//! "Email me this conversation": the site's name from D1, then the events the visitor saw and
//! the core's transition with no `.await` between them, so the transcript covers exactly what
//! the conversation holds when it is queued in the outbox.

use baton_core::{AgentRef, Effect};

use super::{ConversationRoom, Refusal};
use crate::error::ApiError;

impl ConversationRoom {
    pub(super) async fn email_transcript(&self) -> Result<Vec<Effect>, Refusal> {
        let name = self.site_name().await?;
        let events = self.store().events_after(0, true).map_err(ApiError::from)?;
        self.transact(|c, now| c.email_transcript(&name, &events, now))
            .await
    }

    /// Leave & archive, with the transcript on a site that sends one after every chat (the
    /// history is read after the site's name, with no `.await` before the transition).
    pub(super) async fn leave_and_archive(&self, agent: &AgentRef) -> Result<Vec<Effect>, Refusal> {
        let conversation = self.loaded()?;
        if !conversation.settings.transcript_after_chat || conversation.visitor.email.is_none() {
            return self
                .transact(|c, now| c.leave_and_archive(agent, now))
                .await;
        }
        let name = self.site_name().await?;
        let events = self.store().events_after(0, true).map_err(ApiError::from)?;
        self.transact(|c, now| c.leave_and_archive_with_transcript(agent, &name, &events, now))
            .await
    }

    async fn site_name(&self) -> Result<String, Refusal> {
        let site_id = self.loaded()?.site_id;
        let db = self.env.d1("DB").map_err(ApiError::from)?;
        Ok(crate::db::site(&db, &site_id)
            .await?
            .map_or(site_id, |site| site.name))
    }
}
