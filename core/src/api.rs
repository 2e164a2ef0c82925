//! The agent HTTP API's bodies that are not conversation frames (those are [`crate::protocol`]):
//! the signed-in agent and its sites, tickets, a site's agents as admins manage them, and the
//! error body every failure carries. The edge builds its responses from these types and the
//! dashboard and the tests read them with the same types, so a shape is written once.
//!
//! The JSON is pinned by `tests/api_golden.rs`. Request types ([`NewAgent`], [`AgentUpdate`])
//! refuse unknown fields, as the edge always did; answers tolerate extra ones.

use serde::{Deserialize, Serialize};

use crate::conversation::TicketMessage;
use crate::error::ErrorCode;
use crate::event::AgentRef;

/// An agent's role on one site.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Agent,
}

impl Role {
    /// The name stored in D1 and sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Agent => "agent",
        }
    }

    /// A stored role; anything but `admin` is an agent (the safer reading).
    pub fn from_stored(value: &str) -> Self {
        if value == "admin" {
            Role::Admin
        } else {
            Role::Agent
        }
    }
}

/// The agent's place on one site (an entry of `sites` in `GET /api/v1/me`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Membership {
    pub site_id: String,
    pub site_name: String,
    pub role: Role,
    #[serde(default)]
    pub groups: Vec<String>,
    pub max_chats: u32,
}

/// `GET /api/v1/me`: the signed-in agent and every site it belongs to.
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

/// The answer to every way of signing in (`POST /api/v1/login`, sign-up, joining a team): the
/// session token (also set as an HttpOnly cookie) and the same body as [`Me`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SignedIn {
    pub token: String,
    #[serde(flatten)]
    pub me: Me,
}

/// A left message (`GET /api/v1/sites/{site}/tickets`), also the D1 row it is read from.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Ticket {
    pub id: String,
    pub site_id: String,
    pub conversation_id: String,
    pub name: String,
    pub email: String,
    pub message: String,
    pub transcript: String,
    /// `open` or `closed`.
    pub status: String,
    /// Epoch milliseconds, as D1 returns them (a JavaScript number).
    pub created_at: f64,
}

/// `GET /api/v1/sites/{site}/tickets/{id}`: a ticket and its email thread.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TicketThread {
    pub ticket: Ticket,
    pub messages: Vec<TicketMessage>,
}

/// An agent of a site, as admins see and manage them (`GET /api/v1/sites/{site}/agents`).
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

/// `POST /api/v1/sites/{site}/agents` (admins).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct NewAgent {
    pub email: String,
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub groups: Vec<String>,
    /// `None`: the site's default limit.
    #[serde(default)]
    pub max_chats: Option<u32>,
    /// Empty: the edge makes one up and answers with it, once.
    #[serde(default)]
    pub password: Option<String>,
    /// A new email gets an emailed one-time link to choose its own password instead.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub invite: bool,
}

/// The answer to [`NewAgent`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct AddedAgent {
    /// `None` for an invitation: nothing about the account is shown before it accepts.
    #[serde(default)]
    pub agent: Option<SiteAgent>,
    /// A new account's first password when the edge made it up; shown to the admin once.
    #[serde(default)]
    pub password: Option<String>,
    /// The email already had an account.
    #[serde(default)]
    pub existing: bool,
    /// Invited: the account joins when its owner accepts.
    #[serde(default)]
    pub invited: bool,
    /// A link invitation's id (what the pending list shows and revoke takes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation: Option<String>,
}

/// `PATCH /api/v1/sites/{site}/agents/{id}` (admins): what is absent stays as it is.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AgentUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_chats: Option<u32>,
}

/// Every error body of the API, whatever the status.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ErrorBody {
    pub error: ErrorCode,
    /// For people: shown as is by the dashboard.
    pub message: String,
}

/// `GET /api/v1/push/key`: the edge's VAPID public key (base64url), `null` when push is not
/// configured on this edge.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PushKey {
    pub public_key: Option<String>,
}

/// `POST /api/v1/sites/{site}/bot/try`: what the bot would answer to each of the
/// admin's test questions.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TrialAnswers {
    pub answers: Vec<crate::onboarding::TrialAnswer>,
}

/// `POST /api/v1/sites/{site}/conversations`: what the widget sends to start a conversation
/// (all optional; bounded by the edge).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct StartRequest {
    pub page: Option<String>,
    pub referrer: Option<String>,
    pub locale: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    /// hex HMAC-SHA256(site identity secret, email), from the host page's server.
    pub user_hash: Option<String>,
}

/// The answer to a started conversation: its id and the visitor's secret token.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Started {
    pub conversation_id: String,
    pub token: String,
}

/// `GET /api/v1/sites/{site}/widget-config`: what the widget needs before its first frame.
/// (The widget reads it with `JSON.parse`, by these names, to stay small.)
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct WidgetConfig {
    pub site_id: String,
    pub name: String,
    pub locale: String,
    pub live_chat: bool,
    pub max_message_bytes: usize,
}
