//! Conversations and their site driven together with one fake clock: claims and chat slots,
//! auto-assign, forward, return to queue, availability, the Monitor window, and the site failing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cloned_ref_to_slice_refs
)]

mod world;

use baton_core::site::{MONITOR_IDLE_MS, RESERVATION_TTL_MS};
use baton_core::{EventKind, Phase};
use world::{settings, World};

#[test]
fn a_waiting_chat_is_offered_to_available_agents_with_a_free_slot_only() {
    let mut world = World::new(settings());
    world.sign_in("ann", &[], 1);
    world.sign_in("bob", &[], 2);
    world.sign_in("cem", &[], 2);
    world.set_available("cem", false);
    let first = world.visitor();
    world.request_human(&first);
    assert_eq!(world.phase(&first), Phase::Waiting);
    assert_eq!(world.told_waiting("ann"), [first.clone()]);
    assert_eq!(world.told_waiting("bob"), [first.clone()]);
    assert!(world.told_waiting("cem").is_empty(), "away");
    world.accept("ann", &first).unwrap();
    // Ann's one slot is taken: the next chat goes to Bob only, and Ann cannot accept it.
    let second = world.visitor();
    world.request_human(&second);
    assert_eq!(world.told_waiting("ann"), [first.clone()]);
    assert_eq!(world.told_waiting("bob"), [first.clone(), second.clone()]);
    let refused = world.accept("ann", &second).unwrap_err();
    assert!(refused.contains("1 chats"), "{refused}");
    assert_eq!(world.phase(&second), Phase::Waiting);
    // Leaving and archiving frees the slot; now Ann can take it.
    world
        .agent_does("ann", &first, |c, me, now| c.leave_and_archive(me, now))
        .unwrap();
    assert!(world.held_by("ann").is_empty());
    world.accept("ann", &second).unwrap();
    assert_eq!(world.held_by("ann"), [second]);
}

#[test]
fn of_two_accepts_at_the_same_instant_one_wins_and_the_losers_slot_is_given_back() {
    let mut world = World::new(settings());
    world.sign_in("ann", &[], 1);
    world.sign_in("bob", &[], 1);
    let chat = world.visitor();
    world.request_human(&chat);
    world.accept("ann", &chat).unwrap();
    let lost = world.accept("bob", &chat).unwrap_err();
    assert!(lost.contains("Agent ann"), "{lost}");
    assert_eq!(world.held_by("ann"), [chat.clone()]);
    assert!(world.held_by("bob").is_empty(), "Bob's slot came back");
}

#[test]
fn a_slot_reserved_by_an_accept_that_crashed_comes_back_and_a_held_chat_keeps_its_slot() {
    // Chats wait longer than the reservation lives.
    let mut slow = settings();
    slow.wait_notice_ms = 5 * 60_000;
    slow.leave_message_offer_ms = 5 * 60_000;
    slow.time_to_accept_ms = 15 * 60_000;
    let mut world = World::new(slow);
    world.sign_in("ann", &[], 1);
    // Bob keeps the site staffed, so chats wait instead of going to the contact details.
    world.sign_in("bob", &[], 1);
    let first = world.visitor();
    world.request_human(&first);
    // The accept reserved Ann's one slot, then its object died before the claim: nobody
    // releases it. Until the reservation runs out, Ann is full.
    world.accept_crashing_after_reserve("ann", &first);
    assert_eq!(world.phase(&first), Phase::Waiting);
    let second = world.visitor();
    world.request_human(&second);
    let refused = world.accept("ann", &second).unwrap_err();
    assert!(refused.contains("1 chats"), "{refused}");
    world.advance(RESERVATION_TTL_MS + 1);
    assert_eq!(world.phase(&second), Phase::Waiting);
    world.accept("ann", &second).unwrap();
    // The chat she holds is confirmed by its list row: it keeps the slot however long.
    world.advance(10 * RESERVATION_TTL_MS);
    let refused = world.accept("ann", &first).unwrap_err();
    assert!(refused.contains("1 chats"), "{refused}");
    assert_eq!(world.phase(&second), Phase::Live);
}

