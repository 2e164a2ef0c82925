//! Web Push from the edge: the VAPID identity (RFC 8292), payload encryption and the request to
//! the push service (RFC 8030/8291, `send.rs`), the agents' devices in D1 (`store.rs`), and the
//! delivery of a conversation's push entries (`deliver.rs`). Who is pushed is decided by
//! `baton_core::site` in the site's object; what is pushed by `baton_core::push`.

pub mod deliver;
pub mod send;
pub mod store;
pub mod vapid;

use baton_core::site::OnlineAgent;
use worker::{D1Database, Env};

use crate::db;
use crate::error::ApiResult;
use crate::site_client::SiteClient;
use crate::util::now;

/// Whether subscriptions may point at `http://127.0.0.1:PORT` (local runs and the tests'
/// stand-in push service): the `PUSH_ALLOW_LOOPBACK` var, set by scripts/edge-dev.sh only.
pub fn allow_loopback(env: &Env) -> bool {
    env.var("PUSH_ALLOW_LOOPBACK")
        .map(|v| v.to_string() == "true")
        .unwrap_or(false)
}

/// Tells each site's object whether the agent can be reached by push there now (an enabled
/// device of a live session), with the membership's groups and chat limit.
pub async fn refresh_reach(
    env: &Env,
    database: &D1Database,
    agent_id: &str,
    sites: &[String],
) -> ApiResult<()> {
    let Some(agent) = db::agent_by_id(database, agent_id).await? else {
        return Ok(());
    };
    let memberships = db::memberships(database, agent_id).await?;
    let reachable = store::reachable_sites(database, agent_id, now()).await?;
    for site_id in sites {
        let member = memberships
            .iter()
            .find(|m| &m.site_id == site_id)
            .filter(|m| reachable.contains(&m.site_id))
            .map(|m| OnlineAgent {
                agent: baton_core::AgentRef {
                    id: agent.id.clone(),
                    name: agent.name.clone(),
                },
                groups: m.groups.clone(),
                max_chats: m.max_chats,
            });
        SiteClient::new(env, site_id)?
            .push_reach(agent_id, member)
            .await?;
    }
    Ok(())
}
