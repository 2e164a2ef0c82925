//! The first-run guide: create the site, paste the tag and watch it connect (green once the
//! widget has loaded from one of the site's origins), choose language, contact details and
//! live chat, then import the FAQ into a preview to edit, try the bot on it, and save.

use baton_core::api::{Me, TrialAnswers};
use baton_core::faq_import::{ImportFormat, ImportPreview};
use baton_core::onboarding::TrialAnswer;
use baton_core::FaqEntry;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::ctx;
use crate::model::onboarding::{parse_origins, row_label, suggest_id, Draft, DraftEntry};
use crate::model::route::{Route, Tab};
use crate::net::api::{self, seg};

#[derive(Deserialize, Clone, Debug)]
struct Setup {
    site_id: String,
    tag: String,
    connected_at: Option<f64>,
    connected_origin: Option<String>,
}

#[derive(Serialize)]
struct NewSite {
    id: String,
    name: String,
    allowed_origins: Vec<String>,
}

#[component]
pub fn Guide() -> impl IntoView {
    let setup = RwSignal::new(None::<Setup>);
    view! {
        <main class="guide" id="main">
            <h1><span class="logo" aria-hidden="true">"◆"</span>" Set up your site"</h1>
            <ol class="steps">
                <li><CreateSite setup /></li>
                {move || setup.get().map(|s| view! {
                    <li><Connect setup=s.clone() /></li>
                    <li><Basics site=s.site_id.clone() /></li>
                    <li><Faq site=s.site_id.clone() /></li>
                    <li><Finish site=s.site_id /></li>
                })}
            </ol>
        </main>
    }
}

#[component]
fn CreateSite(setup: RwSignal<Option<Setup>>) -> impl IntoView {
    let ctx = ctx();
    let name = RwSignal::new(String::new());
    let id = RwSignal::new(String::new());
    let id_edited = RwSignal::new(false);
    let origins = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let body = NewSite {
            id: id.get(),
            name: name.get(),
            allowed_origins: parse_origins(&origins.get()),
        };
        leptos::task::spawn_local(async move {
            match api::post::<_, Setup>("/api/v1/sites", &body).await {
                Ok(created) => {
                    // The guide stays open while the account gains its site.
                    let _ = location().set_hash("#new-site");
                    ctx.link.set(Some(crate::model::onboarding::Link::NewSite));
                    setup.set(Some(created));
                    if let Ok(me) = api::get::<Me>("/api/v1/me").await {
                        ctx.me.set(Some(me));
                    }
                }
                Err(failure) => error.set(Some(failure.message)),
            }
        });
    };
    view! {
        <section aria-labelledby="step-site">
            <h2 id="step-site">"1. Your site"</h2>
            <Show
                when=move || setup.with(Option::is_none)
                fallback=move || view! { <p class="done">"✓ Created " {move || setup.get().map(|s| s.site_id)}</p> }
            >
                <form on:submit=submit aria-label="Create your site">
                    <label for="site-name">"Name (visitors see it)"</label>
                    <input id="site-name" required prop:value=move || name.get()
                        on:input=move |ev| {
                            name.set(event_target_value(&ev));
                            if !id_edited.get() { id.set(suggest_id(&name.get())); }
                        } />
                    <label for="site-id">"Id (goes into the tag: letters, digits, - and _)"</label>
                    <input id="site-id" required prop:value=move || id.get()
                        on:input=move |ev| { id_edited.set(true); id.set(event_target_value(&ev)); } />
                    <label for="site-origins">"Your website's address(es), one per line, e.g. https://shop.example"</label>
                    <textarea id="site-origins" rows="2" prop:value=move || origins.get()
                        on:input=move |ev| origins.set(event_target_value(&ev))></textarea>
                    <Show when=move || error.with(Option::is_some)>
                        <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
                    </Show>
                    <button type="submit" class="primary">"Create site"</button>
                </form>
            </Show>
        </section>
    }
}

