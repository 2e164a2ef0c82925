//! Web Push rules with a simulated clock: what a conversation queues (and when it withdraws a
//! stale "chat waiting"), and whom the site sends it to.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sim;

use std::collections::BTreeMap;

use baton_core::push::{PushAudience, PushDraft, PushKind, Urgency, MESSAGE_PUSH_COOLDOWN_MS};
use baton_core::site::{OnlineAgent, Site};
use baton_core::{AgentAction, AgentRef, Delivery, Phase};
use sim::{agent, fast_settings, Sim};

fn pushes(sim: &Sim) -> Vec<PushDraft> {
    sim.delivered
        .iter()
        .filter_map(|d| match d {
            Delivery::Push(draft) => Some(draft.clone()),
            _ => None,
        })
        .collect()
}

fn kinds(sim: &Sim) -> Vec<PushKind> {
    pushes(sim).iter().map(|p| p.kind).collect()
}

fn member(id: &str, groups: &[&str], max_chats: u32) -> OnlineAgent {
    OnlineAgent {
        agent: AgentRef {
            id: id.into(),
            name: id.to_uppercase(),
        },
        groups: groups.iter().map(|g| g.to_string()).collect(),
        max_chats,
    }
}

#[test]
fn a_waiting_chat_is_pushed_once_and_withdrawn_under_its_tag_when_claimed() {
    let mut sim = Sim::new(fast_settings());
    sim.enter_waiting();
    let sent = pushes(&sim);
    assert_eq!(kinds(&sim), [PushKind::ChatWaiting]);
    let waiting = &sent[0];
    assert_eq!(waiting.audience, PushAudience::Waiting { group: None });
    assert_eq!(waiting.visitor, "Ann");
    assert_eq!(waiting.text, "can I talk to a person please");
    assert_eq!(waiting.ttl_s, 3, "expires with time to accept (3 s here)");
    assert_eq!(waiting.urgency, Urgency::High);
    assert_eq!(waiting.at, sim.now);
    sim.advance(1_000);
    sim.claim("a1", AgentAction::Accept).unwrap();
    let sent = pushes(&sim);
    assert_eq!(kinds(&sim), [PushKind::ChatWaiting, PushKind::Withdrawn]);
    let withdrawn = &sent[1];
    assert_eq!(withdrawn.audience, PushAudience::Notified);
    assert_eq!(withdrawn.by, Some(agent("a1")));
    assert_eq!(withdrawn.tag(), waiting.tag());
    assert_eq!(withdrawn.topic(), waiting.topic());
    assert_eq!(withdrawn.ttl_s, 2, "the time to accept left");
    assert_eq!(withdrawn.payload("S").body, "Taken by Agent a1");
    // Nothing more for a second accept (refused) or an alarm.
    assert!(sim.claim("a2", AgentAction::Accept).is_err());
    while sim.fire_next_alarm() {}
    assert_eq!(pushes(&sim).len(), 2);
}

#[test]
fn a_missed_chat_withdraws_its_push_without_a_taker() {
    let mut sim = Sim::new(fast_settings());
    sim.enter_waiting();
    while sim.fire_next_alarm() {}
    assert_eq!(sim.phase(), Phase::Missed);
    let sent = pushes(&sim);
    assert_eq!(kinds(&sim), [PushKind::ChatWaiting, PushKind::Withdrawn]);
    assert_eq!(sent[1].by, None);
    assert_eq!(sent[1].payload("S").body, "No longer waiting");
}

#[test]
fn taking_control_of_a_bot_chat_withdraws_nothing_that_was_never_pushed() {
    let mut sim = Sim::new(fast_settings());
    sim.say("hello").unwrap();
    sim.claim("a1", AgentAction::TakeControl).unwrap();
    assert!(pushes(&sim).is_empty());
}

#[test]
fn a_forwarded_chat_is_pushed_again_for_its_new_group() {
    let mut sim = Sim::new(fast_settings());
    sim.enter_waiting();
    sim.claim("a1", AgentAction::Accept).unwrap();
    let effects = sim
        .conversation
        .forward(&agent("a1"), "support", sim.now)
        .unwrap();
    sim.absorb(effects);
    let sent = pushes(&sim);
    assert_eq!(
        kinds(&sim),
        [
            PushKind::ChatWaiting,
            PushKind::Withdrawn,
            PushKind::ChatWaiting
        ]
    );
    assert_eq!(
        sent[2].audience,
        PushAudience::Waiting {
            group: Some("support".into())
        }
    );
    assert_ne!(sent[2].key(), sent[0].key(), "a delivery of its own");
}

