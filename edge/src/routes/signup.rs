//! Sign-up: a business creates its own account, as the operator allows (`SIGNUP` = open,
//! invite or off; off by default). The account exists only once the emailed one-time link is
//! used together with the password chosen at sign-up, so an address cannot be taken by someone
//! who does not read its mail. Answers never say whether an email already has an account: that
//! goes to the mailbox. Limits are those of sign-in.

use baton_core::api::{Me, SignedIn};
use baton_core::limits::{LOGIN_FAILURES_PER_CLIENT, LOGIN_PER_ACCOUNT};
use baton_core::onboarding::{self, SignupMode, VERIFY_TTL_MS};
use baton_core::{validate, AgentRef, ErrorCode};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{D1Database, Env, Request, Response};

use crate::auth;
use crate::db::{self, Role};
use crate::error::{ApiError, ApiResult};
use crate::onboarding::links::{self, Kind};
use crate::onboarding::mail::{self, Mail};
use crate::onboarding::{self as onboard, public_origin, require_signup};
use crate::rate;
use crate::util::{json_body, json_response, now, random_hex, sha256_hex};

fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

/// `GET /api/v1/signup`: whether and how one signs up here (404 when off).
pub async fn mode(env: &Env) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let mode = require_signup(env, &db).await?;
    json_response(&serde_json::json!({ "mode": mode }), 200)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignUp {
    name: String,
    email: String,
    password: String,
    /// The token of an operator's invitation (required when sign-up is invite-only).
    #[serde(default)]
    invitation: Option<String>,
}

/// Counted like sign-in: attempts per email, and per client address.
async fn limit(db: &D1Database, req: &Request, email: &str, what: &str) -> ApiResult<()> {
    let client = format!("signup-client:{}", rate::client_key(req));
    let count = rate::count(db, &client, LOGIN_FAILURES_PER_CLIENT).await?;
    rate::check(count, LOGIN_FAILURES_PER_CLIENT, what)?;
    let account = format!("signup-account:{}", sha256_hex(email));
    let count = rate::count(db, &account, LOGIN_PER_ACCOUNT).await?;
    rate::check(count, LOGIN_PER_ACCOUNT, what)
}

/// `POST /api/v1/signup` `{"name","email","password","invitation"?}` → 202, and an email.
pub async fn sign_up(mut req: Request, env: &Env) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let mode = require_signup(env, &db).await?;
    let body: SignUp = json_body(&mut req).await?;
    let email = validate::email(&body.email)?.to_lowercase();
    let name = validate::name(&body.name)?;
    onboarding::password(&body.password).map_err(|e| ApiError::bad_request(e.to_string()))?;
    limit(&db, &req, &email, "sign-ups").await?;
    let invitation = match (mode, body.invitation.as_deref()) {
        (SignupMode::Invite, None) => {
            return Err(ApiError::forbidden(
                "sign-up here needs an invitation from the operator",
            ))
        }
        (_, Some(token)) => {
            let link = links::usable(&db, Kind::Signup, token).await?;
            if link.email != email {
                return Err(ApiError::forbidden(
                    "this invitation is for another email address",
                ));
            }
            Some(link.id)
        }
        (_, None) => None,
    };
    let origin = public_origin(&req, env)?;
    // The same answer whether or not the address has an account; only its owner learns which.
    if db::agent_by_email(&db, &email).await?.is_some() {
        let content = onboarding::existing_account_email(&format!("{origin}/app/"));
        let key = format!("signup-existing-{}", random_hex(8)?);
        mail::send(env, &Mail::new(&email, content, &key)).await?;
        return accepted(&email);
    }
    let token = random_hex(32)?;
    let at = now();
    let invitation_value = invitation.as_deref().map_or(JsValue::NULL, text);
    db.prepare(
        "INSERT INTO signups (token_hash, email, name, password_hash, invitation_id, created_at,
         expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .bind(&[
        text(&sha256_hex(&token)),
        text(&email),
        text(&name),
        text(&auth::hash_password(&body.password).await?),
        invitation_value,
        JsValue::from_f64(at as f64),
        JsValue::from_f64((at + VERIFY_TTL_MS) as f64),
    ])?
    .run()
    .await?;
    let link = format!("{origin}/app/#verify={token}");
    let key = format!("signup-{}", &sha256_hex(&token)[..16]);
    let content = onboarding::verification_email(&name, &link);
    if let Err(error) = mail::send(env, &Mail::new(&email, content, &key)).await {
        // Nothing waits for a link that was never sent.
        db.prepare("DELETE FROM signups WHERE token_hash = ?1")
            .bind(&[text(&sha256_hex(&token))])?
            .run()
            .await?;
        return Err(error);
    }
    accepted(&email)
}

