//! One-time invitation links: an operator's invitation to sign up (invite-only deployments) and
//! an admin's invitation of an email without an account to a site's team. The emailed token is
//! random; only its hash is stored. A used link is kept (`used_at`) so a second use is told so;
//! a revoked one is deleted; an expired one is refused.

use baton_core::onboarding::INVITATION_TTL_MS;
use baton_core::ErrorCode;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;
use worker::D1Database;

use crate::db::Role;
use crate::error::{ApiError, ApiResult};
use crate::util::{now, random_hex, sha256_hex};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Signup,
    Team,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Signup => "signup",
            Self::Team => "team",
        }
    }
}

pub struct NewLink<'a> {
    pub kind: Kind,
    pub site_id: Option<&'a str>,
    pub email: &'a str,
    pub role: &'a Role,
    pub groups: &'a [String],
    pub max_chats: u32,
    pub invited_by: &'a str,
}

#[derive(Serialize)]
pub struct Created {
    pub id: String,
    /// The secret part of the link; it goes into the email (and to the operator who asked).
    #[serde(skip)]
    pub token: String,
    pub expires_at: i64,
}

#[derive(Deserialize, Clone)]
pub struct Link {
    pub id: String,
    pub site_id: Option<String>,
    pub email: String,
    pub role: String,
    pub groups: String,
    pub max_chats: f64,
    pub expires_at: f64,
    pub used_at: Option<f64>,
}

impl Link {
    pub fn role(&self) -> Role {
        Role::from_stored(&self.role)
    }

    pub fn groups(&self) -> Vec<String> {
        serde_json::from_str(&self.groups).unwrap_or_default()
    }
}

fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

/// Creates a link; an earlier unused link of the same kind for the same email (and site) is
/// replaced, so only the newest email works.
pub async fn create(db: &D1Database, link: &NewLink<'_>) -> ApiResult<Created> {
    let at = now();
    let created = Created {
        id: random_hex(16)?,
        token: random_hex(32)?,
        expires_at: at + INVITATION_TTL_MS,
    };
    let site = link.site_id.map_or(JsValue::NULL, text);
    db.batch(vec![
        db.prepare(
            "DELETE FROM invitation_links WHERE kind = ?1 AND email = ?2
             AND coalesce(site_id, '') = coalesce(?3, '') AND used_at IS NULL",
        )
        .bind(&[text(link.kind.as_str()), text(link.email), site.clone()])?,
        db.prepare(
            "INSERT INTO invitation_links (id, token_hash, kind, site_id, email, role, groups,
             max_chats, invited_by, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )
        .bind(&[
            text(&created.id),
            text(&sha256_hex(&created.token)),
            text(link.kind.as_str()),
            site,
            text(link.email),
            text(link.role.as_str()),
            text(&serde_json::to_string(link.groups)?),
            JsValue::from_f64(f64::from(link.max_chats)),
            text(link.invited_by),
            JsValue::from_f64(at as f64),
            JsValue::from_f64(created.expires_at as f64),
        ])?,
    ])
    .await?;
    Ok(created)
}

/// The link a token opens, if it can still be used; clear refusals otherwise.
pub async fn usable(db: &D1Database, kind: Kind, token: &str) -> ApiResult<Link> {
    if token.is_empty() || token.len() > 128 {
        return Err(ApiError::not_found("invitation"));
    }
    let link: Option<Link> = db
        .prepare(
            "SELECT id, site_id, email, role, groups, max_chats, expires_at, used_at
             FROM invitation_links WHERE token_hash = ?1 AND kind = ?2",
        )
        .bind(&[text(&sha256_hex(token)), text(kind.as_str())])?
        .first(None)
        .await?;
    let link = link.ok_or_else(|| {
        ApiError::new(
            404,
            ErrorCode::NotFound,
            "this invitation does not exist or was withdrawn",
        )
    })?;
    if link.used_at.is_some() {
        return Err(ApiError::new(
            410,
            ErrorCode::NotAllowed,
            "this invitation was already used",
        ));
    }
    if link.expires_at <= now() as f64 {
        return Err(ApiError::new(
            410,
            ErrorCode::NotAllowed,
            "this invitation has expired; ask for a new one",
        ));
    }
    Ok(link)
}

/// Marks the link used; only the first of two simultaneous uses gets `true`.
pub async fn consume(db: &D1Database, id: &str) -> ApiResult<bool> {
    let row: Option<serde_json::Value> = db
        .prepare(
            "UPDATE invitation_links SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL
             AND expires_at > ?2 RETURNING id",
        )
        .bind(&[text(id), JsValue::from_f64(now() as f64)])?
        .first(None)
        .await?;
    Ok(row.is_some())
}

/// The site's unused, unexpired team links, in the shape of pending invitations.
pub async fn pending(
    db: &D1Database,
    site_id: &str,
) -> ApiResult<Vec<crate::routes::PendingInvitation>> {
    Ok(db
        .prepare(
            "SELECT id, email, role, created_at, expires_at FROM invitation_links
             WHERE site_id = ?1 AND kind = 'team' AND used_at IS NULL AND expires_at > ?2
             ORDER BY created_at",
        )
        .bind(&[text(site_id), JsValue::from_f64(now() as f64)])?
        .all()
        .await?
        .results()?)
}

/// Withdraws an unused team link of the site; `false` when there is none.
pub async fn revoke(db: &D1Database, site_id: &str, id: &str) -> ApiResult<bool> {
    let row: Option<serde_json::Value> = db
        .prepare(
            "DELETE FROM invitation_links WHERE id = ?1 AND site_id = ?2 AND kind = 'team'
             AND used_at IS NULL RETURNING id",
        )
        .bind(&[text(id), text(site_id)])?
        .first(None)
        .await?;
    Ok(row.is_some())
}
