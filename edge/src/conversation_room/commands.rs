//! Frames from visitors and agents, mapped onto the core's rules.

use std::cell::OnceCell;

use baton_core::bot::llm::Fetched;
use baton_core::bot::{Bot, BotReply, FaqBot};
use baton_core::protocol::{parse_frame, AgentCommand, Party, ServerFrame, VisitorCommand};
use baton_core::FaqEntry;
use baton_core::{AgentAction, AgentRef, ConversationError};
use worker::WebSocket;

use super::{send, ConversationRoom, Refusal};
use crate::error::ApiError;
use crate::util::random_hex;

/// Room for the JSON around a message of the largest allowed size.
const FRAME_OVERHEAD: usize = 1024;

impl ConversationRoom {
    fn frame_limit(&self) -> usize {
        let cached = self
            .cache
            .borrow()
            .as_ref()
            .map(|c| c.settings.max_message_bytes);
        cached.unwrap_or(4096) + FRAME_OVERHEAD
    }

    /// Whether a typing frame is relayed. A repeat of the same state is dropped without a word
    /// (it said nothing new); a flood is answered with an error.
    fn typing_admitted(&self, ws: &WebSocket, by: Party, typing: bool) -> bool {
        use baton_core::limits::{TypingVerdict, TYPING_PER_SECOND};
        let side = usize::from(by == Party::Agent);
        let verdict = self.typing_gates.borrow_mut()[side].admit(typing, crate::util::now());
        match verdict {
            TypingVerdict::Relay => true,
            TypingVerdict::Repeat => false,
            TypingVerdict::Flood => {
                let error = ConversationError::TypingFlood {
                    per_second: TYPING_PER_SECOND,
                };
                send(ws, &ServerFrame::error(error.code(), error.to_string()));
                false
            }
        }
    }

    pub(super) async fn visitor_frame(&self, ws: &WebSocket, text: &str) {
        let command = match parse_frame::<VisitorCommand>(text, self.frame_limit()) {
            Ok(command) => command,
            Err(error) => return send(ws, &ServerFrame::error(error.code(), error.to_string())),
        };
        let result = match command {
            VisitorCommand::Message { text, client_id } => {
                let fetched = self.ask_llm(&text, client_id.as_deref()).await;
                self.transact(|c, now| {
                    // A second handle on the shared settings, so the bot reads the entries
                    // while the rules change the conversation.
                    let settings = std::sync::Arc::clone(&c.settings);
                    let holder = self.holder_reach(c);
                    match fetched {
                        Some(reply) => c.visitor_message_reaching(
                            &text,
                            client_id,
                            &Fetched(reply),
                            holder,
                            now,
                        ),
                        None => c.visitor_message_reaching(
                            &text,
                            client_id,
                            &LazyBot::new(&settings.knowledge_base),
                            holder,
                            now,
                        ),
                    }
                })
                .await
            }
            VisitorCommand::RequestHuman => self.transact(|c, now| c.request_human(now)).await,
            VisitorCommand::Contact { name, email } => {
                self.transact(|c, now| c.submit_contact(&name, &email, now))
                    .await
            }
            VisitorCommand::LeaveMessage {
                name,
                email,
                message,
            } => match random_hex(12) {
                Ok(ticket_id) => {
                    self.transact(|c, now| c.leave_message(ticket_id, &name, &email, &message, now))
                        .await
                }
                Err(error) => Err(Refusal::Platform(error)),
            },
            VisitorCommand::Typing { typing } => {
                if !self.typing_admitted(ws, Party::Visitor, typing) {
                    return;
                }
                let frame = ServerFrame::Typing {
                    by: Party::Visitor,
                    typing,
                };
                return self.broadcast_ephemeral(&frame, Some(Party::Agent));
            }
            VisitorCommand::Read { seq } => {
                let mut moved = false;
                let result = self
                    .transact(|c, _| {
                        moved = c.visitor_read(seq)?;
                        Ok(Vec::new())
                    })
                    .await;
                if moved {
                    let frame = ServerFrame::Read {
                        by: Party::Visitor,
                        seq,
                    };
                    self.broadcast_ephemeral(&frame, Some(Party::Agent));
                }
                result
            }
            VisitorCommand::Ping => return send(ws, &ServerFrame::Pong),
            VisitorCommand::EmailTranscript => self.email_transcript().await,
            VisitorCommand::Rate { score, comment } => {
                self.transact(|c, now| c.rate(score, &comment, now)).await
            }
            VisitorCommand::Erase => {
                // The socket is closed by the erase; an error reaches it only if it failed first.
                if let Err(error) = self.visitor_erase().await {
                    send(ws, &error_frame(error));
                }
                return;
            }
        };
        match result {
            Ok(effects) => self.after(effects).await,
            Err(refusal) => send(ws, &refusal.frame()),
        }
    }

