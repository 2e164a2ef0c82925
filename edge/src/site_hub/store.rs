//! The site object's own SQLite: agents' availability, the chats each holds, and the rows of
//! the live lists. [`SiteHub::roster`] joins them with the open sockets for the core's rules.

use std::collections::BTreeMap;

use baton_core::roster::{AgentSeat, Roster};
use baton_core::{AgentRef, ConversationSummary};
use serde::Deserialize;

use super::{SiteHub, MONITOR_IDLE_MS};
use crate::error::ApiResult;
use crate::util::now;

#[derive(Deserialize)]
struct SummaryRow {
    summary: String,
}

#[derive(Deserialize)]
struct HoldingRow {
    agent_id: String,
    conversation_id: String,
}

#[derive(Deserialize)]
struct AvailabilityRow {
    agent_id: String,
    available: i64,
}

impl SiteHub {
    pub(super) fn hold(&self, agent_id: &str, conversation_id: &str) -> ApiResult<()> {
        self.sql().exec(
            "INSERT OR IGNORE INTO holdings (agent_id, conversation_id) VALUES (?, ?)",
            vec![agent_id.into(), conversation_id.into()],
        )?;
        Ok(())
    }

    /// Agents default to available when they first come online.
    pub(super) fn availability_of(&self, agent_id: &str) -> ApiResult<bool> {
        let rows: Vec<AvailabilityRow> = self
            .sql()
            .exec(
                "SELECT agent_id, available FROM availability WHERE agent_id = ?",
                vec![agent_id.into()],
            )?
            .to_array()?;
        Ok(rows.first().is_none_or(|row| row.available != 0))
    }

    pub(super) fn set_available(&self, agent_id: &str, available: bool) -> ApiResult<()> {
        self.sql().exec(
            "INSERT INTO availability (agent_id, available) VALUES (?, ?)
             ON CONFLICT(agent_id) DO UPDATE SET available = excluded.available",
            vec![agent_id.into(), i64::from(available).into()],
        )?;
        Ok(())
    }

    /// The roster as the rules see it: online agents from the sockets, held chats from storage.
    pub(super) fn roster(&self) -> ApiResult<Roster> {
        let availability: Vec<AvailabilityRow> = self
            .sql()
            .exec("SELECT agent_id, available FROM availability", None)?
            .to_array()?;
        let mut seats: BTreeMap<String, AgentSeat> = BTreeMap::new();
        for (_, me) in self.agent_sockets() {
            let available = availability
                .iter()
                .find(|row| row.agent_id == me.agent.id)
                .is_none_or(|row| row.available != 0);
            seats.insert(
                me.agent.id.clone(),
                AgentSeat {
                    agent: me.agent,
                    groups: me.groups,
                    online: true,
                    available,
                    max_chats: me.max_chats,
                    holding: Default::default(),
                },
            );
        }
        let holdings: Vec<HoldingRow> = self
            .sql()
            .exec("SELECT agent_id, conversation_id FROM holdings", None)?
            .to_array()?;
        for holding in holdings {
            seats
                .entry(holding.agent_id.clone())
                .or_insert_with(|| AgentSeat {
                    agent: AgentRef {
                        id: holding.agent_id,
                        name: String::new(),
                    },
                    groups: Vec::new(),
                    online: false,
                    available: false,
                    max_chats: 0,
                    holding: Default::default(),
                })
                .holding
                .insert(holding.conversation_id);
        }
        let mut roster = Roster::default();
        seats.into_values().for_each(|seat| roster.upsert(seat));
        Ok(roster)
    }

    /// Active (waiting + live) and Monitor (recent bot conversations), newest first.
    pub(super) fn live_list(&self) -> ApiResult<Vec<ConversationSummary>> {
        let since = now() - MONITOR_IDLE_MS;
        let rows: Vec<SummaryRow> = self
            .sql()
            .exec(
                "SELECT summary FROM conversations
                 WHERE phase IN ('waiting', 'live') OR updated_at > ?
                 ORDER BY updated_at DESC LIMIT 500",
                vec![worker::SqlStorageValue::try_from_i64(since)?],
            )?
            .to_array()?;
        Ok(rows
            .iter()
            .filter_map(|row| serde_json::from_str(&row.summary).ok())
            .collect())
    }
}
