//! Who is still connected, so access ends at once: every conversation an agent's session has a
//! socket open to is recorded here, and sign-out, removal from the site or a change of role
//! closes the site sockets and those conversation sockets together.

use baton_core::protocol::CLOSE_ACCESS_REVOKED;
use serde::{Deserialize, Serialize};

use super::SiteHub;
use crate::error::ApiResult;
use crate::util::{call_json, now};

/// An agent's session opened a socket to a conversation of this site.
#[derive(Serialize, Deserialize)]
pub struct Watch {
    pub agent_id: String,
    pub session: String,
    pub conversation_id: String,
}

/// Close an agent's sockets on this site.
#[derive(Serialize, Deserialize, Clone)]
pub struct Revoke {
    pub agent_id: String,
    /// Only this session's sockets (sign-out); `None`: every session (removal, role change).
    pub session: Option<String>,
    /// Shown as the close reason.
    pub reason: String,
    /// The agent left the site: forget their availability too.
    #[serde(default)]
    pub removed: bool,
}

#[derive(Serialize, Deserialize)]
pub struct Revoked {
    pub closed: u32,
}

#[derive(Deserialize)]
struct WatchRow {
    conversation_id: String,
}

/// The tags a socket carries, so [`SiteHub::revoke`] and the conversation find it without
/// decoding every attachment.
pub fn socket_tags(agent_id: &str, session: &str) -> [String; 2] {
    [format!("agent:{agent_id}"), format!("session:{session}")]
}

pub fn revoke_tag(revoke: &Revoke) -> String {
    match &revoke.session {
        Some(session) => format!("session:{session}"),
        None => format!("agent:{}", revoke.agent_id),
    }
}

/// Older than a session can live: such a row cannot belong to an open socket any more.
const WATCH_TTL_MS: i64 = 15 * 24 * 3_600_000;

impl SiteHub {
    pub(super) fn migrate_access(&self) -> worker::Result<()> {
        self.sql().exec(
            "CREATE TABLE IF NOT EXISTS watches (session TEXT NOT NULL, conversation_id TEXT NOT NULL,
             agent_id TEXT NOT NULL, opened_at INTEGER NOT NULL,
             PRIMARY KEY (session, conversation_id))",
            None,
        )?;
        for index in [
            "CREATE INDEX IF NOT EXISTS watches_by_agent ON watches (agent_id)",
            "CREATE INDEX IF NOT EXISTS watches_by_age ON watches (opened_at)",
        ] {
            self.sql().exec(index, None)?;
        }
        Ok(())
    }

    pub(super) fn watch(&self, watch: &Watch) -> ApiResult<()> {
        let at = now();
        self.sql().exec(
            "INSERT INTO watches (session, conversation_id, agent_id, opened_at) VALUES (?, ?, ?, ?)
             ON CONFLICT(session, conversation_id) DO UPDATE SET opened_at = excluded.opened_at",
            vec![
                watch.session.as_str().into(),
                watch.conversation_id.as_str().into(),
                watch.agent_id.as_str().into(),
                worker::SqlStorageValue::try_from_i64(at)?,
            ],
        )?;
        self.sql().exec(
            "DELETE FROM watches WHERE opened_at < ?",
            vec![worker::SqlStorageValue::try_from_i64(at - WATCH_TTL_MS)?],
        )?;
        Ok(())
    }

    /// Closes the matching site sockets at once, then asks every conversation the agent had a
    /// socket to to close theirs. Answers how many sockets were closed.
    pub(super) async fn revoke(&self, revoke: &Revoke) -> ApiResult<u32> {
        let tag = revoke_tag(revoke);
        let mut closed = 0;
        for ws in self.state.get_websockets_with_tag(&tag) {
            let _ = ws.close(Some(CLOSE_ACCESS_REVOKED), Some(&revoke.reason));
            closed += 1;
        }
        if revoke.removed {
            self.sql().exec(
                "DELETE FROM availability WHERE agent_id = ?",
                vec![revoke.agent_id.as_str().into()],
            )?;
        }
        let rows: Vec<WatchRow> = match &revoke.session {
            Some(session) => self
                .sql()
                .exec(
                    "DELETE FROM watches WHERE session = ? RETURNING conversation_id",
                    vec![session.as_str().into()],
                )?
                .to_array()?,
            None => self
                .sql()
                .exec(
                    "DELETE FROM watches WHERE agent_id = ? RETURNING conversation_id",
                    vec![revoke.agent_id.as_str().into()],
                )?
                .to_array()?,
        };
        let namespace = self.env.durable_object("CONVERSATION")?;
        let calls = rows.iter().map(|row| {
            let namespace = &namespace;
            async move {
                let stub = namespace.get_by_name(&row.conversation_id)?;
                let (_, answer): (u16, Revoked) =
                    call_json(&stub, worker::Method::Post, "/agent/revoke", Some(revoke)).await?;
                ApiResult::Ok(answer.closed)
            }
        });
        for outcome in futures_util::future::join_all(calls).await {
            match outcome {
                Ok(n) => closed += n,
                Err(error) => worker::console_error!("revoke failed: {}", error.message),
            }
        }
        Ok(closed)
    }
}
