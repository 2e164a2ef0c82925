use super::*;

fn questions(preview: &ImportPreview) -> Vec<Vec<String>> {
    preview
        .entries
        .iter()
        .map(|e| e.questions.clone())
        .collect()
}

#[test]
fn json_in_the_knowledge_base_format_with_one_error_per_bad_entry() {
    let input = r#"[
        {"questions": ["Do you ship?", "Delivery?"], "answer": "Yes."},
        {"questions": ["No answer"]},
        {"question": "Open on Sunday?", "answer": "No."},
        {"questions": [3], "answer": "x"},
        {"questions": ["  "], "answer": "x"}
    ]"#;
    let preview = parse_json(input);
    assert_eq!(
        questions(&preview),
        vec![
            vec!["Do you ship?".to_string(), "Delivery?".to_string()],
            vec!["Open on Sunday?".to_string()]
        ]
    );
    let rows: Vec<usize> = preview.errors.iter().map(|e| e.row).collect();
    assert_eq!(rows, vec![2, 4, 5]);
    assert_eq!(parse_json("{").errors[0].row, 0);
    assert_eq!(
        parse_json(r#"{"knowledge_base": [{"questions": ["a?"], "answer": "b"}]}"#)
            .entries
            .len(),
        1
    );
}

#[test]
fn pasted_q_and_a_text() {
    let input = "Q: Do you ship abroad?\nquestion: International delivery?\nA: Yes, to 30 countries.\n  Customs included.\n\nQ: Parking?\nAnswer: Behind the shop.\nA: stray\nQ: Lonely question?\n";
    let preview = parse_text(input);
    assert_eq!(preview.entries.len(), 2);
    assert_eq!(
        preview.entries[0].questions,
        vec!["Do you ship abroad?", "International delivery?"]
    );
    assert_eq!(
        preview.entries[0].answer,
        "Yes, to 30 countries.\nCustoms included."
    );
    // A second `A:` continues the answer; the last question has none.
    assert_eq!(preview.entries[1].answer, "Behind the shop.\nstray");
    assert_eq!(preview.errors.len(), 1);
    assert_eq!(preview.errors[0].row, 9);
    let stray = parse_text("hello\nA: orphan");
    assert_eq!(
        stray.errors.iter().map(|e| e.row).collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(parse_text("").errors[0].row, 0);
}

#[cfg(feature = "import")]
mod with_parsers {
    use super::*;

    #[test]
    fn entries_get_the_same_limits_as_settings() {
        let long = "x".repeat(501);
        let input = format!(
            "question,answer\n{long},answer\nok?,{}\n",
            "y".repeat(10_001)
        );
        let preview = parse_csv(&input);
        assert!(preview.entries.is_empty());
        assert_eq!(preview.errors.len(), 2);
        assert!(preview.errors[0].message.contains("500 characters"));
        assert!(preview.errors[1].message.contains("10000"));
    }

    #[test]
    fn csv_with_header_quotes_phrasings_and_a_bad_row() {
        let input = "\u{feff}Question,Answer,More phrasings\r\n\
            \"Do you rent kayaks?\",\"Yes, single and double.\nFrom 300 NOK.\",Kayak rental|Can I hire a kayak?\r\n\
            Where are you?,Strandkaia 12,\"Address\nLocation\",Find you\r\n\
            Missing answer?,\r\n\
            ,\r\n\
            Open in winter?,\"No, May to September.\"\r\n";
        let preview = parse_csv(input);
        assert_eq!(
            questions(&preview),
            vec![
                vec!["Do you rent kayaks?", "Kayak rental", "Can I hire a kayak?"],
                vec!["Where are you?", "Address", "Location", "Find you"],
                vec!["Open in winter?"],
            ]
        );
        assert_eq!(
            preview.entries[0].answer,
            "Yes, single and double.\nFrom 300 NOK."
        );
        assert_eq!(preview.errors.len(), 1);
        assert_eq!(preview.errors[0].row, 4);
        assert!(
            preview.errors[0].message.contains("no answer"),
            "{:?}",
            preview.errors
        );
    }

    #[test]
    fn csv_without_header_with_semicolons_and_a_one_column_row() {
        let preview = parse_csv("Parking?;Behind the shop\njust a line\n");
        assert_eq!(preview.entries.len(), 1);
        assert_eq!(preview.entries[0].answer, "Behind the shop");
        assert_eq!(preview.errors[0].row, 2);
        assert!(parse_csv("").errors[0].row == 0);
    }

    #[test]
    fn html_json_ld_faq_page_wins_and_answers_lose_their_tags() {
        let page = r#"<html><head><script type="application/ld+json">
            {"@context":"https://schema.org","@graph":[{"@type":"WebPage"},{"@type":"FAQPage","mainEntity":[
              {"@type":"Question","name":"Do you ship to Norway?","acceptedAnswer":{"@type":"Answer","text":"<p>Yes, in <b>3 days</b>.</p><p>Free over 500 NOK.</p>"}},
              {"@type":"Question","name":"Empty one?","acceptedAnswer":{"@type":"Answer","text":""}}
            ]}]}</script></head>
            <body><details><summary>Ignored?</summary>Because JSON-LD is there.</details></body></html>"#;
        let preview = parse_html(page);
        assert_eq!(questions(&preview), vec![vec!["Do you ship to Norway?"]]);
        assert_eq!(
            preview.entries[0].answer,
            "Yes, in 3 days.\nFree over 500 NOK."
        );
        assert_eq!(preview.errors.len(), 1);
        assert_eq!(preview.errors[0].row, 2);
    }

    #[test]
    fn html_details_definition_lists_and_headings() {
        let page = r#"<!doctype html><main>
            <h1>FAQ</h1>
            <details><summary>Can I cancel?</summary><p>Yes, up to 24 h before.</p><script>alert(1)</script></details>
            <dl><dt>Do you have life jackets?</dt><dd>Yes, every size.</dd><dd>Also for dogs.</dd>
                <dt>Is it cold?</dt><dd>Bring a sweater.</dd></dl>
            <h2>Where do we meet?</h2><p>At the boathouse.</p><ul><li>Strandkaia 12</li></ul>
            <h2>About us</h2><p>Not a question.</p>
            <h3>Can kids join?</h3><p>From 8 years & up.</p>
            <h3>Unanswered?</h3>
            <h2>Next</h2>
        </main>"#;
        let preview = parse_html(page);
        assert_eq!(
            questions(&preview),
            vec![
                vec!["Can I cancel?"],
                vec!["Do you have life jackets?"],
                vec!["Is it cold?"],
                vec!["Where do we meet?"],
                vec!["Can kids join?"],
            ]
        );
        assert_eq!(preview.entries[0].answer, "Yes, up to 24 h before.");
        assert_eq!(
            preview.entries[1].answer,
            "Yes, every size.\nAlso for dogs."
        );
        assert_eq!(
            preview.entries[3].answer,
            "At the boathouse.\nStrandkaia 12"
        );
        assert_eq!(preview.entries[4].answer, "From 8 years & up.");
        assert_eq!(preview.errors.len(), 1, "{:?}", preview.errors);
        assert!(preview.errors[0].message.contains("Unanswered?"));
    }

    #[test]
    fn a_page_without_questions_says_so() {
        let preview = parse_html("<p>Hello</p>");
        assert!(preview.entries.is_empty());
        assert_eq!(preview.errors[0].row, 0);
        assert!(preview.errors[0].message.contains("no questions found"));
    }

    #[test]
    fn oversized_input_is_one_error() {
        let big = "a".repeat(MAX_INPUT_BYTES + 1);
        let preview = parse(ImportFormat::Text, &big);
        assert_eq!(preview.errors.len(), 1);
        assert!(preview.entries.is_empty());
    }

    #[test]
    fn a_preview_without_errors_is_a_valid_knowledge_base() {
        let preview = parse_csv("q1?,a1\nq2?,a2,alt\n");
        let body = serde_json::json!({ "knowledge_base": preview.entries });
        let policy = crate::settings_update::LlmPolicy::parse("");
        assert!(crate::settings_update::initial(&body, &policy).is_ok());
    }
}
