//! One Durable Object per conversation: a thin shell around [`baton_core::Conversation`].
//!
//! Load state, apply the core transition synchronously, persist, broadcast, then carry out the
//! slower effects (site notifications, D1) and re-arm the single alarm at the next ladder step.
//! No borrow of the cached state is held across an `.await`.

pub mod attachments;
mod claim;
mod commands;
mod effects;
pub mod erase;
mod llm;
mod operator;
mod outbox;
mod outbox_store;
mod platform;
mod queue;
mod sockets;
mod store;
mod tickets;
mod transcript;

use std::cell::{Cell, RefCell};

use baton_core::protocol::{Party, ServerFrame};
use baton_core::{
    AgentRef, Conversation, ConversationError, Effect, ErrorCode, SiteSettings, VisitorProfile,
};
use serde::{Deserialize, Serialize};
use worker::{
    durable_object, DurableObject, Env, Method, Request, Response, Result, State, WebSocket,
    WebSocketIncomingMessage,
};

use crate::error::{ApiError, ApiResult};
use crate::util::{json_response, now, query_param};
use sockets::{after_param, AGENT_TAG};
use store::Store;

/// Who is on the other end of a socket; kept as the socket's attachment so it survives
/// hibernation.
#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Peer {
    Visitor,
    Agent { agent: AgentRef, max_chats: u32 },
}

/// Sent by the worker to create the conversation.
#[derive(Serialize, Deserialize)]
pub struct InitRequest {
    pub id: String,
    pub site_id: String,
    pub settings: SiteSettings,
    pub visitor: VisitorProfile,
    pub token_hash: String,
}

/// An agent identity the worker has already authenticated, passed in a header.
#[derive(Serialize, Deserialize)]
pub struct AgentHeader {
    pub agent: AgentRef,
    pub max_chats: u32,
    pub site_id: String,
    /// The hash of the agent's session, to close its sockets when it signs out.
    #[serde(default)]
    pub session: String,
}

pub const AGENT_HEADER: &str = "x-baton-agent";

#[durable_object]
pub struct ConversationRoom {
    state: State,
    env: Env,
    cache: RefCell<Option<Conversation>>,
    /// The sequence the stored state row had reached (loading replays the events after it).
    row_seq: Cell<baton_core::Seq>,
    /// The alarm as last written (`None`: not known since the object started).
    armed: Cell<Option<Option<baton_core::Millis>>>,
    /// Outbox entries the last commits leased for their first attempt, right after the commit.
    ready: RefCell<Vec<baton_core::outbox::Pending>>,
    /// Typing frames of the visitor \[0\] and the agents \[1\], for the flood limit.
    typing_gates: RefCell<[baton_core::limits::TypingGate; 2]>,
    /// One claim at a time (accept, take control, join). A claim holds it while it reserves
    /// the agent's slot at the site; the claims queued behind a winner then find the chat
    /// taken and are told at once, from memory, instead of each reserving a slot at the site
    /// and giving it back before hearing "taken by".
    claim_turn: futures_util::lock::Mutex<()>,
    /// Socket claims waiting for their turn (told at once when another claim wins).
    claims: claim::ClaimQueue,
}

