//! Agent authentication: PBKDF2 password hashes, random session tokens (only their hash is
//! stored), sent as an HttpOnly SameSite cookie for the dashboard or a bearer token for API
//! clients. Every agent route resolves an [`AgentSession`] and then a site [`Membership`].

use baton_core::{AgentRef, ErrorCode};
use worker::{js_sys, wasm_bindgen, wasm_bindgen_futures};
use worker::{D1Database, Request};

use crate::db::{self, Membership, Role};
use crate::error::{ApiError, ApiResult};
use crate::util::{constant_time_eq, hex, now, random_hex, sha256_hex};

/// Slow enough to make offline guessing expensive, fast enough for a Worker's CPU budget.
const PBKDF2_ITERATIONS: u32 = 100_000;
const SESSION_DAYS: i64 = 14;
pub const SESSION_COOKIE: &str = "baton_session";

/// Checked when the email has no account, so it costs the same PBKDF2 work as a real one and
/// never matches (the derived key is not all zeros).
pub const DUMMY_PASSWORD_HASH: &str = "pbkdf2-sha256$100000$00000000000000000000000000000000$\
0000000000000000000000000000000000000000000000000000000000000000";

pub async fn hash_password(password: &str) -> ApiResult<String> {
    let salt = random_hex(16)?;
    let derived = derive(password, &salt, PBKDF2_ITERATIONS).await?;
    Ok(format!(
        "pbkdf2-sha256${PBKDF2_ITERATIONS}${salt}${derived}"
    ))
}

pub async fn verify_password(password: &str, stored: &str) -> ApiResult<bool> {
    let mut parts = stored.split('$');
    let (Some("pbkdf2-sha256"), Some(iterations), Some(salt), Some(expected)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Ok(false);
    };
    let Ok(iterations) = iterations.parse::<u32>() else {
        return Ok(false);
    };
    Ok(constant_time_eq(
        &derive(password, salt, iterations).await?,
        expected,
    ))
}

/// PBKDF2-HMAC-SHA256 through the runtime's WebCrypto: native code, so a sign-in does not hold
/// the isolate (and every chat on it) for the ~100 ms the same work takes in wasm.
async fn derive(password: &str, salt: &str, iterations: u32) -> ApiResult<String> {
    use js_sys::{Array, Object, Reflect, Uint8Array};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    let js = |error: JsValue| ApiError::from(worker::Error::from(error));
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).map_err(js)?;
    let subtle = Reflect::get(&crypto, &"subtle".into()).map_err(js)?;
    let method = |name: &str| -> ApiResult<js_sys::Function> {
        Reflect::get(&subtle, &name.into())
            .map_err(js)?
            .dyn_into::<js_sys::Function>()
            .map_err(js)
    };
    let usages = Array::of1(&"deriveBits".into());
    let import_args = Array::of5(
        &"raw".into(),
        &Uint8Array::from(password.as_bytes()),
        &"PBKDF2".into(),
        &false.into(),
        &usages,
    );
    let imported = Reflect::apply(&method("importKey")?, &subtle, &import_args).map_err(js)?;
    let key = JsFuture::from(js_sys::Promise::from(imported))
        .await
        .map_err(js)?;
    let params = Object::new();
    for (name, value) in [
        ("name", JsValue::from("PBKDF2")),
        ("hash", JsValue::from("SHA-256")),
        ("salt", Uint8Array::from(salt.as_bytes()).into()),
        ("iterations", JsValue::from(iterations)),
    ] {
        Reflect::set(&params, &name.into(), &value).map_err(js)?;
    }
    let derive_args = Array::of3(&params, &key, &JsValue::from(256));
    let bits = Reflect::apply(&method("deriveBits")?, &subtle, &derive_args).map_err(js)?;
    let buffer = JsFuture::from(js_sys::Promise::from(bits))
        .await
        .map_err(js)?;
    Ok(hex(&Uint8Array::new(&buffer).to_vec()))
}

/// A signed-in agent.
#[derive(Clone, Debug)]
pub struct AgentSession {
    pub agent: AgentRef,
    pub email: String,
    pub token_hash: String,
    pub memberships: Vec<Membership>,
}

impl AgentSession {
    /// The agent's membership of `site_id`, or 403 — the same answer whether or not the site
    /// exists, so nobody learns which sites there are.
    pub fn membership(&self, site_id: &str) -> ApiResult<&Membership> {
        self.memberships
            .iter()
            .find(|m| m.site_id == site_id)
            .ok_or_else(|| ApiError::forbidden("you are not an agent of this site"))
    }

    pub fn admin_of(&self, site_id: &str) -> ApiResult<&Membership> {
        let membership = self.membership(site_id)?;
        if membership.role != Role::Admin {
            return Err(ApiError::forbidden(
                "only an admin of this site can do this",
            ));
        }
        Ok(membership)
    }
}

/// Creates a session; returns the token to hand to the client (never stored as is).
pub async fn start_session(db: &D1Database, agent_id: &str) -> ApiResult<String> {
    let token = random_hex(32)?;
    let issued = now();
    db::insert_session(
        db,
        &sha256_hex(&token),
        agent_id,
        issued,
        issued + SESSION_DAYS * 24 * 3_600_000,
    )
    .await?;
    Ok(token)
}

pub fn session_cookie(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        SESSION_DAYS * 24 * 3600
    )
}

pub fn clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// The token from `Authorization: Bearer …` or the session cookie.
fn presented_token(req: &Request) -> ApiResult<Option<String>> {
    if let Some(header) = req.headers().get("authorization")? {
        return Ok(header.strip_prefix("Bearer ").map(|t| t.trim().to_string()));
    }
    let Some(cookies) = req.headers().get("cookie")? else {
        return Ok(None);
    };
    Ok(cookies.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        (name == SESSION_COOKIE).then(|| value.to_string())
    }))
}

/// Resolves the signed-in agent, or 401.
pub async fn require_agent(req: &Request, db: &D1Database) -> ApiResult<AgentSession> {
    let token = presented_token(req)?.ok_or_else(ApiError::unauthorized)?;
    if token.is_empty() || token.len() > 128 {
        return Err(ApiError::unauthorized());
    }
    let token_hash = sha256_hex(&token);
    let agent_id = db::session_agent(db, &token_hash, now())
        .await?
        .ok_or_else(|| ApiError::new(401, ErrorCode::Unauthorized, "session expired or unknown"))?;
    let agent = db::agent_by_id(db, &agent_id)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    let memberships = db::memberships(db, &agent.id).await?;
    Ok(AgentSession {
        agent: AgentRef {
            id: agent.id,
            name: agent.name,
        },
        email: agent.email,
        token_hash,
        memberships,
    })
}
