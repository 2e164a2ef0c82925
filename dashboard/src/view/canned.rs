//! Canned replies under Settings: the site's (admins add and remove them) and the agent's own.
//! The composer offers them all after `/`.

use baton_core::toolbox::CannedReply;
use leptos::prelude::*;
use serde_json::json;

use super::ctx;
use crate::net::api::{self, seg};

#[component]
pub fn CannedReplies(site: String, admin: bool) -> impl IntoView {
    let ctx = ctx();
    let replies = RwSignal::new(Vec::<CannedReply>::new());
    let shortcut = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    // Admins add for the site by default; agents can only add their own.
    let personal = RwSignal::new(!admin);
    let error = RwSignal::new(None::<String>);
    let base = format!("/api/v1/sites/{}/canned-replies", seg(&site));
    let reload = {
        let base = base.clone();
        move || {
            let base = base.clone();
            leptos::task::spawn_local(async move {
                match api::get::<Vec<CannedReply>>(&base).await {
                    Ok(list) => {
                        let _ = replies.try_set(list);
                    }
                    Err(failure) => ctx.failed(&failure),
                }
            });
        }
    };
    reload();
    let add = {
        let (base, reload) = (base.clone(), reload.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let body = json!({
                "shortcut": shortcut.get_untracked(),
                "text": text.get_untracked(),
                "personal": personal.get_untracked(),
            });
            let (base, reload) = (base.clone(), reload.clone());
            leptos::task::spawn_local(async move {
                match api::post::<_, CannedReply>(&base, &body).await {
                    Ok(added) => {
                        let _ = error.try_set(None);
                        let _ = shortcut.try_set(String::new());
                        let _ = text.try_set(String::new());
                        ctx.status
                            .set(format!("Canned reply /{} added.", added.shortcut));
                        reload();
                    }
                    Err(failure) if failure.signed_out() => ctx.failed(&failure),
                    Err(failure) => {
                        let _ = error.try_set(Some(failure.message));
                    }
                }
            });
        }
    };
    let remove = move |reply: CannedReply| {
        let path = format!("{base}/{}", seg(&reply.id));
        let reload = reload.clone();
        leptos::task::spawn_local(async move {
            match api::delete::<serde_json::Value>(&path).await {
                Ok(_) => {
                    ctx.status
                        .set(format!("Canned reply /{} removed.", reply.shortcut));
                    reload();
                }
                Err(failure) if failure.signed_out() => ctx.failed(&failure),
                Err(failure) => {
                    let _ = error.try_set(Some(failure.message));
                }
            }
        });
    };
    let row = move |reply: CannedReply| {
        let can_remove = admin || reply.personal;
        let label = format!("Remove /{}", reply.shortcut);
        let owner = if reply.personal { "Mine" } else { "Site" };
        let uses = format!("used {} times", reply.uses);
        let remove = remove.clone();
        view! {
            <tr>
                <td class="shortcut">{format!("/{}", reply.shortcut)}</td>
                <td class="text">{reply.text.clone()}</td>
                <td>{owner}</td>
                <td>{uses}</td>
                <td>
                    <Show when=move || can_remove>
                        <button type="button" class="link danger-text" aria-label=label.clone()
                            on:click={
                                let (remove, reply) = (remove.clone(), reply.clone());
                                move |_| remove(reply.clone())
                            }>"Remove"</button>
                    </Show>
                </td>
            </tr>
        }
    };
    view! {
        <section class="settings-section canned" aria-labelledby="canned-title">
            <h2 id="canned-title">"Canned replies"</h2>
            <p class="help">"Type / in the composer to insert one. {visitor.name} and {agent.name} are filled in."</p>
            <table class="canned-table">
                <thead><tr><th>"Shortcut"</th><th>"Text"</th><th>"Owner"</th><th>"Uses"</th><th><span class="sr-only">"Actions"</span></th></tr></thead>
                <tbody>{move || replies.get().into_iter().map(row.clone()).collect_view()}</tbody>
            </table>
            <form class="canned-add" on:submit=add>
                <div class="field">
                    <label for="canned-shortcut">"Shortcut"</label>
                    <input id="canned-shortcut" prop:value=move || shortcut.get()
                        on:input=move |ev| shortcut.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="canned-text">"Text"</label>
                    <textarea id="canned-text" rows="2" prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                </div>
                <Show when=move || admin>
                    <label>
                        <input type="checkbox" prop:checked=move || personal.get()
                            on:change=move |ev| personal.set(event_target_checked(&ev)) />
                        " Only for me"
                    </label>
                </Show>
                <Show when=move || error.with(Option::is_some)>
                    <p class="error" role="alert">{move || error.get()}</p>
                </Show>
                <button type="submit">"Add canned reply"</button>
            </form>
        </section>
    }
}
