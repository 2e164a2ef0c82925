//! The conversation's outbox and the stuck-handoff recovery, driven with a simulated clock.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sim;

use baton_core::{Delivery, EventKind, Phase, VisitorProfile};
use sim::{fast_settings, Sim, T0};

fn keys(deliveries: &[Delivery]) -> Vec<String> {
    deliveries.iter().map(Delivery::key).collect()
}

/// Keys without their sequence numbers, Web Push left out (its rules are in `push_sim.rs`).
fn kinds(deliveries: &[Delivery]) -> Vec<String> {
    deliveries
        .iter()
        .filter(|d| !matches!(d, Delivery::Push(_)))
        .map(|d| d.key().split(':').next().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn a_left_message_becomes_a_ticket_and_a_webhook_through_the_outbox() {
    let mut settings = fast_settings();
    settings.ticket_webhook_url = "https://hooks.example/tickets".into();
    let mut sim = Sim::new(settings);
    let effects = sim
        .conversation
        .leave_message(
            "t1".into(),
            "Vera",
            "vera@example.com",
            "Call me back",
            sim.now,
        )
        .unwrap();
    // All four (with the statistics facts: a ticket counts the conversation) are in the
    // outbox before the shell does anything with them.
    assert_eq!(sim.conversation.outbox.len(), 4);
    assert_eq!(sim.conversation.next_deadline(), Some(sim.now));
    sim.absorb(effects);
    assert_eq!(
        keys(&sim.delivered),
        [
            "facts:1",
            "ticket:t1",
            "webhook:ticket:t1",
            "push:2:new_ticket"
        ]
    );
    assert!(sim.conversation.outbox.is_empty());
    assert_eq!(sim.conversation.next_deadline(), None);
}

#[test]
fn with_a_ticket_address_the_team_is_emailed_through_the_outbox_once() {
    let mut settings = fast_settings();
    settings.ticket_email = "team@example.com".into();
    let mut sim = Sim::new(settings);
    let effects = sim
        .conversation
        .leave_message("t1".into(), "Vera", "vera@example.com", "Call me", sim.now)
        .unwrap();
    let emails: Vec<_> = effects
        .iter()
        .filter_map(|effect| match effect {
            baton_core::Effect::Deliver(Delivery::Email { email, .. }) => Some(email.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].to, "team@example.com");
    assert_eq!(emails[0].reply_to.as_deref(), Some("vera@example.com"));
    assert!(emails[0].text.contains("Call me"));
    sim.absorb(effects);
    assert_eq!(
        keys(&sim.delivered),
        [
            "facts:1",
            "email:ticket:t1",
            "ticket:t1",
            "push:2:new_ticket"
        ]
    );
    assert!(sim.conversation.outbox.is_empty());
}

#[test]
fn without_a_webhook_url_only_the_ticket_is_delivered() {
    let mut sim = Sim::new(fast_settings());
    let effects = sim
        .conversation
        .leave_message("t1".into(), "Vera", "vera@example.com", "Hi", sim.now)
        .unwrap();
    sim.absorb(effects);
    assert_eq!(
        keys(&sim.delivered),
        ["facts:1", "ticket:t1", "push:2:new_ticket"]
    );
}

#[test]
fn a_failed_delivery_is_retried_from_the_alarm_with_backoff_until_it_arrives() {
    let mut sim = Sim::new(fast_settings());
    // Counted by an earlier message, so only the ticket and its push are at stake here.
    sim.conversation.counted = true;
    sim.receiver_failures = 3;
    let effects = sim
        .conversation
        .leave_message("t1".into(), "Vera", "vera@example.com", "Hi", sim.now)
        .unwrap();
    sim.absorb(effects);
    assert!(sim.delivered.is_empty(), "the first attempt failed");
    let mut wakeups = Vec::new();
    while sim.fire_next_alarm() {
        wakeups.push(sim.now - T0);
    }
    // The ticket and its push fail first, first retries at 2 s; the ticket fails once more
    // (4 s later), then both arrive.
    assert_eq!(wakeups, [2_000, 6_000]);
    assert_eq!(keys(&sim.delivered), ["push:2:new_ticket", "ticket:t1"]);
    assert_eq!(sim.tickets, ["Hi"]);
}

#[test]
fn a_missed_and_an_archived_chat_update_the_index_and_facts_once_per_transition() {
    let mut sim = Sim::new(fast_settings());
    sim.enter_waiting();
    // The first message counted the conversation, the contact request (the handoff's time) and
    // waiting (queued) moved its facts; waiting itself is not indexed.
    assert_eq!(kinds(&sim.delivered), ["facts", "facts", "facts"]);
    sim.delivered.clear();
    while sim.fire_next_alarm() {}
    assert_eq!(sim.phase(), Phase::Missed);
    assert_eq!(kinds(&sim.delivered), ["index", "facts"]);
    sim.claim("a1", baton_core::AgentAction::Join).unwrap();
    sim.conversation
        .leave_and_archive(&sim::agent("a1"), sim.now)
        .map(|effects| sim.absorb(effects))
        .unwrap();
    // Leaving frees the agent's slot through the outbox too, before the archive's row.
    assert_eq!(
        kinds(&sim.delivered),
        ["index", "facts", "index", "facts", "release", "index", "facts"]
    );
    let mut unique = keys(&sim.delivered);
    unique.retain(|k| !k.starts_with("push:"));
    unique.dedup();
    assert_eq!(unique.len(), 7, "each entry has its own key: {unique:?}");
}

#[test]
fn an_undelivered_index_row_still_arrives_after_a_newer_one() {
    let mut sim = Sim::new(fast_settings());
    sim.enter_waiting();
    assert_eq!(
        kinds(&sim.delivered),
        ["facts", "facts", "facts"],
        "the first message counted it, the contact request handed it over, waiting queued it"
    );
    sim.delivered.clear();
    // Missed: the index row, the facts and the withdrawal of the "chat waiting" push all fail.
    sim.receiver_failures = 3;
    while sim.conversation.phase == Phase::Waiting {
        sim.fire_next_alarm();
    }
    assert!(kinds(&sim.delivered).is_empty());
    assert_eq!(sim.conversation.outbox.len(), 3);
    // Joined before the retry: the newer entries arrive first, the older ones on the alarm
    // (the receiver keeps the newest by `updated_at`).
    sim.claim("a1", baton_core::AgentAction::Join).unwrap();
    assert_eq!(kinds(&sim.delivered), ["index", "facts"]);
    assert_eq!(sim.conversation.outbox.len(), 3);
    while sim.fire_next_alarm() {}
    assert_eq!(kinds(&sim.delivered), ["index", "facts", "index", "facts"]);
    assert!(sim.conversation.outbox.is_empty());
}

#[test]
fn a_handoff_whose_site_call_fails_is_retried_on_the_alarm() {
    let mut sim = Sim::new(fast_settings());
    sim.site_reachable = false;
    sim.say("can I talk to a person please").unwrap();
    assert!(sim.conversation.handoff_pending);
    let deadline = sim.conversation.next_deadline().expect("a retry is armed");
    assert_eq!(deadline, T0 + baton_core::conversation::HANDOFF_RETRY_MS);
    sim.site_reachable = true;
    assert!(sim.fire_next_alarm());
    assert!(!sim.conversation.handoff_pending);
    assert_eq!(sim.phase(), Phase::Contact);
    assert_eq!(sim.last(), &EventKind::ContactRequested);
    assert_eq!(sim.conversation.next_deadline(), None, "nothing left armed");
}

#[test]
fn after_three_failed_checks_the_visitor_is_told_and_the_bot_answers_again() {
    let mut sim = Sim::new(fast_settings());
    sim.site_reachable = false;
    sim.say("can I talk to a person please").unwrap();
    let checks = |sim: &Sim| {
        sim.effects
            .iter()
            .filter(|e| matches!(e, baton_core::Effect::CheckAvailability { .. }))
            .count()
    };
    // While the handoff is pending, the bot stays quiet.
    let before = sim.events.len();
    sim.say("hello?").unwrap();
    assert_eq!(sim.events.len(), before + 1, "only the visitor's message");
    let mut wakeups = Vec::new();
    while sim.fire_next_alarm() {
        wakeups.push(sim.now - T0);
    }
    // 15 000: the list row's refresh for the visitor's message (the trailing alarm).
    assert_eq!(wakeups, [4_000, 12_000, 15_000, 28_000]);
    assert_eq!(checks(&sim), 3);
    assert!(!sim.conversation.handoff_pending);
    let n = sim.events.len();
    assert!(matches!(
        &sim.events[n - 2],
        EventKind::NoAgentsAvailable { contact_details } if contact_details == "Call +47 555 0100"
    ));
    assert_eq!(sim.events[n - 1], EventKind::LeaveMessageOffered);
    sim.say("when are your opening hours?").unwrap();
    assert!(matches!(sim.last(), EventKind::BotMessage { .. }));
    // And a new request starts a new handoff.
    sim.site_reachable = true;
    sim.conversation
        .request_human(sim.now)
        .map(|effects| sim.absorb(effects))
        .unwrap();
    assert_eq!(sim.phase(), Phase::Contact);
}

#[test]
fn a_late_answer_after_giving_up_changes_nothing() {
    let known = VisitorProfile {
        name: Some("Ann".into()),
        email: Some("ann@example.com".into()),
        ..VisitorProfile::default()
    };
    let mut sim = Sim::with_visitor(fast_settings(), known);
    sim.site_reachable = false;
    sim.conversation
        .request_human(sim.now)
        .map(|effects| sim.absorb(effects))
        .unwrap();
    while sim.fire_next_alarm() {}
    let before = sim.events.len();
    let late = sim.conversation.availability(3, sim.now);
    assert!(late.is_empty());
    assert_eq!(sim.events.len(), before);
    assert_eq!(sim.phase(), Phase::Bot);
}

#[test]
fn an_alarm_repeated_during_a_pending_handoff_does_nothing_extra() {
    let mut sim = Sim::new(fast_settings());
    sim.site_reachable = false;
    sim.say("can I talk to a person please").unwrap();
    let early = sim.conversation.on_alarm(sim.now + 1_000);
    assert!(early.is_empty(), "not due yet");
    sim.now += 4_000;
    let first = sim.conversation.on_alarm(sim.now);
    let again = sim.conversation.on_alarm(sim.now);
    assert_eq!(first.len(), 1);
    assert!(again.is_empty());
}

#[test]
fn an_answer_to_a_ticket_queues_its_thread_row_and_the_email_to_the_visitor() {
    let mut sim = Sim::new(fast_settings());
    let ticket = baton_core::TicketDraft {
        ticket_id: "t1".into(),
        name: "Vera".into(),
        email: "vera@example.com".into(),
        message: "Can you call me?".into(),
    };
    let agent = baton_core::AgentRef {
        id: "a1".into(),
        name: "Ann".into(),
    };
    let answer = |text: &'static str| baton_core::TicketAnswer {
        ticket: &ticket,
        site_name: "Northwind",
        agent: &agent,
        text,
        answer_id: "r1".into(),
        reply_address: "ticket+t1.ab@reply.example".into(),
    };
    let refused = sim.conversation.answer_ticket(answer("  "), sim.now);
    assert!(refused.is_err());
    assert!(
        sim.conversation.outbox.is_empty(),
        "a refused answer queues nothing"
    );

    let effects = sim
        .conversation
        .answer_ticket(answer("Yes, tomorrow at 10."), sim.now)
        .unwrap();
    let email = effects
        .iter()
        .find_map(|effect| match effect {
            baton_core::Effect::Deliver(Delivery::Email { email, .. }) => Some(email.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(email.to, "vera@example.com");
    assert_eq!(
        email.reply_to.as_deref(),
        Some("ticket+t1.ab@reply.example")
    );
    assert!(email.text.starts_with("Yes, tomorrow at 10."));
    assert!(email.text.contains("> Can you call me?"));
    sim.absorb(effects);
    assert_eq!(
        keys(&sim.delivered),
        ["ticket-message:r1", "email:answer:r1"]
    );
}

#[test]
fn a_freed_slot_survives_a_failing_site_and_a_rejoin_keeps_the_new_one() {
    let mut sim = Sim::new(fast_settings());
    sim.enter_waiting();
    sim.claim("a1", baton_core::AgentAction::Accept).unwrap();
    sim.delivered.clear();
    // The site does not answer the release: it stays queued and is retried from the alarm.
    sim.receiver_failures = 1;
    let effects = sim
        .conversation
        .leave_and_archive(&sim::agent("a1"), sim.now)
        .unwrap();
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, baton_core::Effect::ReleaseAgent { .. })),
        "no direct call: it would be lost with a crash right after the commit"
    );
    sim.absorb(effects);
    assert!(sim.released.is_empty());
    assert!(
        sim.conversation.next_deadline().is_some(),
        "a retry is armed"
    );
    sim.advance(baton_core::outbox::FIRST_RETRY_MS);
    sim.flush();
    assert_eq!(sim.released, ["a1"]);

    // Released again, but the agent joins the chat again before the retry: their new slot
    // must stay, so the old release is dropped as done.
    sim.claim("a1", baton_core::AgentAction::Join).unwrap();
    sim.receiver_failures = 1;
    let effects = sim
        .conversation
        .leave_and_archive(&sim::agent("a1"), sim.now)
        .unwrap();
    sim.absorb(effects);
    sim.claim("a1", baton_core::AgentAction::Join).unwrap();
    assert!(!sim.conversation.release_applies("a1"));
    sim.advance(baton_core::outbox::FIRST_RETRY_MS);
    sim.flush();
    assert_eq!(sim.released, ["a1"], "the obsolete release freed nothing");
    assert!(sim.conversation.release_applies("a2"));
}

#[test]
fn the_sites_list_row_is_an_outbox_entry_with_a_rising_revision_and_a_new_wait_rings_once() {
    let mut sim = Sim::new(fast_settings());
    sim.enter_waiting();
    // The missed step's row is stored with the state: a crash before the site call leaves it
    // due, not lost (the Active list would show "waiting" for good).
    let missed = loop {
        sim.now = sim.conversation.next_deadline().unwrap();
        let effects = sim.conversation.on_alarm(sim.now);
        if sim.conversation.phase == Phase::Missed {
            break effects;
        }
        sim.absorb(effects);
    };
    let rev = sim.conversation.list_rev;
    let row = Delivery::ListRow { rev, notify: false };
    assert!(missed.contains(&baton_core::Effect::Deliver(row.clone())));
    assert!(sim.conversation.outbox.get(&row.key()).is_some());
    sim.absorb(missed);
    while sim.fire_next_alarm() {}
    assert_eq!(sim.phase(), Phase::Missed);
    let revs: Vec<u64> = sim.list_rows.iter().map(|(rev, _)| *rev).collect();
    assert!(revs.windows(2).all(|w| w[0] < w[1]), "{revs:?}");
    assert_eq!(revs.last(), Some(&sim.conversation.list_rev));
    // Only the row that started the wait told the agents.
    assert_eq!(sim.list_rows.iter().filter(|(_, rang)| *rang).count(), 1);
}
