//! "Email me this conversation": the site's name from D1, then the events the visitor saw and
//! the core's transition with no `.await` between them, so the transcript covers exactly what
//! the conversation holds when it is queued in the outbox.

use baton_core::Effect;

use super::{ConversationRoom, Refusal};
use crate::error::ApiError;

impl ConversationRoom {
    pub(super) async fn email_transcript(&self) -> Result<Vec<Effect>, Refusal> {
        let site_id = self.loaded()?.site_id;
        let db = self.env.d1("DB").map_err(ApiError::from)?;
        let name = crate::db::site(&db, &site_id)
            .await?
            .map_or(site_id, |site| site.name);
        let events = self.store().events_after(0, true).map_err(ApiError::from)?;
        self.transact(|c, now| c.email_transcript(&name, &events, now))
            .await
    }
}
