//! Going away while holding chats: return them to the queue, keep them, or stay available.
//!
//! A lazy screen in the chat's module (`lazy.rs`): that module is fetched right after the lists
//! anyway, and an agent holding a chat has usually opened it, so the dialog is there at once.

use leptos::prelude::*;

use super::ctx;
use super::shell::{held, set_available};
use super::sites::SiteSockets;
use crate::model::answers;
use crate::net::socket::send_once;
use crate::net::{api, json};

#[component]
pub fn GoingAway(asking: RwSignal<bool>) -> impl IntoView {
    let ctx = ctx();
    let sockets = expect_context::<SiteSockets>();
    let return_all = move |_| {
        for (site, id) in held(ctx) {
            let path = format!(
                "/api/v1/sites/{}/conversations/{}/ws",
                api::seg(&site),
                api::seg(&id)
            );
            send_once(&path, json::write(answers::return_to_queue));
        }
        asking.set(false);
        set_available(ctx, sockets, false);
    };
    view! {
        <div class="dialog" role="dialog" aria-labelledby="offline-title" aria-describedby="offline-text">
            <h2 id="offline-title">"Going away"</h2>
            <p id="offline-text">{move || format!("You have {} chat(s) in progress. What should happen to them?", held(ctx).len())}</p>
            <div class="buttons">
                <button type="button" class="primary" on:click=return_all>"Return them to the queue"</button>
                <button type="button" on:click=move |_| { asking.set(false); set_available(ctx, sockets, false); }>"Keep them"</button>
                <button type="button" class="link" on:click=move |_| asking.set(false)>"Cancel"</button>
            </div>
        </div>
    }
}
