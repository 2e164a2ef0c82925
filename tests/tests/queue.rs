//! The visitor's place in the queue over real sockets against `wrangler dev`: three visitors
//! wait, each hears their place, the places move up when the first is accepted, a reconnect
//! hears its place at once, and the estimate appears only once the site has enough accepts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use baton_core::protocol::{AgentCommand, ServerFrame};
use baton_core::queue::MIN_SAMPLES;
use baton_core::SiteSettings;
use baton_tests::edge::TestSite;
use baton_tests::{AgentSocket, Edge, SiteSocket, VisitorSocket};

async fn place(visitor: &mut VisitorSocket, position: u32) -> Option<i64> {
    let frame = visitor
        .conn
        .wait_for(
            &format!("queue place {position}"),
            |f| matches!(f, ServerFrame::QueuePlace { position: p, .. } if *p == position),
        )
        .await;
    match frame {
        ServerFrame::QueuePlace { estimate_ms, .. } => estimate_ms,
        _ => unreachable!(),
    }
}

async fn accept(edge: &Edge, site: &TestSite, visitor: &VisitorSocket) {
    let mut chat =
        AgentSocket::connect(edge, site, &site.agents[0], &visitor.conversation_id, 0).await;
    chat.send(AgentCommand::Accept).await;
    chat.conn
        .wait_for("claimed", |f| matches!(f, ServerFrame::Claimed { .. }))
        .await;
}

#[tokio::test]
async fn waiting_visitors_hear_their_place_and_the_usual_wait() {
    let edge = Edge::shared();
    let settings = SiteSettings {
        max_chats_per_agent: 20,
        ..SiteSettings::default()
    };
    let site = edge.create_site(settings, 1).await;
    let _online = SiteSocket::connect(&edge, &site, &site.agents[0]).await;

    let mut first = VisitorSocket::waiting(&edge, &site).await;
    assert_eq!(place(&mut first, 1).await, None);
    let mut second = VisitorSocket::waiting(&edge, &site).await;
    assert_eq!(place(&mut second, 2).await, None, "no history, no estimate");
    let mut third = VisitorSocket::waiting(&edge, &site).await;
    assert_eq!(place(&mut third, 3).await, None);

    // A reconnect while waiting hears its place with the replay.
    let mut again = VisitorSocket::connect(
        &edge,
        &second.conversation_id,
        &second.token,
        second.conn.last_seq(),
    )
    .await;
    assert_eq!(place(&mut again, 2).await, None);

    accept(&edge, &site, &first).await;
    place(&mut second, 1).await;
    place(&mut third, 2).await;
    place(&mut again, 1).await;

    // Enough accepted chats around this hour: the estimate is given.
    accept(&edge, &site, &second).await;
    accept(&edge, &site, &third).await;
    for _ in 3..MIN_SAMPLES {
        let visitor = VisitorSocket::waiting(&edge, &site).await;
        accept(&edge, &site, &visitor).await;
    }
    let mut later = VisitorSocket::waiting(&edge, &site).await;
    let estimate = place(&mut later, 1).await;
    let estimate = estimate.expect("an estimate once the site has history");
    // Every chat above was accepted within the test's run time.
    assert!((0..120_000).contains(&estimate), "estimate {estimate} ms");
}
