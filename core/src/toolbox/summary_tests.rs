//! The summary over conversations driven through the real state machine and bot (a fake
//! conversation: no edge, a simulated clock), so the events are exactly what the edge stores.

#![allow(clippy::expect_used)]

use super::*;
use crate::bot::FaqBot;
use crate::conversation::{AgentAction, Conversation, Effect};
use crate::event::AgentRef;
use crate::settings::SiteSettings;

fn kb() -> Vec<FaqEntry> {
    let entry = |qs: &[&str], a: &str| FaqEntry {
        questions: qs.iter().map(|q| (*q).to_string()).collect(),
        answer: a.to_string(),
    };
    vec![
        entry(
            &["Do you rent kayaks?", "kayak rental", "can I hire a kayak"],
            "Yes, single and double kayaks from 25 EUR a day.",
        ),
        entry(
            &["Where do we meet?", "meeting point", "where is the start"],
            "At the boathouse on Harbour Road 4.",
        ),
        entry(
            &["Can I cancel my booking?", "refund", "cancellation policy"],
            "Free cancellation up to 48 hours before the tour.",
        ),
    ]
}

struct Fake {
    conversation: Conversation,
    events: Vec<Event>,
    kb: Vec<FaqEntry>,
    now: Millis,
}

impl Fake {
    fn new(settings: SiteSettings, visitor: VisitorProfile) -> Self {
        let kb = settings.knowledge_base.clone();
        let (conversation, effects) =
            Conversation::start("c1".into(), "s".into(), settings, visitor, 1_000);
        let mut fake = Self {
            conversation,
            events: Vec::new(),
            kb,
            now: 1_000,
        };
        fake.take(effects);
        fake
    }

    fn site() -> Self {
        let settings = SiteSettings {
            knowledge_base: kb(),
            ..SiteSettings::default()
        };
        let visitor = VisitorProfile {
            page: Some("https://northwind.example/tours".into()),
            referrer: Some("https://search.example/".into()),
            locale: Some("en-GB".into()),
            ..VisitorProfile::default()
        };
        Self::new(settings, visitor)
    }

    fn take(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Emit(event) => self.events.push(event),
                // The site answers every availability check: one agent is online.
                Effect::CheckAvailability { .. } => {
                    let more = self.conversation.availability(1, self.now);
                    self.take(more);
                }
                _ => {}
            }
        }
    }

    fn says(&mut self, text: &str) {
        self.now += 10_000;
        let bot = FaqBot::new(&self.kb);
        let effects = self
            .conversation
            .visitor_message(text, None, &bot, self.now)
            .expect("a valid message");
        self.take(effects);
    }

    fn contact(&mut self) {
        self.now += 5_000;
        let effects = self
            .conversation
            .submit_contact("Vera", "vera@example.com", self.now)
            .expect("contact");
        self.take(effects);
    }

    fn claim(&mut self, action: AgentAction, after: Millis) {
        self.now += after;
        let effects = self
            .conversation
            .claim(&ann(), action, self.now)
            .expect("claim");
        self.take(effects);
    }

    fn summary(&self) -> Option<HandoffSummary> {
        let c = &self.conversation;
        handoff_summary(
            &self.events,
            &c.visitor,
            &self.kb,
            c.settings.straight_to_live,
            self.now,
        )
    }
}

fn ann() -> AgentRef {
    AgentRef {
        id: "a1".into(),
        name: "Ann".into(),
    }
}

fn brief(summary: &HandoffSummary) -> Vec<(String, Outcome, Option<String>)> {
    summary
        .questions
        .iter()
        .map(|q| (q.text.clone(), q.outcome, q.entry.clone()))
        .collect()
}

fn answered(title: &str) -> (Outcome, Option<String>) {
    (Outcome::Answered, Some(title.into()))
}

fn row(
    text: &str,
    (outcome, entry): (Outcome, Option<String>),
) -> (String, Outcome, Option<String>) {
    (text.to_string(), outcome, entry)
}

const UNANSWERED: (Outcome, Option<String>) = (Outcome::Unanswered, None);

#[test]
fn asked_for_a_person_after_two_answers_and_one_miss() {
    let mut fake = Fake::site();
    fake.says("hello");
    fake.says("Do you rent kayaks?");
    fake.says("where is the meeting point?");
    fake.says("do you rent kayaks");
    fake.says("Is the lake warm enough for swimming in October?");
    fake.says("can I talk to a person?");
    let asked_at = fake.now;
    fake.contact();
    assert_eq!(fake.conversation.phase, Phase::Waiting);
    fake.now += 30_000;
    let waiting = fake.summary().expect("handed over");
    assert_eq!(waiting.reason, HandoffReason::AskedForPerson);
    assert_eq!(waiting.handoff_at, asked_at);
    assert_eq!(waiting.waited_ms, Some(30_000));
    assert_eq!(
        brief(&waiting),
        [
            row("Do you rent kayaks?", answered("Do you rent kayaks?")),
            row("where is the meeting point?", answered("Where do we meet?")),
            row(
                "Is the lake warm enough for swimming in October?",
                UNANSWERED
            ),
        ]
    );
    assert_eq!(waiting.questions[0].times, 2, "asked twice, listed once");
    assert_eq!(waiting.pages, ["https://northwind.example/tours"]);
    assert_eq!(waiting.referrer.as_deref(), Some("https://search.example/"));
    assert_eq!(waiting.language.as_deref(), Some("en"));

    fake.claim(AgentAction::Accept, 15_000);
    fake.now += 60_000;
    let live = fake.summary().expect("still a handoff");
    assert_eq!(
        live.waited_ms,
        Some(45_000),
        "the wait stops when Ann joins"
    );
    assert_eq!(live.questions, waiting.questions);
}

