//! Pasted "Q:/A:" text, the way FAQs are kept in documents and emails:
//!
//! ```text
//! Q: Do you ship abroad?
//! Q: International delivery?
//! A: Yes, to 30 countries.
//!    Customs are included.
//! ```
//! Consecutive `Q:` lines are phrasings of one entry; the answer runs from `A:` to the next
//! `Q:`. `Question:`/`Answer:` work too, in any case. Errors name the line.

use super::ImportPreview;

enum Marker<'a> {
    Question(&'a str),
    Answer(&'a str),
    Other(&'a str),
}

fn marker(line: &str) -> Marker<'_> {
    let trimmed = line.trim_start();
    for (prefixes, question) in [(["q:", "question:"], true), (["a:", "answer:"], false)] {
        for prefix in prefixes {
            let head = trimmed.get(..prefix.len());
            if head.is_some_and(|h| h.eq_ignore_ascii_case(prefix)) {
                let rest = trimmed[prefix.len()..].trim();
                return if question {
                    Marker::Question(rest)
                } else {
                    Marker::Answer(rest)
                };
            }
        }
    }
    Marker::Other(line.trim())
}

struct Pending {
    line: usize,
    questions: Vec<String>,
    answer: Option<Vec<String>>,
}

impl Pending {
    fn finish(self, preview: &mut ImportPreview) {
        match self.answer {
            Some(lines) => preview.push(self.line, self.questions, &lines.join("\n")),
            None => preview.error(self.line, "a question without an `A:` answer"),
        }
    }
}

pub fn parse_text(input: &str) -> ImportPreview {
    let mut preview = ImportPreview::default();
    let mut pending: Option<Pending> = None;
    for (i, line) in input.lines().enumerate() {
        let number = i + 1;
        match marker(line) {
            Marker::Question(q) => {
                // A question after an answer starts the next entry.
                if pending.as_ref().is_some_and(|p| p.answer.is_some()) {
                    if let Some(done) = pending.take() {
                        done.finish(&mut preview);
                    }
                }
                match pending.as_mut() {
                    Some(p) => p.questions.push(q.to_string()),
                    None => {
                        pending = Some(Pending {
                            line: number,
                            questions: vec![q.to_string()],
                            answer: None,
                        })
                    }
                }
            }
            Marker::Answer(a) => match pending.as_mut() {
                Some(p) if p.answer.is_none() => p.answer = Some(vec![a.to_string()]),
                Some(p) => p.answer.get_or_insert_with(Vec::new).push(a.to_string()),
                None => preview.error(number, "an answer without a `Q:` question"),
            },
            Marker::Other(text) => match pending.as_mut().and_then(|p| p.answer.as_mut()) {
                Some(answer) => answer.push(text.to_string()),
                None if text.is_empty() => {}
                None => match pending.as_mut() {
                    // A long question wrapped over two lines.
                    Some(p) => {
                        if let Some(last) = p.questions.last_mut() {
                            last.push(' ');
                            last.push_str(text);
                        }
                    }
                    None => preview.error(number, "text outside a Q:/A: pair"),
                },
            },
        }
    }
    if let Some(done) = pending {
        done.finish(&mut preview);
    }
    if preview.entries.is_empty() && preview.errors.is_empty() {
        preview.error(0, "no `Q:` / `A:` lines found");
    }
    preview
}