fn accepted(email: &str) -> ApiResult<Response> {
    json_response(
        &serde_json::json!({ "ok": true, "email": email, "verify": "check your email for the link" }),
        202,
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Verify {
    token: String,
    password: String,
}

#[derive(Deserialize)]
struct Pending {
    email: String,
    name: String,
    password_hash: String,
    invitation_id: Option<String>,
    expires_at: f64,
}

/// `POST /api/v1/signup/verify` `{"token","password"}`: creates the account and signs it in.
pub async fn verify(mut req: Request, env: &Env) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    require_signup(env, &db).await?;
    let body: Verify = json_body(&mut req).await?;
    if body.token.is_empty() || body.token.len() > 128 || body.password.len() > 1024 {
        return Err(ApiError::not_found("sign-up link"));
    }
    let token_hash = sha256_hex(&body.token);
    let pending: Option<Pending> = db
        .prepare(
            "SELECT email, name, password_hash, invitation_id, expires_at FROM signups
             WHERE token_hash = ?1",
        )
        .bind(&[text(&token_hash)])?
        .first(None)
        .await?;
    let gone = || {
        ApiError::new(
            404,
            ErrorCode::NotFound,
            "this link was already used or does not exist; sign in, or sign up again",
        )
    };
    let pending = pending.ok_or_else(gone)?;
    if pending.expires_at <= now() as f64 {
        return Err(ApiError::new(
            410,
            ErrorCode::NotAllowed,
            "this link has expired; sign up again for a new one",
        ));
    }
    // The password guards the link like a sign-in: counted per account, before hashing.
    let account = format!("login-account:{}", sha256_hex(&pending.email));
    let attempts = rate::count(&db, &account, LOGIN_PER_ACCOUNT).await?;
    rate::check(attempts, LOGIN_PER_ACCOUNT, "attempts for this account")?;
    if !auth::verify_password(&body.password, &pending.password_hash).await? {
        return Err(ApiError::new(
            401,
            ErrorCode::Unauthorized,
            "that is not the password you chose when signing up",
        ));
    }
    // Single use: only the request that deletes the row goes on.
    let taken: Option<serde_json::Value> = db
        .prepare("DELETE FROM signups WHERE token_hash = ?1 RETURNING email")
        .bind(&[text(&token_hash)])?
        .first(None)
        .await?;
    if taken.is_none() {
        return Err(gone());
    }
    if let Some(invitation) = &pending.invitation_id {
        if !links::consume(&db, invitation).await? {
            return Err(ApiError::new(
                410,
                ErrorCode::NotAllowed,
                "the invitation this sign-up used was already used or withdrawn",
            ));
        }
    }
    rate::reset(&db, &account).await?;
    if db::agent_by_email(&db, &pending.email).await?.is_some() {
        return Err(ApiError::new(
            409,
            ErrorCode::NotAllowed,
            "this email has an account already; sign in",
        ));
    }
    let agent_id = random_hex(12)?;
    insert_account(
        &db,
        &agent_id,
        &pending.email,
        &pending.name,
        &pending.password_hash,
    )
    .await?;
    // Older links of the same address are void now.
    db.prepare("DELETE FROM signups WHERE email = ?1")
        .bind(&[text(&pending.email)])?
        .run()
        .await?;
    signed_in(&req, &db, &agent_id).await
}

/// A new account; never overwrites one (the email is unique).
pub async fn insert_account(
    db: &D1Database,
    id: &str,
    email: &str,
    name: &str,
    password_hash: &str,
) -> ApiResult<()> {
    db.prepare(
        "INSERT INTO agents (id, email, name, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .bind(&[
        text(id),
        text(email),
        text(name),
        text(password_hash),
        JsValue::from_f64(now() as f64),
    ])?
    .run()
    .await?;
    Ok(())
}

/// Starts a session and answers like sign-in (token + cookie + the agent's sites).
pub async fn signed_in(req: &Request, db: &D1Database, agent_id: &str) -> ApiResult<Response> {
    let agent = db::agent_by_id(db, agent_id)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    session_answer(req, db, agent).await
}

/// Starts a session for an agent already read (and, for sign-in, verified): the token, the
/// session cookie and the agent's sites.
pub async fn session_answer(
    req: &Request,
    db: &D1Database,
    agent: db::AgentRow,
) -> ApiResult<Response> {
    let token = auth::start_session(db, &agent.id).await?;
    let memberships = db::memberships(db, &agent.id).await?;
    let secure = req.url()?.scheme() == "https";
    let cookie = auth::session_cookie(&token, secure);
    let body = SignedIn {
        token,
        me: Me {
            agent: AgentRef {
                id: agent.id,
                name: agent.name,
            },
            email: agent.email,
            sites: memberships,
        },
    };
    let mut response = json_response(&body, 200)?;
    response.headers_mut().set("set-cookie", &cookie)?;
    Ok(response)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OperatorInvite {
    email: String,
}

/// `POST /api/v1/signup/invitations` (operator) `{"email"}`: emails a one-time sign-up link.
pub async fn operator_invite(mut req: Request, env: &Env) -> ApiResult<Response> {
    super::admin::require_operator(&req, env)?;
    let db = env.d1("DB")?;
    require_signup(env, &db).await?;
    let body: OperatorInvite = json_body(&mut req).await?;
    let email = validate::email(&body.email)?.to_lowercase();
    let created = links::create(
        &db,
        &links::NewLink {
            kind: Kind::Signup,
            site_id: None,
            email: &email,
            role: &Role::Admin,
            groups: &[],
            max_chats: 5,
            invited_by: "operator",
        },
    )
    .await?;
    let link = format!(
        "{}/app/#signup={}",
        public_origin(&req, env)?,
        created.token
    );
    let content = onboarding::signup_invitation_email(&link);
    mail::send(
        env,
        &Mail::new(&email, content, &format!("invite-{}", created.id)),
    )
    .await?;
    // The operator may hand the link over another way; it is theirs to give.
    json_response(
        &serde_json::json!({ "id": created.id, "expires_at": created.expires_at, "link": link }),
        201,
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModeChange {
    /// `null` goes back to the `SIGNUP` deploy var.
    mode: Option<SignupMode>,
}

/// `PUT /api/v1/operator/signup` (operator) `{"mode": "open"|"invite"|"off"|null}`: switches
/// sign-up without a redeploy.
pub async fn set_mode(mut req: Request, env: &Env) -> ApiResult<Response> {
    super::admin::require_operator(&req, env)?;
    let body: ModeChange = json_body(&mut req).await?;
    let db = env.d1("DB")?;
    onboard::set_mode(&db, body.mode).await?;
    json_response(
        &serde_json::json!({ "mode": onboard::mode(env, &db).await? }),
        200,
    )
}
