//! The conversation's sockets: who may open one (the visitor's token, an agent of the site),
//! how many, their tags, and frames sent to one side without being stored.

use baton_core::limits::{AGENT_SOCKETS_PER_CONVERSATION, VISITOR_SOCKETS_PER_CONVERSATION};
use baton_core::protocol::{Party, ServerFrame};
use baton_core::{Conversation, ErrorCode, Seq};
use worker::{Request, Response, WebSocket, WebSocketPair};

use super::{send, AgentHeader, ConversationRoom, Peer, AGENT_HEADER};
use crate::error::{ApiError, ApiResult};
use crate::util::{constant_time_eq, now, query_param, sha256_hex};

/// Socket tags telling the two sides apart (set when the socket is accepted).
pub(super) const VISITOR_TAG: &str = "visitor";
pub(super) const AGENT_TAG: &str = "agent";

impl ConversationRoom {
    /// A visitor who leaves mid-typing should not leave the agent's indicator on.
    pub(super) fn peer_gone(&self, ws: &WebSocket) {
        if let Ok(Some(Peer::Visitor)) = ws.deserialize_attachment::<Peer>() {
            let frame = ServerFrame::Typing {
                by: Party::Visitor,
                typing: false,
            };
            self.broadcast_ephemeral(&frame, Some(Party::Agent));
        }
    }

    pub(super) fn require_visitor(&self, req: &Request) -> ApiResult<()> {
        let presented = query_param(req, "token")?.unwrap_or_default();
        let stored = self
            .store()
            .get("token_hash")?
            .ok_or_else(|| ApiError::not_found("conversation"))?;
        if presented.is_empty() || !constant_time_eq(&sha256_hex(&presented), &stored) {
            return Err(ApiError::new(
                401,
                ErrorCode::Unauthorized,
                "wrong conversation token",
            ));
        }
        Ok(())
    }

    pub(super) fn require_agent(&self, req: &Request) -> ApiResult<AgentHeader> {
        let header = req
            .headers()
            .get(AGENT_HEADER)?
            .ok_or_else(ApiError::unauthorized)?;
        let identity: AgentHeader = serde_json::from_str(&header)?;
        let conversation = self.loaded()?;
        if conversation.site_id != identity.site_id {
            return Err(ApiError::not_found("conversation"));
        }
        Ok(identity)
    }

    pub(super) fn visitor_socket(&self, req: &Request) -> ApiResult<Response> {
        self.require_visitor(req)?;
        self.open_socket(req, Peer::Visitor, &[VISITOR_TAG.to_string()])
    }

    pub(super) fn agent_socket(&self, req: &Request) -> ApiResult<Response> {
        let identity = self.require_agent(req)?;
        let [agent_tag, session_tag] =
            crate::site_hub::access::socket_tags(&identity.agent.id, &identity.session);
        let tags = [agent_tag, session_tag, AGENT_TAG.to_string()];
        self.open_socket(
            req,
            Peer::Agent {
                agent: identity.agent,
                max_chats: identity.max_chats,
            },
            &tags,
        )
    }