#[test]
fn auto_assign_gives_the_chat_to_the_least_loaded_available_agent() {
    let mut config = settings();
    config.auto_assign = true;
    let mut world = World::new(config);
    world.sign_in("ann", &[], 3);
    world.sign_in("bob", &[], 3);
    let first = world.visitor();
    world.request_human(&first);
    // Ties go to the smaller id.
    assert_eq!(world.phase(&first), Phase::Live);
    assert_eq!(
        world
            .conversation(&first)
            .agent
            .as_ref()
            .map(|a| a.id.as_str()),
        Some("ann")
    );
    let second = world.visitor();
    world.request_human(&second);
    assert_eq!(
        world
            .conversation(&second)
            .agent
            .as_ref()
            .map(|a| a.id.as_str()),
        Some("bob")
    );
    // Nobody is told "waiting" on an auto-assign site while someone can take the chat.
    assert!(world.told_waiting("ann").is_empty() && world.told_waiting("bob").is_empty());
    // Bob goes away: the third goes to Ann although she holds more.
    world.set_available("bob", false);
    let third = world.visitor();
    world.request_human(&third);
    assert_eq!(
        world
            .conversation(&third)
            .agent
            .as_ref()
            .map(|a| a.id.as_str()),
        Some("ann")
    );
    assert_eq!(world.held_by("ann").len(), 2);
}

#[test]
fn auto_assign_with_every_slot_full_leaves_the_chat_waiting_and_notifies_nobody_who_cannot_take_it()
{
    let mut config = settings();
    config.auto_assign = true;
    let mut world = World::new(config);
    world.sign_in("ann", &[], 1);
    let first = world.visitor();
    world.request_human(&first);
    assert_eq!(world.phase(&first), Phase::Live);
    // The availability check counts free slots: nobody can take a second chat.
    let second = world.visitor();
    world.request_human(&second);
    assert!(matches!(
        world.events(&second).last(),
        Some(EventKind::LeaveMessageOffered)
    ));
    assert_eq!(world.phase(&second), Phase::Bot);
}

#[test]
fn forward_releases_the_slot_and_offers_the_chat_to_the_other_group_only() {
    let mut world = World::new(settings());
    world.sign_in("ann", &["support"], 2);
    world.sign_in("sam", &["sales"], 2);
    let chat = world.visitor();
    world.request_human(&chat);
    world.accept("ann", &chat).unwrap();
    world
        .agent_does("ann", &chat, |c, me, now| c.forward(me, "sales", now))
        .unwrap();
    assert_eq!(world.phase(&chat), Phase::Waiting);
    assert!(world.held_by("ann").is_empty());
    assert_eq!(world.told_waiting("sam"), [chat.clone(), chat.clone()]);
    assert_eq!(
        world.told_waiting("ann"),
        [chat.clone()],
        "not again: support"
    );
    world.accept("sam", &chat).unwrap();
    assert_eq!(world.held_by("sam"), [chat]);
}

#[test]
fn going_away_and_returning_a_chat_to_the_queue_offers_it_to_the_others() {
    let mut world = World::new(settings());
    world.sign_in("ann", &[], 2);
    world.sign_in("bob", &[], 2);
    let chat = world.visitor();
    world.request_human(&chat);
    world.accept("ann", &chat).unwrap();
    world.set_available("ann", false);
    world
        .agent_does("ann", &chat, |c, me, now| c.return_to_queue(me, now))
        .unwrap();
    assert_eq!(world.phase(&chat), Phase::Waiting);
    assert!(world.held_by("ann").is_empty());
    assert_eq!(world.told_waiting("bob"), [chat.clone(), chat.clone()]);
    assert_eq!(
        world.told_waiting("ann"),
        [chat.clone()],
        "away: not told again"
    );
    // Nobody accepts: missed on the ladder, and out of the live lists.
    while world.fire_next_alarm() {}
    assert_eq!(world.phase(&chat), Phase::Missed);
    assert!(!world.live_list().contains(&chat));
}

