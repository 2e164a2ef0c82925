//! Team invitations by link: an admin invites an email that has no account; the emailed
//! one-time link (7 days) lets that person choose their name and password and join the site.
//! An email that already has an account is never attached this way: it gets the existing
//! accept/decline invitation (`invitations.rs`) and an email saying so.

use baton_core::{onboarding, validate, ErrorCode};
use serde::Deserialize;
use worker::{Env, Request, Response};

use super::signup::{insert_account, signed_in};
use crate::auth;
use crate::db::{self, Role};
use crate::error::{ApiError, ApiResult};
use crate::onboarding::links::{self, Kind};
use crate::onboarding::mail::{self, Mail};
use crate::onboarding::public_origin;
use crate::rate;
use crate::util::{json_body, json_response, random_hex, sha256_hex};
use baton_core::limits::{LOGIN_FAILURES_PER_CLIENT, LOGIN_PER_ACCOUNT};

pub struct TeamInvite<'a> {
    pub site_id: &'a str,
    pub site_name: &'a str,
    pub inviter: &'a str,
    pub invited_by: &'a str,
    pub email: &'a str,
    pub role: &'a Role,
    pub groups: &'a [String],
    pub max_chats: u32,
}

/// Creates the link and emails it; answers its id and expiry.
pub async fn invite_by_link(
    req: &Request,
    env: &Env,
    invite: &TeamInvite<'_>,
) -> ApiResult<links::Created> {
    let db = env.d1("DB")?;
    let created = links::create(
        &db,
        &links::NewLink {
            kind: Kind::Team,
            site_id: Some(invite.site_id),
            email: invite.email,
            role: invite.role,
            groups: invite.groups,
            max_chats: invite.max_chats,
            invited_by: invite.invited_by,
        },
    )
    .await?;
    let link = format!("{}/app/#join={}", public_origin(req, env)?, created.token);
    let content = onboarding::team_invitation_email(invite.site_name, invite.inviter, &link);
    let key = format!("team-{}", created.id);
    if let Err(error) = mail::send(env, &Mail::new(invite.email, content, &key)).await {
        links::revoke(&db, invite.site_id, &created.id).await?;
        return Err(error);
    }
    Ok(created)
}

/// Tells an existing account it was invited (it accepts in its dashboard). Best effort: the
/// invitation stands even if this email fails.
pub async fn notify_existing(
    req: &Request,
    env: &Env,
    email: &str,
    site_name: &str,
    inviter: &str,
) {
    let dashboard = match public_origin(req, env) {
        Ok(origin) => format!("{origin}/app/"),
        Err(_) => return,
    };
    let content = onboarding::existing_member_email(site_name, inviter, &dashboard);
    let key = format!("member-invite-{}", random_hex(8).unwrap_or_default());
    if let Err(error) = mail::send(env, &Mail::new(email, content, &key)).await {
        worker::console_error!(
            "invitation notice to an existing account: {}",
            error.message
        );
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Check {
    token: String,
}

/// `POST /api/v1/join/check` `{"token"}`: what the link is for (site name, email, role), so the
/// page can say it before asking for a password. Refusals say why (used, expired, withdrawn).
pub async fn check(mut req: Request, env: &Env) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let body: Check = json_body(&mut req).await?;
    let link = links::usable(&db, Kind::Team, &body.token).await?;
    let site_id = link.site_id.clone().unwrap_or_default();
    let site = db::site(&db, &site_id)
        .await?
        .ok_or_else(|| ApiError::not_found("site"))?;
    json_response(
        &serde_json::json!({
            "site_id": site.id, "site_name": site.name, "email": link.email, "role": link.role,
            "expires_at": link.expires_at,
        }),
        200,
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Join {
    token: String,
    name: String,
    password: String,
}

/// `POST /api/v1/join` `{"token","name","password"}`: creates the invited account, adds it to
/// the site with the role the admin chose, and signs it in. The link works once.
pub async fn join(mut req: Request, env: &Env) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let body: Join = json_body(&mut req).await?;
    let name = validate::name(&body.name)?;
    onboarding::password(&body.password).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let client = format!("signup-client:{}", rate::client_key(&req));
    let count = rate::count(&db, &client, LOGIN_FAILURES_PER_CLIENT).await?;
    rate::check(
        count,
        LOGIN_FAILURES_PER_CLIENT,
        "attempts from this address",
    )?;
    let link = links::usable(&db, Kind::Team, &body.token).await?;
    let account = format!("signup-account:{}", sha256_hex(&link.email));
    let count = rate::count(&db, &account, LOGIN_PER_ACCOUNT).await?;
    rate::check(count, LOGIN_PER_ACCOUNT, "attempts for this address")?;
    if db::agent_by_email(&db, &link.email).await?.is_some() {
        return Err(ApiError::new(
            409,
            ErrorCode::NotAllowed,
            "this email has an account now: sign in and ask the admin to invite it again",
        ));
    }
    let site_id = link.site_id.clone().unwrap_or_default();
    if db::site(&db, &site_id).await?.is_none() {
        return Err(ApiError::not_found("site"));
    }
    // Hash first (slow), then take the link: of two simultaneous uses only one gets it.
    let hash = auth::hash_password(&body.password).await?;
    if !links::consume(&db, &link.id).await? {
        return Err(ApiError::new(
            410,
            ErrorCode::NotAllowed,
            "this invitation was already used",
        ));
    }
    let agent_id = random_hex(12)?;
    insert_account(&db, &agent_id, &link.email, &name, &hash).await?;
    db::upsert_membership(
        &db,
        &agent_id,
        &site_id,
        &link.role(),
        &link.groups(),
        link.max_chats as u32,
    )
    .await?;
    signed_in(&req, &db, &agent_id).await
}
