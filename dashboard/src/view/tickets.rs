//! Tickets: messages visitors left when nobody could answer, with the transcript; agents answer
//! them by email (the thread), close them once handled, and reopen them.

use baton_core::api::Ticket;
use leptos::prelude::*;

use super::ticket_thread::TicketThread;
use super::{ctx, tz_offset};
use crate::model::calendar::{format_date, local_day};
use crate::model::route::{Route, Tab};
use crate::model::transcript::clock;
use crate::net::api::{self, seg};

#[component]
pub fn Tickets(site: String) -> impl IntoView {
    let ctx = ctx();
    let status = RwSignal::new("open");
    let tickets = RwSignal::new(None::<Vec<Ticket>>);
    let reload = {
        let site = site.clone();
        move || {
            let site = site.clone();
            // Also called after a close request returns, when the screen may be gone.
            let Some(wanted) = status.try_get_untracked() else {
                return;
            };
            leptos::task::spawn_local(async move {
                let path = format!("/api/v1/sites/{}/tickets?status={wanted}", seg(&site));
                match api::get::<Vec<Ticket>>(&path).await {
                    Ok(list) => {
                        if wanted == "open" {
                            ctx.open_tickets.update(|t| {
                                t.insert(site.clone(), list.len());
                            });
                        }
                        let _ = tickets.try_set(Some(list));
                    }
                    Err(error) => ctx.failed(&error),
                }
            });
        }
    };
    Effect::new({
        let reload = reload.clone();
        move |_| {
            status.track();
            reload();
        }
    });
    let close = {
        let site = site.clone();
        let reload = reload.clone();
        move |id: String| {
            let site = site.clone();
            let reload = reload.clone();
            leptos::task::spawn_local(async move {
                let path = format!("/api/v1/sites/{}/tickets/{}/close", seg(&site), seg(&id));
                match api::post::<_, serde_json::Value>(&path, &()).await {
                    Ok(_) => {
                        ctx.status.set("Ticket closed.".into());
                        reload();
                    }
                    Err(error) => ctx.failed(&error),
                }
            });
        }
    };
    let offset = tz_offset();
    let site_for_cards = site.clone();
    let card = move |t: Ticket| {
        let site = site_for_cards.clone();
        let reload = reload.clone();
        let at = t.created_at as i64;
        let when = format!(
            "{} {}",
            format_date(local_day(at, offset)),
            clock(at, offset)
        );
        let href = Route::chat(&site, Tab::Tickets, &t.conversation_id).to_hash();
        let close = close.clone();
        let id = t.id.clone();
        let open = t.status == "open";
        let title_id = format!("ticket-{}", t.id);
        let labelled_by = title_id.clone();
        view! {
            <li class="ticket" aria-labelledby=labelled_by>
                <h2 id=title_id class="ticket-name">{t.name.clone()}</h2>
                <p class="ticket-meta">
                    <a href=format!("mailto:{}", t.email)>{t.email.clone()}</a>
                    " · " <time>{when}</time>
                </p>
                <p class="ticket-message">{t.message.clone()}</p>
                <details>
                    <summary>"Transcript"</summary>
                    <pre class="transcript-text">{t.transcript.clone()}</pre>
                </details>
                <TicketThread site=site.clone() ticket=t.id.clone() closed=!open
                    on_change=Callback::new(move |_| reload()) />
                <p class="buttons">
                    <a href=href>"Open conversation"</a>
                    <Show when=move || open>
                        <button type="button" on:click={
                            let close = close.clone();
                            let id = id.clone();
                            move |_| close(id.clone())
                        }>"Close ticket"</button>
                    </Show>
                </p>
            </li>
        }
    };
    view! {
        <h1 class="pane-title">"Tickets"</h1>
        <div class="segmented" role="group" aria-label="Which tickets">
            <button type="button" aria-pressed=move || (status.get() == "open").to_string() on:click=move |_| status.set("open")>"Open"</button>
            <button type="button" aria-pressed=move || (status.get() == "closed").to_string() on:click=move |_| status.set("closed")>"Closed"</button>
        </div>
        {move || match tickets.get() {
            None => view! { <p class="note" role="status">"Loading…"</p> }.into_any(),
            Some(list) if list.is_empty() => view! { <p class="empty">"No tickets here."</p> }.into_any(),
            Some(list) => view! { <ul class="tickets">{list.into_iter().map(card.clone()).collect_view()}</ul> }.into_any(),
        }}
    }
}
