//! Self-service sites and the first-run guide: an account creates sites (each with its own
//! settings, team and tag), sees whether the tag has connected, imports its FAQ into a preview,
//! and tries the bot on its own questions before going live. Nothing here saves the knowledge
//! base: the dashboard saves the edited preview through the settings route, with its checks.

use baton_core::api::TrialAnswers;
use baton_core::faq_import::{self, ImportFormat, MAX_INPUT_BYTES};
use baton_core::onboarding::{self, MAX_OWN_SITES};
use baton_core::settings_update;
use baton_core::{validate, ErrorCode, FaqEntry};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;
use worker::{Env, Fetch, Method, Request, RequestInit, Response};

use crate::auth::require_agent;
use crate::db::{self, Role};
use crate::error::{ApiError, ApiResult};
use crate::onboarding::{public_origin, require_signup};
use crate::util::{json_body, json_response, now};

fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewSite {
    id: String,
    name: String,
    #[serde(default)]
    allowed_origins: Vec<String>,
}

#[derive(Serialize)]
struct Setup {
    site_id: String,
    name: String,
    /// The one line to paste into every page.
    tag: String,
    /// When the widget first loaded from one of the site's origins (the guide turns green).
    connected_at: Option<f64>,
    connected_origin: Option<String>,
}

/// `POST /api/v1/sites` `{"id","name","allowed_origins"?}`: a signed-in account creates a site
/// and becomes its admin. Part of self-service, so it is off (404) when sign-up is.
pub async fn create(mut req: Request, env: &Env) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    require_signup(env, &db).await?;
    let session = require_agent(&req, &db).await?;
    let body: NewSite = json_body(&mut req).await?;
    onboarding::site_id(&body.id).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let name = validate::name(&body.name)?;
    let administered = session
        .memberships
        .iter()
        .filter(|m| m.role == Role::Admin)
        .count();
    if administered >= MAX_OWN_SITES {
        return Err(ApiError::new(
            409,
            ErrorCode::NotAllowed,
            format!("an account administers at most {MAX_OWN_SITES} sites"),
        ));
    }
    let settings = settings_update::initial(
        &serde_json::json!({ "allowed_origins": body.allowed_origins }),
        &crate::util::llm_policy(env),
    )
    .map_err(|e| ApiError::bad_request(e.to_string()))?;
    // Taken ids are refused, never overwritten (bootstrap's upsert is the operator's).
    let inserted: Option<serde_json::Value> = db
        .prepare(
            "INSERT OR IGNORE INTO sites (id, name, settings, created_at) VALUES (?1, ?2, ?3, ?4)
             RETURNING id",
        )
        .bind(&[
            text(&body.id),
            text(&name),
            text(&serde_json::to_string(&settings)?),
            JsValue::from_f64(now() as f64),
        ])?
        .first(None)
        .await?;
    if inserted.is_none() {
        return Err(ApiError::new(
            409,
            ErrorCode::NotAllowed,
            "this site id is taken; choose another",
        ));
    }
    db::upsert_membership(
        &db,
        &session.agent.id,
        &body.id,
        &Role::Admin,
        &[],
        settings.max_chats_per_agent,
    )
    .await?;
    let setup = setup_of(&req, env, &body.id).await?;
    json_response(&setup, 201)
}

async fn setup_of(req: &Request, env: &Env, site_id: &str) -> ApiResult<Setup> {
    #[derive(Deserialize)]
    struct Row {
        name: String,
        connected_at: Option<f64>,
        connected_origin: Option<String>,
    }
    let row: Option<Row> = env
        .d1("DB")?
        .prepare("SELECT name, connected_at, connected_origin FROM sites WHERE id = ?1")
        .bind(&[text(site_id)])?
        .first(None)
        .await?;
    let row = row.ok_or_else(|| ApiError::not_found("site"))?;
    Ok(Setup {
        site_id: site_id.to_string(),
        name: row.name,
        tag: onboarding::script_tag(&public_origin(req, env)?, site_id),
        connected_at: row.connected_at,
        connected_origin: row.connected_origin,
    })
}

/// `GET /api/v1/sites/{site}/setup` (agents of the site): the tag and whether it connected.
pub async fn setup(req: Request, env: &Env, site_id: &str) -> ApiResult<Response> {
    require_agent(&req, &env.d1("DB")?)
        .await?
        .membership(site_id)?;
    json_response(&setup_of(&req, env, site_id).await?, 200)
}

