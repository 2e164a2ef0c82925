//! How a live chat keeps the site's list row fresh: its own messages refresh it at most every
//! LIST_SYNC_MS; the alarm only carries a quiet chat's last message, within LIST_TRAIL_MS.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sim;

use baton_core::bot::FaqBot;
use baton_core::conversation::{LIST_SYNC_MS, LIST_TRAIL_MS};
use sim::{agent, Sim};

/// Moves the clock by `ms`, firing the alarm on the way if it is due (as the platform does).
fn wait(sim: &mut Sim, ms: i64, alarms: &mut u32) {
    let until = sim.now + ms;
    while sim
        .conversation
        .next_deadline()
        .is_some_and(|due| due <= until)
    {
        sim.fire_next_alarm();
        *alarms += 1;
    }
    sim.now = until;
}

fn message(sim: &mut Sim, i: usize) {
    let effects = if i.is_multiple_of(2) {
        let bot = FaqBot::new(&[]);
        sim.conversation
            .visitor_message(&format!("question {i}"), None, &bot, sim.now)
            .unwrap()
    } else {
        sim.conversation
            .agent_message(&agent("a"), &format!("answer {i}"), None, sim.now)
            .unwrap()
    };
    sim.absorb(effects);
}

#[test]
fn a_busy_chat_refreshes_the_list_itself_and_wakes_rarely() {
    let mut sim = Sim::live_chat();
    let mut alarms = 0;
    let rows_before = sim.list_rows.len();
    // Four messages a second for 60 s.
    for i in 0..240 {
        wait(&mut sim, 250, &mut alarms);
        message(&mut sim, i);
    }
    let rows = sim.list_rows.len() - rows_before;
    let minute = 60_000;
    assert!(
        rows as i64 <= minute / LIST_SYNC_MS + 1,
        "{rows} list rows in a minute"
    );
    assert!(
        rows as i64 >= minute / LIST_SYNC_MS / 2,
        "{rows} list rows in a minute"
    );
    assert!(
        alarms as i64 <= minute / LIST_TRAIL_MS + 1,
        "{alarms} wake-ups in a minute"
    );
    // The messages do the refreshing, not the alarm.
    assert!(
        alarms * 2 <= rows as u32,
        "{alarms} wake-ups for {rows} rows"
    );
}

#[test]
fn a_chat_that_goes_quiet_has_its_last_message_listed_within_the_trail() {
    let mut sim = Sim::live_chat();
    let mut alarms = 0;
    wait(&mut sim, LIST_SYNC_MS, &mut alarms);
    message(&mut sim, 0); // refreshes the row at once
    wait(&mut sim, 1_000, &mut alarms);
    message(&mut sim, 1); // inside the window: left to the alarm
    let said_at = sim.now;
    let rows = sim.list_rows.len();
    assert!(sim.fire_next_alarm(), "the trailing refresh is armed");
    assert!(sim.now - said_at <= LIST_TRAIL_MS);
    assert_eq!(
        sim.list_rows.len(),
        rows + 1,
        "the last message reached the list"
    );
    assert_eq!(sim.conversation.next_deadline(), None, "nothing left armed");
}

#[test]
fn the_alarm_left_armed_by_a_refresh_sends_nothing_new() {
    let mut sim = Sim::live_chat();
    let mut alarms = 0;
    wait(&mut sim, LIST_SYNC_MS, &mut alarms);
    message(&mut sim, 0);
    wait(&mut sim, 1_000, &mut alarms);
    message(&mut sim, 1); // arms the trailing refresh
    wait(&mut sim, LIST_SYNC_MS, &mut alarms);
    message(&mut sim, 2); // the window passed: refreshes at once, with the last message
    let rows = sim.list_rows.len();
    assert!(sim.fire_next_alarm());
    assert_eq!(
        sim.list_rows.len(),
        rows,
        "the list already had the last message"
    );
}

#[test]
fn a_refresh_goes_to_the_site_at_once_unless_a_list_row_is_still_undelivered() {
    use baton_core::{Delivery, DeliveryKind, Effect};
    let is_preview = |e: &Effect| matches!(e, Effect::ListPreview { .. });
    let is_row = |e: &Effect| matches!(e, Effect::Deliver(Delivery::ListRow { .. }));
    let mut sim = Sim::live_chat();
    let mut alarms = 0;
    wait(&mut sim, LIST_SYNC_MS, &mut alarms);
    let from = sim.effects.len();
    message(&mut sim, 0);
    let refresh = &sim.effects[from..];
    assert!(refresh.iter().any(is_preview), "{refresh:?}");
    assert!(!refresh.iter().any(is_row), "no outbox row for a refresh");
    // A row the site has not confirmed (a ring, a phase change) must not be overtaken by a
    // newer revision: the refresh then queues behind it.
    wait(&mut sim, LIST_SYNC_MS, &mut alarms);
    let undelivered = Delivery::ListRow {
        rev: 999,
        notify: true,
    };
    sim.conversation
        .outbox
        .enqueue(undelivered.key(), DeliveryKind::ListRow, sim.now);
    sim.rows.push(undelivered);
    let from = sim.effects.len();
    message(&mut sim, 1);
    let refresh = &sim.effects[from..];
    assert!(refresh.iter().any(is_row), "{refresh:?}");
    assert!(!refresh.iter().any(is_preview));
}