impl DurableObject for ConversationRoom {
    fn new(state: State, env: Env) -> Self {
        crate::util::answer_pings(&state);
        let migrated = Store::new(state.storage().sql())
            .migrate()
            .and_then(|()| outbox_store::OutboxStore::new(state.storage().sql()).migrate());
        if let Err(error) = migrated {
            worker::console_error!("conversation migrate failed: {error}");
        }
        Self {
            state,
            env,
            cache: RefCell::new(None),
            row_seq: Cell::new(0),
            armed: Cell::new(None),
            ready: RefCell::new(Vec::new()),
            typing_gates: RefCell::new(Default::default()),
            claim_turn: futures_util::lock::Mutex::new(()),
            claims: claim::ClaimQueue::default(),
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        crate::error::respond(self.route(req).await)
    }

    async fn alarm(&self) -> Result<Response> {
        // The alarm that woke us is spent; whatever is pending gets armed again.
        self.armed.set(Some(None));
        // A wake-up for the outbox alone does not rewrite the state.
        let timers_due = self
            .with_loaded(|c| c.timers.next_deadline())
            .ok()
            .flatten();
        if timers_due.is_some_and(|due| due <= now()) {
            let effects = self
                .transact(|conversation, now| Ok(conversation.on_alarm(now)))
                .await;
            match effects {
                Ok(effects) => self.after(effects).await,
                Err(error) => worker::console_error!("alarm failed: {:?}", error),
            }
        }
        self.flush_outbox().await;
        Response::ok("")
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> Result<()> {
        let WebSocketIncomingMessage::String(text) = message else {
            send(
                &ws,
                &ServerFrame::error(ErrorCode::BadJson, "send JSON text frames"),
            );
            return Ok(());
        };
        match ws.deserialize_attachment::<Peer>() {
            Ok(Some(Peer::Visitor)) => self.visitor_frame(&ws, &text).await,
            Ok(Some(Peer::Agent { agent, max_chats })) => {
                self.agent_frame(&ws, &agent, max_chats, &text).await
            }
            _ => {
                let _ = ws.close(Some(1008), Some("unknown peer"));
            }
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
        self.peer_gone(&ws);
        crate::util::answer_close(&ws, code);
        Ok(())
    }

    /// Every handler the runtime may call is implemented: the default one panics, and a panic
    /// resets the whole instance (requests in flight never get an answer).
    async fn websocket_error(&self, ws: WebSocket, _error: worker::Error) -> Result<()> {
        self.peer_gone(&ws);
        Ok(())
    }
}

impl ConversationRoom {
    fn store(&self) -> Store {
        Store::new(self.state.storage().sql())
    }

    async fn route(&self, req: Request) -> ApiResult<Response> {
        let path = req.path();
        match (req.method(), path.as_str()) {
            (Method::Post, "/init") => self.init(req).await,
            (Method::Get, "/visitor/ws") => self.visitor_socket(&req),
            (Method::Get, "/visitor/events") => {
                self.require_visitor(&req)?;
                let after = after_param(&req)?;
                json_response(&self.store().events_after(after, true)?, 200)
            }
            (Method::Get, "/agent/ws") => self.agent_socket(&req),
            (Method::Post, "/visitor/attachments") => {
                self.require_visitor(&req)?;
                self.upload(req, attachments::Sender::Visitor).await
            }
            (Method::Get, "/visitor/attachment") => {
                self.require_visitor(&req)?;
                self.download(&req, true).await
            }
            (Method::Post, "/agent/attachments") => {
                let identity = self.require_agent(&req)?;
                let internal = query_param(&req, "internal")?.is_some_and(|v| v == "true");
                let sender = attachments::Sender::Agent {
                    agent: identity.agent,
                    internal,
                };
                self.upload(req, sender).await
            }
            (Method::Get, "/agent/attachment") => {
                self.require_agent(&req)?;
                self.download(&req, false).await
            }
            (Method::Post, "/queue") => {
                self.queue_place(req).await?;
                json_response(&crate::site_client::Ack { ok: true }, 200)
            }
            (Method::Post, "/agent/revoke") => {
                let mut req = req;
                let revoke: crate::site_hub::access::Revoke =
                    crate::util::json_body(&mut req).await?;
                let tag = crate::site_hub::access::revoke_tag(&revoke);
                let mut closed = 0;
                for ws in self.state.get_websockets_with_tag(&tag) {
                    let code = baton_core::protocol::CLOSE_ACCESS_REVOKED;
                    let _ = ws.close(Some(code), Some(&revoke.reason));
                    closed += 1;
                }
                json_response(&crate::site_hub::access::Revoked { closed }, 200)
            }
            (Method::Post, "/agent/accept") => {
                // Accept from a push notification (the service worker has no socket).
                let identity = self.require_agent(&req)?;
                let (frame, effects) = self
                    .claim_outcome(
                        &identity.agent,
                        identity.max_chats,
                        baton_core::AgentAction::Accept,
                        None,
                    )
                    .await;
                if let Some(effects) = effects {
                    self.after(effects).await;
                }
                let status = match &frame {
                    baton_core::protocol::ServerFrame::Claimed { .. } => 200,
                    baton_core::protocol::ServerFrame::AlreadyClaimed { .. } => 409,
                    _ => 422,
                };
                json_response(&frame, status)
            }
            (Method::Post, "/agent/ticket-answer") => self.ticket_answer(req).await,
            (Method::Post, "/erase") => self.erase_route(&req).await,
            (Method::Get, "/export") => self.export_route(&req),
            (Method::Post, "/operator/init") => self.operator_init(req).await,
            (Method::Post, "/operator/message") => self.operator_message(req).await,
            (Method::Post, "/operator/close") => self.operator_close(req).await,
            (Method::Get, "/agent/state") => {
                self.require_agent(&req)?;
                let conversation = self.loaded()?;
                let summary = conversation.summary();
                let events = self.store().events_after(0, false)?;
                // Agents only (this route): the visitor's socket never carries it.
                let handoff = baton_core::toolbox::handoff_summary(
                    &events,
                    &conversation.visitor,
                    &conversation.settings.knowledge_base,
                    conversation.settings.straight_to_live,
                    now(),
                );
                json_response(
                    &serde_json::json!({ "summary": summary, "events": events, "handoff": handoff }),
                    200,
                )
            }
            _ => Err(ApiError::not_found("route")),
        }
    }

    async fn init(&self, mut req: Request) -> ApiResult<Response> {
        let init: InitRequest = crate::util::json_body(&mut req).await?;
        if self.store().load()?.is_some() || self.erased()? {
            return Err(ApiError::new(
                409,
                ErrorCode::NotAllowed,
                "conversation exists",
            ));
        }
        let (conversation, effects) =
            Conversation::start(init.id, init.site_id, init.settings, init.visitor, now());
        self.store().put("token_hash", &init.token_hash)?;
        self.store().init(&conversation)?;
        // A new bot conversation appears under Monitor (the start's list row).
        self.commit(conversation, &effects).await?;
        self.after(effects).await;
        json_response(&serde_json::json!({ "ok": true }), 201)
    }

    /// The cached conversation, loaded from storage on first use.
    fn loaded(&self) -> ApiResult<Conversation> {
        self.with_loaded(Conversation::clone)
    }

    /// Reads the cached conversation (loaded from storage on first use) without copying it:
    /// for the questions asked with every message (is the LLM on, is the chat linked).
    fn with_loaded<T>(&self, read: impl FnOnce(&Conversation) -> T) -> ApiResult<T> {
        if let Some(conversation) = self.cache.borrow().as_ref() {
            return Ok(read(conversation));
        }
        let (mut conversation, row_seq) = self
            .store()
            .load()?
            .ok_or_else(|| ApiError::not_found("conversation"))?;
        self.row_seq.set(row_seq);
        let pending = outbox_store::OutboxStore::new(self.state.storage().sql()).pending()?;
        conversation.outbox = baton_core::Outbox::from_pending(pending);
        let answer = read(&conversation);
        *self.cache.borrow_mut() = Some(conversation);
        Ok(answer)
    }

    /// Applies one core transition to a copy; only a success is persisted and broadcast, so a
    /// refused input changes nothing stored.
    async fn transact(
        &self,
        apply: impl FnOnce(
            &mut Conversation,
            baton_core::Millis,
        ) -> std::result::Result<Vec<Effect>, ConversationError>,
    ) -> std::result::Result<Vec<Effect>, Refusal> {
        let mut conversation = self.loaded()?;
        let effects = apply(&mut conversation, now()).map_err(Refusal::Rule)?;
        self.commit(conversation, &effects).await?;
        Ok(effects)
    }

    /// Persists the new state with its events and outbox rows, arms the alarm for its next
    /// ladder step or retry, and only then sends the events: whoever sees "waiting" can rely on
    /// the ladder surviving a crash, and whoever sees "message sent" on the ticket. Everything
    /// before the first `.await` commits atomically; awaiting the alarm write keeps the input
    /// gate closed, so nothing interleaves.
    async fn commit(&self, mut conversation: Conversation, effects: &[Effect]) -> ApiResult<()> {
        let events: Vec<_> = effects
            .iter()
            .filter_map(|effect| match effect {
                Effect::Emit(event) => Some(event),
                _ => None,
            })
            .collect();
        // The settings snapshot is stored once (Store::init); the state row only when the
        // events alone do not restore the state (most live messages), see Store::load.
        let before = self.cache.borrow_mut().take();
        let write_row = before.is_none_or(|before| {
            before.needs_checkpoint(&events, &conversation, self.row_seq.get())
        });
        let bodies = self.store().save(&conversation, &events, write_row)?;
        if write_row {
            self.row_seq.set(conversation.last_seq);
        }
        self.write_deliveries(&conversation, effects)?;
        // New entries are leased for the attempt `after` makes at once: the alarm is armed at
        // the lease's end (a retry only if this object dies first), not at "now".
        if effects.iter().any(|e| matches!(e, Effect::Deliver(_))) {
            let leased = conversation.outbox.begin(now());
            self.ready.borrow_mut().extend(leased);
        }
        let deadline = conversation.next_deadline();
        *self.cache.borrow_mut() = Some(conversation);
        self.arm(deadline).await?;
        for (event, body) in events.iter().zip(bodies) {
            // The stored body is the frame's payload: serialised once (the golden frame
            // shape is `{"type":"event","event":{…}}`).
            let frame = format!(r#"{{"type":"event","event":{body}}}"#);
            let to = (!event.kind.visible_to_visitor()).then_some(Party::Agent);
            self.send_to(&frame, to);
        }
        Ok(())
    }

    /// One alarm for the whole ladder, at the earliest pending step; written only on change.
    async fn arm(&self, deadline: Option<baton_core::Millis>) -> ApiResult<()> {
        if self.armed.get() == Some(deadline) {
            return Ok(());
        }
        let storage = self.state.storage();
        match deadline {
            // The platform takes an offset from now; the core speaks absolute times.
            Some(due) => storage.set_alarm((due - now()).max(0)).await?,
            None => storage.delete_alarm().await?,
        }
        self.armed.set(Some(deadline));
        Ok(())
    }
}

/// Why a transition did not happen: a rule refused it, or the platform failed.
#[derive(Debug)]
pub enum Refusal {
    Rule(ConversationError),
    Platform(ApiError),
}

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Self {
        Self::Platform(error)
    }
}

impl Refusal {
    pub fn frame(self) -> ServerFrame {
        match self {
            Self::Rule(error) => ServerFrame::error(error.code(), error.to_string()),
            Self::Platform(error) => ServerFrame::error(error.code, error.message),
        }
    }
}

pub(crate) fn send(ws: &WebSocket, frame: &ServerFrame) {
    let _ = ws.send_with_str(frame.to_json());
}
