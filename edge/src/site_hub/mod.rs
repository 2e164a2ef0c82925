//! One Durable Object per site: agent presence and availability, chat slots (max concurrent
//! chats), the live Active and Monitor lists, and the fan-out of "a chat is waiting".
//!
//! A shell around [`baton_core::site::Site`]: build it from the open agent sockets (presence;
//! their attachments survive hibernation) and the stored rows, call one rule with the input,
//! and carry out the [`baton_core::site::SiteEffect`]s (`apply.rs`).

pub mod access;
mod apply;
pub mod privacy;
pub mod queue;
mod store;

use baton_core::protocol::{parse_frame, ServerFrame, SiteCommand};
use baton_core::{AgentRef, ErrorCode};
use serde::{Deserialize, Serialize};
use worker::{
    durable_object, DurableObject, Env, Method, Request, Response, Result, SqlStorage, State,
    WebSocket, WebSocketIncomingMessage, WebSocketPair,
};

use baton_core::site::ConversationChanged;

use crate::error::{ApiError, ApiResult};
use crate::site_client::{
    Ack, AssignRequest, Assigned, AvailabilityAnswer, AvailabilityQuery, SeatAnswer, SeatRequest,
};
use crate::util::{json_body, json_response};

/// A signed-in agent on the site socket; the worker authenticated them.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct SiteAgent {
    pub agent: AgentRef,
    pub groups: Vec<String>,
    pub max_chats: u32,
    /// The hash of the session that opened the socket (sign-out closes that session's sockets).
    #[serde(default)]
    pub session: String,
}

pub const SITE_AGENT_HEADER: &str = "x-baton-site-agent";

#[durable_object]
pub struct SiteHub {
    state: State,
    env: Env,
}

impl DurableObject for SiteHub {
    fn new(state: State, env: Env) -> Self {
        crate::util::answer_pings(&state);
        let sql = state.storage().sql();
        for statement in [
            "CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, phase TEXT NOT NULL,
             summary TEXT NOT NULL, updated_at INTEGER NOT NULL)",
            // A slot held for a chat: reserved by an accept in progress, confirmed by the
            // chat's list row (core::site::Holding).
            "CREATE TABLE IF NOT EXISTS holdings (agent_id TEXT NOT NULL, conversation_id TEXT NOT NULL,
             reserved_at INTEGER NOT NULL DEFAULT 0, confirmed INTEGER NOT NULL DEFAULT 1,
             PRIMARY KEY (agent_id, conversation_id))",
            "CREATE TABLE IF NOT EXISTS availability (agent_id TEXT PRIMARY KEY, available INTEGER NOT NULL)",
            // The newest revision of each conversation's list row (core::site::list_row_applies),
            // kept after the row leaves the lists so an older one arriving late is refused.
            "CREATE TABLE IF NOT EXISTS list_revs (id TEXT PRIMARY KEY, rev INTEGER NOT NULL, at INTEGER NOT NULL)",
            "CREATE INDEX IF NOT EXISTS list_revs_by_age ON list_revs (at)",
            // Agents reachable by Web Push here (JSON of core's OnlineAgent), kept by the
            // device routes.
            "CREATE TABLE IF NOT EXISTS push_reach (agent_id TEXT PRIMARY KEY, member TEXT NOT NULL)",
        ] {
            if let Err(error) = sql.exec(statement, None) {
                worker::console_error!("site migrate failed: {error}");
            }
        }
        // Sites from before reservations expired: their holdings are all confirmed. (Fails,
        // harmlessly, once the columns exist.)
        for statement in [
            "ALTER TABLE holdings ADD COLUMN reserved_at INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE holdings ADD COLUMN confirmed INTEGER NOT NULL DEFAULT 1",
        ] {
            let _ = sql.exec(statement, None);
        }
        let hub = Self { state, env };
        if let Err(error) = hub.migrate_access().and_then(|()| hub.migrate_queue()) {
            worker::console_error!("site migrate failed: {error}");
        }
        hub
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        crate::error::respond(self.route(req).await)
    }

    /// The retention sweep (site_hub/privacy.rs); a failed one is retried by the platform.
    async fn alarm(&self) -> Result<Response> {
        if let Err(error) = self.sweep().await {
            worker::console_error!("retention sweep failed: {}", error.message);
            return Err(worker::Error::RustError(error.message));
        }
        Response::ok("")
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> Result<()> {
        let WebSocketIncomingMessage::String(text) = message else {
            return Ok(());
        };
        let Ok(Some(me)) = ws.deserialize_attachment::<SiteAgent>() else {
            return Ok(());
        };
        match parse_frame::<SiteCommand>(&text, 4096) {
            Ok(SiteCommand::SetAvailability { available }) => {
                let applied = self.site().and_then(|mut site| {
                    self.apply(site.set_availability(&me.agent.id, available))
                });
                if let Err(error) = applied {
                    send(&ws, &ServerFrame::error(error.code, error.message));
                }
            }
            Ok(SiteCommand::Ping) => send(&ws, &ServerFrame::Pong),
            Err(error) => send(&ws, &ServerFrame::error(error.code(), error.to_string())),
        }
        Ok(())
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        _reason: String,
        _clean: bool,
    ) -> Result<()> {
        crate::util::answer_close(&ws, code);
        Ok(())
    }

    /// Implemented because the default panics, which would reset the instance.
    async fn websocket_error(&self, _ws: WebSocket, _error: worker::Error) -> Result<()> {
        Ok(())
    }
}

impl SiteHub {
    fn sql(&self) -> SqlStorage {
        self.state.storage().sql()
    }

