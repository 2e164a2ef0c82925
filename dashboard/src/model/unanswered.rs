//! Settings → Unanswered questions, without the view: the groups as the edge lists them, what
//! each button sends, and the same change applied to the settings form so a later "Save
//! settings" keeps it (the form was loaded before the change).

use baton_core::unanswered::Group;
use serde::Deserialize;
use serde_json::{json, Value};

use super::settings_form::{KbDraft, SettingsForm};

/// The list route's answer.
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Listed {
    pub groups: Vec<Group>,
}

/// What an admin chose for one group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choice {
    /// Add the question to this entry (its index).
    Phrasing(usize),
    /// Start an entry with this answer.
    NewEntry(String),
}

/// The resolve route's body, or what to tell the admin first (nothing is sent).
pub fn resolve_body(question: &str, choice: &Choice) -> Result<Value, String> {
    match choice {
        Choice::Phrasing(entry) => Ok(json!({ "question": question, "entry": entry })),
        Choice::NewEntry(answer) if answer.trim().is_empty() => {
            Err("Write the answer for the new entry first.".into())
        }
        Choice::NewEntry(answer) => {
            Ok(json!({ "question": question, "answer": answer.trim(), "new_entry": true }))
        }
    }
}

/// The choices of the "Add to entry" list: each entry by its first question.
pub fn entry_titles(form: &SettingsForm) -> Vec<(usize, String)> {
    form.knowledge_base
        .iter()
        .enumerate()
        .filter_map(|(i, entry)| {
            let first = entry
                .questions
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())?;
            Some((i, format!("{}. {first}", i + 1)))
        })
        .collect()
}

/// Applies a resolve the edge accepted to the loaded form (its other edits stay as they are).
pub fn apply(form: &mut SettingsForm, question: &str, choice: &Choice) {
    match choice {
        Choice::Phrasing(entry) => {
            if let Some(draft) = form.knowledge_base.get_mut(*entry) {
                let has = draft.questions.lines().any(|l| l.trim() == question.trim());
                if !has {
                    if !draft.questions.trim().is_empty() {
                        draft.questions.push('\n');
                    }
                    draft.questions.push_str(question.trim());
                }
            }
        }
        Choice::NewEntry(answer) => form.knowledge_base.push(KbDraft {
            questions: question.trim().to_string(),
            answer: answer.trim().to_string(),
        }),
    }
}

/// "Asked 3 times in 2 conversations".
pub fn asked(group: &Group) -> String {
    let times = match group.count {
        1 => "once".to_string(),
        n => format!("{n} times"),
    };
    match group.conversations.len() {
        1 => format!("Asked {times}"),
        n => format!("Asked {times} in {n} conversations"),
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    fn form() -> SettingsForm {
        SettingsForm::from_json(&json!({
            "greeting": "Hi",
            "knowledge_base": [
                { "questions": ["Is there parking?", "car park"], "answer": "By the lake." },
                { "questions": ["When are you open?"], "answer": "9 to 17." },
            ],
        }))
    }

    #[test]
    fn each_choice_sends_its_own_body() {
        assert_eq!(
            resolve_body("where do I leave my car", &Choice::Phrasing(0)),
            Ok(json!({ "question": "where do I leave my car", "entry": 0 }))
        );
        assert_eq!(
            resolve_body("gift vouchers?", &Choice::NewEntry(" Yes. ".into())),
            Ok(json!({ "question": "gift vouchers?", "answer": "Yes.", "new_entry": true }))
        );
        assert!(resolve_body("gift vouchers?", &Choice::NewEntry("  ".into())).is_err());
    }

    #[test]
    fn entries_are_offered_by_their_first_question() {
        assert_eq!(
            entry_titles(&form()),
            vec![
                (0, "1. Is there parking?".to_string()),
                (1, "2. When are you open?".to_string())
            ]
        );
    }

    #[test]
    fn an_accepted_resolve_shows_in_the_form_once() {
        let mut form = form();
        apply(&mut form, "where do I leave my car", &Choice::Phrasing(0));
        apply(&mut form, "where do I leave my car", &Choice::Phrasing(0));
        assert_eq!(
            form.knowledge_base[0].questions,
            "Is there parking?\ncar park\nwhere do I leave my car"
        );
        apply(
            &mut form,
            "gift vouchers?",
            &Choice::NewEntry("Yes.".into()),
        );
        assert_eq!(
            form.knowledge_base[2],
            KbDraft {
                questions: "gift vouchers?".into(),
                answer: "Yes.".into()
            }
        );
        let saved = form.to_json().expect("valid");
        assert_eq!(
            saved["knowledge_base"][0]["questions"][2],
            "where do I leave my car"
        );
    }

    #[test]
    fn groups_are_read_from_the_edge_and_described() {
        let listed: Listed = serde_json::from_value(json!({ "groups": [{
            "title": "where do I leave my car", "count": 3, "wordings": ["where can i leave my cars"],
            "conversations": ["c3", "c2"], "first_seen": 1, "last_seen": 9,
        }]}))
        .expect("groups");
        assert_eq!(asked(&listed.groups[0]), "Asked 3 times in 2 conversations");
    }
}
