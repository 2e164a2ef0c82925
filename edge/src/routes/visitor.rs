//! Visitor routes: start a conversation, open its socket, read its events. Visitors have no
//! account: a conversation is reached with its unguessable id plus its secret token.

use baton_core::api::{StartRequest, Started, WidgetConfig};
use baton_core::{ErrorCode, VisitorProfile};
use worker::{Env, Method, Request, Response};

use super::valid_conversation_id;
use crate::conversation_room::InitRequest;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::rate;

use crate::util::{internal_request, json_body, json_response, random_hex, sha256_hex};
use baton_core::limits::{CONVERSATIONS_PER_CLIENT, CONVERSATIONS_PER_SITE};

fn bounded(value: Option<String>, max: usize) -> Option<String> {
    value
        .map(|v| {
            v.chars()
                .filter(|c| !c.is_control())
                .take(max)
                .collect::<String>()
        })
        .filter(|v| !v.is_empty())
}

pub async fn create_conversation(
    mut req: Request,
    env: &Env,
    site_id: &str,
) -> ApiResult<Response> {
    let site = db::site(&env.d1("DB")?, site_id)
        .await?
        .ok_or_else(|| ApiError::not_found("site"))?;
    let origin = req.headers().get("origin")?;
    if !site.settings.allows_origin(origin.as_deref()) {
        return Err(ApiError::forbidden(
            "this page's origin may not use this site's chat",
        ));
    }
    let start: StartRequest = json_body(&mut req).await?;
    let db = env.d1("DB")?;
    let client = format!("conversations-client:{}", rate::client_key(&req));
    let started = rate::count(&db, &client, CONVERSATIONS_PER_CLIENT).await?;
    rate::check(
        started,
        CONVERSATIONS_PER_CLIENT,
        "new conversations from this address",
    )?;
    let per_site = format!("conversations-site:{}", site.id);
    let started = rate::count(&db, &per_site, CONVERSATIONS_PER_SITE).await?;
    rate::check(
        started,
        CONVERSATIONS_PER_SITE,
        "new conversations on this site",
    )?;
    let mut visitor = VisitorProfile {
        page: bounded(start.page, 500),
        referrer: bounded(start.referrer, 500),
        locale: bounded(start.locale, 16),
        user_agent: bounded(req.headers().get("user-agent")?, 300),
        location: req
            .cf()
            .and_then(|cf| cf.country())
            .map(|country| country.to_string()),
        ..VisitorProfile::default()
    };
    // A host page may identify its signed-in user; a bad address is an error, not ignored.
    if let (Some(name), Some(email)) = (start.name, start.email) {
        if !site.settings.identity_secret.is_empty() {
            let hash = start.user_hash.unwrap_or_default();
            if !identity_matches(&site.settings.identity_secret, &email, &hash) {
                return Err(ApiError::forbidden(
                    "identity verification failed: user_hash does not match this email",
                ));
            }
        }
        visitor.name = Some(baton_core::validate::name(&name)?);
        visitor.email = Some(baton_core::validate::email(&email)?);
    }
    let conversation_id = random_hex(16)?;
    let token = random_hex(32)?;
    let init = InitRequest {
        id: conversation_id.clone(),
        site_id: site.id,
        settings: site.settings,
        visitor,
        token_hash: sha256_hex(&token),
    };
    let stub = env
        .durable_object("CONVERSATION")?
        .get_by_name(&conversation_id)?;
    let response = stub
        .fetch_with_request(internal_request(Method::Post, "/init", Some(&init), &[])?)
        .await?;
    if response.status_code() != 201 {
        return Err(ApiError::new(
            500,
            ErrorCode::Internal,
            "could not start the conversation",
        ));
    }
    json_response(
        &Started {
            conversation_id,
            token,
        },
        201,
    )
}

/// Whether `user_hash` is the site's HMAC of `email`, so nobody can pose as another user.
fn identity_matches(secret: &str, email: &str, user_hash: &str) -> bool {
    use hmac::{Hmac, Mac};
    let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(email.as_bytes());
    crate::util::constant_time_eq(
        &crate::util::hex(&mac.finalize().into_bytes()),
        &user_hash.to_lowercase(),
    )
}

/// What the widget needs before the first message: language and whether live chat is on.
pub async fn widget_config(req: &Request, env: &Env, site_id: &str) -> ApiResult<Response> {
    let site = db::site(&env.d1("DB")?, site_id)
        .await?
        .ok_or_else(|| ApiError::not_found("site"))?;
    // The first-run guide's green light: the widget loaded on one of the site's pages.
    if let Some(origin) = req.headers().get("origin")? {
        if site.settings.allows_origin(Some(&origin)) {
            super::sites::record_connection(env, &site.id, &origin).await;
        }
    }
    json_response(
        &WidgetConfig {
            site_id: site.id.clone(),
            name: site.name.clone(),
            locale: site.settings.locale.clone(),
            live_chat: site.settings.live_chat,
            max_message_bytes: site.settings.max_message_bytes,
        },
        200,
    )
}

/// Hands a visitor request to its conversation, which checks the token (and the page origin).
pub async fn forward(
    req: Request,
    env: &Env,
    conversation_id: &str,
    path: &str,
) -> ApiResult<Response> {
    if !valid_conversation_id(conversation_id) {
        return Err(ApiError::not_found("conversation"));
    }
    let query = req
        .url()?
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let headers = req.headers().clone();
    let mut init = worker::RequestInit::new();
    init.with_method(Method::Get).with_headers(headers);
    let inner = Request::new_with_init(&format!("https://internal{path}{query}"), &init)?;
    let stub = env
        .durable_object("CONVERSATION")?
        .get_by_name(conversation_id)?;
    Ok(stub.fetch_with_request(inner).await?)
}