#[test]
fn auto_assign_pushes_the_chosen_agent() {
    let mut settings = fast_settings();
    settings.auto_assign = true;
    let mut sim = Sim::new(settings);
    sim.say("can I talk to a person please").unwrap();
    let effects = sim
        .conversation
        .submit_contact("Vera", "v@example.com", sim.now);
    // Contact starts the wait; the shell asks the site, which picks a1.
    // Absorbed together, as the shell commits them: one batch, one flush.
    let mut effects = effects.unwrap();
    effects.retain(|effect| !matches!(effect, baton_core::Effect::AutoAssign { .. }));
    sim.absorb(effects);
    let effects = sim.conversation.assigned(Some(&agent("a1")), sim.now);
    sim.absorb(effects);
    assert_eq!(sim.phase(), Phase::Live);
    let sent = pushes(&sim);
    assert_eq!(kinds(&sim), [PushKind::ChatAssigned]);
    assert_eq!(
        sent[0].audience,
        PushAudience::Agent {
            agent_id: "a1".into()
        }
    );
    assert_eq!(
        sent[0].payload("S").title,
        "S: chat with Vera assigned to you"
    );
}

#[test]
fn the_holder_is_pushed_a_visitor_message_at_most_once_a_minute() {
    let mut sim = Sim::new(fast_settings());
    sim.enter_waiting();
    sim.claim("a1", AgentAction::Accept).unwrap();
    sim.say("first").unwrap();
    sim.advance(1_000);
    sim.say("second").unwrap();
    sim.advance(MESSAGE_PUSH_COOLDOWN_MS);
    sim.say("third, a minute later").unwrap();
    let messages: Vec<PushDraft> = pushes(&sim)
        .into_iter()
        .filter(|p| p.kind == PushKind::VisitorMessage)
        .collect();
    let texts: Vec<&str> = messages.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(texts, ["first", "third, a minute later"]);
    assert_eq!(
        messages[0].audience,
        PushAudience::Holder {
            agent_id: "a1".into()
        }
    );
    assert_eq!(messages[0].tag(), messages[1].tag(), "the newer replaces");
    assert_eq!(messages[0].urgency, Urgency::Normal);
}

#[test]
fn a_left_message_pushes_a_new_ticket_to_the_site_with_its_first_words() {
    let mut sim = Sim::new(fast_settings());
    let long = "Please call me back about the family tour, ".repeat(10);
    let effects = sim
        .conversation
        .leave_message("t1".into(), "Vera", "v@example.com", &long, sim.now)
        .unwrap();
    sim.absorb(effects);
    let sent = pushes(&sim);
    assert_eq!(kinds(&sim), [PushKind::NewTicket]);
    assert_eq!(sent[0].audience, PushAudience::Site);
    assert_eq!(sent[0].text.chars().count(), 120);
    assert!(sent[0].text.ends_with('…'));
    assert_eq!(sent[0].ttl_s, 24 * 3600);
}

#[test]
fn leaving_a_message_while_waiting_withdraws_the_waiting_push() {
    let mut sim = Sim::new(fast_settings());
    sim.enter_waiting();
    let effects = sim
        .conversation
        .leave_message("t1".into(), "Ann", "ann@example.com", "later", sim.now)
        .unwrap();
    sim.absorb(effects);
    assert_eq!(
        kinds(&sim),
        [
            PushKind::ChatWaiting,
            PushKind::Withdrawn,
            PushKind::NewTicket
        ]
    );
}

#[test]
fn a_failed_push_is_retried_under_the_same_key() {
    let mut sim = Sim::new(fast_settings());
    // The statistics facts (of the first message, the contact request and the wait) fail,
    // then the "chat waiting" push.
    sim.receiver_failures = 4;
    sim.enter_waiting();
    assert!(pushes(&sim).is_empty());
    sim.advance(baton_core::outbox::FIRST_RETRY_MS);
    sim.flush();
    let sent = pushes(&sim);
    assert_eq!(kinds(&sim), [PushKind::ChatWaiting]);
    assert_eq!(sent[0].key(), format!("push:{}:chat_waiting", sent[0].seq));
}

