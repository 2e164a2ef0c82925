//! Who the visitor is: name, email, location, device and browser, page, referrer. All of it
//! came from the visitor's browser, so it is text; only http(s) pages become links.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::{ctx, tz_offset};
use crate::model::calendar::{format_date, local_day};
use crate::model::chat::ChatModel;
use crate::model::device;
use crate::model::transcript::clock;
use crate::net::api;

fn web_link(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

fn row(label: &'static str, value: Option<String>) -> impl IntoView {
    view! {
        <dt>{label}</dt>
        <dd>{value.filter(|v| !v.is_empty()).unwrap_or_else(|| "—".into())}</dd>
    }
}

fn link_row(label: &'static str, value: Option<String>) -> AnyView {
    match value.clone().filter(|v| web_link(v)) {
        Some(url) => view! {
            <dt>{label}</dt>
            <dd><a href=url.clone() target="_blank" rel="noopener noreferrer nofollow">{url.clone()}</a></dd>
        }
        .into_any(),
        None => row(label, value).into_any(),
    }
}

#[component]
pub fn VisitorPanel(model: RwSignal<ChatModel>, base: String) -> impl IntoView {
    let summary = Memo::new(move |_| model.with(|m| m.summary.clone()));
    let offset = tz_offset();
    let details = move || {
        let Some(s) = summary.get() else {
            return view! { <p class="note">"Loading…"</p> }.into_any();
        };
        let v = s.visitor.clone();
        let device = v
            .user_agent
            .as_deref()
            .map(|ua| device::parse(ua).describe());
        let email = match v.email.clone() {
            Some(email) => {
                view! { <dd><a href=format!("mailto:{email}")>{email.clone()}</a></dd> }.into_any()
            }
            None => view! { <dd>"—"</dd> }.into_any(),
        };
        let started = format!(
            "{} {}",
            format_date(local_day(s.started_at, offset)),
            clock(s.started_at, offset)
        );
        view! {
            <dl>
                {row("Channel", Some(s.channel.clone().unwrap_or_else(|| "Website chat".into())))}
                {row("Name", v.name.clone())}
                <dt>"Email"</dt>
                {email}
                {row("Location", v.location.clone())}
                {row("Device", device)}
                {link_row("Page", v.page.clone())}
                {link_row("Referrer", v.referrer.clone())}
                {row("Language", v.locale.clone())}
                {row("Group", s.group.clone())}
                {row("Started", Some(started))}
            </dl>
        }
        .into_any()
    };
    view! {
        <aside class="visitor-panel" aria-label="Visitor">
            <h2>"Visitor"</h2>
            {details}
            <button type="button" class="link" on:click=move |_| export(base.clone())>"Export this conversation (JSON)"</button>
        </aside>
    }
}

/// Downloads the conversation (history and summary) as a JSON file: the visitor's data on request.
fn export(base: String) {
    let ctx = ctx();
    leptos::task::spawn_local(async move {
        let data = match api::get::<serde_json::Value>(&base).await {
            Ok(data) => data,
            Err(error) => return ctx.failed(&error),
        };
        let id = data["summary"]["id"]
            .as_str()
            .unwrap_or("conversation")
            .to_string();
        let json = serde_json::to_string_pretty(&data).unwrap_or_default();
        if let Err(error) = download(
            &format!("conversation-{id}.json"),
            "application/json",
            &json,
        ) {
            web_sys::console::error_1(&error);
        }
    });
}

/// Saves `text` as a file named `name` (through a blob URL: nothing leaves the browser).
pub(super) fn download(name: &str, mime: &str, text: &str) -> Result<(), wasm_bindgen::JsValue> {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let anchor: web_sys::HtmlAnchorElement = document().create_element("a")?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}
