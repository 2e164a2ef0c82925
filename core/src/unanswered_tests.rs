use super::*;
use crate::settings_update::LlmPolicy;

fn row(key: &str, conversation: &str, text: &str, at: Millis) -> Recorded {
    Recorded {
        key: key.into(),
        conversation_id: conversation.into(),
        text: text.into(),
        at,
    }
}

fn settings() -> SiteSettings {
    SiteSettings {
        knowledge_base: vec![
            FaqEntry {
                questions: vec!["Do you rent kayaks?".into()],
                answer: "Yes, single and double kayaks.".into(),
            },
            FaqEntry {
                questions: vec!["When are you open?".into()],
                answer: "9 to 17 every day.".into(),
            },
        ],
        ..SiteSettings::default()
    }
}

#[test]
fn wordings_with_the_same_terms_are_one_group_titled_by_the_most_frequent() {
    let rows = [
        row("c1:2", "c1", "Can I bring my dog?", 100),
        row("c2:2", "c2", "can i bring my dog", 200),
        row("c3:4", "c3", "Can I bring my dogs??", 300),
        row("c3:6", "c3", "Do you sell gift cards?", 400),
    ];
    let groups = group(&rows);
    assert_eq!(groups.len(), 2, "{groups:?}");
    // Newest first by when last asked.
    assert_eq!(groups[0].title, "Do you sell gift cards?");
    let dogs = &groups[1];
    // "can i bring my dog" twice (two spellings), the plural once: the newest spelling of the
    // most frequent wording is the title.
    assert_eq!(dogs.title, "can i bring my dog");
    assert_eq!(dogs.wordings, vec!["Can I bring my dogs??".to_string()]);
    assert_eq!(dogs.count, 3);
    assert_eq!(dogs.conversations, vec!["c3", "c2", "c1"]);
    assert_eq!((dogs.first_seen, dogs.last_seen), (100, 300));
    let mut keys = dogs.keys.clone();
    keys.sort();
    assert_eq!(keys, vec!["c1:2", "c2:2", "c3:4"]);
}

#[test]
fn near_duplicates_join_and_different_questions_stay_apart() {
    let rows = [
        row("a:1", "a", "is parking available at the lake", 10),
        row("b:1", "b", "is there parking available at the lake?", 20),
        // A typo the stemmer cannot join: trigrams do.
        row("c:1", "c", "parkign available at the lake?", 30),
        row("d:1", "d", "what does parking cost at the lake", 40),
        row("e:1", "e", "can children join the tour", 50),
    ];
    let groups = group(&rows);
    let titles: Vec<&str> = groups.iter().map(|g| g.title.as_str()).collect();
    let lake = groups
        .iter()
        .find(|g| g.keys.contains(&"a:1".to_string()))
        .expect("the parking group");
    assert!(lake.keys.contains(&"b:1".to_string()), "{titles:?}");
    assert!(lake.keys.contains(&"c:1".to_string()), "{titles:?}");
    assert!(
        !lake.keys.contains(&"d:1".to_string()),
        "cost is another question"
    );
    assert!(!lake.keys.contains(&"e:1".to_string()));
    assert_eq!(groups.len(), 3, "{titles:?}");
}

#[test]
fn small_talk_and_stopwords_do_not_make_questions_alike() {
    let rows = [
        row("a:1", "a", "hi, do you sell gift cards?", 10),
        row("b:1", "b", "gift cards?", 20),
        row("c:1", "c", "what?", 30),
        row("d:1", "d", "why?", 40),
    ];
    let groups = group(&rows);
    assert_eq!(groups.len(), 3, "{groups:?}");
    let gifts = group_of("Do you sell gift cards", &groups).expect("found");
    assert_eq!(gifts.count, 2);
}

#[test]
fn a_question_finds_its_group_or_none() {
    let rows = [
        row("a:1", "a", "can I pay with paypal", 10),
        row("b:1", "b", "do you have a sauna", 20),
    ];
    let groups = group(&rows);
    let found = group_of("Can I pay with PayPal?", &groups).expect("found");
    assert_eq!(found.keys, vec!["a:1"]);
    assert!(group_of("is there wifi on the boat", &groups).is_none());
    assert!(group_of("", &groups).is_none());
}

