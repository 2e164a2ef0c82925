//! The rating after a chat, driven with a simulated clock: asked once after leave & archive,
//! answered once, on the site's scale, and counted in the statistics facts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sim;

use baton_core::settings::RatingScale;
use baton_core::{AgentAction, ConversationError, Delivery, Effect, EventKind, SiteSettings};
use sim::{agent, fast_settings, Sim};

fn archived(settings: SiteSettings) -> Sim {
    let mut sim = Sim::new(settings);
    sim.enter_waiting();
    sim.claim("a", AgentAction::Accept).unwrap();
    let effects = sim
        .conversation
        .leave_and_archive(&agent("a"), sim.now)
        .unwrap();
    sim.absorb(effects);
    sim
}

fn rate(sim: &mut Sim, score: u8, comment: &str) -> Result<Vec<Effect>, ConversationError> {
    let before = sim.conversation.clone();
    let result = sim.conversation.rate(score, comment, sim.now);
    if result.is_err() {
        assert_eq!(sim.conversation, before, "a refused rating changes nothing");
    }
    result
}

#[test]
fn leave_and_archive_asks_once_and_the_visitor_rates_once() {
    let mut sim = archived(fast_settings());
    assert_eq!(
        *sim.last(),
        EventKind::RatingRequested {
            scale: RatingScale::Stars
        }
    );
    assert!(matches!(
        rate(&mut sim, 6, ""),
        Err(ConversationError::InvalidRating { score: 6 })
    ));
    assert!(matches!(
        rate(&mut sim, 0, ""),
        Err(ConversationError::InvalidRating { .. })
    ));
    let effects = rate(&mut sim, 4, "  Quick and kind  ").unwrap();
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::Deliver(Delivery::Facts { .. }))));
    sim.absorb(effects);
    assert_eq!(
        *sim.last(),
        EventKind::Rated {
            score: 4,
            comment: "Quick and kind".into()
        }
    );
    assert!(matches!(
        rate(&mut sim, 5, ""),
        Err(ConversationError::NotAllowed { .. })
    ));
    // Joined and archived again: not asked a second time.
    sim.claim("b", AgentAction::Join).unwrap();
    let effects = sim
        .conversation
        .leave_and_archive(&agent("b"), sim.now)
        .unwrap();
    assert!(!effects.iter().any(|e| matches!(
        e,
        Effect::Emit(event) if matches!(event.kind, EventKind::RatingRequested { .. })
    )));
}

#[test]
fn no_rating_before_it_is_asked_or_when_the_site_does_not_ask() {
    let mut sim = Sim::new(fast_settings());
    assert!(matches!(
        rate(&mut sim, 5, ""),
        Err(ConversationError::NotAllowed { .. })
    ));
    let mut off = archived(SiteSettings {
        rating: RatingScale::Off,
        ..fast_settings()
    });
    assert!(!matches!(off.last(), EventKind::RatingRequested { .. }));
    assert!(rate(&mut off, 5, "").is_err());
}

#[test]
fn thumbs_are_one_or_five_and_comments_are_bounded() {
    let mut sim = archived(SiteSettings {
        rating: RatingScale::Thumbs,
        ..fast_settings()
    });
    assert!(rate(&mut sim, 3, "").is_err());
    let long = "x".repeat(sim.conversation.settings.max_message_bytes + 1);
    assert!(matches!(
        rate(&mut sim, 5, &long),
        Err(ConversationError::TooLarge { .. })
    ));
    assert!(rate(&mut sim, 1, "").is_ok());
}
