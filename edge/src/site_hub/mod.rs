//! One Durable Object per site: agent presence and availability, chat slots (max concurrent
//! chats), the live Active and Monitor lists, and the fan-out of "a chat is waiting".
//!
//! Presence is the set of open agent sockets (their attachments survive hibernation); the
//! rules over it are [`baton_core::roster`].

pub mod access;
mod store;

use baton_core::protocol::{parse_frame, ServerFrame, SiteCommand};
use baton_core::{AgentRef, ErrorCode, Phase};
use serde::{Deserialize, Serialize};
use worker::{
    durable_object, DurableObject, Env, Method, Request, Response, Result, SqlStorage, State,
    WebSocket, WebSocketIncomingMessage, WebSocketPair,
};

use crate::error::{ApiError, ApiResult};
use crate::site_client::{
    Ack, AssignRequest, Assigned, AvailabilityAnswer, AvailabilityQuery, ConversationChanged,
    SeatAnswer, SeatRequest,
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

/// Bot conversations idle longer than this leave the Monitor list.
const MONITOR_IDLE_MS: i64 = 30 * 60 * 1000;

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
            "CREATE TABLE IF NOT EXISTS holdings (agent_id TEXT NOT NULL, conversation_id TEXT NOT NULL,
             PRIMARY KEY (agent_id, conversation_id))",
            "CREATE TABLE IF NOT EXISTS availability (agent_id TEXT PRIMARY KEY, available INTEGER NOT NULL)",
        ] {
            if let Err(error) = sql.exec(statement, None) {
                worker::console_error!("site migrate failed: {error}");
            }
        }
        let hub = Self { state, env };
        if let Err(error) = hub.migrate_access() {
            worker::console_error!("site migrate failed: {error}");
        }
        hub
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        crate::error::respond(self.route(req).await)
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
                if let Err(error) = self.set_available(&me.agent.id, available) {
                    send(&ws, &ServerFrame::error(error.code, error.message));
                    return Ok(());
                }
                let frame = ServerFrame::Availability { available };
                for socket in self.sockets_of(&me.agent.id) {
                    send(&socket, &frame);
                }
            }
            Ok(SiteCommand::Ping) => send(&ws, &ServerFrame::Pong),
            Err(error) => send(&ws, &ServerFrame::error(error.code(), error.to_string())),
        }
        Ok(())
    }

    async fn websocket_close(
        &self,
        _ws: WebSocket,
        _code: usize,
        _reason: String,
        _clean: bool,
    ) -> Result<()> {
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
                let available = self.roster()?.available_for(query.group.as_deref()).len() as u32;
                json_response(&AvailabilityAnswer { available }, 200)
            }
            (Method::Post, "/conversation") => {
                let changed: ConversationChanged = json_body(&mut req).await?;
                self.conversation_changed(changed)?;
                json_response(&Ack { ok: true }, 200)
            }
            (Method::Post, "/reserve") => {
                let seat: SeatRequest = json_body(&mut req).await?;
                let mut roster = self.roster()?;
                let answer = match roster.reserve(
                    &seat.agent,
                    seat.max_chats,
                    &seat.conversation_id,
                ) {
                    Ok(()) => {
                        self.sql().exec(
                            "INSERT OR IGNORE INTO holdings (agent_id, conversation_id) VALUES (?, ?)",
                            vec![seat.agent.id.as_str().into(), seat.conversation_id.as_str().into()],
                        )?;
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
                let mut roster = self.roster()?;
                let chosen = roster
                    .least_loaded(request.group.as_deref())
                    .map(|seat| (seat.agent.clone(), seat.max_chats));
                let agent = match chosen {
                    Some((agent, max))
                        if roster
                            .reserve(&agent, max, &request.conversation_id)
                            .is_ok() =>
                    {
                        self.hold(&agent.id, &request.conversation_id)?;
                        Some(agent)
                    }
                    _ => None,
                };
                json_response(&Assigned { agent }, 200)
            }
            (Method::Post, "/release") => {
                let seat: SeatRequest = json_body(&mut req).await?;
                self.sql().exec(
                    "DELETE FROM holdings WHERE agent_id = ? AND conversation_id = ?",
                    vec![
                        seat.agent.id.as_str().into(),
                        seat.conversation_id.as_str().into(),
                    ],
                )?;
                json_response(&Ack { ok: true }, 200)
            }
            (Method::Get, "/conversations") => json_response(&self.live_list()?, 200),
            (Method::Post, "/watch") => {
                let watch: access::Watch = json_body(&mut req).await?;
                self.watch(&watch)?;
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

    fn sockets_of(&self, agent_id: &str) -> Vec<WebSocket> {
        self.agent_sockets()
            .into_iter()
            .filter(|(_, me)| me.agent.id == agent_id)
            .map(|(ws, _)| ws)
            .collect()
    }

    fn conversation_changed(&self, changed: ConversationChanged) -> ApiResult<()> {
        let summary = changed.summary;
        let phase = serde_json::to_value(summary.phase)?;
        let listed = matches!(
            summary.phase,
            Phase::Bot | Phase::Contact | Phase::Waiting | Phase::Live
        );
        if listed {
            self.sql().exec(
                "INSERT INTO conversations (id, phase, summary, updated_at) VALUES (?, ?, ?, ?)
                 ON CONFLICT(id) DO UPDATE SET phase = excluded.phase, summary = excluded.summary,
                 updated_at = excluded.updated_at",
                vec![
                    summary.id.as_str().into(),
                    phase.as_str().unwrap_or("bot").into(),
                    serde_json::to_string(&summary)?.into(),
                    worker::SqlStorageValue::try_from_i64(summary.updated_at)?,
                ],
            )?;
        } else {
            self.sql().exec(
                "DELETE FROM conversations WHERE id = ?",
                vec![summary.id.as_str().into()],
            )?;
        }
        let updated = ServerFrame::ConversationUpdated {
            conversation: summary.clone(),
        };
        let roster = if changed.notify {
            Some(self.roster()?)
        } else {
            None
        };
        for (ws, me) in self.agent_sockets() {
            send(&ws, &updated);
            let can_take = roster
                .as_ref()
                .and_then(|r| r.seat(&me.agent.id))
                .is_some_and(|seat| seat.can_take(summary.group.as_deref()));
            if can_take {
                send(
                    &ws,
                    &ServerFrame::ChatWaiting {
                        conversation: summary.clone(),
                    },
                );
            }
        }
        Ok(())
    }
}

fn send(ws: &WebSocket, frame: &ServerFrame) {
    let _ = ws.send_with_str(frame.to_json());
}
