//! The optional LLM answerer's wire format (OpenAI-compatible chat completions), kept pure: the
//! edge sends [`request_body`] and turns the answer into a [`BotReply`] with [`parse_reply`].
//! The model is grounded in the site's knowledge base and asked for a small JSON verdict, so the
//! handoff triggers (asked for a human, not understood) work the same as with the embedded bot.

use serde::{Deserialize, Serialize};

use super::{wants_human, BotReply};
use crate::settings::FaqEntry;

/// Where the answerer lives; the API key is a Worker secret (`LLM_API_KEY`), never a setting.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct LlmSettings {
    /// Full URL of the chat-completions endpoint.
    pub url: String,
    pub model: String,
    /// After this long the embedded bot answers instead.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u32,
}

fn default_timeout_ms() -> u32 {
    4_000
}

const INSTRUCTIONS: &str = "You answer visitors of a business website, only from the knowledge \
base below. Reply with JSON only: {\"answer\": string, \"understood\": boolean, \"wants_human\": \
boolean}. understood is false when the knowledge base does not answer the question (then say so \
briefly). wants_human is true only when the visitor asks to talk to a person. Answer in the \
visitor's language.";

/// The request body for one visitor message.
pub fn request_body(settings: &LlmSettings, knowledge_base: &[FaqEntry], text: &str) -> String {
    let knowledge: Vec<String> = knowledge_base
        .iter()
        .map(|entry| format!("Q: {}\nA: {}", entry.questions.join(" / "), entry.answer))
        .collect();
    serde_json::json!({
        "model": settings.model,
        "temperature": 0,
        "messages": [
            { "role": "system", "content": format!("{INSTRUCTIONS}\n\nKnowledge base:\n{}", knowledge.join("\n\n")) },
            { "role": "user", "content": text },
        ],
    })
    .to_string()
}

#[derive(Deserialize)]
struct Completion {
    choices: Vec<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    message: Message,
}

#[derive(Deserialize)]
struct Message {
    content: String,
}

#[derive(Deserialize)]
struct Verdict {
    answer: String,
    #[serde(default = "yes")]
    understood: bool,
    #[serde(default)]
    wants_human: bool,
}

fn yes() -> bool {
    true
}

/// The model's reply as the rules need it; `None` if the response is not a usable completion
/// (then the embedded bot answers). A plain-text answer counts as understood. The visitor's own
/// words still count as a human request even if the model missed it.
pub fn parse_reply(response_body: &str, visitor_text: &str) -> Option<BotReply> {
    let completion: Completion = serde_json::from_str(response_body).ok()?;
    let content = completion.choices.into_iter().next()?.message.content;
    let trimmed = content
        .trim()
        .trim_start_matches("```json")
        .trim_start_matches("```")
        .trim_end_matches("```")
        .trim();
    let verdict = serde_json::from_str::<Verdict>(trimmed).unwrap_or(Verdict {
        answer: content.trim().to_string(),
        understood: true,
        wants_human: false,
    });
    if verdict.answer.trim().is_empty() {
        return None;
    }
    Some(BotReply {
        text: verdict.answer.trim().to_string(),
        understood: verdict.understood,
        wants_human: verdict.wants_human || wants_human(visitor_text),
        suggestions: Vec::new(),
    })
}

/// A reply fetched before the rules run, handed to them as a bot.
pub struct Fetched(pub BotReply);

impl super::Bot for Fetched {
    fn answer(&self, _text: &str) -> BotReply {
        self.0.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn completion(content: &str) -> String {
        serde_json::json!({ "choices": [{ "message": { "role": "assistant", "content": content } }] })
            .to_string()
    }

    #[test]
    fn a_json_verdict_becomes_the_reply() {
        let body =
            completion(r#"{"answer":"We open at 8.","understood":true,"wants_human":false}"#);
        let reply = parse_reply(&body, "when do you open?");
        assert_eq!(
            reply,
            Some(BotReply {
                text: "We open at 8.".into(),
                understood: true,
                wants_human: false,
                suggestions: Vec::new(),
            })
        );
    }

    #[test]
    fn fenced_json_plain_text_and_human_requests_are_handled() {
        let fenced = completion("```json\n{\"answer\":\"No idea.\",\"understood\":false}\n```");
        assert_eq!(
            parse_reply(&fenced, "xyz").map(|r| r.understood),
            Some(false)
        );
        let plain = completion("We open at 8.");
        assert_eq!(
            parse_reply(&plain, "when?").map(|r| r.text),
            Some("We open at 8.".into())
        );
        let missed_request =
            completion(r#"{"answer":"Sure.","understood":true,"wants_human":false}"#);
        assert_eq!(
            parse_reply(&missed_request, "can I talk to a person please?").map(|r| r.wants_human),
            Some(true)
        );
    }

    #[test]
    fn unusable_responses_fall_back() {
        assert_eq!(parse_reply("not json", "hi"), None);
        assert_eq!(parse_reply(r#"{"choices":[]}"#, "hi"), None);
        assert_eq!(parse_reply(&completion("   "), "hi"), None);
    }

    #[test]
    fn the_request_is_grounded_in_the_knowledge_base() {
        let settings = LlmSettings {
            url: "http://127.0.0.1:9/v1/chat/completions".into(),
            model: "small".into(),
            timeout_ms: 1000,
        };
        let kb = [FaqEntry {
            questions: vec!["Opening hours?".into()],
            answer: "8 to 18.".into(),
        }];
        let body: serde_json::Value =
            serde_json::from_str(&request_body(&settings, &kb, "when do you open?"))
                .unwrap_or_default();
        assert_eq!(body["model"], "small");
        assert!(body["messages"][0]["content"]
            .as_str()
            .unwrap_or("")
            .contains("A: 8 to 18."));
        assert_eq!(body["messages"][1]["content"], "when do you open?");
    }
}
