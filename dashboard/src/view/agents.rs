//! The site's agents (admins): add someone (a new account gets a first password shown once),
//! change role, groups and chat limit, remove from the site.

use baton_core::api::{AddedAgent, AgentUpdate, NewAgent, Role, SiteAgent};
use leptos::prelude::*;

use super::ctx;
use crate::net::api::{self, seg};

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::Agent => "agent",
    }
}

fn role_from(text: &str) -> Role {
    if text == "admin" {
        Role::Admin
    } else {
        Role::Agent
    }
}

fn groups_from(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .map(str::to_string)
        .collect()
}

#[component]
pub fn Agents(site: String) -> impl IntoView {
    let ctx = ctx();
    let agents = RwSignal::new(None::<Vec<SiteAgent>>);
    let base = format!("/api/v1/sites/{}/agents", seg(&site));
    let reload = {
        let base = base.clone();
        move || {
            let base = base.clone();
            leptos::task::spawn_local(async move {
                match api::get::<Vec<SiteAgent>>(&base).await {
                    Ok(list) => {
                        let _ = agents.try_set(Some(list));
                    }
                    Err(error) => ctx.failed(&error),
                }
            });
        }
    };
    reload();
    let row = {
        let base = base.clone();
        let reload = reload.clone();
        move |agent: SiteAgent| {
            let path = format!("{base}/{}", seg(&agent.id));
            let role = RwSignal::new(role_name(agent.role).to_string());
            let max = RwSignal::new(agent.max_chats.to_string());
            let groups = RwSignal::new(agent.groups.join(", "));
            let key = agent.id.clone();
            let save = {
                let path = path.clone();
                move |_| {
                    let Ok(max_chats) = max.get_untracked().trim().parse::<u32>() else {
                        ctx.status.set("Max chats must be a whole number.".into());
                        return;
                    };
                    let update = AgentUpdate {
                        role: Some(role_from(&role.get_untracked())),
                        groups: Some(groups_from(&groups.get_untracked())),
                        max_chats: Some(max_chats),
                    };
                    let path = path.clone();
                    leptos::task::spawn_local(async move {
                        match api::patch::<_, SiteAgent>(&path, &update).await {
                            Ok(agent) => ctx.status.set(format!("Saved {}.", agent.name)),
                            Err(error) => ctx.failed(&error),
                        }
                    });
                }
            };
            let remove = {
                let reload = reload.clone();
                let name = agent.name.clone();
                move |_| {
                    let path = path.clone();
                    let reload = reload.clone();
                    let name = name.clone();
                    leptos::task::spawn_local(async move {
                        match api::delete::<serde_json::Value>(&path).await {
                            Ok(_) => {
                                ctx.status
                                    .set(format!("{name} was removed from this site."));
                                reload();
                            }
                            Err(error) => ctx.failed(&error),
                        }
                    });
                }
            };
            view! {
                <tr>
                    <th scope="row">{agent.name.clone()}<br /><span class="muted">{agent.email.clone()}</span></th>
                    <td>
                        <select aria-label=format!("Role of {}", agent.name) on:change=move |ev| role.set(event_target_value(&ev))>
                            <option value="agent" selected=agent.role == Role::Agent>"Agent"</option>
                            <option value="admin" selected=agent.role == Role::Admin>"Admin"</option>
                        </select>
                    </td>
                    <td><input aria-label=format!("Groups of {}", agent.name) prop:value=move || groups.get() on:input=move |ev| groups.set(event_target_value(&ev)) placeholder="all groups" /></td>
                    <td><input class="narrow" inputmode="numeric" aria-label=format!("Max chats of {}", agent.name) prop:value=move || max.get() on:input=move |ev| max.set(event_target_value(&ev)) /></td>
                    <td class="buttons" data-agent=key>
                        <button type="button" on:click=save>"Save"</button>
                        <button type="button" class="danger" on:click=remove>"Remove"</button>
                    </td>
                </tr>
            }
        }
    };
    view! {
        <section class="agents" aria-labelledby="agents-title">
            <h2 id="agents-title">"Agents"</h2>
            {move || match agents.get() {
                None => view! { <p class="note" role="status">"Loading…"</p> }.into_any(),
                Some(list) => view! {
                    <div class="table-wrap">
                        <table>
                            <thead><tr><th scope="col">"Agent"</th><th scope="col">"Role"</th><th scope="col">"Groups"</th><th scope="col">"Max chats"</th><th scope="col">"Actions"</th></tr></thead>
                            <tbody>{list.into_iter().map(row.clone()).collect_view()}</tbody>
                        </table>
                    </div>
                }
                .into_any(),
            }}
            <AddAgent base=base agents=agents />
        </section>
    }
}

