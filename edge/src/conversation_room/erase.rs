//! Erasing this conversation (core::privacy): everything its object stores goes at once
//! (state, token, events, outbox, Web Push records, alarm), its sockets close with
//! `CLOSE_ERASED`, the site drops it from its lists, and a tombstone keeps the id from ever
//! being used again. Also the export of what it stores, for an admin.

use baton_core::privacy::{ErasedCounts, ErasedKind, ExportedConversation};
use baton_core::protocol::CLOSE_ERASED;
use serde::{Deserialize, Serialize};
use worker::{Request, Response};

use super::ConversationRoom;
use crate::error::{ApiError, ApiResult};
use crate::util::{json_response, now};

/// The site the worker authorised the caller for; this object answers only for its own site.
pub const SITE_HEADER: &str = "x-baton-site";

/// What an erase removed here, and the site it belonged to (`None`: nothing was stored).
#[derive(Serialize, Deserialize)]
pub struct Wiped {
    pub site_id: Option<String>,
    pub counts: ErasedCounts,
}

#[derive(Deserialize)]
struct CountRow {
    n: f64,
}

impl ConversationRoom {
    fn count(&self, table: &str) -> u32 {
        // A table that was never created (no push sent) counts 0.
        self.state
            .storage()
            .sql()
            .exec(&format!("SELECT count(*) AS n FROM {table}"), None)
            .and_then(|cursor| cursor.to_array::<CountRow>())
            .ok()
            .and_then(|rows| rows.first().map(|r| r.n as u32))
            .unwrap_or(0)
    }

    /// The conversation of the site in `x-baton-site`; anything else is not found here.
    fn own_site(&self, req: &Request) -> ApiResult<baton_core::Conversation> {
        let site = req.headers().get(SITE_HEADER)?.unwrap_or_default();
        let conversation = self.loaded()?;
        if conversation.site_id != site {
            return Err(ApiError::not_found("conversation"));
        }
        Ok(conversation)
    }

    pub(super) fn export_route(&self, req: &Request) -> ApiResult<Response> {
        let conversation = self.own_site(req)?;
        let export = ExportedConversation {
            id: conversation.id.clone(),
            summary: Some(conversation.summary()),
            events: self.store().events_after(0, false)?,
        };
        json_response(&export, 200)
    }

    pub(super) async fn erase_route(&self, req: &Request) -> ApiResult<Response> {
        let wiped = match self.own_site(req) {
            Ok(_) => self.wipe().await?,
            // Gone already (erased before) or another site's: nothing changes here.
            Err(error) if error.status == 404 => Wiped {
                site_id: None,
                counts: ErasedCounts::default(),
            },
            Err(error) => return Err(error),
        };
        json_response(&wiped, 200)
    }

    /// Deletes everything this object stores. The counts are taken first; the storage goes in
    /// one `delete_all`, so no half-erased state is ever visible.
    pub(super) async fn wipe(&self) -> ApiResult<Wiped> {
        let conversation = self.loaded()?;
        let mut counts = ErasedCounts::default();
        counts.add(ErasedKind::Conversations, 1);
        counts.add(ErasedKind::Events, self.count("events"));
        counts.add(
            ErasedKind::Deliveries,
            self.count("outbox") + self.count("push_sent"),
        );
        for ws in self.state.get_websockets() {
            let _ = ws.close(Some(CLOSE_ERASED), Some("conversation erased"));
        }
        // Files first: if R2 fails, the erase fails with everything still in place to retry.
        let erase_files = || {
            crate::privacy::erase_attachments(&self.env, &conversation.site_id, &conversation.id)
        };
        let mut files = erase_files().await?;
        let storage = self.state.storage();
        storage.delete_alarm().await?;
        storage.delete_all().await?;
        // Again after: an upload stored while the first pass ran is gone too.
        files += erase_files().await?;
        *self.cache.borrow_mut() = None;
        self.armed.set(Some(None));
        self.ready.borrow_mut().clear();
        // The tables come back empty, with only the tombstone.
        self.store().migrate()?;
        super::outbox_store::OutboxStore::new(storage.sql()).migrate()?;
        self.store().put("erased", &now().to_string())?;
        counts.add(ErasedKind::Attachments, files);
        let site = crate::site_client::SiteClient::new(&self.env, &conversation.site_id)?;
        counts.add(ErasedKind::LiveRows, site.erased(&conversation.id).await?);
        Ok(Wiped {
            site_id: Some(conversation.site_id),
            counts,
        })
    }

    /// "Delete this conversation" from the widget: erased here, then in D1, then logged.
    pub(super) async fn visitor_erase(&self) -> ApiResult<()> {
        let id = self.loaded()?.id;
        let wiped = self.wipe().await?;
        if let Some(site_id) = wiped.site_id {
            crate::privacy::finish(
                &self.env,
                &site_id,
                &id,
                wiped.counts,
                baton_core::privacy::Eraser::Visitor,
                baton_core::privacy::ErasureCause::Visitor,
            )
            .await?;
        }
        Ok(())
    }

    pub(super) fn erased(&self) -> ApiResult<bool> {
        Ok(self.store().get("erased")?.is_some())
    }
}
