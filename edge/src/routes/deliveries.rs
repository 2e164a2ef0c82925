//! `GET /api/v1/sites/{site}/deliveries` (admins): the site's webhook deliveries that failed,
//! still being retried (`next_attempt_at` set) or given up after a day (`null`). A delivery
//! that finally arrives leaves the list.

use worker::{Env, Request, Response};

use crate::auth::require_agent;
use crate::db_dashboard as dbd;
use crate::error::ApiResult;
use crate::util::json_response;

pub async fn failures(req: Request, env: &Env, site_id: &str) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    session.admin_of(site_id)?;
    json_response(&dbd::delivery_failures(&db, site_id).await?, 200)
}
