//! A ticket's email thread: the agents' answers (sent to the visitor by email) and the visitor's
//! replies (come back through the Email Worker), a box to answer, and reopening a closed one.
//! Loaded when the agent opens it, so the Tickets list stays one request.

use baton_core::api::TicketThread as Thread;
use baton_core::TicketMessage;
use leptos::prelude::*;

use super::{ctx, tz_offset};
use crate::model::calendar::{format_date, local_day};
use crate::model::transcript::clock;
use crate::net::api::{self, seg};

#[component]
pub fn TicketThread(
    site: String,
    ticket: String,
    closed: bool,
    on_change: Callback<()>,
) -> impl IntoView {
    let ctx = ctx();
    let messages = RwSignal::new(None::<Vec<TicketMessage>>);
    let draft = RwSignal::new(String::new());
    let sending = RwSignal::new(false);
    let base = format!("/api/v1/sites/{}/tickets/{}", seg(&site), seg(&ticket));
    let load = {
        let base = base.clone();
        move || {
            let base = base.clone();
            leptos::task::spawn_local(async move {
                match api::get::<Thread>(&base).await {
                    Ok(thread) => {
                        let _ = messages.try_set(Some(thread.messages));
                    }
                    Err(error) => ctx.failed(&error),
                }
            });
        }
    };
    let opened = RwSignal::new(false);
    let on_toggle = {
        let load = load.clone();
        move |ev: leptos::ev::Event| {
            let open = event_target::<web_sys::HtmlDetailsElement>(&ev).open();
            if open && !opened.get_untracked() {
                opened.set(true);
                load();
            }
        }
    };
    let send = {
        let base = base.clone();
        let load = load.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let text = draft.get_untracked();
            if text.trim().is_empty() || sending.get_untracked() {
                return;
            }
            sending.set(true);
            let path = format!("{base}/answers");
            let load = load.clone();
            leptos::task::spawn_local(async move {
                let body = serde_json::json!({ "text": text });
                match api::post::<_, serde_json::Value>(&path, &body).await {
                    Ok(_) => {
                        let _ = draft.try_set(String::new());
                        ctx.status.set("Answer sent by email.".into());
                        load();
                    }
                    Err(error) => ctx.failed(&error),
                }
                let _ = sending.try_set(false);
            });
        }
    };
    let reopen = {
        let base = base.clone();
        move |_| {
            let path = format!("{base}/reopen");
            leptos::task::spawn_local(async move {
                match api::post::<_, serde_json::Value>(&path, &()).await {
                    Ok(_) => {
                        ctx.status.set("Ticket reopened.".into());
                        on_change.run(());
                    }
                    Err(error) => ctx.failed(&error),
                }
            });
        }
    };
    let offset = tz_offset();
    let files_base = StoredValue::new(base.clone());
    let entry = move |m: TicketMessage| {
        // Files the reply brought: served as downloads (an image opens in a new tab).
        let files = m
            .attachments
            .iter()
            .map(|file| {
                let href = format!("{}/attachments/{}", files_base.get_value(), seg(&file.id));
                let label = format!("📎 {} ({})", file.name, crate::model::transcript::size(file.size));
                view! { <li><a class="file" href=href target="_blank" rel="noopener">{label}</a></li> }
            })
            .collect_view();
        let when = format!(
            "{} {}",
            format_date(local_day(m.created_at, offset)),
            clock(m.created_at, offset)
        );
        let class = format!("thread-message from-{}", m.direction);
        let who = if m.direction == "agent" {
            format!("{} (answer by email)", m.author)
        } else {
            format!("{} (reply)", m.author)
        };
        view! {
            <li class=class>
                <p class="ticket-meta">{who}" · "<time>{when}</time></p>
                <p class="ticket-message">{m.body}</p>
                <ul class="ticket-files">{files}</ul>
            </li>
        }
    };
    let box_id = format!("answer-{ticket}");
    view! {
        <details class="ticket-thread" on:toggle=on_toggle>
            <summary>"Email thread"</summary>
            {move || match messages.get() {
                None => view! { <p class="note" role="status">"Loading…"</p> }.into_any(),
                Some(list) if list.is_empty() => {
                    view! { <p class="empty">"No emails yet."</p> }.into_any()
                }
                Some(list) => view! {
                    <ol class="thread">{list.into_iter().map(entry).collect_view()}</ol>
                }
                .into_any(),
            }}
            <form class="ticket-answer" on:submit=send>
                <label for=box_id.clone()>"Answer by email"</label>
                <textarea id=box_id rows="3" prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                <button type="submit" disabled=move || sending.get()>"Send answer"</button>
            </form>
            <Show when=move || closed>
                <button type="button" class="reopen" on:click=reopen.clone()>"Reopen ticket"</button>
            </Show>
        </details>
    }
}
