//! The queue's rules, one test each.

use super::*;
use crate::conversation::VisitorProfile;

const H: Millis = HOUR_MS;

fn waiting(id: &str, group: Option<&str>, since: Millis) -> ConversationSummary {
    ConversationSummary {
        id: id.into(),
        site_id: "s".into(),
        phase: Phase::Waiting,
        group: group.map(str::to_string),
        agent: None,
        visitor: VisitorProfile::default(),
        waiting_since: Some(since),
        started_at: 0,
        updated_at: since,
        last_message: None,
        blocked: false,
        channel: None,
    }
}

fn sample(at: Millis, waited_ms: Millis) -> AcceptSample {
    AcceptSample { at, waited_ms }
}

fn positions(map: &BTreeMap<String, QueuePlace>) -> Vec<(&str, u32)> {
    map.iter()
        .map(|(id, p)| (id.as_str(), p.position))
        .collect()
}

#[test]
fn oldest_waits_first_within_each_group() {
    let rows = [
        waiting("c", None, 300),
        waiting("a", None, 100),
        waiting("s1", Some("sales"), 50),
        waiting("b", None, 200),
        waiting("s2", Some("sales"), 400),
        ConversationSummary {
            phase: Phase::Live,
            ..waiting("live", None, 10)
        },
    ];
    let places = places(&rows, &[], 1000);
    assert_eq!(
        positions(&places),
        [("a", 1), ("b", 2), ("c", 3), ("s1", 1), ("s2", 2)]
    );
}

#[test]
fn ties_are_broken_by_id_the_same_way_every_time() {
    let rows = [waiting("y", None, 100), waiting("x", None, 100)];
    assert_eq!(positions(&places(&rows, &[], 0)), [("x", 1), ("y", 2)]);
}

#[test]
fn first_accepted_moves_the_others_up_and_only_they_are_told() {
    let before = places(
        &[
            waiting("a", None, 1),
            waiting("b", None, 2),
            waiting("c", None, 3),
        ],
        &[],
        10,
    );
    let after = places(&[waiting("b", None, 2), waiting("c", None, 3)], &[], 10);
    assert_eq!(
        changed(&before, &after)
            .iter()
            .map(|(id, p)| (id.as_str(), p.position))
            .collect::<Vec<_>>(),
        [("b", 1), ("c", 2)]
    );
    // A newcomer at the end: only the newcomer is told.
    let more = places(
        &[
            waiting("b", None, 2),
            waiting("c", None, 3),
            waiting("d", None, 4),
        ],
        &[],
        10,
    );
    assert_eq!(changed(&after, &more).len(), 1);
}

#[test]
fn no_estimate_without_enough_history() {
    let now = 30 * DAY_MS + 14 * H;
    let few: Vec<_> = (0..MIN_SAMPLES as i64 - 1)
        .map(|i| sample(now - i * DAY_MS, 60_000))
        .collect();
    assert_eq!(estimate(&few, now), None);
    let rows = [waiting("a", None, now)];
    assert_eq!(places(&rows, &few, now)["a"].estimate_ms, None);
}

#[test]
fn estimate_is_the_median_around_this_hour() {
    let now = 30 * DAY_MS + 14 * H + 59 * 60_000;
    // 13:xx, 14:xx and 15:xx count; 12:xx, a future sample and one older than the history do not.
    let samples = [
        sample(now - DAY_MS - H, 10_000),
        sample(now - 2 * DAY_MS, 20_000),
        sample(now - 3 * DAY_MS + H, 30_000),
        sample(now - 60_000, 40_000),
        sample(now - 2 * 60_000, 500_000),
        sample(now - 2 * H, 1),
        sample(now + 1000, 1),
        sample(now - HISTORY_MS - 1, 1),
    ];
    assert_eq!(estimate(&samples, now), Some(30_000));
    let even = [&samples[..], &[sample(now - 3 * 60_000, 35_000)]].concat();
    assert_eq!(estimate(&even, now), Some(32_500));
    let rows = [waiting("a", None, now)];
    assert_eq!(places(&rows, &samples, now)["a"].estimate_ms, Some(30_000));
}

#[test]
fn hours_wrap_around_midnight() {
    let midnight = 40 * DAY_MS;
    assert_eq!(hours_apart(midnight + 23 * H, midnight + 30 * 60_000), 1);
    assert_eq!(hours_apart(midnight + 22 * H, midnight), 2);
}

#[test]
fn an_accept_is_a_wait_from_queued_to_live() {
    let before = waiting("a", None, 1000);
    let live = ConversationSummary {
        phase: Phase::Live,
        waiting_since: None,
        ..before.clone()
    };
    assert_eq!(
        accept_sample(Some(&before), &live, 61_000),
        Some(sample(61_000, 60_000))
    );
    // Missed, or live without having waited (take control), or unknown before: no sample.
    let missed = ConversationSummary {
        phase: Phase::Missed,
        ..before.clone()
    };
    assert_eq!(accept_sample(Some(&before), &missed, 61_000), None);
    let bot = ConversationSummary {
        phase: Phase::Bot,
        ..before.clone()
    };
    assert_eq!(accept_sample(Some(&bot), &live, 61_000), None);
    assert_eq!(accept_sample(None, &live, 61_000), None);
}

#[test]
fn old_samples_are_dropped() {
    assert!(keep(&sample(0, 1), HISTORY_MS));
    assert!(!keep(&sample(0, 1), HISTORY_MS + 1));
}

#[test]
fn only_a_row_that_is_or_was_waiting_can_move_places() {
    let mut live = waiting("c1", None, 10);
    live.phase = Phase::Live;
    let was_waiting = waiting("c1", None, 10);
    assert!(change_moves_places(None, &was_waiting));
    assert!(change_moves_places(Some(&was_waiting), &live));
    assert!(change_moves_places(Some(&was_waiting), &was_waiting));
    assert!(!change_moves_places(Some(&live), &live));
    assert!(!change_moves_places(None, &live));
    // And indeed: a live row's change moves nobody and adds no sample.
    let queue = [waiting("w1", None, 1), waiting("w2", None, 2)];
    let mut with_live = queue.to_vec();
    with_live.push(live.clone());
    assert_eq!(places(&queue, &[], 50), places(&with_live, &[], 50));
    assert_eq!(accept_sample(Some(&live), &live, 50), None);
}
