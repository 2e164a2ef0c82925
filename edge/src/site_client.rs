//! Calls into a site's [`crate::site_hub::SiteHub`] Durable Object, and the messages they carry.

use baton_core::site::ConversationChanged;
use baton_core::AgentRef;
use serde::{Deserialize, Serialize};
use worker::{Env, Method, Stub};

use crate::error::ApiResult;
use crate::util::call_json;

#[derive(Serialize, Deserialize)]
pub struct AvailabilityQuery {
    pub group: Option<String>,
}

#[derive(Serialize, Deserialize)]
pub struct AvailabilityAnswer {
    pub available: u32,
}

#[derive(Serialize, Deserialize)]
pub struct SeatRequest {
    pub agent: AgentRef,
    pub max_chats: u32,
    pub conversation_id: String,
}

#[derive(Serialize, Deserialize)]
pub struct SeatAnswer {
    pub ok: bool,
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Serialize, Deserialize)]
pub struct AssignRequest {
    pub group: Option<String>,
    pub conversation_id: String,
}

/// The least-loaded available agent, whose slot is already reserved for the chat.
#[derive(Serialize, Deserialize)]
pub struct Assigned {
    pub agent: Option<AgentRef>,
}

/// Whether an agent can be reached by Web Push on the site (`None`: not any more).
#[derive(Serialize, Deserialize)]
pub struct PushReach {
    pub agent_id: String,
    pub member: Option<baton_core::site::OnlineAgent>,
}

#[derive(Serialize, Deserialize)]
pub struct PushRecipients {
    pub agents: Vec<String>,
}

#[derive(Serialize, Deserialize)]
pub struct Ack {
    pub ok: bool,
}

pub struct SiteClient {
    stub: Stub,
}

impl SiteClient {
    pub fn new(env: &Env, site_id: &str) -> ApiResult<Self> {
        Ok(Self {
            stub: env.durable_object("SITE")?.get_by_name(site_id)?,
        })
    }

    pub async fn available(&self, group: Option<String>) -> ApiResult<u32> {
        let (_, answer): (u16, AvailabilityAnswer) = call_json(
            &self.stub,
            Method::Post,
            "/available",
            Some(&AvailabilityQuery { group }),
        )
        .await?;
        Ok(answer.available)
    }

    /// The conversation's live-list row (an outbox delivery: the site keeps the newest).
    pub async fn conversation_changed(&self, changed: &ConversationChanged) -> ApiResult<()> {
        let _: (u16, Ack) =
            call_json(&self.stub, Method::Post, "/conversation", Some(changed)).await?;
        Ok(())
    }

    /// Auto-assign: picks the least-loaded available agent and reserves their slot.
    pub async fn assign(&self, request: &AssignRequest) -> ApiResult<Option<AgentRef>> {
        let (_, answer): (u16, Assigned) =
            call_json(&self.stub, Method::Post, "/assign", Some(request)).await?;
        Ok(answer.agent)
    }

    /// Takes one of the agent's chat slots; `Err(message)` past their maximum.
    pub async fn reserve(&self, request: &SeatRequest) -> ApiResult<Result<(), String>> {
        let (_, answer): (u16, SeatAnswer) =
            call_json(&self.stub, Method::Post, "/reserve", Some(request)).await?;
        Ok(if answer.ok {
            Ok(())
        } else {
            Err(answer.message.unwrap_or_default())
        })
    }

    /// Records that an agent's session has a socket open to a conversation of the site.
    pub async fn watch(&self, watch: &crate::site_hub::access::Watch) -> ApiResult<()> {
        let _: (u16, Ack) = call_json(&self.stub, Method::Post, "/watch", Some(watch)).await?;
        Ok(())
    }

    /// Closes an agent's sockets on the site (site socket and every conversation socket).
    pub async fn revoke(&self, revoke: &crate::site_hub::access::Revoke) -> ApiResult<u32> {
        let (_, answer): (u16, crate::site_hub::access::Revoked) =
            call_json(&self.stub, Method::Post, "/revoke", Some(revoke)).await?;
        Ok(answer.closed)
    }

    /// Records whether the agent is reachable by push on the site, and as whom.
    pub async fn push_reach(
        &self,
        agent_id: &str,
        member: Option<baton_core::site::OnlineAgent>,
    ) -> ApiResult<()> {
        let reach = PushReach {
            agent_id: agent_id.to_string(),
            member,
        };
        let _: (u16, Ack) =
            call_json(&self.stub, Method::Post, "/push-reach", Some(&reach)).await?;
        Ok(())
    }

    /// The agents the site's rules choose for a push.
    pub async fn push_recipients(
        &self,
        audience: &baton_core::push::PushAudience,
    ) -> ApiResult<Vec<String>> {
        let (_, answer): (u16, PushRecipients) =
            call_json(&self.stub, Method::Post, "/push-recipients", Some(audience)).await?;
        Ok(answer.agents)
    }

    pub async fn release(&self, request: &SeatRequest) -> ApiResult<()> {
        let _: (u16, Ack) = call_json(&self.stub, Method::Post, "/release", Some(request)).await?;
        Ok(())
    }

    /// Drops an erased conversation from the site's lists and slots; rows removed.
    pub async fn erased(&self, conversation_id: &str) -> ApiResult<u32> {
        let erased = crate::site_hub::privacy::Erased {
            conversation_id: conversation_id.to_string(),
        };
        let (_, answer): (u16, crate::site_hub::privacy::ErasedAnswer) =
            call_json(&self.stub, Method::Post, "/erased", Some(&erased)).await?;
        Ok(answer.rows)
    }

    /// Conversations in the site's live rows with this visitor email.
    pub async fn find_by_email(&self, email: &str) -> ApiResult<Vec<String>> {
        let find = crate::site_hub::privacy::FindByEmail {
            email: email.to_string(),
        };
        let (_, found): (u16, crate::site_hub::privacy::Found) =
            call_json(&self.stub, Method::Post, "/find-by-email", Some(&find)).await?;
        Ok(found.ids)
    }

    /// Retention was switched on or changed: the site sweeps soon, then on its own alarm.
    pub async fn arm_retention(&self, site_id: &str) -> ApiResult<()> {
        let arm = crate::site_hub::privacy::ArmRetention {
            site_id: site_id.to_string(),
        };
        let _: (u16, Ack) = call_json(&self.stub, Method::Post, "/retention", Some(&arm)).await?;
        Ok(())
    }
}