#[component]
fn AddAgent(base: String, agents: RwSignal<Option<Vec<SiteAgent>>>) -> impl IntoView {
    let ctx = ctx();
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new("agent".to_string());
    let password = RwSignal::new(String::new());
    let by_link = RwSignal::new(false);
    let outcome = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let invite = by_link.get_untracked();
        let chosen = if invite {
            String::new()
        } else {
            password.get_untracked()
        };
        let new = NewAgent {
            email: email.get_untracked(),
            name: name.get_untracked(),
            role: role_from(&role.get_untracked()),
            groups: Vec::new(),
            max_chats: None,
            password: (!chosen.is_empty()).then_some(chosen),
            invite,
        };
        let base = base.clone();
        let new_email = new.email.clone();
        leptos::task::spawn_local(async move {
            match api::post::<_, AddedAgent>(&base, &new).await {
                Ok(added) => {
                    let typed = new_email.clone();
                    let text = match (&added.agent, added.existing, added.password) {
                        (None, false, _) => format!(
                            "Invitation link emailed to {typed}: it works once, for 7 days; they choose their password."
                        ),
                        (None, true, _) => format!(
                            "Invited {typed}: they join this site when they accept the invitation after signing in."
                        ),
                        (Some(agent), true, _) => format!(
                            "{} already had an account and can now use this site.",
                            agent.email
                        ),
                        (Some(agent), false, Some(password)) => format!(
                            "Added {}. First password (shown once): {password}",
                            agent.email
                        ),
                        (Some(agent), false, None) => {
                            format!("Added {} with the password you chose.", agent.email)
                        }
                    };
                    outcome.set(Some(text));
                    email.set(String::new());
                    name.set(String::new());
                    password.set(String::new());
                    // `try_`: the settings screen may have been left while the request ran.
                    let _ = agents.try_update(|list| {
                        if let (Some(list), Some(agent)) = (list, added.agent) {
                            list.push(agent);
                        }
                    });
                }
                Err(error) if error.signed_out() => ctx.failed(&error),
                Err(error) => outcome.set(Some(error.message)),
            }
        });
    };
    view! {
        <form class="add-agent" aria-label="Add an agent" on:submit=submit>
            <h3>"Add an agent"</h3>
            <div class="field"><label for="new-email">"Email"</label>
                <input id="new-email" type="email" required prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) /></div>
            <div class="field"><label for="new-name">"Name shown to visitors"</label>
                <input id="new-name" required prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) /></div>
            <div class="field"><label for="new-role">"Role"</label>
                <select id="new-role" on:change=move |ev| role.set(event_target_value(&ev))>
                    <option value="agent">"Agent"</option>
                    <option value="admin">"Admin"</option>
                </select></div>
            <div class="field"><label class="check"><input type="checkbox" prop:checked=move || by_link.get()
                on:change=move |ev| by_link.set(event_target_checked(&ev)) />
                " Send an invitation link instead (they choose their password)"</label></div>
            <div class="field"><label for="new-password">"First password (optional)"</label>
                <input id="new-password" type="password" autocomplete="new-password" minlength="8" prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) /></div>
            <button type="submit" class="primary">"Add agent"</button>
            <Show when=move || outcome.with(Option::is_some)>
                <p class="outcome" role="status">{move || outcome.get()}</p>
            </Show>
        </form>
    }
}