#[test]
fn not_understood_twice_is_its_own_reason() {
    let mut fake = Fake::site();
    fake.says("Do you rent kayaks?");
    fake.says("blorp zanzibar quux");
    fake.says("frobnicate the wibble");
    let summary = fake.summary().expect("handed over");
    assert_eq!(summary.reason, HandoffReason::NotUnderstood);
    assert_eq!(fake.conversation.phase, Phase::Contact);
    assert_eq!(
        summary.waited_ms, None,
        "not queued before the contact form"
    );
    let unanswered: Vec<_> = summary
        .questions
        .iter()
        .filter(|q| !q.answered())
        .map(|q| q.text.as_str())
        .collect();
    assert_eq!(unanswered, ["blorp zanzibar quux", "frobnicate the wibble"]);
}

#[test]
fn the_button_and_a_did_you_mean_offer() {
    let mut fake = Fake::site();
    fake.says("kayak meeting cancel");
    let offered = fake.events.iter().any(
        |e| matches!(&e.kind, EventKind::BotMessage { suggestions, .. } if !suggestions.is_empty()),
    );
    fake.now += 1_000;
    let effects = fake.conversation.request_human(fake.now).expect("button");
    fake.take(effects);
    let summary = fake.summary().expect("handed over");
    assert_eq!(summary.reason, HandoffReason::Button);
    assert!(offered, "the bot was unsure and offered entries");
    assert_eq!(summary.questions[0].outcome, Outcome::Offered);
    assert!(!summary.questions[0].offered.is_empty());
}

#[test]
fn straight_to_live_and_take_over() {
    let settings = SiteSettings {
        knowledge_base: kb(),
        straight_to_live: true,
        ..SiteSettings::default()
    };
    let mut fake = Fake::new(settings, VisitorProfile::default());
    fake.says("Wie viel kostet ein Kajak für zwei Personen am Wochenende?");
    let summary = fake.summary().expect("handed over");
    assert_eq!(summary.reason, HandoffReason::StraightToLive);
    assert_eq!(summary.questions[0].outcome, Outcome::Unanswered);
    assert_eq!(summary.language.as_deref(), Some("de"));
    assert!(summary.pages.is_empty());

    let mut monitored = Fake::site();
    monitored.says("Do you rent kayaks?");
    assert_eq!(
        monitored.summary(),
        None,
        "the bot still answers: no handoff"
    );
    monitored.claim(AgentAction::TakeControl, 2_000);
    let summary = monitored.summary().expect("taken over");
    assert_eq!(summary.reason, HandoffReason::TakeOver);
    assert_eq!(summary.waited_ms, None);
    assert_eq!(
        brief(&summary),
        [row("Do you rent kayaks?", answered("Do you rent kayaks?"))]
    );
}

#[test]
fn a_forward_and_a_rejoin_say_so() {
    let mut fake = Fake::site();
    std::sync::Arc::make_mut(&mut fake.conversation.settings).groups = vec!["billing".into()];
    fake.says("I need a human");
    fake.contact();
    fake.claim(AgentAction::Accept, 1_000);
    fake.now += 1_000;
    let effects = fake
        .conversation
        .forward(&ann(), "billing", fake.now)
        .expect("forward");
    fake.take(effects);
    assert_eq!(
        fake.summary().map(|s| s.reason),
        Some(HandoffReason::Forwarded)
    );
    fake.claim(AgentAction::Accept, 1_000);
    fake.now += 1_000;
    let effects = fake
        .conversation
        .leave_and_archive(&ann(), fake.now)
        .expect("archive");
    fake.take(effects);
    fake.claim(AgentAction::Join, 1_000);
    assert_eq!(
        fake.summary().map(|s| s.reason),
        Some(HandoffReason::Rejoined)
    );
}

#[test]
fn earlier_conversations_newest_first_without_this_one() {
    let row = |id: &str, at: Millis| EarlierConversation {
        id: id.into(),
        started_at: at,
        updated_at: at + 5,
        phase: Phase::Missed,
        agent: None,
        last_message: None,
    };
    let mut fake = Fake::site();
    fake.says("agent please");
    let summary = fake.summary().expect("handed over");
    let rows = (0..8)
        .map(|i| row(&format!("e{i}"), i))
        .chain([row("c1", 99)]);
    let summary = summary.with_earlier("c1", rows.collect());
    let ids: Vec<_> = summary.earlier.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["e7", "e6", "e5", "e4", "e3"]);
}

#[test]
fn the_summary_serialises_for_the_dashboard() {
    let mut fake = Fake::site();
    fake.says("Do you rent kayaks?");
    fake.says("talk to a human");
    let summary = fake.summary().expect("handed over");
    let json = serde_json::to_value(&summary).expect("json");
    assert_eq!(json["reason"], "asked_for_person");
    assert_eq!(json["questions"][0]["outcome"], "answered");
    assert_eq!(json["questions"][0]["entry"], "Do you rent kayaks?");
    let back: HandoffSummary = serde_json::from_value(json).expect("round trip");
    assert_eq!(back, summary);
}
