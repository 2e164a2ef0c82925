//! Shapes of the edge's agent API that are not conversation frames (those come from
//! `baton_core::protocol`): the signed-in agent, tickets, site agents, errors.

use baton_core::AgentRef;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Agent,
}

/// The agent's place on one site (`GET /api/v1/me`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Membership {
    pub site_id: String,
    pub site_name: String,
    pub role: Role,
    #[serde(default)]
    pub groups: Vec<String>,
    pub max_chats: u32,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Me {
    pub agent: AgentRef,
    pub email: String,
    pub sites: Vec<Membership>,
}

impl Me {
    pub fn site(&self, site_id: &str) -> Option<&Membership> {
        self.sites.iter().find(|m| m.site_id == site_id)
    }

    pub fn is_admin(&self, site_id: &str) -> bool {
        self.site(site_id).is_some_and(|m| m.role == Role::Admin)
    }
}

/// A left message.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Ticket {
    pub id: String,
    pub conversation_id: String,
    pub name: String,
    pub email: String,
    pub message: String,
    pub transcript: String,
    pub status: String,
    pub created_at: f64,
}

/// An agent of a site, as admins manage them.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SiteAgent {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub groups: Vec<String>,
    pub max_chats: u32,
}

/// `POST /api/v1/sites/{site}/agents`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct NewAgent {
    pub email: String,
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub max_chats: Option<u32>,
    /// Empty: the edge makes one up and answers with it, once.
    #[serde(default)]
    pub password: Option<String>,
    /// A new email gets an emailed one-time link to choose its own password instead.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub invite: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct AddedAgent {
    /// `None` when the account exists elsewhere and was invited instead.
    #[serde(default)]
    pub agent: Option<SiteAgent>,
    /// The new account's first password, when the edge generated it.
    #[serde(default)]
    pub password: Option<String>,
    /// The email already had an account: it only gained this site.
    #[serde(default)]
    pub existing: bool,
    /// Invited: the account joins when its owner accepts.
    #[serde(default)]
    pub invited: bool,
}

/// `PATCH /api/v1/sites/{site}/agents/{id}`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct AgentUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_chats: Option<u32>,
}

/// Every error body of the API.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ErrorBody {
    pub error: String,
    pub message: String,
}
