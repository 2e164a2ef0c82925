//! Settings → Notifications: Web Push on this device (asked for only when the agent presses
//! the button, never on load), and the agent's devices with a per-site on/off.

use baton_core::api::PushKey;
use leptos::prelude::*;
use serde::Deserialize;

use super::ctx;
use crate::net::api::{self, seg};
use crate::net::push;

#[derive(Deserialize, Clone, Debug, PartialEq)]
struct DeviceSite {
    site_id: String,
    site_name: String,
    enabled: bool,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
struct Device {
    id: String,
    label: String,
    current: bool,
    sites: Vec<DeviceSite>,
}

#[component]
pub fn PushSettings() -> impl IntoView {
    let ctx = ctx();
    let devices = RwSignal::new(None::<Vec<Device>>);
    let key = RwSignal::new(None::<Option<String>>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let supported = push::push_supported();
    // Every change of the list bumps this; a reload answered after a newer change (a switch
    // flipped while the list was in flight) is stale and dropped, so it cannot flip the switch back.
    let generation = StoredValue::new(0u64);
    let bump = move || {
        generation.update_value(|g| *g += 1);
        generation.get_value()
    };
    let reload = move || {
        let asked = bump();
        leptos::task::spawn_local(async move {
            match api::get::<Vec<Device>>("/api/v1/push/devices").await {
                Ok(list) if generation.try_get_value() == Some(asked) => {
                    let _ = devices.try_set(Some(list));
                }
                Ok(_) => {}
                Err(failure) => ctx.failed(&failure),
            }
        })
    };
    leptos::task::spawn_local(async move {
        if let Ok(answer) = api::get::<PushKey>("/api/v1/push/key").await {
            let _ = key.try_set(Some(answer.public_key));
        }
    });
    reload();
    let enable = move |_| {
        let Some(Some(public_key)) = key.get_untracked() else {
            return;
        };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let outcome = async {
                let mut subscription = push::subscribe(&public_key).await?;
                if let Some(object) = subscription.as_object_mut() {
                    object.insert("label".into(), push::device_label().into());
                }
                api::post::<_, serde_json::Value>("/api/v1/push/devices", &subscription)
                    .await
                    .map_err(|failure| failure.message)
            }
            .await;
            match outcome {
                Ok(_) => ctx
                    .status
                    .set("Notifications are on for this device.".into()),
                Err(why) => {
                    let _ = error.try_set(Some(why));
                }
            }
            let _ = busy.try_set(false);
            reload();
        });
    };
    let toggle = move |device: String, site: String, on: bool| {
        bump();
        devices.update(|list| {
            let chosen = list.iter_mut().flatten().filter(|d| d.id == device);
            for entry in chosen
                .flat_map(|d| d.sites.iter_mut())
                .filter(|s| s.site_id == site)
            {
                entry.enabled = on;
            }
        });
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/push/devices/{}", seg(&device));
            let body = serde_json::json!({ "sites": { site: on } });
            if let Err(failure) = api::patch::<_, serde_json::Value>(&path, &body).await {
                let _ = error.try_set(Some(failure.message));
            }
            reload();
        });
    };
    let remove = move |device: Device| {
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/push/devices/{}", seg(&device.id));
            if device.current {
                push::unsubscribe().await;
            }
            if let Err(failure) = api::delete::<serde_json::Value>(&path).await {
                let _ = error.try_set(Some(failure.message));
            }
            reload();
        });
    };
    let this_device_on =
        move || devices.with(|d| d.as_ref().is_some_and(|d| d.iter().any(|d| d.current)));
    let list = move || {
        devices.get().unwrap_or_default().into_iter().map(|device| {
            let name = if device.current {
                format!("{} (this device)", device.label)
            } else {
                device.label.clone()
            };
            let sites = device.sites.iter().map(|site| {
                let (id, site_id) = (device.id.clone(), site.site_id.clone());
                let input = format!("push-{}-{}", device.id, site.site_id);
                let described = format!("{} on {}", site.site_name, device.label);
                view! {
                    <label class="push-site">
                        <input id=input type="checkbox" prop:checked=site.enabled aria-label=described
                            on:change=move |ev| toggle(id.clone(), site_id.clone(), event_target_checked(&ev)) />
                        {site.site_name.clone()}
                    </label>
                }
            }).collect_view();
            let gone = device.clone();
            view! {
                <li class="push-device">
                    <span class="push-device-name">{name}</span>
                    {sites}
                    <button type="button" class="link" on:click=move |_| remove(gone.clone())>"Remove"</button>
                </li>
            }
        }).collect_view()
    };
    view! {
        <section class="settings-section push-settings" aria-labelledby="push-title">
            <h2 id="push-title">"Notifications"</h2>
            <p class="note">
                "Get a notification on this device when a chat waits for you, is assigned to you, \
                 a visitor writes while your dashboard is closed, or a ticket arrives: only while \
                 you are available, for the sites switched on below."
            </p>
            {move || match (supported, key.get()) {
                (false, _) => view! { <p class="note">"This browser cannot receive push notifications. On iPhone and iPad, add the dashboard to the Home Screen first."</p> }.into_any(),
                (_, Some(None)) => view! { <p class="note">"Push notifications are not set up on this server."</p> }.into_any(),
                (_, None) => view! { <p class="note" role="status">"Loading…"</p> }.into_any(),
                (true, Some(Some(_))) if !this_device_on() => view! {
                    <button type="button" class="primary" disabled=move || busy.get() on:click=enable>
                        "Turn on notifications on this device"
                    </button>
                }.into_any(),
                _ => view! { <p class="note">"This device gets notifications."</p> }.into_any(),
            }}
            <Show when=move || error.with(Option::is_some)>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
            <ul class="push-devices" aria-label="Your devices">{list}</ul>
        </section>
    }
}
