//! The screens reached without an account: sign-up (open, or with an operator's invitation),
//! the emailed verification link, and a team invitation link. Each ends signed in (the edge
//! sets the session cookie), which lands in the first-run guide or the site.

use baton_core::api::SignedIn;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::ctx;
use crate::net::api;

/// `ctx` is taken by the component: contexts are not reachable from inside a spawned task.
fn sign_in(ctx: super::Ctx, answer: SignedIn) {
    ctx.me.set(Some(answer.me));
    // The link's fragment has done its work; the guide or the site comes next.
    let _ = location().set_hash("#/");
}

#[component]
fn Field(
    id: &'static str,
    label: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <label for=id>{label}</label>
        <input
            id=id
            type=kind
            autocomplete=autocomplete
            required
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev))
        />
    }
}

#[derive(Serialize)]
struct SignUpBody {
    name: String,
    email: String,
    password: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    invitation: Option<String>,
}

#[component]
pub fn SignUp(invitation: Option<String>) -> impl IntoView {
    let invitation = StoredValue::new(invitation);
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let sent = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get() {
            return;
        }
        if password.get().len() < 8 {
            error.set(Some("Choose a password of at least 8 characters.".into()));
            return;
        }
        busy.set(true);
        error.set(None);
        let body = SignUpBody {
            name: name.get(),
            email: email.get(),
            password: password.get(),
            invitation: invitation.get_value(),
        };
        leptos::task::spawn_local(async move {
            match api::post::<_, serde_json::Value>("/api/v1/signup", &body).await {
                Ok(_) => sent.set(Some(body.email)),
                Err(failure) => error.set(Some(failure.message)),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="login" id="main">
            <h1><span class="logo" aria-hidden="true">"◆"</span>" Baton"</h1>
            <Show
                when=move || sent.with(Option::is_some)
                fallback=move || view! {
                    <p class="sub">"Create your account: your site's chat is five minutes away."</p>
                    <form on:submit=submit aria-label="Sign up">
                        <Field id="signup-name" label="Your name" kind="text" autocomplete="name" value=name />
                        <Field id="signup-email" label="Work email" kind="email" autocomplete="email" value=email />
                        <Field id="signup-password" label="Password (8 characters or more)" kind="password" autocomplete="new-password" value=password />
                        <Show when=move || error.with(Option::is_some)>
                            <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
                        </Show>
                        <button type="submit" class="primary" disabled=move || busy.get()>
                            {move || if busy.get() { "Creating…" } else { "Create account" }}
                        </button>
                    </form>
                    <p class="sub"><a href="#/">"I have an account: sign in"</a></p>
                }
            >
                <p class="sent" role="status">
                    "Check your email: we sent a link to "
                    <strong>{move || sent.get().unwrap_or_default()}</strong>
                    ". Open it to confirm your address; it works once, for 24 hours."
                </p>
            </Show>
        </main>
    }
}

#[derive(Serialize)]
struct VerifyBody {
    token: String,
    password: String,
}

#[component]
pub fn Verify(token: String) -> impl IntoView {
    let ctx = ctx();
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get() {
            return;
        }
        busy.set(true);
        error.set(None);
        let body = VerifyBody {
            token: token.clone(),
            password: password.get(),
        };
        leptos::task::spawn_local(async move {
            match api::post::<_, SignedIn>("/api/v1/signup/verify", &body).await {
                Ok(answer) => sign_in(ctx, answer),
                Err(failure) => error.set(Some(failure.message)),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="login" id="main">
            <h1><span class="logo" aria-hidden="true">"◆"</span>" Baton"</h1>
            <p class="sub">"Confirm your email: enter the password you chose when signing up."</p>
            <form on:submit=submit aria-label="Confirm your email">
                <Field id="verify-password" label="Password" kind="password" autocomplete="current-password" value=password />
                <Show when=move || error.with(Option::is_some)>
                    <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
                </Show>
                <button type="submit" class="primary" disabled=move || busy.get()>"Confirm and continue"</button>
            </form>
        </main>
    }
}

#[derive(Deserialize, Clone)]
struct Invitation {
    site_name: String,
    email: String,
}

#[derive(Serialize)]
struct JoinBody {
    token: String,
    name: String,
    password: String,
}

#[component]
pub fn Join(token: String) -> impl IntoView {
    let ctx = ctx();
    let invitation = RwSignal::new(None::<Invitation>);
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    {
        let token = token.clone();
        leptos::task::spawn_local(async move {
            let body = serde_json::json!({ "token": token });
            match api::post::<_, Invitation>("/api/v1/join/check", &body).await {
                Ok(found) => invitation.set(Some(found)),
                Err(failure) => error.set(Some(failure.message)),
            }
        });
    }
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get() {
            return;
        }
        busy.set(true);
        error.set(None);
        let body = JoinBody {
            token: token.clone(),
            name: name.get(),
            password: password.get(),
        };
        leptos::task::spawn_local(async move {
            match api::post::<_, SignedIn>("/api/v1/join", &body).await {
                Ok(answer) => sign_in(ctx, answer),
                Err(failure) => error.set(Some(failure.message)),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="login" id="main">
            <h1><span class="logo" aria-hidden="true">"◆"</span>" Baton"</h1>
            {move || invitation.get().map(|i| view! {
                <p class="sub">"Join the team of " <strong>{i.site_name}</strong> " as " {i.email} "."</p>
            })}
            <form on:submit=submit aria-label="Join the team">
                <Field id="join-name" label="Your name (visitors see it)" kind="text" autocomplete="name" value=name />
                <Field id="join-password" label="Choose a password (8 characters or more)" kind="password" autocomplete="new-password" value=password />
                <Show when=move || error.with(Option::is_some)>
                    <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
                </Show>
                <button type="submit" class="primary" disabled=move || busy.get()>"Join"</button>
            </form>
        </main>
    }
}
