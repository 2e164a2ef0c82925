//! Settings → Privacy (admins): look a visitor up by email or conversation id, download
//! everything stored about them, erase it after a confirmation, and the erase log.

use baton_core::privacy::ErasureRecord;
use leptos::prelude::*;
use serde::Deserialize;

use super::ctx;
use crate::model::privacy::{describe, lookup};
use crate::net::api::{self, seg};

#[derive(Deserialize, Clone, Debug, PartialEq)]
struct Log {
    erasures: Vec<ErasureRecord>,
}

#[component]
pub fn Privacy(site: String) -> impl IntoView {
    let ctx = ctx();
    let input = RwSignal::new(String::new());
    let confirming = RwSignal::new(None::<serde_json::Value>);
    let log = RwSignal::new(None::<Vec<ErasureRecord>>);
    let problem = RwSignal::new(None::<String>);
    let base = format!("/api/v1/sites/{}/privacy", seg(&site));
    let load = {
        let base = base.clone();
        move || {
            let path = format!("{base}/erasures");
            leptos::task::spawn_local(async move {
                match api::get::<Log>(&path).await {
                    Ok(answer) => {
                        let _ = log.try_set(Some(answer.erasures));
                    }
                    Err(error) => ctx.failed(&error),
                }
            });
        }
    };
    load();
    let parsed = move || {
        let parsed = lookup(&input.get_untracked());
        problem.set(parsed.as_ref().err().cloned());
        parsed.ok()
    };
    let export = {
        let base = base.clone();
        move |_| {
            let Some((query, _)) = parsed() else { return };
            let path = format!("{base}/export?{query}");
            leptos::task::spawn_local(async move {
                match api::get::<serde_json::Value>(&path).await {
                    Ok(data) => {
                        let json = serde_json::to_string_pretty(&data).unwrap_or_default();
                        if let Err(error) = super::visitor_panel::download(
                            "visitor-export.json",
                            "application/json",
                            &json,
                        ) {
                            web_sys::console::error_1(&error);
                        }
                        ctx.status.set("Export downloaded.".into());
                    }
                    Err(error) => problem.set(Some(error.message)),
                }
            });
        }
    };
    let ask = move |_| {
        if let Some((_, body)) = parsed() {
            confirming.set(Some(body));
        }
    };
    let erase = {
        let base = base.clone();
        let load = load.clone();
        move |_| {
            let Some(body) = confirming.get_untracked() else {
                return;
            };
            let path = format!("{base}/erase");
            let load = load.clone();
            leptos::task::spawn_local(async move {
                match api::post::<_, ErasureRecord>(&path, &body).await {
                    Ok(record) => {
                        let _ = confirming.try_set(None);
                        let _ = input.try_set(String::new());
                        ctx.status.set(format!(
                            "Erased {} conversation(s). This cannot be undone.",
                            record.conversations
                        ));
                        load();
                    }
                    Err(error) => {
                        let _ = confirming.try_set(None);
                        problem.set(Some(error.message));
                    }
                }
            });
        }
    };
    let offset = js_sys::Date::new_0().get_timezone_offset() as i64;
    view! {
        <section class="privacy" aria-labelledby="privacy-title">
            <h2 id="privacy-title">"Privacy"</h2>
            <p class="note">"A visitor's data on request: export everything stored about them, or erase it for good (statistics keep their counts)."</p>
            <label>"Visitor email or conversation id"
                <input prop:value=move || input.get() on:input=move |ev| { input.set(event_target_value(&ev)); confirming.set(None); } />
            </label>
            <div class="row">
                <button type="button" on:click=export>"Export"</button>
                <button type="button" class="danger" on:click=ask>"Erase…"</button>
            </div>
            <Show when=move || problem.with(Option::is_some)>
                <p class="error" role="alert">{move || problem.get()}</p>
            </Show>
            <Show when=move || confirming.with(Option::is_some)>
                <div role="alertdialog" aria-labelledby="erase-confirm" class="confirm">
                    <p id="erase-confirm">{move || format!("Erase everything stored about {}? This cannot be undone.", input.get().trim())}</p>
                    <button type="button" class="danger" on:click=erase.clone()>"Erase for good"</button>
                    <button type="button" on:click=move |_| confirming.set(None)>"Cancel"</button>
                </div>
            </Show>
            <h3>"Erase log"</h3>
            {move || match log.get() {
                None => view! { <p class="note" role="status">"Loading…"</p> }.into_any(),
                Some(list) if list.is_empty() => view! { <p class="empty">"Nothing erased yet."</p> }.into_any(),
                Some(list) => view! {
                    <ul class="erase-log">{list.iter().map(|r| view! { <li>{describe(r, offset)}</li> }).collect_view()}</ul>
                }.into_any(),
            }}
        </section>
    }
}
