//! Sign-in. The edge answers with the agent and sets the HttpOnly session cookie; the token in
//! the body is not kept anywhere by the dashboard.

use leptos::prelude::*;

use super::ctx;
use crate::model::answers;
use crate::net::{api, json};

#[component]
pub fn Login() -> impl IntoView {
    let ctx = ctx();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get() {
            return;
        }
        // A user gesture: the moment browsers allow a page to make sound later.
        super::notify::unlock_audio();
        busy.set(true);
        error.set(None);
        let body = json::write(|o| answers::credentials(&email.get(), &password.get(), o));
        leptos::task::spawn_local(async move {
            // The answer is `SignedIn` (the token, then `Me` flattened); read as `Me`, the
            // token is skipped.
            let answer = api::json("POST", "/api/v1/auth/login", Some(body)).await;
            match api::read(answer, answers::me) {
                Ok(me) => {
                    password.set(String::new());
                    ctx.status.set(String::new());
                    ctx.me.set(Some(me));
                }
                Err(failure) => error.set(Some(if failure.status == 401 {
                    "Wrong email or password.".to_string()
                } else {
                    failure.message
                })),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="login" id="main">
            <h1><span class="logo" aria-hidden="true">"◆"</span>" Baton"</h1>
            <p class="sub">"Sign in to answer your visitors."</p>
            <form on:submit=submit aria-label="Sign in">
                <label for="login-email">"Email"</label>
                <input
                    id="login-email"
                    type="email"
                    autocomplete="username"
                    required
                    prop:value=move || email.get()
                    on:input=move |ev| email.set(event_target_value(&ev))
                />
                <label for="login-password">"Password"</label>
                <input
                    id="login-password"
                    type="password"
                    autocomplete="current-password"
                    required
                    prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev))
                />
                <Show when=move || error.with(Option::is_some)>
                    <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
                </Show>
                <button type="submit" class="primary" disabled=move || busy.get()>
                    // `String`, as the page's other reactive text (one render effect copy).
                    {move || String::from(if busy.get() { "Signing in…" } else { "Sign in" })}
                </button>
            </form>
            <Show when=move || ctx.signup.with(|m| m.as_deref() == Some("open"))>
                <p class="sub"><a href="#signup">"New here? Create an account"</a></p>
            </Show>
        </main>
    }
}