#[component]
fn Connect(setup: Setup) -> impl IntoView {
    let state = RwSignal::new(setup.clone());
    let copied = RwSignal::new(false);
    let site = setup.site_id.clone();
    // Asks the edge until the widget has loaded once; stops with the guide.
    let timer = set_interval_with_handle(
        move || {
            if state.with_untracked(|s| s.connected_at.is_some()) {
                return;
            }
            let path = format!("/api/v1/sites/{}/setup", seg(&site));
            leptos::task::spawn_local(async move {
                if let Ok(fresh) = api::get::<Setup>(&path).await {
                    state.set(fresh);
                }
            });
        },
        std::time::Duration::from_secs(2),
    );
    on_cleanup(move || {
        if let Ok(handle) = timer {
            handle.clear();
        }
    });
    let tag = setup.tag.clone();
    let copy = move |_| {
        let clipboard = window().navigator().clipboard();
        let _ = clipboard.write_text(&tag);
        copied.set(true);
    };
    view! {
        <section aria-labelledby="step-tag">
            <h2 id="step-tag">"2. Paste this line into your pages"</h2>
            <label for="site-tag">"The tag"</label>
            <input id="site-tag" class="tag" readonly prop:value=setup.tag.clone() />
            <button type="button" on:click=copy>{move || if copied.get() { "Copied" } else { "Copy" }}</button>
            <p class=move || if state.with(|s| s.connected_at.is_some()) { "connection connected" } else { "connection" }
                role="status" aria-live="polite">
                {move || match state.get().connected_origin {
                    Some(origin) => format!("✓ Connected: the chat loaded on {origin}."),
                    None => "Waiting for the chat to load on your site… open a page with the tag and hover the chat button.".into(),
                }}
            </p>
        </section>
    }
}

#[derive(Serialize)]
struct Basics {
    locale: String,
    contact_details: String,
    live_chat: bool,
}

#[component]
fn Basics(site: String) -> impl IntoView {
    let locale = RwSignal::new(String::new());
    let contact = RwSignal::new(String::new());
    let live = RwSignal::new(true);
    let saved = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let path = format!("/api/v1/sites/{}/settings", seg(&site));
        let body = Basics {
            locale: locale.get(),
            contact_details: contact.get(),
            live_chat: live.get(),
        };
        leptos::task::spawn_local(async move {
            saved.set(Some(
                match api::patch::<_, serde_json::Value>(&path, &body).await {
                    Ok(_) => "✓ Saved.".into(),
                    Err(failure) => failure.message,
                },
            ));
        });
    };
    view! {
        <section aria-labelledby="step-basics">
            <h2 id="step-basics">"3. Language, contact details, live chat"</h2>
            <form on:submit=submit aria-label="Language, contact details and live chat">
                <label for="basics-locale">"Language of the chat"</label>
                <select id="basics-locale" on:change=move |ev| locale.set(event_target_value(&ev))>
                    <option value="">"The visitor's browser language"</option>
                    <option value="en">"English"</option>
                    <option value="de">"Deutsch"</option>
                    <option value="fr">"Français"</option>
                    <option value="es">"Español"</option>
                </select>
                <label for="basics-contact">"Contact details (shown when nobody can answer)"</label>
                <textarea id="basics-contact" rows="2" prop:value=move || contact.get()
                    on:input=move |ev| contact.set(event_target_value(&ev))></textarea>
                <label class="check">
                    <input type="checkbox" prop:checked=move || live.get()
                        on:change=move |ev| live.set(event_target_checked(&ev)) />
                    " Live chat: visitors can ask for a person"
                </label>
                <button type="submit">"Save"</button>
                <span role="status">{move || saved.get()}</span>
            </form>
        </section>
    }
}

#[derive(Serialize)]
struct ImportBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<ImportFormat>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

