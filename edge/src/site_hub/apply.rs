//! Carries out what the site's rules decided ([`SiteEffect`]): rows into the site's SQLite,
//! frames to agent sockets. Everything here is mechanical; the decisions are in
//! [`baton_core::site`].

use baton_core::site::SiteEffect;
use worker::SqlStorageValue;

use super::SiteHub;
use crate::error::ApiResult;

impl SiteHub {
    pub(super) fn apply(&self, effects: Vec<SiteEffect>) -> ApiResult<()> {
        for effect in effects {
            match effect {
                SiteEffect::SaveRow(summary) => {
                    let phase = serde_json::to_value(summary.phase)?;
                    self.sql().exec(
                        "INSERT INTO conversations (id, phase, summary, updated_at) VALUES (?, ?, ?, ?)
                         ON CONFLICT(id) DO UPDATE SET phase = excluded.phase, summary = excluded.summary,
                         updated_at = excluded.updated_at",
                        vec![
                            summary.id.as_str().into(),
                            phase.as_str().unwrap_or("bot").into(),
                            serde_json::to_string(&summary)?.into(),
                            SqlStorageValue::try_from_i64(summary.updated_at)?,
                        ],
                    )?;
                }
                SiteEffect::SetHolder {
                    conversation_id,
                    holder,
                } => self.set_holder(&conversation_id, holder.as_deref())?,
                SiteEffect::SaveListRev {
                    conversation_id,
                    rev,
                } => self.save_list_rev(&conversation_id, rev)?,
                SiteEffect::DeleteRow { conversation_id } => {
                    self.sql().exec(
                        "DELETE FROM conversations WHERE id = ?",
                        vec![conversation_id.into()],
                    )?;
                    // Revisions outlive their row for a day; forgotten as rows leave, not with
                    // every busy chat's refresh.
                    self.forget_old_list_revs()?;
                }
                SiteEffect::Hold {
                    agent_id,
                    conversation_id,
                } => self.hold(&agent_id, &conversation_id)?,
                SiteEffect::Unhold {
                    agent_id,
                    conversation_id,
                } => {
                    self.sql().exec(
                        "DELETE FROM holdings WHERE agent_id = ? AND conversation_id = ?",
                        vec![agent_id.into(), conversation_id.into()],
                    )?;
                }
                SiteEffect::SaveAvailability {
                    agent_id,
                    available,
                } => self.set_available(&agent_id, available)?,
                // Every socket here is an agent's (`open_socket`), so all of them, with no
                // attachment decoded per socket and refresh; serialised once. One agent's
                // sockets are found by their tag.
                SiteEffect::Broadcast(frame) => {
                    let json = frame.to_json();
                    for ws in self.state.get_websockets() {
                        let _ = ws.send_with_str(&json);
                    }
                }
                SiteEffect::SendTo { agent_id, frame } => {
                    let [agent_tag, _] = super::access::socket_tags(&agent_id, "");
                    let json = frame.to_json();
                    for ws in self.state.get_websockets_with_tag(&agent_tag) {
                        let _ = ws.send_with_str(&json);
                    }
                }
            }
        }
        Ok(())
    }
}