/// Called by `widget-config`: the first load from one of the site's origins is remembered.
/// A failure here never fails the widget.
pub async fn record_connection(env: &Env, site_id: &str, origin: &str) {
    let result = async {
        env.d1("DB")?
            .prepare(
                "UPDATE sites SET connected_at = ?2, connected_origin = ?3
                 WHERE id = ?1 AND connected_at IS NULL",
            )
            .bind(&[text(site_id), JsValue::from_f64(now() as f64), text(origin)])?
            .run()
            .await?;
        Ok::<(), worker::Error>(())
    }
    .await;
    if let Err(error) = result {
        worker::console_error!("recording the first widget load of {site_id}: {error}");
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Import {
    format: Option<ImportFormat>,
    #[serde(default)]
    content: Option<String>,
    /// An FAQ page for the edge to fetch (read as HTML).
    #[serde(default)]
    url: Option<String>,
}

/// `POST /api/v1/sites/{site}/knowledge-base/import` (admins): a preview, nothing stored.
pub async fn import(mut req: Request, env: &Env, site_id: &str) -> ApiResult<Response> {
    require_agent(&req, &env.d1("DB")?)
        .await?
        .admin_of(site_id)?;
    let body: Import = json_body(&mut req).await?;
    let (format, input) = match (body.format, body.content, body.url) {
        (Some(format), Some(content), None) => (format, content),
        (None | Some(ImportFormat::Html), None, Some(url)) => {
            (ImportFormat::Html, fetch_page(env, &url).await?)
        }
        _ => {
            return Err(ApiError::bad_request(
                "give `format` (csv, json, text or html) with `content`, or a page `url`",
            ))
        }
    };
    json_response(&faq_import::parse(format, &input), 200)
}

/// Only public https pages, and plain http to loopback when the operator allows it
/// (`IMPORT_LOOPBACK=1`, which `scripts/edge-dev.sh` sets for local runs).
fn page_allowed(env: &Env, url: &worker::Url) -> bool {
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    let local_ok = env
        .var("IMPORT_LOOPBACK")
        .map(|v| v.to_string() == "1")
        .unwrap_or(false);
    match url.scheme() {
        "https" => !loopback || local_ok,
        "http" => loopback && local_ok,
        _ => false,
    }
}

async fn fetch_page(env: &Env, address: &str) -> ApiResult<String> {
    let url = worker::Url::parse(address)
        .map_err(|_| ApiError::bad_request("`url` is not a web address"))?;
    if !page_allowed(env, &url) {
        return Err(ApiError::bad_request(
            "`url` must be a public https:// page",
        ));
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Get);
    let request = Request::new_with_init(url.as_str(), &init)?;
    request.headers().set("accept", "text/html")?;
    let unreachable = |detail: String| {
        ApiError::new(
            502,
            ErrorCode::BadRequest,
            format!("could not read the page: {detail}"),
        )
    };
    let mut response = Fetch::Request(request)
        .send()
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    if response.status_code() != 200 {
        return Err(unreachable(format!(
            "it answered {}",
            response.status_code()
        )));
    }
    let body = response
        .text()
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    if body.len() > MAX_INPUT_BYTES {
        return Err(ApiError::new(
            413,
            ErrorCode::TooLarge,
            "the page is larger than 2 MB",
        ));
    }
    Ok(body)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Trial {
    questions: Vec<String>,
    /// A knowledge base not saved yet (the import preview); the saved one when left out.
    #[serde(default)]
    knowledge_base: Option<Vec<FaqEntry>>,
}

/// `POST /api/v1/sites/{site}/bot/try` (admins): what the bot would answer, or that it would not.
pub async fn try_bot(mut req: Request, env: &Env, site_id: &str) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    require_agent(&req, &db).await?.admin_of(site_id)?;
    let body: Trial = json_body(&mut req).await?;
    if body.questions.is_empty()
        || body.questions.len() > 20
        || body
            .questions
            .iter()
            .any(|q| q.trim().is_empty() || q.chars().count() > 500)
    {
        return Err(ApiError::bad_request(
            "questions: 1-20 texts of 1-500 characters",
        ));
    }
    let entries = match body.knowledge_base {
        Some(entries) => {
            // The same checks as saving, so what is tried is what can be saved.
            settings_update::initial(
                &serde_json::json!({ "knowledge_base": entries }),
                &crate::util::llm_policy(env),
            )
            .map_err(|e| ApiError::bad_request(e.to_string()))?
            .knowledge_base
        }
        None => {
            db::site(&db, site_id)
                .await?
                .ok_or_else(|| ApiError::not_found("site"))?
                .settings
                .knowledge_base
        }
    };
    let answers = onboarding::try_bot(&entries, &body.questions);
    json_response(&TrialAnswers { answers }, 200)
}
