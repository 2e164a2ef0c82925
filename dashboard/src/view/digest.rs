//! Settings → Notifications → Email digest: per site, an email of what was missed (chats nobody
//! accepted in time, new tickets) for agents who keep no dashboard open. Off until turned on.

use leptos::prelude::*;
use serde::Deserialize;

use super::ctx;
use crate::model::digest::period;
use crate::net::api;

#[derive(Deserialize, Clone, Debug, PartialEq)]
struct DigestSite {
    site_id: String,
    site_name: String,
    enabled: bool,
    every_ms: i64,
}

#[component]
pub fn DigestSettings() -> impl IntoView {
    let ctx = ctx();
    let sites = RwSignal::new(None::<Vec<DigestSite>>);
    let error = RwSignal::new(None::<String>);
    // As in push settings: an answer overtaken by a newer switch is dropped.
    let generation = StoredValue::new(0u64);
    let bump = move || {
        generation.update_value(|g| *g += 1);
        generation.get_value()
    };
    let apply = move |asked: u64, answer: api::ApiResult<Vec<DigestSite>>| match answer {
        Ok(list) if generation.try_get_value() == Some(asked) => {
            let _ = sites.try_set(Some(list));
        }
        Ok(_) => {}
        Err(failure) => {
            let _ = error.try_set(Some(failure.message.clone()));
            ctx.failed(&failure);
        }
    };
    let asked = bump();
    leptos::task::spawn_local(async move { apply(asked, api::get("/api/v1/digest").await) });
    let toggle = move |site: String, on: bool| {
        let asked = bump();
        sites.update(|list| {
            for entry in list.iter_mut().flatten().filter(|s| s.site_id == site) {
                entry.enabled = on;
            }
        });
        error.set(None);
        leptos::task::spawn_local(async move {
            let body = serde_json::json!({ "sites": { site: on } });
            apply(asked, api::patch("/api/v1/digest", &body).await)
        });
    };
    let list = move || {
        sites
            .get()
            .unwrap_or_default()
            .into_iter()
            .map(|site| {
                let id = site.site_id.clone();
                let label = format!("{} ({})", site.site_name, period(site.every_ms));
                view! {
                    <label class="digest-site">
                        <input type="checkbox" prop:checked=site.enabled
                            aria-label=format!("Email digest for {}", site.site_name)
                            on:change=move |ev| toggle(id.clone(), event_target_checked(&ev)) />
                        {label}
                    </label>
                }
            })
            .collect_view()
    };
    view! {
        <section class="settings-section digest-settings" aria-labelledby="digest-title">
            <h2 id="digest-title">"Email digest"</h2>
            <p class="note">
                "An email to you with the chats nobody accepted in time and the new tickets, \
                 for the sites switched on below. Nothing new, no email."
            </p>
            <Show when=move || error.with(Option::is_some)>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
            <div class="digest-sites">{list}</div>
        </section>
    }
}
