//! WebSocket clients for visitors and agents. Every frame received is kept, so tests can check
//! what arrived, in which order, and that nothing came twice.

use std::time::Duration;

use baton_core::protocol::{AgentCommand, ServerFrame, SiteCommand, VisitorCommand};
use baton_core::{Event, EventKind, Seq};
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::edge::{Edge, TestAgent, TestSite};

pub const WAIT: Duration = Duration::from_secs(10);

/// One open socket and everything it has received.
pub struct Conn {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
    pub frames: Vec<ServerFrame>,
    cursor: usize,
}

impl Conn {
    pub async fn open(url: &str, bearer: Option<&str>) -> Result<Self, String> {
        let mut request = url.into_client_request().map_err(|e| e.to_string())?;
        if let Some(token) = bearer {
            let value = format!("Bearer {token}")
                .parse()
                .map_err(|_| "bad token".to_string())?;
            request.headers_mut().insert("authorization", value);
        }
        let (stream, _) = tokio::time::timeout(WAIT, tokio_tungstenite::connect_async(request))
            .await
            .map_err(|_| format!("no answer to the WebSocket upgrade within {WAIT:?}"))?
            .map_err(|e| e.to_string())?;
        Ok(Self {
            stream,
            frames: Vec::new(),
            cursor: 0,
        })
    }

    pub async fn send_raw(&mut self, text: &str) {
        self.stream
            .send(Message::text(text.to_string()))
            .await
            .unwrap_or_else(|e| panic!("send failed: {e}"));
    }

    pub async fn send<T: Serialize>(&mut self, command: &T) {
        let text = serde_json::to_string(command).unwrap_or_default();
        self.send_raw(&text).await;
    }

    /// Receives one frame within `limit`; `None` on timeout or close.
    pub async fn recv(&mut self, limit: Duration) -> Option<ServerFrame> {
        loop {
            let message = tokio::time::timeout(limit, self.stream.next())
                .await
                .ok()??
                .ok()?;
            if let Message::Text(text) = message {
                let frame: ServerFrame = serde_json::from_str(text.as_str())
                    .unwrap_or_else(|e| panic!("server sent an unparseable frame {text}: {e}"));
                self.frames.push(frame.clone());
                return Some(frame);
            }
        }
    }

    /// Waits for the first frame, not yet looked at, that matches; panics after `WAIT`.
    pub async fn wait_for(
        &mut self,
        what: &str,
        matches: impl Fn(&ServerFrame) -> bool,
    ) -> ServerFrame {
        self.wait_for_within(what, WAIT, matches).await
    }

    /// [`Conn::wait_for`] with its own time limit.
    pub async fn wait_for_within(
        &mut self,
        what: &str,
        limit: Duration,
        matches: impl Fn(&ServerFrame) -> bool,
    ) -> ServerFrame {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            while self.cursor < self.frames.len() {
                let frame = &self.frames[self.cursor];
                self.cursor += 1;
                if matches(frame) {
                    return frame.clone();
                }
            }
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if self.recv(left).await.is_none() {
                panic!("timed out waiting for {what}; received: {:#?}", self.frames);
            }
        }
    }

    /// Waits for a stored event of the given kind and returns it.
    pub async fn wait_event(&mut self, what: &str, matches: impl Fn(&EventKind) -> bool) -> Event {
        self.wait_event_within(what, WAIT, matches).await
    }

    /// [`Conn::wait_event`] with its own time limit.
    pub async fn wait_event_within(
        &mut self,
        what: &str,
        limit: Duration,
        matches: impl Fn(&EventKind) -> bool,
    ) -> Event {
        match self
            .wait_for_within(
                what,
                limit,
                |f| matches!(f, ServerFrame::Event { event } if matches(&event.kind)),
            )
            .await
        {
            ServerFrame::Event { event } => event,
            _ => unreachable!("filtered above"),
        }
    }

    /// Drains frames that are already on their way, for at most `limit`.
    pub async fn drain(&mut self, limit: Duration) {
        while self.recv(limit).await.is_some() {}
    }

    pub fn events(&self) -> Vec<Event> {
        self.frames
            .iter()
            .filter_map(|f| match f {
                ServerFrame::Event { event } => Some(event.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn last_seq(&self) -> Seq {
        self.events().iter().map(|e| e.seq).max().unwrap_or(0)
    }

    /// The raw stream, for benchmarks that read and write from separate tasks.
    pub fn into_stream(self) -> WebSocketStream<MaybeTlsStream<TcpStream>> {
        self.stream
    }

    /// Reads until the server closes the socket; its close code and reason, or an error if it
    /// stays open past `limit`. Frames received meanwhile are kept.
    pub async fn wait_closed(&mut self, limit: Duration) -> Result<(u16, String), String> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.stream.next()).await {
                Err(_) => return Err(format!("still open after {limit:?}")),
                Ok(None) => return Ok((1006, String::new())),
                Ok(Some(Err(_))) => return Ok((1006, String::new())),
                Ok(Some(Ok(Message::Close(frame)))) => {
                    return Ok(frame
                        .map(|f| (u16::from(f.code), f.reason.to_string()))
                        .unwrap_or((1005, String::new())))
                }
                Ok(Some(Ok(Message::Text(text)))) => {
                    if let Ok(frame) = serde_json::from_str::<ServerFrame>(text.as_str()) {
                        self.frames.push(frame);
                    }
                }
                Ok(Some(Ok(_))) => {}
            }
        }
    }

    pub async fn close(mut self) {
        let _ = self.stream.close(None).await;
    }

    /// Closes, then waits for the server's answer to the close: by then the server has let
    /// the socket go.
    pub async fn close_and_wait(mut self) {
        let _ = self.stream.close(None).await;
        let _ = self.wait_closed(Duration::from_secs(10)).await;
    }
}

