//! The bot's knowledge base: question/answer entries, several phrasings per answer.

use leptos::prelude::*;

use crate::model::settings_form::{KbDraft, SettingsForm};

#[component]
pub fn KnowledgeBase(form: RwSignal<Option<SettingsForm>>) -> impl IntoView {
    let count = Memo::new(move |_| form.with(|f| f.as_ref().map_or(0, |f| f.knowledge_base.len())));
    let edit = move |i: usize, change: fn(&mut KbDraft, String), text: String| {
        form.update(|f| {
            if let Some(entry) = f.as_mut().and_then(|f| f.knowledge_base.get_mut(i)) {
                change(entry, text);
            }
        });
    };
    let read = move |i: usize, pick: fn(&KbDraft) -> String| {
        move || {
            form.with(|f| f.as_ref().and_then(|f| f.knowledge_base.get(i).map(pick)))
                .unwrap_or_default()
        }
    };
    let entry = move |i: usize| {
        let q_id = format!("kb-{i}-questions");
        let a_id = format!("kb-{i}-answer");
        view! {
            <li class="kb-entry">
                <div class="field">
                    <label for=q_id.clone()>{format!("Entry {}: questions (one per line)", i + 1)}</label>
                    <textarea id=q_id rows="3" prop:value=read(i, |e| e.questions.clone())
                        on:input=move |ev| edit(i, |e, t| e.questions = t, event_target_value(&ev))></textarea>
                </div>
                <div class="field">
                    <label for=a_id.clone()>{format!("Entry {}: answer", i + 1)}</label>
                    <textarea id=a_id rows="3" prop:value=read(i, |e| e.answer.clone())
                        on:input=move |ev| edit(i, |e, t| e.answer = t, event_target_value(&ev))></textarea>
                </div>
                <button type="button" class="link danger-text" on:click=move |_| form.update(|f| {
                    if let Some(f) = f.as_mut() {
                        if i < f.knowledge_base.len() {
                            f.knowledge_base.remove(i);
                        }
                    }
                })>{format!("Remove entry {}", i + 1)}</button>
            </li>
        }
    };
    view! {
        <fieldset class="settings-section kb">
            <legend>"Knowledge base"</legend>
            <p class="help">"The bot answers from these entries. Give several ways a visitor may ask."</p>
            <ol class="kb-list">{move || (0..count.get()).map(entry).collect_view()}</ol>
            <button type="button" on:click=move |_| form.update(|f| {
                if let Some(f) = f.as_mut() {
                    f.knowledge_base.push(KbDraft::default());
                }
            })>"Add entry"</button>
        </fieldset>
    }
}
