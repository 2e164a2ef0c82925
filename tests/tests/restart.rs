//! Kill `wrangler dev` while a chat is waiting, start it again: the ladder still fires and no
//! message is lost. Runs its own edge on its own port and state directory.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use baton_core::protocol::VisitorCommand;
use baton_core::EventKind;
use baton_tests::clients::start_conversation;
use baton_tests::edge::fast_settings;
use baton_tests::{Edge, SiteSocket, VisitorSocket};

/// Longer than the whole ladder, restart included.
const LADDER_LIMIT: std::time::Duration = std::time::Duration::from_secs(45);

#[tokio::test]
async fn the_ladder_survives_a_runtime_restart() {
    let state = std::env::temp_dir().join(baton_tests::edge::unique("baton-restart"));
    let state = state.to_string_lossy().to_string();
    let port = baton_tests::edge::free_port();
    let mut edge = Edge::spawn(port, &state).await;
    let mut settings = fast_settings();
    // Long enough for the restart (10–20 s) to finish before the steps are due.
    settings.wait_notice_ms = 25_000;
    settings.leave_message_offer_ms = 3_000;
    settings.time_to_accept_ms = 31_000;
    let site = edge.create_site(settings, 1).await;
    let online = SiteSocket::connect(&edge, &site, &site.agents[0]).await;
    let started = start_conversation(
        &edge,
        &site.id,
        serde_json::json!({ "name": "Vera", "email": "vera@example.com" }),
    )
    .await;
    let mut visitor =
        VisitorSocket::connect(&edge, &started.conversation_id, &started.token, 0).await;
    for text in ["What are your opening hours?", "opening hours on sunday?"] {
        visitor.say(text).await;
        visitor
            .conn
            .wait_event(
                "echo",
                |k| matches!(k, EventKind::VisitorMessage { text: t, .. } if t == text),
            )
            .await;
    }
    visitor.send(VisitorCommand::RequestHuman).await;
    let waiting = visitor
        .conn
        .wait_event("waiting", |k| matches!(k, EventKind::Waiting { .. }))
        .await;
    let cursor = visitor.conn.last_seq();
    online.conn.close().await;
    visitor.conn.close().await;

    edge.stop().await;
    let edge = Edge::spawn(port, &state).await;

    let mut visitor =
        VisitorSocket::connect(&edge, &started.conversation_id, &started.token, 0).await;
    let notice = visitor
        .conn
        .wait_event_within("wait notice", LADDER_LIMIT, |k| *k == EventKind::WaitNotice)
        .await;
    let missed = visitor
        .conn
        .wait_event_within("missed", LADDER_LIMIT, |k| {
            matches!(k, EventKind::Missed { .. })
        })
        .await;
    let (notice_at, missed_at) = (notice.at - waiting.at, missed.at - waiting.at);
    println!("after restart: notice at +{notice_at} ms (due +25000), missed at +{missed_at} ms (due +31000)");
    assert!(
        (25_000..26_000).contains(&notice_at),
        "notice at +{notice_at} ms"
    );
    assert!(
        (31_000..32_000).contains(&missed_at),
        "missed at +{missed_at} ms"
    );
    let events = visitor.conn.events();
    let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(
        seqs,
        (1..=seqs.len() as u64).collect::<Vec<_>>(),
        "gapless, in order, once each"
    );
    let texts: Vec<&str> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::VisitorMessage { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        texts,
        vec!["What are your opening hours?", "opening hours on sunday?"]
    );
    assert!(cursor < missed.seq);
    drop(edge);
    let _ = std::fs::remove_dir_all(&state);
}
