//! The site object's own SQLite: agents' availability, the chats each holds, and the rows of
//! the live lists. [`SiteHub::site`] joins them with the open sockets for the core's rules.

use std::collections::BTreeMap;

use baton_core::site::{self, Holding, OnlineAgent, Site};
use baton_core::ConversationSummary;
use serde::Deserialize;

use super::SiteHub;
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
    reserved_at: i64,
    confirmed: i64,
}

#[derive(Deserialize)]
struct PushRow {
    member: String,
}

/// A list row revision is kept this long after its last change once the conversation left the
/// lists: retries of older rows come within minutes, never a day later.
const LIST_REV_KEEP_MS: i64 = 24 * 60 * 60 * 1000;

#[derive(Deserialize)]
struct RevRow {
    rev: i64,
}

#[derive(Deserialize)]
struct AvailabilityRow {
    agent_id: String,
    available: i64,
}

impl SiteHub {
    pub(super) fn hold(&self, agent_id: &str, conversation_id: &str) -> ApiResult<()> {
        self.sql().exec(
            "INSERT OR IGNORE INTO holdings (agent_id, conversation_id, reserved_at, confirmed)
             VALUES (?, ?, ?, 0)",
            vec![
                agent_id.into(),
                conversation_id.into(),
                worker::SqlStorageValue::try_from_i64(now())?,
            ],
        )?;
        Ok(())
    }

    /// The chat's newest list row names its holder: confirm theirs (made if missing), drop
    /// other confirmed holdings of the chat; reservations in progress stay.
    pub(super) fn set_holder(&self, conversation_id: &str, holder: Option<&str>) -> ApiResult<()> {
        self.sql().exec(
            "DELETE FROM holdings WHERE conversation_id = ? AND confirmed = 1 AND agent_id IS NOT ?",
            vec![conversation_id.into(), holder.into()],
        )?;
        if let Some(agent_id) = holder {
            self.sql().exec(
                "INSERT INTO holdings (agent_id, conversation_id, reserved_at, confirmed)
                 VALUES (?, ?, ?, 1)
                 ON CONFLICT(agent_id, conversation_id) DO UPDATE SET confirmed = 1",
                vec![
                    agent_id.into(),
                    conversation_id.into(),
                    worker::SqlStorageValue::try_from_i64(now())?,
                ],
            )?;
        }
        Ok(())
    }

    /// The agent's availability as the rules see it (stored toggle, or the default).
    pub(super) fn availability_of(&self, agent_id: &str) -> ApiResult<bool> {
        let rows: Vec<AvailabilityRow> = self
            .sql()
            .exec(
                "SELECT agent_id, available FROM availability WHERE agent_id = ?",
                vec![agent_id.into()],
            )?
            .to_array()?;
        Ok(site::initial_availability(
            rows.first().map(|row| row.available != 0),
        ))
    }

    pub(super) fn set_available(&self, agent_id: &str, available: bool) -> ApiResult<()> {
        self.sql().exec(
            "INSERT INTO availability (agent_id, available) VALUES (?, ?)
             ON CONFLICT(agent_id) DO UPDATE SET available = excluded.available",
            vec![agent_id.into(), i64::from(available).into()],
        )?;
        Ok(())
    }

    /// The revision of the conversation's list row the site has, if any.
    pub(super) fn list_rev(&self, conversation_id: &str) -> ApiResult<Option<u64>> {
        let rows: Vec<RevRow> = self
            .sql()
            .exec(
                "SELECT rev FROM list_revs WHERE id = ?",
                vec![conversation_id.into()],
            )?
            .to_array()?;
        Ok(rows.first().map(|row| row.rev.max(0) as u64))
    }

    /// Stores the row's revision.
    pub(super) fn save_list_rev(&self, conversation_id: &str, rev: u64) -> ApiResult<()> {
        self.sql().exec(
            "INSERT INTO list_revs (id, rev, at) VALUES (?, ?, ?)
             ON CONFLICT(id) DO UPDATE SET rev = excluded.rev, at = excluded.at",
            vec![
                conversation_id.into(),
                worker::SqlStorageValue::try_from_i64(rev as i64)?,
                worker::SqlStorageValue::try_from_i64(now())?,
            ],
        )?;
        Ok(())
    }