fn format_of(value: &str) -> Option<ImportFormat> {
    match value {
        "csv" => Some(ImportFormat::Csv),
        "json" => Some(ImportFormat::Json),
        "text" => Some(ImportFormat::Text),
        "html" => Some(ImportFormat::Html),
        _ => None,
    }
}

#[component]
fn Faq(site: String) -> impl IntoView {
    let source = RwSignal::new("csv".to_string());
    let content = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let preview = RwSignal::new(None::<ImportPreview>);
    let format = RwSignal::new(ImportFormat::Csv);
    let draft = RwSignal::new(Draft::default());
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(None::<String>);
    let question = RwSignal::new(String::new());
    let answers = RwSignal::new(Vec::<TrialAnswer>::new());
    // Copy, so the handlers can live in views that render more than once.
    let site = StoredValue::new(site);
    let run_import = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        saved.set(None);
        let chosen = format_of(&source.get());
        let body = match chosen {
            Some(f) => ImportBody {
                format: Some(f),
                content: Some(content.get()),
                url: None,
            },
            None => ImportBody {
                format: None,
                content: None,
                url: Some(url.get()),
            },
        };
        format.set(chosen.unwrap_or(ImportFormat::Html));
        let path = format!(
            "/api/v1/sites/{}/knowledge-base/import",
            seg(&site.get_value())
        );
        leptos::task::spawn_local(async move {
            match api::post::<_, ImportPreview>(&path, &body).await {
                Ok(found) => {
                    draft.set(Draft::from_preview(&found));
                    preview.set(Some(found));
                }
                Err(failure) => error.set(Some(failure.message)),
            }
        });
    };
    let try_bot = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let asked = question.get();
        if asked.trim().is_empty() {
            return;
        }
        let path = format!("/api/v1/sites/{}/bot/try", seg(&site.get_value()));
        let body =
            serde_json::json!({ "questions": [asked], "knowledge_base": draft.get().entries() });
        leptos::task::spawn_local(async move {
            match api::post::<_, TrialAnswers>(&path, &body).await {
                Ok(trial) => answers.update(|all| all.extend(trial.answers)),
                Err(failure) => error.set(Some(failure.message)),
            }
        });
    };
    let save = move |_| {
        let path = format!("/api/v1/sites/{}/settings", seg(&site.get_value()));
        let adding = draft.get().entries();
        leptos::task::spawn_local(async move {
            #[derive(Deserialize)]
            struct Current {
                knowledge_base: Vec<FaqEntry>,
            }
            let result = async {
                let current = api::get::<Current>(&path).await?;
                let mut all = current.knowledge_base;
                let count = adding.len();
                all.extend(adding);
                let body = serde_json::json!({ "knowledge_base": all });
                api::patch::<_, serde_json::Value>(&path, &body).await?;
                Ok::<usize, api::ApiError>(count)
            }
            .await;
            saved.set(Some(match result {
                Ok(count) => format!("✓ Saved {count} entries: the bot answers from them now."),
                Err(failure) => failure.message,
            }));
        });
    };
    view! {
        <section aria-labelledby="step-faq">
            <h2 id="step-faq">"4. Your FAQ"</h2>
            <form on:submit=run_import aria-label="Import your FAQ">
                <label for="faq-source">"From"</label>
                <select id="faq-source" on:change=move |ev| source.set(event_target_value(&ev))>
                    <option value="csv">"CSV (question, answer, more phrasings)"</option>
                    <option value="text">"Pasted text (Q: … A: …)"</option>
                    <option value="json">"JSON (knowledge-base format)"</option>
                    <option value="html">"HTML"</option>
                    <option value="url">"Your FAQ page (its address)"</option>
                </select>
                <Show
                    when=move || source.get() == "url"
                    fallback=move || view! {
                        <label for="faq-content">"Paste it here"</label>
                        <textarea id="faq-content" rows="6" prop:value=move || content.get()
                            on:input=move |ev| content.set(event_target_value(&ev))></textarea>
                    }
                >
                    <label for="faq-url">"Address of the page"</label>
                    <input id="faq-url" type="url" prop:value=move || url.get()
                        on:input=move |ev| url.set(event_target_value(&ev)) />
                </Show>
                <button type="submit">"Preview"</button>
            </form>
            <Show when=move || error.with(Option::is_some)>
                <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
            {move || preview.get().map(|p| {
                let errors = p.errors.clone();
                view! {
                    <p class="found" role="status">
                        {format!("{} entries found, {} refused.", p.entries.len(), p.errors.len())}
                    </p>
                    <ul class="import-errors" aria-label="Refused rows">
                        {errors.into_iter().map(|e| view! {
                            <li class="error">{format!("{}: {}", row_label(format.get_untracked(), e.row), e.message)}</li>
                        }).collect_view()}
                    </ul>
                }
            })}
            <ul class="preview" aria-label="Entries to import">
                <For
                    each={move || (0..draft.with(|d| d.entries.len())).collect::<Vec<usize>>()}
                    key=|i| *i
                    let:i
                >
                    <li class="preview-entry">
                        <label for=format!("pq-{i}")>"Questions (one per line)"</label>
                        <textarea id=format!("pq-{i}") rows="2"
                            prop:value={move || draft.with(|d| d.entries.get(i).map(|e| e.questions.clone()).unwrap_or_default())}
                            on:input={move |ev| draft.update(|d| if let Some(e) = d.entries.get_mut(i) { e.questions = event_target_value(&ev) })}></textarea>
                        <label for=format!("pa-{i}")>"Answer"</label>
                        <textarea id=format!("pa-{i}") rows="2"
                            prop:value={move || draft.with(|d| d.entries.get(i).map(|e| e.answer.clone()).unwrap_or_default())}
                            on:input={move |ev| draft.update(|d| if let Some(e) = d.entries.get_mut(i) { e.answer = event_target_value(&ev) })}></textarea>
                        <button type="button" class="link"
                            on:click={move |_| draft.update(|d| if let Some(e) = d.entries.get_mut(i) { *e = DraftEntry::default() })}>
                            "Leave out"
                        </button>
                    </li>
                </For>
            </ul>
            <Show when=move || draft.with(|d| !d.entries.is_empty())>
                <form on:submit=try_bot aria-label="Try the bot">
                    <label for="try-question">"Try the bot: ask what your visitors ask"</label>
                    <input id="try-question" prop:value=move || question.get()
                        on:input=move |ev| question.set(event_target_value(&ev)) />
                    <button type="submit">"Ask"</button>
                </form>
                <ul class="trial" aria-live="polite">
                    {move || answers.get().into_iter().map(|a| view! {
                        <li class=if a.answered { "trial answered" } else { "trial unanswered" }>
                            <strong>{a.question}</strong>" → "
                            {if a.answered { a.reply } else if a.wants_human { "It would hand over to a person.".to_string() } else { format!("It would not answer this ({})", a.reply) }}
                        </li>
                    }).collect_view()}
                </ul>
                <button type="button" class="primary" on:click=save>
                    {move || format!("Save {} entries", draft.with(|d| d.entries().len()))}
                </button>
            </Show>
            <p role="status" class="saved">{move || saved.get()}</p>
        </section>
    }
}

#[component]
fn Finish(site: String) -> impl IntoView {
    let ctx = ctx();
    let open = move |_| {
        ctx.navigate(Route {
            site: Some(site.clone()),
            tab: Tab::Active,
            conversation: None,
        });
    };
    view! {
        <section aria-labelledby="step-done">
            <h2 id="step-done">"5. Invite your team, go live"</h2>
            <p>"Invite co-workers under Settings → Agents. Your chat is live as soon as the tag is on your pages."</p>
            <button type="button" class="primary" on:click=open>"Open the dashboard"</button>
        </section>
    }
}
