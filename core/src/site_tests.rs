//! Every site rule, one test each.

use super::*;
use crate::conversation::VisitorProfile;

fn agent(id: &str) -> AgentRef {
    AgentRef {
        id: id.into(),
        name: id.to_uppercase(),
    }
}

fn online(id: &str, groups: &[&str], max_chats: u32) -> OnlineAgent {
    OnlineAgent {
        agent: agent(id),
        groups: groups.iter().map(|g| g.to_string()).collect(),
        max_chats,
    }
}

fn summary(id: &str, phase: Phase, updated_at: Millis) -> ConversationSummary {
    ConversationSummary {
        id: id.into(),
        site_id: "s".into(),
        phase,
        group: None,
        agent: None,
        visitor: VisitorProfile::default(),
        waiting_since: None,
        started_at: 0,
        updated_at,
        last_message: None,
        blocked: false,
        channel: None,
    }
}

#[test]
fn each_phase_shows_in_exactly_one_list() {
    use Phase::*;
    let lists: Vec<List> = [Bot, Contact, Waiting, Live, Missed, Archived]
        .into_iter()
        .map(List::of)
        .collect();
    assert_eq!(
        lists,
        [
            List::Monitor,
            List::Monitor,
            List::Active,
            List::Active,
            List::Missed,
            List::Archived
        ]
    );
    for list in [List::Active, List::Monitor, List::Missed, List::Archived] {
        assert_eq!(List::parse(list.as_str()), Some(list));
    }
    assert_eq!(List::parse("everything"), None);
}

#[test]
fn a_quiet_bot_conversation_leaves_monitor_but_a_waiting_chat_never_leaves_active() {
    let now = 10 * MONITOR_IDLE_MS;
    let rows = vec![
        summary("quiet", Phase::Bot, now - MONITOR_IDLE_MS),
        summary("busy", Phase::Bot, now - MONITOR_IDLE_MS + 1),
        summary("waiting", Phase::Waiting, 0),
        summary("missed", Phase::Missed, now),
    ];
    let ids: Vec<String> = live_list(rows, now).into_iter().map(|c| c.id).collect();
    assert_eq!(ids, ["busy", "waiting"]);
}

#[test]
fn the_live_list_is_newest_first_and_bounded() {
    let rows: Vec<_> = (0..LIVE_LIST_LIMIT as i64 + 10)
        .map(|i| summary(&format!("c{i}"), Phase::Live, i))
        .collect();
    let list = live_list(rows, 0);
    assert_eq!(list.len(), LIVE_LIST_LIMIT);
    assert_eq!(list[0].updated_at, LIVE_LIST_LIMIT as i64 + 9);
}

#[test]
fn an_agent_without_a_stored_toggle_is_available_and_an_offline_holder_keeps_their_chats() {
    let availability = BTreeMap::from([("b".to_string(), false)]);
    let site = Site::from_parts(
        [online("a", &[], 2), online("b", &[], 2)],
        &availability,
        [("gone".to_string(), "c9".to_string())],
    );
    assert_eq!(site.notification_targets(None), ["a"]);
    let gone = site
        .roster()
        .seat("gone")
        .map(|s| (s.online, s.holding.len()));
    assert_eq!(gone, Some((false, 1)));
}

#[test]
fn notification_targets_are_the_available_agents_of_the_group_with_a_free_slot() {
    let site = Site::from_parts(
        [
            online("all", &[], 1),
            online("sales", &["sales"], 3),
            online("full", &["sales"], 1),
            online("support", &["support"], 3),
        ],
        &BTreeMap::new(),
        [("full".to_string(), "c1".to_string())],
    );
    assert_eq!(site.notification_targets(Some("sales")), ["all", "sales"]);
    assert_eq!(site.available_count(Some("support")), 2);
    assert_eq!(site.available_count(None), 3);
}

