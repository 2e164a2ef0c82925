use super::*;

fn kb() -> Vec<FaqEntry> {
    let entry = |qs: &[&str], a: &str| FaqEntry {
        questions: qs.iter().map(|q| (*q).to_string()).collect(),
        answer: a.to_string(),
    };
    vec![
        entry(
            &["How do I book?", "Can I reserve online?"],
            "Book on our website.",
        ),
        entry(
            &["What does it cost?", "What are your prices?"],
            "790 NOK per person.",
        ),
        entry(
            &["Can I rent a kayak?", "Do you hire out kayaks?"],
            "Rentals from 450 NOK.",
        ),
        entry(&["Is there parking?"], "Free parking behind the boathouse."),
        entry(&["Do you sell giftcards?"], "Yes, from 20 EUR."),
    ]
}

fn best(index: &Index, text: &str) -> Option<usize> {
    let scores = index.scores(&index.query(&tokens(text)));
    let (entry, score) = scores
        .bm25
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))?;
    (*score > 0.0).then_some(entry)
}

#[test]
fn finds_paraphrases_through_stems_and_synonyms() {
    let index = Index::new(&kb());
    assert_eq!(best(&index, "bookings?"), Some(0));
    assert_eq!(best(&index, "how much is it"), Some(1));
    assert_eq!(best(&index, "kayak hire"), Some(2));
    assert_eq!(best(&index, "where can I park"), Some(3));
}

#[test]
fn corrects_typos_and_joins_compounds() {
    let index = Index::new(&kb());
    let terms = index.query(&tokens("parkng boathose"));
    assert!(terms.iter().all(|t| t.weight == 1.0), "{terms:?}");
    assert_eq!(best(&index, "parkng boathose"), Some(3));
    assert_eq!(best(&index, "a gift card?"), Some(4));
    assert_eq!(best(&index, "kayakrental"), Some(2));
}

#[test]
fn unknown_words_are_reported_apart() {
    let index = Index::new(&kb());
    let full = index.scores(&index.query(&tokens("kayak rental")));
    assert!(full.coverage[2] > 0.8 && full.unknown == 0.0, "{full:?}");
    let story = index.scores(&index.query(&tokens(
        "kayak rental for my spaceship on the asteroid belt",
    )));
    assert!(story.coverage[2] > 0.8, "{story:?}");
    assert!(story.unknown > 0.5, "{story:?}");
    assert_eq!(best(&index, "bananas"), None);
}

#[test]
fn what_is_asked_outweighs_a_detail() {
    let entry = |qs: &[&str], a: &str| FaqEntry {
        questions: qs.iter().map(|q| (*q).to_string()).collect(),
        answer: a.to_string(),
    };
    let index = Index::new(&[
        entry(&["How much does a tour cost?"], "790 NOK."),
        entry(&["How long is the full-day tour?"], "Eight hours."),
        entry(&["Do you have a half-day tour?"], "Yes."),
        entry(&["Can I rent a kayak?"], "Yes."),
    ]);
    assert_eq!(
        best(&index, "what is the price of the full day tour"),
        Some(0)
    );
    assert!(is_concept("price") && !is_concept("kayak"));
}

#[test]
fn empty_knowledge_base_answers_nothing() {
    let index = Index::new(&[]);
    assert_eq!(best(&index, "hello"), None);
}
