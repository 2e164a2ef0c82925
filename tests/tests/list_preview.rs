//! A busy live chat's newest message reaches the agents' lists: at once when the last refresh
//! is 5 s old (sent to the site without holding the chat's next message), else with the
//! trailing refresh of the conversation's alarm within 15 s.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use baton_core::protocol::{AgentCommand, ServerFrame};
use baton_tests::edge::fast_settings;
use baton_tests::{AgentSocket, Edge, SiteSocket, VisitorSocket};

/// `core::conversation::LIST_SYNC_MS` and `LIST_TRAIL_MS`, with room for a busy machine.
const SYNC: Duration = Duration::from_millis(5_000);
const TRAIL: Duration = Duration::from_millis(15_000);

fn shows(frame: &ServerFrame, id: &str, text: &str) -> bool {
    matches!(frame, ServerFrame::ConversationUpdated { conversation }
        if conversation.id == id && conversation.last_message.as_deref() == Some(text))
}

#[tokio::test]
async fn a_live_chats_new_message_reaches_the_list_at_once_then_with_the_trailing_refresh() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let mut list = SiteSocket::connect(&edge, &site, &site.agents[0]).await;
    let mut visitor = VisitorSocket::waiting(&edge, &site).await;
    let id = visitor.conversation_id.clone();
    let mut chat = AgentSocket::connect(&edge, &site, &site.agents[0], &id, 0).await;
    chat.send(AgentCommand::Accept).await;
    assert!(matches!(
        chat.claim_outcome().await,
        ServerFrame::Claimed { .. }
    ));
    let claimed = Instant::now();

    // The claim refreshed the row; a message 5 s later refreshes it again, at once.
    tokio::time::sleep(SYNC.saturating_sub(claimed.elapsed()) + Duration::from_millis(300)).await;
    let sent = Instant::now();
    visitor.say("the first thing I asked").await;
    list.conn
        .wait_for_within("the row with the new message", SYNC, |f| {
            shows(f, &id, "the first thing I asked")
        })
        .await;
    assert!(
        sent.elapsed() < Duration::from_secs(4),
        "the list waited {:?} for a busy chat's message",
        sent.elapsed()
    );

    // Right after that refresh, the next message waits for the alarm's trailing one.
    let sent = Instant::now();
    visitor.say("and a follow-up").await;
    list.conn
        .wait_for_within("the trailing refresh", TRAIL + SYNC, |f| {
            shows(f, &id, "and a follow-up")
        })
        .await;
    assert!(
        sent.elapsed() >= Duration::from_secs(4),
        "the follow-up was refreshed at once ({:?}): the chat would call the site per message",
        sent.elapsed()
    );
}
