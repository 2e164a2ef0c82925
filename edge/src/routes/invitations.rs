//! Invitations: an admin adding an account that exists outside the sites they administer
//! invites it instead of attaching it. The admin learns nothing about the account (no id, no
//! name); its owner sees the invitation after signing in and accepts or declines it.

use baton_core::ErrorCode;
use serde::{Deserialize, Serialize};
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, Env, Request, Response};

use crate::auth::require_agent;
use crate::db::{self, Role};
use crate::error::{ApiError, ApiResult};
use crate::util::{json_response, now, random_hex};

/// An invitation is good for this long.
pub const INVITATION_DAYS: i64 = 7;

/// What the invited person sees.
#[derive(Serialize, Deserialize)]
pub struct MyInvitation {
    pub id: String,
    pub site_id: String,
    pub site_name: String,
    pub role: String,
    pub created_at: f64,
    pub expires_at: f64,
}

/// What the site's admins see: the email they typed, nothing from the account.
#[derive(Serialize, Deserialize)]
pub struct PendingInvitation {
    pub id: String,
    pub email: String,
    pub role: String,
    pub created_at: f64,
    pub expires_at: f64,
}

#[derive(Deserialize)]
struct Row {
    site_id: String,
    agent_id: String,
    role: String,
    groups: String,
    max_chats: f64,
}

fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

pub struct Invite<'a> {
    pub site_id: &'a str,
    pub agent_id: &'a str,
    pub email: &'a str,
    pub role: &'a Role,
    pub groups: &'a [String],
    pub max_chats: u32,
    pub invited_by: &'a str,
}

/// Creates (or renews) the invitation of an account to a site.
pub async fn create(db: &D1Database, invite: &Invite<'_>) -> ApiResult<()> {
    let at = now();
    let role = invite.role.as_str();
    db.prepare(
        "INSERT INTO invitations (id, site_id, agent_id, role, groups, max_chats, invited_by,
         created_at, expires_at, email) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT(site_id, agent_id) DO UPDATE SET role = excluded.role,
         groups = excluded.groups, max_chats = excluded.max_chats,
         invited_by = excluded.invited_by, created_at = excluded.created_at,
         expires_at = excluded.expires_at",
    )
    .bind(&[
        text(&random_hex(16)?),
        text(invite.site_id),
        text(invite.agent_id),
        text(role),
        text(&serde_json::to_string(invite.groups)?),
        JsValue::from_f64(f64::from(invite.max_chats)),
        text(invite.invited_by),
        JsValue::from_f64(at as f64),
        JsValue::from_f64((at + INVITATION_DAYS * 86_400_000) as f64),
        text(invite.email),
    ])?
    .run()
    .await?;
    Ok(())
}

/// `GET /api/v1/invitations`: the signed-in agent's open invitations.
pub async fn mine(req: Request, env: &Env) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    let rows: Vec<MyInvitation> = db
        .prepare(
            "SELECT i.id, i.site_id, s.name AS site_name, i.role, i.created_at, i.expires_at
             FROM invitations i JOIN sites s ON s.id = i.site_id
             WHERE i.agent_id = ?1 AND i.expires_at > ?2 ORDER BY i.created_at",
        )
        .bind(&[text(&session.agent.id), JsValue::from_f64(now() as f64)])?
        .all()
        .await?
        .results()?;
    json_response(&rows, 200)
}

/// `POST /api/v1/invitations/{id}/accept` or `/decline`, by the invited agent only.
pub async fn answer(req: Request, env: &Env, id: &str, accept: bool) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    // Another agent's invitation answers the same as none at all.
    let row: Option<Row> = db
        .prepare(
            "SELECT site_id, agent_id, role, groups, max_chats FROM invitations
             WHERE id = ?1 AND agent_id = ?2 AND expires_at > ?3",
        )
        .bind(&[
            text(id),
            text(&session.agent.id),
            JsValue::from_f64(now() as f64),
        ])?
        .first(None)
        .await?;
    let row = row.ok_or_else(|| ApiError::not_found("invitation"))?;
    if accept {
        let role = Role::from_stored(&row.role);
        let groups: Vec<String> = serde_json::from_str(&row.groups).unwrap_or_default();
        db::upsert_membership(
            &db,
            &row.agent_id,
            &row.site_id,
            &role,
            &groups,
            row.max_chats as u32,
        )
        .await?;
    }
    db.prepare("DELETE FROM invitations WHERE id = ?1")
        .bind(&[text(id)])?
        .run()
        .await?;
    json_response(
        &serde_json::json!({ "ok": true, "site_id": row.site_id, "joined": accept }),
        200,
    )
}

/// `GET /api/v1/sites/{site}/invitations` (admins).
pub async fn pending(req: Request, env: &Env, site_id: &str) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    require_agent(&req, &db).await?.admin_of(site_id)?;
    let mut rows: Vec<PendingInvitation> = db
        .prepare(
            "SELECT id, email, role, created_at, expires_at FROM invitations
             WHERE site_id = ?1 AND expires_at > ?2 ORDER BY created_at",
        )
        .bind(&[text(site_id), JsValue::from_f64(now() as f64)])?
        .all()
        .await?
        .results()?;
    // Emails without an account were invited by link (issue 17): the same list.
    rows.extend(crate::onboarding::links::pending(&db, site_id).await?);
    rows.sort_by(|a, b| a.created_at.total_cmp(&b.created_at));
    json_response(&rows, 200)
}

/// `DELETE /api/v1/sites/{site}/invitations/{id}` (admins).
pub async fn revoke(req: Request, env: &Env, site_id: &str, id: &str) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    require_agent(&req, &db).await?.admin_of(site_id)?;
    let deleted: Option<serde_json::Value> = db
        .prepare("DELETE FROM invitations WHERE id = ?1 AND site_id = ?2 RETURNING id")
        .bind(&[text(id), text(site_id)])?
        .first(None)
        .await?;
    if deleted.is_none() && !crate::onboarding::links::revoke(&db, site_id, id).await? {
        return Err(ApiError::new(
            404,
            ErrorCode::NotFound,
            "invitation not found",
        ));
    }
    json_response(&serde_json::json!({ "ok": true }), 200)
}