    async fn route(&self, mut req: Request) -> ApiResult<Response> {
        match (req.method(), req.path().as_str()) {
            (Method::Get, "/ws") => self.open_socket(&req),
            (Method::Post, "/available") => {
                let query: AvailabilityQuery = json_body(&mut req).await?;
                let available = self.site()?.available_count(query.group.as_deref());
                json_response(&AvailabilityAnswer { available }, 200)
            }
            (Method::Post, "/conversation") => {
                let changed: ConversationChanged = json_body(&mut req).await?;
                let now = crate::util::now();
                let before = self.queue_before(&changed.summary, now)?;
                let stored = self.list_rev(&changed.summary.id)?;
                // Most rows are a busy chat's new message: they ring nobody, and need neither
                // the site's agents and holdings nor the queue (read per row, they made the
                // site a bottleneck at a few hundred live chats).
                let effects = if changed.notify {
                    self.site()?.conversation_changed(&changed, stored)
                } else {
                    baton_core::site::row_changed_over(&changed, stored, before.previous.as_ref())
                };
                if effects.is_empty() {
                    // A repeat, or older than the row the site has: nothing to change.
                    return json_response(&Ack { ok: true }, 200);
                }
                self.apply(effects)?;
                // The list is right already; a place that could not be sent is logged.
                if let Err(error) = self.queue_after(before, &changed.summary, now).await {
                    worker::console_error!("queue: {}", error.message);
                }
                json_response(&Ack { ok: true }, 200)
            }
            (Method::Post, "/reserve") => {
                let seat: SeatRequest = json_body(&mut req).await?;
                let reserved =
                    self.site()?
                        .reserve(&seat.agent, seat.max_chats, &seat.conversation_id);
                let answer = match reserved {
                    Ok(effects) => {
                        self.apply(effects)?;
                        SeatAnswer {
                            ok: true,
                            message: None,
                        }
                    }
                    Err(error) => SeatAnswer {
                        ok: false,
                        message: Some(error.to_string()),
                    },
                };
                json_response(&answer, 200)
            }
            (Method::Post, "/assign") => {
                let request: AssignRequest = json_body(&mut req).await?;
                let (agent, effects) = self
                    .site()?
                    .assign(request.group.as_deref(), &request.conversation_id);
                self.apply(effects)?;
                json_response(&Assigned { agent }, 200)
            }
            (Method::Post, "/release") => {
                let seat: SeatRequest = json_body(&mut req).await?;
                let effects = self.site()?.release(&seat.agent.id, &seat.conversation_id);
                self.apply(effects)?;
                json_response(&Ack { ok: true }, 200)
            }
            (Method::Get, "/conversations") => json_response(&self.live_list()?, 200),
            (Method::Post, "/push-reach") => {
                let reach: crate::site_client::PushReach = json_body(&mut req).await?;
                self.set_push_reach(&reach)?;
                json_response(&Ack { ok: true }, 200)
            }
            (Method::Post, "/push-recipients") => {
                let audience: baton_core::push::PushAudience = json_body(&mut req).await?;
                let agents = self.site()?.push_recipients(&audience);
                json_response(&crate::site_client::PushRecipients { agents }, 200)
            }
            (Method::Post, "/watch") => {
                let watch: access::Watch = json_body(&mut req).await?;
                self.watch(&watch)?;
                json_response(&Ack { ok: true }, 200)
            }
            (Method::Post, "/erased") => {
                let erased: privacy::Erased = json_body(&mut req).await?;
                let rows = self.erased(&erased)?;
                json_response(&privacy::ErasedAnswer { rows }, 200)
            }
            (Method::Post, "/find-by-email") => {
                let find: privacy::FindByEmail = json_body(&mut req).await?;
                json_response(&self.find_by_email(&find)?, 200)
            }
            (Method::Post, "/retention") => {
                let arm: privacy::ArmRetention = json_body(&mut req).await?;
                self.arm_retention(&arm).await?;
                json_response(&Ack { ok: true }, 200)
            }
            (Method::Post, "/revoke") => {
                let revoke: access::Revoke = json_body(&mut req).await?;
                let closed = self.revoke(&revoke).await?;
                json_response(&access::Revoked { closed }, 200)
            }
            _ => Err(ApiError::not_found("route")),
        }
    }

    fn open_socket(&self, req: &Request) -> ApiResult<Response> {
        if req.headers().get("upgrade")?.as_deref() != Some("websocket") {
            return Err(ApiError::new(
                426,
                ErrorCode::BadRequest,
                "expected a WebSocket upgrade",
            ));
        }
        let header = req
            .headers()
            .get(SITE_AGENT_HEADER)?
            .ok_or_else(ApiError::unauthorized)?;
        let me: SiteAgent = serde_json::from_str(&header)?;
        let pair = WebSocketPair::new()?;
        let tags = access::socket_tags(&me.agent.id, &me.session);
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        self.state.accept_websocket_with_tags(&pair.server, &tags);
        pair.server.serialize_attachment(&me)?;
        let available = self.availability_of(&me.agent.id)?;
        send(
            &pair.server,
            &ServerFrame::Snapshot {
                conversations: self.live_list()?,
                available,
            },
        );
        Ok(Response::from_websocket(pair.client)?)
    }

    fn agent_sockets(&self) -> Vec<(WebSocket, SiteAgent)> {
        self.state
            .get_websockets()
            .into_iter()
            .filter_map(|ws| {
                let me = ws.deserialize_attachment::<SiteAgent>().ok().flatten()?;
                Some((ws, me))
            })
            .collect()
    }
}

fn send(ws: &WebSocket, frame: &ServerFrame) {
    let _ = ws.send_with_str(frame.to_json());
}
