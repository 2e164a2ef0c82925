//! A message in a live chat is stored as its event alone; the state row is a checkpoint that
//! loading completes by replaying the events after it. (Every other simulation also checks,
//! after each transition, that the stored row and events restore the state in memory.)

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sim;

use baton_core::bot::FaqBot;
use baton_core::{EventKind, REPLAY_LIMIT};
use sim::{agent, Sim};

fn visitor_says(sim: &mut Sim, text: &str, client_id: &str) {
    let bot = FaqBot::new(&[]);
    let effects = sim
        .conversation
        .visitor_message(text, Some(client_id.into()), &bot, sim.now)
        .unwrap();
    sim.absorb(effects);
}

fn agent_says(sim: &mut Sim, text: &str, client_id: &str) {
    let effects = sim
        .conversation
        .agent_message(&agent("a"), text, Some(client_id.into()), sim.now)
        .unwrap();
    sim.absorb(effects);
}

#[test]
fn most_live_messages_store_no_state_row() {
    let mut sim = Sim::live_chat();
    let (writes, commits) = (sim.stored.row_writes, sim.stored.commits);
    // Two messages a second both ways for 30 s: the row moves only when the site's list row is
    // refreshed (every 5 s) or its timer armed, and at most every REPLAY_LIMIT events.
    for i in 0..60 {
        sim.advance(250);
        visitor_says(&mut sim, &format!("question {i}"), &format!("v{i}"));
        sim.advance(250);
        agent_says(&mut sim, &format!("answer {i}"), &format!("a{i}"));
    }
    let row_writes = sim.stored.row_writes - writes;
    let commits = sim.stored.commits - commits;
    assert!(commits >= 120, "{commits} commits");
    assert!(
        row_writes <= 20,
        "{row_writes} of {commits} live-message commits wrote the state row"
    );
}

#[test]
fn loading_never_replays_more_than_the_limit() {
    let mut sim = Sim::live_chat();
    for i in 0..200 {
        // Inside one list-refresh window, so only the limit forces a row.
        sim.advance(1);
        visitor_says(&mut sim, &format!("m{i}"), &format!("c{i}"));
        let row_seq = sim.stored.row.as_ref().unwrap().last_seq;
        assert!(sim.conversation.last_seq - row_seq <= REPLAY_LIMIT);
    }
}

#[test]
fn a_restored_conversation_still_refuses_a_resend_and_counts_the_rate() {
    let mut sim = Sim::live_chat();
    sim.advance(1_000);
    visitor_says(&mut sim, "is the tour on?", "resend-me");
    agent_says(&mut sim, "yes", "agent-1");
    let row = sim.stored.row.clone().unwrap();
    assert!(
        row.last_seq < sim.conversation.last_seq,
        "the messages were stored as events only"
    );
    let mut restored = row.restore(&sim.stored.log);
    restored.outbox = sim.conversation.outbox.clone();
    assert_eq!(restored, sim.conversation);
    // The resend after a reconnect is stored once, the agent's too.
    let bot = FaqBot::new(&[]);
    let again = restored
        .visitor_message("is the tour on?", Some("resend-me".into()), &bot, sim.now)
        .unwrap();
    assert!(again.is_empty(), "a resend is not stored twice");
    let again = restored
        .agent_message(&agent("a"), "yes", Some("agent-1".into()), sim.now)
        .unwrap();
    assert!(again.is_empty());
    assert!(matches!(restored.last_message.as_deref(), Some("yes")));
    assert!(matches!(
        sim.events.last(),
        Some(EventKind::AgentMessage { .. })
    ));
}
