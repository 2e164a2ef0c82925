//! The visitor's place in the queue, pushed by the site's object ([`crate::site_hub::queue`]):
//! kept (the newest by `rev`) so a visitor who reconnects while waiting sees it at once, and
//! sent to the visitor's sockets while the chat waits.

use baton_core::protocol::{Party, ServerFrame};
use baton_core::queue::QueuePlace;
use baton_core::Phase;
use worker::Request;

use super::ConversationRoom;
use crate::error::ApiResult;
use crate::site_hub::queue::PlaceUpdate;

const KEY: &str = "queue_place";

impl ConversationRoom {
    pub(super) async fn queue_place(&self, mut req: Request) -> ApiResult<()> {
        let update: PlaceUpdate = crate::util::json_body(&mut req).await?;
        let stored: Option<PlaceUpdate> = self
            .store()
            .get(KEY)?
            .and_then(|raw| serde_json::from_str(&raw).ok());
        if stored.is_some_and(|old| old.rev >= update.rev) {
            return Ok(());
        }
        self.store().put(KEY, &serde_json::to_string(&update)?)?;
        if self.loaded()?.phase == Phase::Waiting {
            self.broadcast_ephemeral(&frame(update.place), Some(Party::Visitor));
        }
        Ok(())
    }

    /// The place to send a visitor's new socket, if the chat is waiting and has one.
    pub(super) fn current_place(&self, phase: Phase) -> Option<ServerFrame> {
        if phase != Phase::Waiting {
            return None;
        }
        let raw = self.store().get(KEY).ok()??;
        let update: PlaceUpdate = serde_json::from_str(&raw).ok()?;
        Some(frame(update.place))
    }
}

fn frame(place: QueuePlace) -> ServerFrame {
    ServerFrame::QueuePlace {
        position: place.position,
        estimate_ms: place.estimate_ms,
    }
}