pub use baton_core::api::Started;

/// A visitor of a site: one conversation, reconnectable.
pub struct VisitorSocket {
    pub conn: Conn,
    pub conversation_id: String,
    pub token: String,
}

impl VisitorSocket {
    /// Starts a conversation as the widget does, and connects to it.
    pub async fn start(edge: &Edge, site: &TestSite) -> Self {
        let started = start_conversation(
            edge,
            &site.id,
            serde_json::json!({ "page": "https://shop.example/pricing" }),
        )
        .await;
        Self::connect(edge, &started.conversation_id, &started.token, 0).await
    }

    /// A known visitor (name and email given by the host page) who asked for a person and is
    /// now waiting: the usual start of an agent-side test.
    pub async fn waiting(edge: &Edge, site: &TestSite) -> Self {
        let known = serde_json::json!({ "name": "Vera", "email": "vera@example.com" });
        let started = start_conversation(edge, &site.id, known).await;
        let mut visitor = Self::connect(edge, &started.conversation_id, &started.token, 0).await;
        visitor.send(VisitorCommand::RequestHuman).await;
        visitor
            .conn
            .wait_event("waiting", |k| matches!(k, EventKind::Waiting { .. }))
            .await;
        visitor
    }

    pub async fn connect(edge: &Edge, conversation_id: &str, token: &str, after: Seq) -> Self {
        let url = format!(
            "{}/api/v1/conversations/{conversation_id}/ws?token={token}&after={after}",
            edge.ws_base()
        );
        let conn = Conn::open(&url, None)
            .await
            .unwrap_or_else(|e| panic!("visitor socket: {e}"));
        Self {
            conn,
            conversation_id: conversation_id.to_string(),
            token: token.to_string(),
        }
    }

    pub async fn send(&mut self, command: VisitorCommand) {
        self.conn.send(&command).await;
    }

    pub async fn say(&mut self, text: &str) {
        self.send(VisitorCommand::Message {
            text: text.into(),
            client_id: None,
        })
        .await;
    }
}

/// A client address of its own for each simulated visitor, as real visitors have: the edge
/// limits new conversations per address (`core::limits`). `wrangler dev` keeps a
/// `CF-Connecting-IP` the client sent; Cloudflare's network replaces it with the real one.
pub fn visitor_address() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let pid = std::process::id() & 0xff;
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("10.{pid}.{}.{}", (n >> 8) & 0xff, n & 0xff)
}

pub async fn start_conversation(edge: &Edge, site_id: &str, body: serde_json::Value) -> Started {
    let response = edge
        .http
        .post(format!(
            "{}/api/v1/sites/{site_id}/conversations",
            edge.base
        ))
        .header("cf-connecting-ip", visitor_address())
        .json(&body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("start conversation: {e:?}"));
    assert_eq!(response.status(), 201, "start: {:?}", response.text().await);
    response
        .json()
        .await
        .unwrap_or_else(|e| panic!("start body: {e}"))
}

/// An agent's socket on one conversation.
pub struct AgentSocket {
    pub conn: Conn,
    pub agent: TestAgent,
}

impl AgentSocket {
    pub async fn connect(
        edge: &Edge,
        site: &TestSite,
        agent: &TestAgent,
        conversation_id: &str,
        after: Seq,
    ) -> Self {
        let url = format!(
            "{}/api/v1/sites/{}/conversations/{conversation_id}/ws?after={after}",
            edge.ws_base(),
            site.id
        );
        let conn = Conn::open(&url, Some(&agent.token))
            .await
            .unwrap_or_else(|e| panic!("agent socket: {e}"));
        Self {
            conn,
            agent: agent.clone(),
        }
    }

    /// The answer to this socket's claim: `claimed` or `already_claimed`.
    pub async fn claim_outcome(&mut self) -> ServerFrame {
        self.conn
            .wait_for("claim outcome", |f| {
                matches!(
                    f,
                    ServerFrame::Claimed { .. } | ServerFrame::AlreadyClaimed { .. }
                )
            })
            .await
    }

    pub async fn send(&mut self, command: AgentCommand) {
        self.conn.send(&command).await;
    }
}

/// An agent's site socket: presence, lists, "a chat is waiting".
pub struct SiteSocket {
    pub conn: Conn,
}

impl SiteSocket {
    pub async fn connect(edge: &Edge, site: &TestSite, agent: &TestAgent) -> Self {
        let url = format!("{}/api/v1/sites/{}/ws", edge.ws_base(), site.id);
        let mut conn = Conn::open(&url, Some(&agent.token))
            .await
            .unwrap_or_else(|e| panic!("site socket: {e}"));
        conn.wait_for("snapshot", |f| matches!(f, ServerFrame::Snapshot { .. }))
            .await;
        Self { conn }
    }

    pub async fn set_available(&mut self, available: bool) {
        self.conn
            .send(&SiteCommand::SetAvailability { available })
            .await;
        self.conn
            .wait_for(
                "availability echo",
                |f| matches!(f, ServerFrame::Availability { available: a } if *a == available),
            )
            .await;
    }
}
