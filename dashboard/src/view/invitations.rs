//! Invitations to other sites: an admin elsewhere invited this account; it joins only when its
//! owner accepts here (the admin learned nothing about the account before that).
//!
//! The list is fetched with the first screen, but the banner is a lazy screen (`lazy.rs`): most
//! sign-ins have no invitation waiting, and its list and buttons were ~5 KB brotli of the first
//! screen.

use leptos::prelude::*;

use super::sites::SiteSockets;
use super::{ctx, lazy};
use crate::model::answers::{self, Invitation};
use crate::net::api::{self, seg};

/// Fetches the open invitations; their banner loads only when there is one.
#[component]
pub fn Invitations() -> impl IntoView {
    let pending = RwSignal::new(Vec::<Invitation>::new());
    leptos::task::spawn_local(async move {
        let answer = api::json("GET", "/api/v1/invitations", None).await;
        if let Ok(list) = api::read(answer, answers::invitations) {
            let _ = pending.try_set(list);
        }
    });
    let any = Memo::new(move |_| pending.with(|p| !p.is_empty()));
    // `AnyView` either way, the type the shell's other reactive views return.
    move || {
        if any.get() {
            lazy::invitations(pending)
        } else {
            ().into_any()
        }
    }
}

/// The banner with each invitation, to accept or decline (in its own lazy module).
#[component]
pub fn Banner(pending: RwSignal<Vec<Invitation>>) -> impl IntoView {
    let ctx = ctx();
    let sockets = expect_context::<SiteSockets>();
    let answer = move |id: String, accept: bool| {
        leptos::task::spawn_local(async move {
            let verb = if accept { "accept" } else { "decline" };
            let path = format!("/api/v1/invitations/{}/{verb}", seg(&id));
            match api::json("POST", &path, Some("null".into())).await {
                Ok(_) => {
                    let _ = pending.try_update(|list| list.retain(|i| i.id != id));
                    if accept {
                        // The new site needs its own socket: reconnect with the fresh roster.
                        let answer = api::json("GET", "/api/v1/me", None).await;
                        if let Ok(me) = api::read(answer, answers::me) {
                            sockets.connect(ctx, &me);
                            ctx.me.set(Some(me));
                        }
                        ctx.status
                            .set("Invitation accepted: the site is in your list.".into());
                    }
                }
                Err(error) => ctx.failed(&error),
            }
        });
    };
    view! {
        <section class="invitations" aria-labelledby="invitations-title">
            <h2 id="invitations-title">"Invitations"</h2>
            <ul>
                <For each=move || pending.get() key=|i| i.id.clone() let:invitation>
                    <li>
                        <span>{format!("Join {} as {}", invitation.site_name, invitation.role)}</span>
                        <button type="button" class="primary" on:click={
                            let id = invitation.id.clone();
                            move |_| answer(id.clone(), true)
                        }>"Accept"</button>
                        <button type="button" on:click={
                            let id = invitation.id.clone();
                            move |_| answer(id.clone(), false)
                        }>"Decline"</button>
                    </li>
                </For>
            </ul>
        </section>
    }
}