    /// Accepts a hibernating socket, then sends the welcome and every event after the client's
    /// cursor. No `.await` between replay and accept: nothing can slip between them.
    pub(super) fn open_socket(
        &self,
        req: &Request,
        peer: Peer,
        tags: &[String],
    ) -> ApiResult<Response> {
        if req.headers().get("upgrade")?.as_deref() != Some("websocket") {
            return Err(ApiError::new(
                426,
                ErrorCode::BadRequest,
                "expected a WebSocket upgrade",
            ));
        }
        let after = after_param(req)?;
        let conversation = self.loaded()?;
        let visitor_only = matches!(peer, Peer::Visitor);
        let visitors = self.state.get_websockets_with_tag(VISITOR_TAG);
        if visitor_only && visitors.len() >= VISITOR_SOCKETS_PER_CONVERSATION {
            // Only the visitor holds the token, so the oldest socket is theirs too, most likely
            // one whose network went away unnoticed: it makes room instead of locking them out.
            self.close_oldest(&visitors);
        }
        let agents = self
            .state
            .get_websockets()
            .len()
            .saturating_sub(visitors.len());
        if !visitor_only && agents >= AGENT_SOCKETS_PER_CONVERSATION {
            return Err(ApiError::new(
                429,
                ErrorCode::RateLimited,
                format!("this conversation already has {agents} agent sockets open"),
            ));
        }
        let pair = WebSocketPair::new()?;
        let opened = format!("opened:{:016}", now());
        let tags: Vec<&str> = tags
            .iter()
            .map(String::as_str)
            .chain([opened.as_str()])
            .collect();
        self.state.accept_websocket_with_tags(&pair.server, &tags);
        pair.server.serialize_attachment(&peer)?;
        send(
            &pair.server,
            &ServerFrame::Welcome {
                conversation_id: conversation.id.clone(),
                phase: conversation.phase,
                agent: conversation.agent.clone(),
                last_seq: conversation.last_seq,
            },
        );
        for event in self.store().events_after(after, visitor_only)? {
            send(&pair.server, &ServerFrame::Event { event });
        }
        if let Some(place) = self
            .current_place(conversation.phase)
            .filter(|_| visitor_only)
        {
            send(&pair.server, &place);
        }
        Ok(Response::from_websocket(pair.client)?)
    }

    pub(super) fn close_oldest(&self, sockets: &[WebSocket]) {
        let opened_at = |ws: &WebSocket| {
            self.state
                .get_tags(ws)
                .into_iter()
                .find(|tag| tag.starts_with("opened:"))
                .unwrap_or_default()
        };
        if let Some(oldest) = sockets.iter().min_by_key(|ws| opened_at(ws)) {
            let _ = oldest.close(
                Some(baton_core::protocol::CLOSE_REPLACED),
                Some("replaced by a newer connection"),
            );
        }
    }

    /// Whether the chat's holder has it open on a socket here (found by tag, no attachment
    /// decoded): then their devices are not pushed the visitor's message.
    pub(super) fn holder_reach(&self, conversation: &Conversation) -> baton_core::HolderReach {
        let connected = conversation.agent.as_ref().is_some_and(|holder| {
            let [agent_tag, _] = crate::site_hub::access::socket_tags(&holder.id, "");
            !self.state.get_websockets_with_tag(&agent_tag).is_empty()
        });
        if connected {
            baton_core::HolderReach::Connected
        } else {
            baton_core::HolderReach::Unknown
        }
    }

    /// Sends a frame that is not stored (typing, read) to one side, or to everyone.
    pub(super) fn broadcast_ephemeral(&self, frame: &ServerFrame, to: Option<Party>) {
        self.send_to(&frame.to_json(), to);
    }

    /// Sends a frame to one side's sockets (found by tag: no attachment decoded per socket),
    /// or to every socket.
    pub(super) fn send_to(&self, json: &str, to: Option<Party>) {
        let sockets = match to {
            None => self.state.get_websockets(),
            Some(Party::Visitor) => self.state.get_websockets_with_tag(VISITOR_TAG),
            Some(Party::Agent) => self.state.get_websockets_with_tag(AGENT_TAG),
        };
        for ws in sockets {
            let _ = ws.send_with_str(json);
        }
    }
}

/// Sequence numbers are stored as SQLite integers and read by JavaScript clients as numbers:
/// nothing above 2^53 - 1 can be one.
const MAX_SEQ: Seq = (1 << 53) - 1;

pub(super) fn after_param(req: &Request) -> ApiResult<Seq> {
    match query_param(req, "after")? {
        None => Ok(0),
        Some(raw) => match raw.parse::<Seq>() {
            Ok(after) if after <= MAX_SEQ => Ok(after),
            _ => Err(ApiError::bad_request(
                "`after` must be a sequence number (0 to 2^53 - 1)",
            )),
        },
    }
}
