//! A site's agents as the rules see them: who is online and available, in which groups, and how
//! many chats each holds. The site Durable Object rebuilds it from its sockets and storage.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::event::AgentRef;

/// One agent's standing on a site.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct AgentSeat {
    pub agent: AgentRef,
    /// Empty: every group.
    #[serde(default)]
    pub groups: Vec<String>,
    pub online: bool,
    /// Reachable by Web Push on at least one device enabled for this site (dashboard closed or
    /// not): such an agent can be handed a chat like one with the dashboard open.
    #[serde(default)]
    pub push: bool,
    pub available: bool,
    pub max_chats: u32,
    /// Conversation ids this agent holds.
    #[serde(default)]
    pub holding: BTreeSet<String>,
}

impl AgentSeat {
    pub fn serves(&self, group: Option<&str>) -> bool {
        match group {
            None => true,
            Some(group) => self.groups.is_empty() || self.groups.iter().any(|g| g == group),
        }
    }

    /// Reachable (online, or by push), available, in the group, with a free slot.
    pub fn can_take(&self, group: Option<&str>) -> bool {
        (self.online || self.push) && self.available && self.serves(group) && self.has_free_slot()
    }

    pub fn has_free_slot(&self) -> bool {
        (self.holding.len() as u64) < u64::from(self.max_chats)
    }
}

/// Why a slot could not be reserved.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum SeatError {
    /// The agent already holds as many chats as allowed.
    #[error("you already have {max} chats, the most allowed")]
    TooManyChats { max: u32 },
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct Roster {
    seats: BTreeMap<String, AgentSeat>,
}

impl Roster {
    pub fn upsert(&mut self, seat: AgentSeat) {
        self.seats.insert(seat.agent.id.clone(), seat);
    }

    pub fn seat(&self, agent_id: &str) -> Option<&AgentSeat> {
        self.seats.get(agent_id)
    }

    pub fn seats(&self) -> impl Iterator<Item = &AgentSeat> {
        self.seats.values()
    }

    /// Agents who would be notified of a chat waiting for `group`.
    pub fn available_for(&self, group: Option<&str>) -> Vec<&AgentSeat> {
        self.seats.values().filter(|s| s.can_take(group)).collect()
    }

    /// Takes one of the agent's slots for `conversation_id` (idempotent for the same chat).
    pub fn reserve(
        &mut self,
        agent: &AgentRef,
        max_chats: u32,
        conversation_id: &str,
    ) -> Result<(), SeatError> {
        let seat = self
            .seats
            .entry(agent.id.clone())
            .or_insert_with(|| AgentSeat {
                agent: agent.clone(),
                groups: Vec::new(),
                online: false,
                push: false,
                available: false,
                max_chats,
                holding: BTreeSet::new(),
            });
        seat.max_chats = max_chats;
        if seat.holding.contains(conversation_id) {
            return Ok(());
        }
        if !seat.has_free_slot() {
            return Err(SeatError::TooManyChats { max: max_chats });
        }
        seat.holding.insert(conversation_id.to_string());
        Ok(())
    }

    pub fn release(&mut self, agent_id: &str, conversation_id: &str) {
        if let Some(seat) = self.seats.get_mut(agent_id) {
            seat.holding.remove(conversation_id);
        }
    }

    /// Auto-assign: the available agent of the group holding the fewest chats (ties: by id, so
    /// the choice is reproducible).
    pub fn least_loaded(&self, group: Option<&str>) -> Option<&AgentSeat> {
        self.available_for(group)
            .into_iter()
            .min_by_key(|s| (s.holding.len(), s.agent.id.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seat(id: &str, groups: &[&str], available: bool, max: u32, holding: &[&str]) -> AgentSeat {
        AgentSeat {
            agent: AgentRef {
                id: id.into(),
                name: id.to_uppercase(),
            },
            groups: groups.iter().map(|g| g.to_string()).collect(),
            online: true,
            push: false,
            available,
            max_chats: max,
            holding: holding.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn availability_respects_groups_slots_and_toggle() {
        let mut roster = Roster::default();
        roster.upsert(seat("a", &[], true, 2, &[]));
        roster.upsert(seat("b", &["sales"], true, 1, &["c1"]));
        roster.upsert(seat("c", &["sales"], false, 3, &[]));
        roster.upsert(seat("d", &["support"], true, 3, &[]));
        let ids = |g| -> Vec<String> {
            roster
                .available_for(g)
                .iter()
                .map(|s| s.agent.id.clone())
                .collect()
        };
        assert_eq!(ids(None), vec!["a", "d"]);
        assert_eq!(ids(Some("sales")), vec!["a"]);
        assert_eq!(ids(Some("support")), vec!["a", "d"]);
    }

    #[test]
    fn reserve_refuses_past_max_and_is_idempotent() {
        let mut roster = Roster::default();
        let agent = AgentRef {
            id: "a".into(),
            name: "A".into(),
        };
        assert_eq!(roster.reserve(&agent, 2, "c1"), Ok(()));
        assert_eq!(roster.reserve(&agent, 2, "c1"), Ok(()));
        assert_eq!(roster.reserve(&agent, 2, "c2"), Ok(()));
        assert_eq!(
            roster.reserve(&agent, 2, "c3"),
            Err(SeatError::TooManyChats { max: 2 })
        );
        roster.release("a", "c1");
        assert_eq!(roster.reserve(&agent, 2, "c3"), Ok(()));
    }

    #[test]
    fn least_loaded_picks_fewest_chats() {
        let mut roster = Roster::default();
        roster.upsert(seat("a", &[], true, 5, &["1", "2"]));
        roster.upsert(seat("b", &[], true, 5, &["3"]));
        roster.upsert(seat("c", &[], false, 5, &[]));
        assert_eq!(
            roster.least_loaded(None).map(|s| s.agent.id.as_str()),
            Some("b")
        );
    }
}
