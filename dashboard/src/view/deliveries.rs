//! Settings → Failed deliveries (admins): webhooks, emails and pushes that did not arrive,
//! while they are retried and once given up, each with the receiver's last answer and a link to
//! its conversation. A delivery that finally arrives leaves the list.

use baton_core::outbox::DeliveryFailure;
use leptos::prelude::*;

use super::{ctx, now_ms};
use crate::model::deliveries::row;
use crate::model::route::{Route, Tab};
use crate::net::api::{self, seg};

#[component]
pub fn Deliveries(site: String) -> impl IntoView {
    let ctx = ctx();
    let failures = RwSignal::new(None::<Vec<DeliveryFailure>>);
    let path = format!("/api/v1/sites/{}/deliveries", seg(&site));
    let load = move || {
        let path = path.clone();
        leptos::task::spawn_local(async move {
            match api::get::<Vec<DeliveryFailure>>(&path).await {
                Ok(list) => {
                    let _ = failures.try_set(Some(list));
                }
                Err(error) => ctx.failed(&error),
            }
        });
    };
    load();
    let refresh = {
        let load = load.clone();
        move |_| load()
    };
    let line = move |failure: DeliveryFailure| {
        let row = row(&failure, now_ms());
        let chat = Route {
            site: Some(site.clone()),
            tab: Tab::Archived,
            conversation: Some(row.conversation_id.clone()),
        }
        .to_hash();
        view! {
            <tr>
                <td>{row.what}</td>
                <td><a href=chat>"Conversation"</a></td>
                <td>{row.attempts}</td>
                <td class="error-text">{row.last_error}</td>
                <td>{row.state}</td>
            </tr>
        }
    };
    view! {
        <section class="deliveries" aria-labelledby="deliveries-title">
            <h2 id="deliveries-title">"Failed deliveries"</h2>
            <p class="note">"Webhooks, emails and pushes that did not arrive. Each is retried for a day, backing off, and leaves this list once it arrives."</p>
            <button type="button" on:click=refresh>"Refresh"</button>
            {move || match failures.get() {
                None => view! { <p class="note" role="status">"Loading…"</p> }.into_any(),
                Some(list) if list.is_empty() => {
                    view! { <p class="empty" role="status">"Nothing failed: every delivery arrived."</p> }.into_any()
                }
                Some(list) => view! {
                    <table>
                        <caption class="sr-only">"Failed deliveries"</caption>
                        <thead><tr><th scope="col">"What"</th><th scope="col">"Chat"</th><th scope="col">"Tries"</th><th scope="col">"Last answer"</th><th scope="col">"State"</th></tr></thead>
                        <tbody>{list.into_iter().map(line.clone()).collect_view()}</tbody>
                    </table>
                }.into_any(),
            }}
        </section>
    }
}