    /// Whether an operator platform handed this conversation over (it hears about typing).
    fn is_linked(&self) -> bool {
        self.with_loaded(|c| c.operator.is_some()).unwrap_or(false)
    }

    pub(super) async fn agent_frame(
        &self,
        ws: &WebSocket,
        agent: &AgentRef,
        max_chats: u32,
        text: &str,
    ) {
        let command = match parse_frame::<AgentCommand>(text, self.frame_limit()) {
            Ok(command) => command,
            Err(error) => return send(ws, &ServerFrame::error(error.code(), error.to_string())),
        };
        let result = match command {
            AgentCommand::Accept => {
                return self.claim(ws, agent, max_chats, AgentAction::Accept).await
            }
            AgentCommand::TakeControl => {
                return self
                    .claim(ws, agent, max_chats, AgentAction::TakeControl)
                    .await
            }
            AgentCommand::Join => return self.claim(ws, agent, max_chats, AgentAction::Join).await,
            AgentCommand::Message { text, client_id } => {
                self.transact(|c, now| c.agent_message(agent, &text, client_id, now))
                    .await
            }
            AgentCommand::Comment { text } => {
                self.transact(|c, now| c.comment(agent, &text, now)).await
            }
            AgentCommand::LeaveAndArchive => self.leave_and_archive(agent).await,
            AgentCommand::ReturnToQueue => {
                self.transact(|c, now| c.return_to_queue(agent, now)).await
            }
            AgentCommand::ReviewAndArchive => {
                self.transact(|c, now| c.review_and_archive(agent, now))
                    .await
            }
            AgentCommand::Forward { group } => {
                self.transact(|c, now| c.forward(agent, &group, now)).await
            }
            AgentCommand::Block { reason, message } => {
                self.transact(|c, now| c.block(agent, &reason, &message, now))
                    .await
            }
            AgentCommand::Typing { typing } => {
                if !self.typing_admitted(ws, Party::Agent, typing) {
                    return;
                }
                let frame = ServerFrame::Typing {
                    by: Party::Agent,
                    typing,
                };
                self.broadcast_ephemeral(&frame, None);
                // An operator platform's visitor has no socket here: the platform is told.
                if !self.is_linked() {
                    return;
                }
                self.transact(|c, now| Ok(c.agent_typing(agent, typing, now)))
                    .await
            }
            AgentCommand::Read { seq } => {
                let mut moved = false;
                let result = self
                    .transact(|c, _| {
                        moved = c.agent_read(seq)?;
                        Ok(Vec::new())
                    })
                    .await;
                if moved {
                    self.broadcast_ephemeral(
                        &ServerFrame::Read {
                            by: Party::Agent,
                            seq,
                        },
                        Some(Party::Visitor),
                    );
                }
                result
            }
            AgentCommand::Ping => return send(ws, &ServerFrame::Pong),
        };
        match result {
            Ok(effects) => self.after(effects).await,
            Err(refusal) => send(ws, &refusal.frame()),
        }
    }
}

/// Builds the knowledge-base index only if the bot has to answer: a live chat never pays for it.
struct LazyBot<'a> {
    entries: &'a [FaqEntry],
    bot: OnceCell<FaqBot<'a>>,
}

impl<'a> LazyBot<'a> {
    fn new(entries: &'a [FaqEntry]) -> Self {
        Self {
            entries,
            bot: OnceCell::new(),
        }
    }
}

impl Bot for LazyBot<'_> {
    fn answer(&self, text: &str) -> BotReply {
        self.bot
            .get_or_init(|| FaqBot::new(self.entries))
            .answer(text)
    }

    fn choose(&self, question: &str) -> BotReply {
        self.bot
            .get_or_init(|| FaqBot::new(self.entries))
            .choose(question)
    }
}

pub(super) fn error_frame(error: ApiError) -> ServerFrame {
    ServerFrame::error(error.code, error.message)
}