#[test]
fn records_are_bounded_and_keyed_by_conversation_and_message() {
    let long = "é".repeat(MAX_TEXT_CHARS + 50);
    let record = Unanswered::new("s", "c1", 7, &long, 5);
    assert_eq!(record.text.chars().count(), MAX_TEXT_CHARS);
    assert_eq!(record.key(), "c1:7");
    assert!(group(&[]).is_empty());
}

fn request(json: serde_json::Value) -> Result<Resolution, UnansweredError> {
    let request: ResolveRequest = serde_json::from_value(json).expect("shape");
    request.resolution()
}

#[test]
fn a_request_names_exactly_one_way() {
    use serde_json::json;
    assert_eq!(
        request(json!({ "question": " dogs? ", "entry": 1 })),
        Ok(Resolution::Phrasing {
            entry: 1,
            question: "dogs?".into()
        })
    );
    assert_eq!(
        request(json!({ "question": "dogs?", "new_entry": true, "answer": "Yes " })),
        Ok(Resolution::NewEntry {
            question: "dogs?".into(),
            answer: "Yes".into()
        })
    );
    for both_or_neither in [
        json!({ "question": "dogs?" }),
        json!({ "question": "dogs?", "entry": 0, "new_entry": true, "answer": "a" }),
        json!({ "question": "dogs?", "entry": 0, "answer": "a" }),
        json!({ "question": "dogs?", "new_entry": true }),
    ] {
        assert_eq!(
            request(both_or_neither.clone()),
            Err(UnansweredError::OneWay),
            "{both_or_neither}"
        );
    }
    assert_eq!(
        request(json!({ "question": "  ", "entry": 0 })),
        Err(UnansweredError::EmptyQuestion)
    );
    assert!(
        serde_json::from_value::<ResolveRequest>(json!({ "question": "q", "entri": 0 })).is_err()
    );
}

#[test]
fn a_phrasing_joins_its_entry_once_and_a_new_entry_is_appended() {
    let policy = LlmPolicy::default();
    let phrasing = Resolution::Phrasing {
        entry: 0,
        question: "canoe hire?".into(),
    };
    let out = resolve(&settings(), &phrasing, &policy).expect("valid");
    assert_eq!(
        out.knowledge_base[0].questions,
        vec!["Do you rent kayaks?", "canoe hire?"]
    );
    let again = resolve(&out, &phrasing, &policy).expect("valid");
    assert_eq!(again.knowledge_base, out.knowledge_base, "no duplicate");
    let new = Resolution::NewEntry {
        question: "Can I bring my dog?".into(),
        answer: "Dogs are welcome on a leash.".into(),
    };
    let out = resolve(&settings(), &new, &policy).expect("valid");
    assert_eq!(out.knowledge_base.len(), 3);
    assert_eq!(out.knowledge_base[2].questions, vec!["Can I bring my dog?"]);
    // Everything else stays.
    assert_eq!(out.knowledge_base[..2], settings().knowledge_base[..]);
    assert_eq!(out.greeting, settings().greeting);
}

#[test]
fn the_settings_rules_and_messages_apply() {
    let policy = LlmPolicy::default();
    assert_eq!(
        resolve(
            &settings(),
            &Resolution::Phrasing {
                entry: 2,
                question: "q".into()
            },
            &policy
        ),
        Err(UnansweredError::NoSuchEntry { entry: 2, len: 2 })
    );
    let too_long = Resolution::Phrasing {
        entry: 0,
        question: "x".repeat(501),
    };
    let Err(UnansweredError::Settings(error)) = resolve(&settings(), &too_long, &policy) else {
        panic!("a 501-character question is refused");
    };
    assert_eq!(
        error.to_string(),
        "`knowledge_base` entry 1 needs 1-50 questions of 1-500 characters"
    );
    let empty_answer = Resolution::NewEntry {
        question: "q".into(),
        answer: String::new(),
    };
    let Err(UnansweredError::Settings(error)) = resolve(&settings(), &empty_answer, &policy) else {
        panic!("an empty answer is refused");
    };
    assert_eq!(
        error.to_string(),
        "`knowledge_base` entry 3 needs an answer of 1-10000 characters"
    );
    let mut full = settings();
    full.knowledge_base[0].questions = (0..50).map(|i| format!("question {i}")).collect();
    let one_more = Resolution::Phrasing {
        entry: 0,
        question: "one more".into(),
    };
    assert!(matches!(
        resolve(&full, &one_more, &policy),
        Err(UnansweredError::Settings(_))
    ));
}
