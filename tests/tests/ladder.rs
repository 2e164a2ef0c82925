//! The waiting ladder on Durable Object alarms, with site timings of 1–3 s.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use baton_core::api::Ticket;
use baton_core::protocol::VisitorCommand;
use baton_core::{ConversationSummary, EventKind};
use baton_tests::clients::start_conversation;
use baton_tests::edge::fast_settings;
use baton_tests::{Edge, SiteSocket, VisitorSocket};

#[tokio::test]
async fn wait_notice_then_offer_then_missed_and_the_bot_takes_over() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let _online = SiteSocket::connect(&edge, &site, &site.agents[0]).await;
    let started = start_conversation(
        &edge,
        &site.id,
        serde_json::json!({ "name": "Vera", "email": "vera@example.com" }),
    )
    .await;
    let mut visitor =
        VisitorSocket::connect(&edge, &started.conversation_id, &started.token, 0).await;
    visitor.send(VisitorCommand::RequestHuman).await;
    let waiting = visitor
        .conn
        .wait_event("waiting", |k| matches!(k, EventKind::Waiting { .. }))
        .await;
    let since = Instant::now();

    let notice = visitor
        .conn
        .wait_event("wait notice", |k| *k == EventKind::WaitNotice)
        .await;
    let notice_after = since.elapsed();
    let offer = visitor
        .conn
        .wait_event("leave-a-message offer", |k| {
            *k == EventKind::LeaveMessageOffered
        })
        .await;
    let offer_after = since.elapsed();
    let missed = visitor
        .conn
        .wait_event("missed", |k| matches!(k, EventKind::Missed { .. }))
        .await;
    let missed_after = since.elapsed();
    assert!(
        matches!(&missed.kind, EventKind::Missed { contact_details } if contact_details.contains("555 0100"))
    );

    // Stored times are what the ladder promised; delivery is well within a second of them.
    assert!(notice.at - waiting.at >= 1_000, "notice not early");
    assert!(offer.at - waiting.at >= 2_000 && missed.at - waiting.at >= 3_000);
    assert!(
        notice.at - waiting.at < 2_000,
        "notice at {} ms",
        notice.at - waiting.at
    );
    assert!(
        missed.at - waiting.at < 4_000,
        "missed at {} ms",
        missed.at - waiting.at
    );
    assert!(
        notice_after.as_millis() < 2_500
            && offer_after.as_millis() < 3_500
            && missed_after.as_millis() < 4_500
    );
    println!(
        "ladder fired at +{} / +{} / +{} ms (targets 1000 / 2000 / 3000)",
        notice.at - waiting.at,
        offer.at - waiting.at,
        missed.at - waiting.at
    );

    visitor.say("What are your opening hours?").await;
    visitor
        .conn
        .wait_event(
            "bot answers again",
            |k| matches!(k, EventKind::BotMessage { text, .. } if text.contains("9 to 17")),
        )
        .await;

    let missed_list: Vec<ConversationSummary> = edge
        .http
        .get(format!(
            "{}/api/v1/sites/{}/conversations?list=missed",
            edge.base, site.id
        ))
        .bearer_auth(&site.agents[0].token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        missed_list.iter().any(|c| c.id == started.conversation_id),
        "listed under Missed"
    );

    // Leaving a message after the offer becomes a ticket.
    visitor
        .send(VisitorCommand::LeaveMessage {
            name: "Vera".into(),
            email: "vera@example.com".into(),
            message: "Nobody answered, please email me.".into(),
        })
        .await;
    visitor
        .conn
        .wait_event("ticket", |k| matches!(k, EventKind::TicketCreated { .. }))
        .await;
    let tickets: Vec<Ticket> = edge
        .http
        .get(format!("{}/api/v1/sites/{}/tickets", edge.base, site.id))
        .bearer_auth(&site.agents[0].token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tickets.len(), 1);
    assert!(tickets[0].transcript.contains("opening hours"));
}
