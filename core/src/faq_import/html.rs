//! An FAQ web page, in the shapes FAQ pages actually use, most explicit first: schema.org
//! `FAQPage` JSON-LD (what search engines read; when present it is taken alone), then
//! `<details><summary>`, `<dt>/<dd>`, and a heading ending in "?" followed by its paragraphs.
//! Parsed with `scraper` (html5ever, the HTML standard's parsing rules), so broken markup is
//! read the way browsers read it. Text only: tags in answers are dropped, never kept as HTML.

use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node, Selector};

use super::ImportPreview;

fn selector(css: &str) -> Option<Selector> {
    Selector::parse(css).ok()
}

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "br",
    "tr",
    "section",
    "article",
    "blockquote",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "dd",
    "dt",
    "table",
];
const SKIPPED: &[&str] = &["script", "style", "template", "noscript", "summary"];

/// The visible text of an element, block elements on lines of their own.
fn block_text(element: ElementRef<'_>, skip_summary: bool) -> String {
    let mut out = String::new();
    let mut hidden = 0usize;
    for edge in element.traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(e) => {
                    let name = e.name();
                    let skip = SKIPPED.contains(&name) && (name != "summary" || skip_summary);
                    if skip || hidden > 0 {
                        hidden += 1;
                    } else if BLOCKS.contains(&name) {
                        out.push('\n');
                    }
                }
                Node::Text(text) if hidden == 0 => out.push_str(text),
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(e) = node.value() {
                    if hidden > 0 {
                        hidden -= 1;
                    } else if BLOCKS.contains(&e.name()) {
                        out.push('\n');
                    }
                }
            }
        }
    }
    tidy(&out)
}

/// Whitespace collapsed within lines, empty lines dropped.
fn tidy(text: &str) -> String {
    text.lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Answers in JSON-LD may carry HTML (`<p>`, `<a>`); only their text is kept.
fn html_to_text(fragment: &str) -> String {
    let parsed = Html::parse_fragment(fragment);
    block_text(parsed.root_element(), false)
}

pub fn parse_html(input: &str) -> ImportPreview {
    let document = Html::parse_document(input);
    let mut found: Vec<(String, String)> = Vec::new();
    json_ld(&document, &mut found);
    if found.is_empty() {
        details(&document, &mut found);
        definitions(&document, &mut found);
        headings(&document, &mut found);
    }
    let mut preview = ImportPreview::default();
    for (i, (question, answer)) in found.into_iter().enumerate() {
        let duplicate = preview
            .entries
            .iter()
            .any(|e| e.questions.first().is_some_and(|q| *q == question));
        if !duplicate {
            preview.push(i + 1, vec![question], &answer);
        }
    }
    if preview.entries.is_empty() && preview.errors.is_empty() {
        preview.error(
            0,
            "no questions found: the page has no FAQPage data, <details>, <dt>/<dd> or \
             headings ending in \"?\"",
        );
    }
    preview
}

fn json_ld(document: &Html, found: &mut Vec<(String, String)>) {
    let Some(scripts) = selector(r#"script[type="application/ld+json"]"#) else {
        return;
    };
    for script in document.select(&scripts) {
        let text: String = script.text().collect();
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) {
            faq_page(&value, found);
        }
    }
}

fn has_type(value: &serde_json::Value, wanted: &str) -> bool {
    match value.get("@type") {
        Some(serde_json::Value::String(t)) => t == wanted,
        Some(serde_json::Value::Array(ts)) => ts.iter().any(|t| t.as_str() == Some(wanted)),
        _ => false,
    }
}

fn as_list(value: Option<&serde_json::Value>) -> Vec<&serde_json::Value> {
    match value {
        Some(serde_json::Value::Array(items)) => items.iter().collect(),
        Some(item) => vec![item],
        None => Vec::new(),
    }
}

/// Finds FAQPage objects anywhere: top level, in an array, or under `@graph`.
fn faq_page(value: &serde_json::Value, found: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Array(items) => items.iter().for_each(|i| faq_page(i, found)),
        serde_json::Value::Object(map) => {
            if has_type(value, "FAQPage") {
                for question in as_list(map.get("mainEntity")) {
                    let name = question.get("name").and_then(|n| n.as_str()).unwrap_or("");
                    let answer = as_list(question.get("acceptedAnswer"))
                        .first()
                        .and_then(|a| a.get("text"))
                        .and_then(|t| t.as_str())
                        .unwrap_or("");
                    found.push((html_to_text(name), html_to_text(answer)));
                }
            }
            if let Some(graph) = map.get("@graph") {
                faq_page(graph, found);
            }
        }
        _ => {}
    }
}

fn details(document: &Html, found: &mut Vec<(String, String)>) {
    let (Some(all), Some(summary)) = (selector("details"), selector("summary")) else {
        return;
    };
    for item in document.select(&all) {
        let Some(question) = item.select(&summary).next() else {
            continue;
        };
        found.push((block_text(question, false), block_text(item, true)));
    }
}

fn definitions(document: &Html, found: &mut Vec<(String, String)>) {
    let Some(terms) = selector("dt") else {
        return;
    };
    for term in document.select(&terms) {
        let mut answer = Vec::new();
        for sibling in term.next_siblings().filter_map(ElementRef::wrap) {
            match sibling.value().name() {
                "dd" => answer.push(block_text(sibling, false)),
                "dt" => break,
                _ => {}
            }
        }
        found.push((block_text(term, false), answer.join("\n")));
    }
}

fn is_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// A heading that asks something, answered by what follows it up to the next heading.
fn headings(document: &Html, found: &mut Vec<(String, String)>) {
    let Some(all) = selector("h2, h3, h4, h5, h6") else {
        return;
    };
    for heading in document.select(&all) {
        let question = block_text(heading, false);
        if !question.ends_with('?') {
            continue;
        }
        let mut answer = Vec::new();
        for sibling in heading.next_siblings().filter_map(ElementRef::wrap) {
            if is_heading(sibling.value().name()) || sibling.value().name() == "details" {
                break;
            }
            answer.push(block_text(sibling, false));
        }
        found.push((question, answer.join("\n")));
    }
}
