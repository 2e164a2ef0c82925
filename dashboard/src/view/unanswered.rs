//! Settings → Unanswered questions (admins): what visitors asked that the bot could not answer,
//! near-duplicates grouped, each with its count and links to the conversations. One step per
//! group: add it to an entry, start a new entry with an answer, or dismiss it. The knowledge
//! base changes on the edge at once (for the next conversation) and in the form above.

use baton_core::unanswered::Group;
use leptos::prelude::*;

use super::ctx;
use crate::model::route::{Route, Tab};
use crate::model::settings_form::SettingsForm;
use crate::model::unanswered::{self as model, Choice, Listed};
use crate::net::api::{self, seg};

#[component]
pub fn Unanswered(site: String, form: RwSignal<Option<SettingsForm>>) -> impl IntoView {
    let ctx = ctx();
    let groups = RwSignal::new(None::<Vec<Group>>);
    let error = RwSignal::new(None::<String>);
    let base = format!("/api/v1/sites/{}/unanswered", seg(&site));
    let reload = {
        let base = base.clone();
        move || {
            let base = base.clone();
            leptos::task::spawn_local(async move {
                match api::get::<Listed>(&base).await {
                    Ok(listed) => {
                        let _ = groups.try_set(Some(listed.groups));
                    }
                    Err(failure) => ctx.failed(&failure),
                }
            });
        }
    };
    reload();
    let resolve = {
        let (base, reload) = (base.clone(), reload.clone());
        move |question: String, choice: Choice| {
            let body = match model::resolve_body(&question, &choice) {
                Ok(body) => body,
                Err(why) => return error.set(Some(why)),
            };
            let (path, reload) = (format!("{base}/resolve"), reload.clone());
            leptos::task::spawn_local(async move {
                match api::post::<_, serde_json::Value>(&path, &body).await {
                    Ok(_) => {
                        let _ = error.try_set(None);
                        let _ = form.try_update(|f| {
                            if let Some(f) = f.as_mut() {
                                model::apply(f, &question, &choice);
                            }
                        });
                        ctx.status.set(format!(
                            "Added “{question}” to the knowledge base. The bot answers it from the next conversation on."
                        ));
                        reload();
                    }
                    Err(failure) if failure.signed_out() => ctx.failed(&failure),
                    Err(failure) => {
                        let _ = error.try_set(Some(failure.message));
                    }
                }
            });
        }
    };
    let dismiss = {
        let (base, reload) = (base.clone(), reload.clone());
        move |question: String| {
            let body = serde_json::json!({ "question": question });
            let (path, reload) = (format!("{base}/dismiss"), reload.clone());
            leptos::task::spawn_local(async move {
                match api::post::<_, serde_json::Value>(&path, &body).await {
                    Ok(_) => {
                        let _ = error.try_set(None);
                        ctx.status.set(format!("Dismissed “{question}”."));
                        reload();
                    }
                    Err(failure) if failure.signed_out() => ctx.failed(&failure),
                    Err(failure) => {
                        let _ = error.try_set(Some(failure.message));
                    }
                }
            });
        }
    };
    let card = move |(n, group): (usize, Group)| {
        let site = site.clone();
        let title_id = format!("unanswered-{n}");
        let entry_id = format!("unanswered-{n}-entry");
        let answer_id = format!("unanswered-{n}-answer");
        let chosen = RwSignal::new(0usize);
        let answer = RwSignal::new(String::new());
        let links = group
            .conversations
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let href = Route::chat(&site, Tab::Monitor, id).to_hash();
                view! { <li><a href=href>{format!("Conversation {}", i + 1)}</a></li> }
            })
            .collect_view();
        let wordings = group
            .wordings
            .iter()
            .map(|w| view! { <li>{w.clone()}</li> })
            .collect_view();
        let has_wordings = !group.wordings.is_empty();
        let question = group.title.clone();
        let add = {
            let (resolve, question) = (resolve.clone(), question.clone());
            move |_| resolve(question.clone(), Choice::Phrasing(chosen.get_untracked()))
        };
        let create = {
            let (resolve, question) = (resolve.clone(), question.clone());
            move |_| resolve(question.clone(), Choice::NewEntry(answer.get_untracked()))
        };
        let drop_it = {
            let (dismiss, question) = (dismiss.clone(), question.clone());
            move |_| dismiss(question.clone())
        };
        let entries = move || {
            form.with(|f| f.as_ref().map(model::entry_titles).unwrap_or_default())
                .into_iter()
                .map(|(i, title)| view! { <option value=i.to_string()>{title}</option> })
                .collect_view()
        };
        view! {
            <li class="unanswered-group">
                <h3 id=title_id.clone()>{group.title.clone()}</h3>
                <p class="help">{model::asked(&group)}</p>
                {has_wordings.then(|| view! {
                    <p class="help">"Also asked as:"</p>
                    <ul class="wordings">{wordings}</ul>
                })}
                <ul class="conversation-links" aria-label="Conversations">{links}</ul>
                <div class="unanswered-actions">
                    <div class="field">
                        <label for=entry_id.clone()>"Add to entry"</label>
                        <select id=entry_id.clone()
                            on:change=move |ev| chosen.set(event_target_value(&ev).parse().unwrap_or(0))>
                            {entries}
                        </select>
                        <button type="button" on:click=add>"Add to entry"</button>
                    </div>
                    <div class="field">
                        <label for=answer_id.clone()>"Answer for a new entry"</label>
                        <textarea id=answer_id.clone() rows="2" prop:value=move || answer.get()
                            on:input=move |ev| answer.set(event_target_value(&ev))></textarea>
                        <button type="button" on:click=create>"New entry"</button>
                    </div>
                    <button type="button" class="link" on:click=drop_it>"Dismiss"</button>
                </div>
            </li>
        }
    };
    view! {
        <section class="settings-section unanswered" aria-labelledby="unanswered-title">
            <h2 id="unanswered-title">"Unanswered questions"</h2>
            <p class="help">"What visitors asked that the bot could not answer, similar questions together. Add one to an entry as another way to ask, or start a new entry with its answer."</p>
            <Show when=move || error.with(Option::is_some)>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
            {move || match groups.get() {
                None => view! { <p class="note" role="status">"Loading…"</p> }.into_any(),
                Some(list) if list.is_empty() => {
                    view! { <p class="note">"No unanswered questions."</p> }.into_any()
                }
                Some(list) => view! {
                    <ul class="unanswered-list">
                        {list.into_iter().enumerate().map(card.clone()).collect_view()}
                    </ul>
                }
                .into_any(),
            }}
        </section>
    }
}
