//! The agent's toolbox in the chat view: the handoff summary at the top (agents only, from the
//! conversation's state), and suggested answers with a knowledge-base search beside the
//! composer. Suggestions are fetched over HTTP after each visitor message, never through the
//! chat's socket, so they cannot delay it.

use baton_core::toolbox::{HandoffSummary, Suggestion};
use leptos::prelude::*;

use super::ctx;
use crate::model::chat::ChatModel;
use crate::model::toolbox::{earlier_text, outcome_text, reason_text, suggestion_query, wait_text};
use crate::net::api::{self, seg};

#[component]
pub fn HandoffPanel(summary: RwSignal<Option<HandoffSummary>>) -> impl IntoView {
    let ctx = ctx();
    move || {
        summary.get().map(|s| {
            let questions = s.questions.iter().map(|q| {
                let times = (q.times > 1).then(|| format!(" (asked {} times)", q.times));
                view! {
                    <li class:unanswered=!q.answered()>
                        <q class="asked">{q.text.clone()}</q>{times}
                        <span class="outcome">{outcome_text(q)}</span>
                    </li>
                }
            }).collect_view();
            let has_questions = !s.questions.is_empty();
            let pages = s.pages.join(", ");
            let has_pages = !pages.is_empty();
            let language = s.language.clone().map(|l| format!("Language: {l}"));
            let wait = wait_text(s.waited_ms);
            let now = ctx.now.get_untracked();
            let earlier = s.earlier.iter().map(|e| view! { <li>{earlier_text(e, now)}</li> }).collect_view();
            let has_earlier = !s.earlier.is_empty();
            view! {
                <section class="handoff-summary" aria-labelledby="handoff-title" tabindex="0">
                    <h2 id="handoff-title">"Handoff summary"<span class="tag">"Agents only"</span></h2>
                    <p class="reason">{reason_text(s.reason)}</p>
                    <Show when=move || has_questions fallback=|| view! { <p class="help">"No questions to the bot."</p> }>
                        <h3>"Asked the bot"</h3>
                    </Show>
                    <ul class="questions">{questions}</ul>
                    <p class="facts">
                        <Show when=move || has_pages><span>{format!("Page: {pages}")}</span></Show>
                        {language.map(|l| view! { <span>{l}</span> })}
                        {wait.map(|w| view! { <span>{w}</span> })}
                    </p>
                    <Show when=move || has_earlier>
                        <h3>"Earlier conversations"</h3>
                    </Show>
                    <ul class="earlier">{earlier}</ul>
                </section>
            }
        })
    }
}

/// Asks the edge for the knowledge base's best entries for `q`.
async fn fetch(site: &str, q: &str, limit: usize) -> Option<Vec<Suggestion>> {
    let path = format!(
        "/api/v1/sites/{}/suggestions?q={}&limit={limit}",
        seg(site),
        seg(q)
    );
    api::get::<Vec<Suggestion>>(&path).await.ok()
}

#[component]
pub fn Suggestions(model: RwSignal<ChatModel>, text: RwSignal<String>) -> impl IntoView {
    let site = model.with_untracked(|m| m.site_id.clone());
    let found = RwSignal::new(Vec::<Suggestion>::new());
    let searched = RwSignal::new(None::<Vec<Suggestion>>);
    let search = RwSignal::new(String::new());
    let query = Memo::new(move |_| model.with(suggestion_query));
    {
        let site = site.clone();
        Effect::new(move |_| {
            let Some((_, q)) = query.get() else {
                return;
            };
            let site = site.clone();
            leptos::task::spawn_local(async move {
                if let Some(list) = fetch(&site, &q, 3).await {
                    let _ = found.try_set(list);
                }
            });
        });
    }
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = search.get_untracked();
        if q.trim().is_empty() {
            searched.set(None);
            return;
        }
        let site = site.clone();
        leptos::task::spawn_local(async move {
            let list = fetch(&site, &q, 5).await.unwrap_or_default();
            let _ = searched.try_set(Some(list));
        });
    };
    let use_answer = move |answer: String| {
        text.set(answer);
        if let Some(el) = document().get_element_by_id("composer-text") {
            use wasm_bindgen::JsCast;
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    };
    let entries = move |list: Vec<Suggestion>| {
        list.into_iter()
            .map(|s| {
                let answer = s.answer.clone();
                view! {
                    <li>
                        <button type="button" class="suggestion" on:click=move |_| use_answer(answer.clone())>
                            <span class="title">{s.title.clone()}</span>
                            <span class="answer">{s.answer.clone()}</span>
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    let show = move || model.with(ChatModel::mine);
    view! {
        <Show when=show>
            <aside class="suggestions" aria-labelledby="suggestions-title" tabindex="0">
                <h2 id="suggestions-title">"Suggested answers"</h2>
                <Show when=move || found.with(Vec::is_empty) && query.with(Option::is_some)>
                    <p class="help">"No knowledge-base entry matches the visitor's last message."</p>
                </Show>
                <ul class="suggestion-list" aria-label="Suggested answers">{move || entries(found.get())}</ul>
                <form role="search" class="kb-search" on:submit=on_search.clone()>
                    <label for="kb-search">"Search the knowledge base"</label>
                    <input id="kb-search" type="search" prop:value=move || search.get()
                        on:input=move |ev| search.set(event_target_value(&ev)) />
                    <button type="submit">"Search"</button>
                </form>
                {move || searched.get().map(|list| {
                    if list.is_empty() {
                        view! { <p class="help">"Nothing found."</p> }.into_any()
                    } else {
                        view! { <ul class="suggestion-list" aria-label="Search results">{entries(list)}</ul> }.into_any()
                    }
                })}
            </aside>
        </Show>
    }
}
