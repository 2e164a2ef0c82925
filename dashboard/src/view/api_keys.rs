//! Admins' Operator API keys: one per outside bot platform (its name is the channel agents see),
//! created with the URL that receives agents' events, shown once, revoked at once.

use leptos::prelude::*;
use serde::Deserialize;

use super::ctx;
use crate::net::api::{self, seg};

#[derive(Deserialize, Clone, Debug, PartialEq)]
struct ApiKey {
    id: String,
    name: String,
    webhook_url: String,
    #[serde(default)]
    revoked_at: Option<f64>,
}

#[derive(Deserialize)]
struct Created {
    secret: String,
}

#[component]
pub fn ApiKeys(site: String) -> impl IntoView {
    let ctx = ctx();
    let keys = RwSignal::new(None::<Vec<ApiKey>>);
    let name = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let shown = RwSignal::new(None::<String>);
    let base = format!("/api/v1/sites/{}/api-keys", seg(&site));
    let load = {
        let base = base.clone();
        move || {
            let base = base.clone();
            leptos::task::spawn_local(async move {
                match api::get::<Vec<ApiKey>>(&base).await {
                    Ok(list) => {
                        let _ = keys.try_set(Some(list));
                    }
                    Err(error) => ctx.failed(&error),
                }
            });
        }
    };
    load();
    let create = {
        let base = base.clone();
        let load = load.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let body = serde_json::json!({ "name": name.get_untracked(), "webhook_url": url.get_untracked() });
            let base = base.clone();
            let load = load.clone();
            leptos::task::spawn_local(async move {
                match api::post::<_, Created>(&base, &body).await {
                    Ok(created) => {
                        let _ = shown.try_set(Some(created.secret));
                        let _ = name.try_set(String::new());
                        let _ = url.try_set(String::new());
                        load();
                    }
                    Err(error) => ctx.failed(&error),
                }
            });
        }
    };
    let revoke = {
        let base = base.clone();
        move |id: String| {
            let path = format!("{base}/{}", seg(&id));
            let load = load.clone();
            leptos::task::spawn_local(async move {
                match api::delete::<serde_json::Value>(&path).await {
                    Ok(_) => {
                        ctx.status.set("API key revoked.".into());
                        load();
                    }
                    Err(error) => ctx.failed(&error),
                }
            });
        }
    };
    let row = move |key: ApiKey| {
        let revoke = revoke.clone();
        let id = key.id.clone();
        let live = key.revoked_at.is_none();
        view! {
            <li>
                <strong>{key.name.clone()}</strong>" → "<code>{key.webhook_url.clone()}</code>
                {if live {
                    view! { <button type="button" class="danger" on:click=move |_| revoke(id.clone())>{format!("Revoke {}", key.name)}</button> }.into_any()
                } else {
                    view! { <span class="muted">" (revoked)"</span> }.into_any()
                }}
            </li>
        }
    };
    view! {
        <section class="api-keys" aria-labelledby="api-keys-title">
            <h2 id="api-keys-title">"Operator API keys"</h2>
            <p class="note">"An outside bot platform hands conversations to your agents with a key (docs/API.md, Operator API)."</p>
            {move || match keys.get() {
                None => view! { <p class="note" role="status">"Loading…"</p> }.into_any(),
                Some(list) if list.is_empty() => view! { <p class="empty">"No keys yet."</p> }.into_any(),
                Some(list) => view! { <ul>{list.into_iter().map(row.clone()).collect_view()}</ul> }.into_any(),
            }}
            <Show when=move || shown.with(Option::is_some)>
                <p role="status" class="secret">"Copy this key now; it is not shown again: "
                    <code>{move || shown.get().unwrap_or_default()}</code></p>
            </Show>
            <form on:submit=create>
                <label>"Channel name" <input prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) /></label>
                <label>"Webhook URL" <input type="url" prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev)) /></label>
                <button type="submit">"Create key"</button>
            </form>
        </section>
    }
}