    /// Forgets the revisions of conversations off the lists for a day (a row that late is not
    /// coming).
    pub(super) fn forget_old_list_revs(&self) -> ApiResult<()> {
        self.sql().exec(
            "DELETE FROM list_revs WHERE at < ? AND id NOT IN (SELECT id FROM conversations)",
            vec![worker::SqlStorageValue::try_from_i64(
                now() - LIST_REV_KEEP_MS,
            )?],
        )?;
        Ok(())
    }

    /// The site as the rules see it: online agents from the sockets, availability and held
    /// chats from storage.
    pub(super) fn site(&self) -> ApiResult<Site> {
        let availability: BTreeMap<String, bool> = self
            .sql()
            .exec("SELECT agent_id, available FROM availability", None)?
            .to_array::<AvailabilityRow>()?
            .into_iter()
            .map(|row| (row.agent_id, row.available != 0))
            .collect();
        let online = self.agent_sockets().into_iter().map(|(_, me)| OnlineAgent {
            agent: me.agent,
            groups: me.groups,
            max_chats: me.max_chats,
        });
        let rows: Vec<HoldingRow> = self
            .sql()
            .exec(
                "SELECT agent_id, conversation_id, reserved_at, confirmed FROM holdings",
                None,
            )?
            .to_array()?;
        let at = now();
        let (holdings, expired): (Vec<Holding>, Vec<Holding>) = rows
            .into_iter()
            .map(|row| Holding {
                agent_id: row.agent_id,
                conversation_id: row.conversation_id,
                reserved_at: row.reserved_at,
                confirmed: row.confirmed != 0,
            })
            .partition(|holding| holding.counts(at));
        // Reservations of accepts that crashed (or whose release was lost) give the slot back.
        for holding in expired {
            self.sql().exec(
                "DELETE FROM holdings WHERE agent_id = ? AND conversation_id = ? AND confirmed = 0",
                vec![holding.agent_id.into(), holding.conversation_id.into()],
            )?;
        }
        let holdings = holdings
            .into_iter()
            .map(|holding| (holding.agent_id, holding.conversation_id));
        let push: Vec<PushRow> = self
            .sql()
            .exec("SELECT member FROM push_reach", None)?
            .to_array()?;
        let push = push
            .into_iter()
            .filter_map(|row| serde_json::from_str::<OnlineAgent>(&row.member).ok());
        Ok(Site::from_parts_with_push(
            online,
            push,
            &availability,
            holdings,
        ))
    }

    pub(super) fn set_push_reach(&self, reach: &crate::site_client::PushReach) -> ApiResult<()> {
        match &reach.member {
            Some(member) => self.sql().exec(
                "INSERT INTO push_reach (agent_id, member) VALUES (?, ?)
                 ON CONFLICT(agent_id) DO UPDATE SET member = excluded.member",
                vec![
                    reach.agent_id.as_str().into(),
                    serde_json::to_string(member)?.into(),
                ],
            )?,
            None => self.sql().exec(
                "DELETE FROM push_reach WHERE agent_id = ?",
                vec![reach.agent_id.as_str().into()],
            )?,
        };
        Ok(())
    }

    /// Active (waiting + live) and Monitor (recent bot conversations), newest first, as
    /// [`site::live_list`] decides. The query only skips rows that cannot qualify (quiet for
    /// longer than the Monitor window and not Active), so the table's old bot rows cost nothing.
    pub(super) fn live_list(&self) -> ApiResult<Vec<ConversationSummary>> {
        let now = now();
        let since = now - site::MONITOR_IDLE_MS;
        let rows: Vec<SummaryRow> = self
            .sql()
            .exec(
                "SELECT summary FROM conversations WHERE phase IN ('waiting', 'live') OR updated_at > ?",
                vec![worker::SqlStorageValue::try_from_i64(since)?],
            )?
            .to_array()?;
        let rows = rows
            .iter()
            .filter_map(|row| serde_json::from_str(&row.summary).ok())
            .collect();
        Ok(site::live_list(rows, now))
    }
}