#[test]
fn a_waiting_chat_is_stored_broadcast_and_sent_as_chat_waiting_to_the_targets_only() {
    let mut available = BTreeMap::new();
    available.insert("away".to_string(), false);
    let site = Site::from_parts(
        [online("a", &[], 2), online("away", &[], 2)],
        &available,
        [],
    );
    let waiting = summary("c1", Phase::Waiting, 5);
    let effects = site.conversation_changed(&changed(&waiting, true, 1), None);
    assert_eq!(
        effects[0],
        SiteEffect::SaveListRev {
            conversation_id: "c1".into(),
            rev: 1
        }
    );
    assert_eq!(
        effects[1],
        SiteEffect::SetHolder {
            conversation_id: "c1".into(),
            holder: None
        }
    );
    assert_eq!(effects[2], SiteEffect::SaveRow(waiting.clone()));
    assert!(matches!(
        &effects[3],
        SiteEffect::Broadcast(ServerFrame::ConversationUpdated { .. })
    ));
    let told: Vec<&str> = effects
        .iter()
        .filter_map(|e| match e {
            SiteEffect::SendTo {
                agent_id,
                frame: ServerFrame::ChatWaiting { .. },
            } => Some(agent_id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(told, ["a"]);
    // A missed chat leaves the live lists; nobody is told to take it.
    let missed = site.conversation_changed(
        &changed(&summary("c1", Phase::Missed, 9), false, 2),
        Some(1),
    );
    assert_eq!(
        missed[2],
        SiteEffect::DeleteRow {
            conversation_id: "c1".into()
        }
    );
    assert_eq!(missed.len(), 4);
}

fn changed(summary: &ConversationSummary, notify: bool, rev: u64) -> ConversationChanged {
    ConversationChanged {
        summary: summary.clone(),
        notify,
        rev,
    }
}

#[test]
fn a_row_repeated_or_older_than_the_stored_one_changes_nothing_and_rings_nobody() {
    let site = Site::from_parts([online("a", &[], 2)], &BTreeMap::new(), []);
    let waiting = changed(&summary("c1", Phase::Waiting, 5), true, 3);
    // The first delivery rings the agent; the same one again (its answer was lost) does not.
    assert!(site
        .conversation_changed(&waiting, Some(2))
        .iter()
        .any(|e| matches!(e, SiteEffect::SendTo { .. })));
    assert_eq!(site.conversation_changed(&waiting, Some(3)), []);
    // "Waiting" retried after a crash, arriving after "missed" (rev 4): the chat stays gone.
    assert_eq!(site.conversation_changed(&waiting, Some(4)), []);
    assert!(list_row_applies(None, 1));
    assert!(!list_row_applies(Some(1), 1));
}

#[test]
fn auto_assign_picks_the_least_loaded_and_reserves_its_slot() {
    let mut site = Site::from_parts(
        [online("a", &[], 3), online("b", &[], 3)],
        &BTreeMap::new(),
        [
            ("a".to_string(), "c1".to_string()),
            ("a".to_string(), "c2".to_string()),
            ("b".to_string(), "c3".to_string()),
        ],
    );
    let (chosen, effects) = site.assign(None, "c4");
    assert_eq!(chosen.map(|a| a.id), Some("b".to_string()));
    assert_eq!(
        effects,
        [SiteEffect::Hold {
            agent_id: "b".into(),
            conversation_id: "c4".into()
        }]
    );
    // Ties go to the smaller id, so the choice is reproducible.
    let (chosen, _) = site.assign(None, "c5");
    assert_eq!(chosen.map(|a| a.id), Some("a".to_string()));
    // Everyone full: nobody.
    let (chosen, effects) = site.assign(None, "c6");
    assert_eq!(chosen.map(|a| a.id), Some("b".to_string()));
    assert!(!effects.is_empty());
    let (nobody, effects) = site.assign(None, "c7");
    assert_eq!((nobody, effects.len()), (None, 0));
}

#[test]
fn a_slot_is_refused_past_max_chats_and_free_again_after_release() {
    let mut site = Site::from_parts([online("a", &[], 1)], &BTreeMap::new(), []);
    assert!(site.reserve(&agent("a"), 1, "c1").is_ok());
    assert!(site.reserve(&agent("a"), 1, "c1").is_ok(), "idempotent");
    assert_eq!(
        site.reserve(&agent("a"), 1, "c2"),
        Err(SeatError::TooManyChats { max: 1 })
    );
    assert_eq!(site.available_count(None), 0);
    site.release("a", "c1");
    assert!(site.reserve(&agent("a"), 1, "c2").is_ok());
}

#[test]
fn going_away_stores_the_toggle_tells_the_agents_sockets_and_stops_notifications() {
    let mut site = Site::from_parts([online("a", &[], 2)], &BTreeMap::new(), []);
    let effects = site.set_availability("a", false);
    assert_eq!(
        effects,
        [
            SiteEffect::SaveAvailability {
                agent_id: "a".into(),
                available: false
            },
            SiteEffect::SendTo {
                agent_id: "a".into(),
                frame: ServerFrame::Availability { available: false }
            }
        ]
    );
    assert!(site.notification_targets(None).is_empty());
}

#[test]
fn a_reservation_nobody_confirms_is_given_back_and_a_live_row_confirms_its_holder() {
    let reserved = Holding {
        agent_id: "a".into(),
        conversation_id: "c1".into(),
        reserved_at: 1_000,
        confirmed: false,
    };
    // An accept in progress keeps its slot; one that crashed gives it back after the TTL.
    assert!(reserved.counts(1_000 + RESERVATION_TTL_MS));
    assert!(!reserved.counts(1_000 + RESERVATION_TTL_MS + 1));
    let confirmed = Holding {
        confirmed: true,
        ..reserved
    };
    assert!(confirmed.counts(i64::MAX / 2));

    // The chat live with "a": its holding is confirmed; archived: no holder any more.
    let site = Site::from_parts([online("a", &[], 2)], &BTreeMap::new(), []);
    let mut live = summary("c1", Phase::Live, 5);
    live.agent = Some(AgentRef {
        id: "a".into(),
        name: "A".into(),
    });
    let effects = site.conversation_changed(&changed(&live, false, 1), None);
    assert!(effects.contains(&SiteEffect::SetHolder {
        conversation_id: "c1".into(),
        holder: Some("a".into())
    }));
    let effects = site.conversation_changed(
        &changed(&summary("c1", Phase::Archived, 6), false, 2),
        Some(1),
    );
    assert!(effects.contains(&SiteEffect::SetHolder {
        conversation_id: "c1".into(),
        holder: None
    }));
    // A stale "live" row arriving after the archive confirms nobody.
    assert_eq!(
        site.conversation_changed(&changed(&live, false, 1), Some(2)),
        []
    );
}

#[test]
fn a_row_that_rings_nobody_needs_nothing_of_the_site() {
    // Agents online, one holding a chat: the site's state must not matter to such a row.
    let site = Site::from_parts(
        [online("a", &[], 2), online("b", &["sales"], 1)],
        &BTreeMap::new(),
        [],
    );
    let mut live = summary("c1", Phase::Live, 5);
    live.agent = Some(AgentRef {
        id: "a".into(),
        name: "A".into(),
    });
    let rows = [
        live,
        summary("c2", Phase::Waiting, 6),
        summary("c3", Phase::Archived, 7),
        summary("c4", Phase::Missed, 8),
    ];
    for row in &rows {
        for stored in [None, Some(1), Some(5)] {
            let quiet = changed(row, false, 3);
            assert_eq!(
                row_changed(&quiet, stored),
                site.conversation_changed(&quiet, stored),
                "{:?} over {stored:?}",
                row.phase
            );
            // A row that rings someone adds only the rings.
            let ringing = changed(row, true, 3);
            let all = site.conversation_changed(&ringing, stored);
            let lists = row_changed(&ringing, stored);
            assert_eq!(&all[..lists.len()], &lists[..]);
            assert!(all[lists.len()..]
                .iter()
                .all(|e| matches!(e, SiteEffect::SendTo { .. })));
        }
    }
}

#[test]
fn a_preview_over_a_row_with_the_same_holder_leaves_the_holdings_alone() {
    let agent = |id: &str| AgentRef {
        id: id.into(),
        name: id.to_uppercase(),
    };
    let mut before = summary("c1", Phase::Live, 5);
    before.agent = Some(agent("a"));
    let mut preview = before.clone();
    preview.updated_at = 9;
    preview.last_message = Some("and one more thing".into());
    let holder_written = |effects: &[SiteEffect]| {
        effects
            .iter()
            .any(|e| matches!(e, SiteEffect::SetHolder { .. }))
    };

    let kept = row_changed_over(&changed(&preview, false, 4), Some(3), Some(&before));
    assert!(!holder_written(&kept), "{kept:?}");
    // Everything else of the row is as row_changed has it.
    let mut all = row_changed(&changed(&preview, false, 4), Some(3));
    all.retain(|e| !matches!(e, SiteEffect::SetHolder { .. }));
    assert_eq!(kept, all);

    // A new holder, the end of the live phase, or no row yet: the holdings are written.
    let mut moved = preview.clone();
    moved.agent = Some(agent("b"));
    let mut ended = preview.clone();
    ended.phase = Phase::Archived;
    for (next, previous) in [
        (&moved, Some(&before)),
        (&ended, Some(&before)),
        (&preview, None),
    ] {
        let effects = row_changed_over(&changed(next, false, 4), Some(3), previous);
        assert!(
            holder_written(&effects),
            "{:?} over {previous:?}",
            next.phase
        );
    }
    // A stale row changes nothing, as before.
    assert_eq!(
        row_changed_over(&changed(&preview, false, 2), Some(3), Some(&before)),
        []
    );
}