#[test]
fn with_nobody_available_the_visitor_gets_the_contact_details_at_once() {
    let mut world = World::new(settings());
    world.sign_in("ann", &[], 2);
    world.set_available("ann", false);
    let chat = world.visitor();
    world.request_human(&chat);
    assert_eq!(world.phase(&chat), Phase::Bot);
    assert!(world
        .events(&chat)
        .iter()
        .any(|e| matches!(e, EventKind::NoAgentsAvailable { .. })));
    assert!(world.told_waiting("ann").is_empty());
}

#[test]
fn a_handoff_survives_an_unreachable_site_and_reaches_the_agents_once_it_answers() {
    let mut world = World::new(settings());
    world.sign_in("ann", &[], 2);
    let chat = world.visitor();
    world.site_reachable = false;
    world.request_human(&chat);
    assert!(world.conversation(&chat).handoff_pending);
    assert!(world.fire_next_alarm(), "the retry is armed");
    assert!(world.conversation(&chat).handoff_pending, "still down");
    world.site_reachable = true;
    assert!(world.fire_next_alarm());
    assert_eq!(world.phase(&chat), Phase::Waiting);
    assert_eq!(world.told_waiting("ann"), [chat]);
}

#[test]
fn a_handoff_with_the_site_down_for_good_falls_back_to_the_bot() {
    let mut world = World::new(settings());
    world.sign_in("ann", &[], 2);
    let chat = world.visitor();
    world.site_reachable = false;
    world.request_human(&chat);
    while world.fire_next_alarm() {}
    assert!(!world.conversation(&chat).handoff_pending);
    assert_eq!(world.phase(&chat), Phase::Bot);
    assert!(world
        .events(&chat)
        .iter()
        .any(|e| matches!(e, EventKind::NoAgentsAvailable { .. })));
    // The site is back: asking again works.
    world.site_reachable = true;
    world.request_human(&chat);
    assert_eq!(world.phase(&chat), Phase::Waiting);
}

#[test]
fn a_bot_conversation_stays_in_monitor_while_it_is_busy_and_leaves_when_quiet() {
    let mut world = World::new(settings());
    world.sign_in("ann", &[], 2);
    let chat = world.visitor();
    assert_eq!(world.live_list(), [chat.clone()]);
    world.advance(MONITOR_IDLE_MS + 1);
    assert!(world.live_list().is_empty(), "quiet for the whole window");
    world.say(&chat, "What are your opening hours?");
    assert_eq!(world.live_list(), [chat]);
}

#[test]
fn messages_refresh_the_list_row_at_most_every_five_seconds_and_the_last_one_by_the_alarm() {
    use baton_core::conversation::LIST_SYNC_MS;
    use baton_core::protocol::ServerFrame;
    let mut config = settings();
    // The bot understands nothing here; it must not hand over in the middle.
    config.not_understood_limit = 0;
    let mut world = World::new(config);
    world.sign_in("ann", &[], 2);
    let chat = world.visitor();
    let updates = |world: &World| {
        world.inbox["ann"]
            .iter()
            .filter_map(|f| match f {
                ServerFrame::ConversationUpdated { conversation } => {
                    Some(conversation.last_message.clone())
                }
                _ => None,
            })
            .count()
    };
    let before = updates(&world);
    world.advance(LIST_SYNC_MS);
    // Ten messages within a second: one refresh at once, one at the end of the window.
    for i in 0..10 {
        world.say(&chat, &format!("question number {i}"));
        world.advance(100);
    }
    assert_eq!(updates(&world), before + 1);
    assert!(world.fire_next_alarm());
    assert_eq!(updates(&world), before + 2);
    let row = &world.site.rows[&chat];
    assert_eq!(row.updated_at, world.conversation(&chat).updated_at);
    assert_eq!(row.last_message, world.conversation(&chat).last_message);
    assert!(!world.fire_next_alarm(), "nothing left to refresh");
}