fn site(
    online: &[OnlineAgent],
    push: &[OnlineAgent],
    away: &[&str],
    holdings: &[(&str, &str)],
) -> Site {
    let availability: BTreeMap<String, bool> =
        away.iter().map(|id| (id.to_string(), false)).collect();
    Site::from_parts_with_push(
        online.to_vec(),
        push.to_vec(),
        &availability,
        holdings.iter().map(|(a, c)| (a.to_string(), c.to_string())),
    )
}

#[test]
fn only_available_agents_with_push_a_free_slot_and_the_group_are_pushed_a_waiting_chat() {
    let site = site(
        &[member("desk", &[], 5)],
        &[
            member("ann", &[], 5),
            member("bob", &[], 5),
            member("cem", &["sales"], 5),
            member("dan", &[], 1),
        ],
        &["bob"],
        &[("dan", "c9")],
    );
    let waiting = |group: Option<&str>| {
        site.push_recipients(&PushAudience::Waiting {
            group: group.map(str::to_string),
        })
    };
    // desk has the dashboard open but no push device; bob is away; dan's one slot is taken.
    assert_eq!(waiting(None), ["ann", "cem"]);
    assert_eq!(waiting(Some("support")), ["ann"]);
    assert_eq!(waiting(Some("sales")), ["ann", "cem"]);
    // An agent reachable only by push counts for the handoff (their phone is in a pocket).
    assert_eq!(site.available_count(None), 3);
    assert_eq!(
        site.push_recipients(&PushAudience::Site),
        ["ann", "cem", "dan"]
    );
    assert!(site.push_recipients(&PushAudience::Notified).is_empty());
}

#[test]
fn the_holder_is_pushed_only_while_no_dashboard_of_theirs_is_open() {
    let closed = site(&[], &[member("ann", &[], 5)], &[], &[("ann", "c1")]);
    let to_ann = PushAudience::Holder {
        agent_id: "ann".into(),
    };
    assert_eq!(closed.push_recipients(&to_ann), ["ann"]);
    let open = site(
        &[member("ann", &[], 5)],
        &[member("ann", &[], 5)],
        &[],
        &[("ann", "c1")],
    );
    assert!(open.push_recipients(&to_ann).is_empty());
    let away = site(&[], &[member("ann", &[], 5)], &["ann"], &[("ann", "c1")]);
    assert!(away.push_recipients(&to_ann).is_empty());
    let assigned = PushAudience::Agent {
        agent_id: "ann".into(),
    };
    assert_eq!(open.push_recipients(&assigned), ["ann"], "every device");
    assert!(away.push_recipients(&assigned).is_empty());
    let signed_out = site(&[], &[], &[], &[("ann", "c1")]);
    assert!(signed_out.push_recipients(&to_ann).is_empty());
}

#[test]
fn a_retried_push_is_dropped_once_it_no_longer_applies() {
    let mut sim = Sim::new(fast_settings());
    // The statistics facts (of the first message, the contact request and the wait) fail,
    // then the "chat waiting" push.
    sim.receiver_failures = 4;
    sim.enter_waiting();
    let Some(Delivery::Push(waiting)) = sim.rows.iter().find(|d| matches!(d, Delivery::Push(_)))
    else {
        panic!("the waiting push is stored");
    };
    let waiting = waiting.clone();
    assert!(sim.conversation.push_still_due(&waiting));
    sim.claim("a1", AgentAction::Accept).unwrap();
    assert!(
        !sim.conversation.push_still_due(&waiting),
        "taken meanwhile"
    );
    let withdrawn = pushes(&sim).pop().expect("the withdrawal went out");
    assert!(sim.conversation.push_still_due(&withdrawn));
}

#[test]
fn the_holder_with_the_chat_open_here_is_not_pushed_and_the_cooldown_waits_for_a_closed_one() {
    use baton_core::HolderReach;
    let mut sim = Sim::new(fast_settings());
    sim.enter_waiting();
    sim.claim("a1", AgentAction::Accept).unwrap();
    sim.say_reaching("seen in the chat", HolderReach::Connected)
        .unwrap();
    assert!(
        !kinds(&sim).contains(&PushKind::VisitorMessage),
        "the holder reads it on their socket: {:?}",
        kinds(&sim)
    );
    // Their socket closes: the next message is pushed at once, not a minute later.
    sim.advance(1_000);
    sim.say_reaching("gone?", HolderReach::Unknown).unwrap();
    let texts: Vec<String> = pushes(&sim)
        .into_iter()
        .filter(|p| p.kind == PushKind::VisitorMessage)
        .map(|p| p.text)
        .collect();
    assert_eq!(texts, ["gone?"]);
}
