//! The visitor's data on request (GDPR/CCPA): an admin's export and erase by email or
//! conversation, the erase log, and the retention sweep. The rules are `baton_core::privacy`;
//! this module finds the rows (conversation objects, the site's live rows, D1) and deletes them.
//!
//! Order of an erase: the conversation's object first (its outbox could otherwise write an index
//! row or a ticket again), then D1, then the log line. Every step is idempotent, so an erase
//! interrupted halfway is finished by asking again (the D1 part runs even when the object is
//! gone).

pub mod retention;
pub mod routes;

use baton_core::privacy::{self, ErasedCounts, Eraser, ErasureCause, Lookup};
use worker::{Env, Method};

use crate::conversation_room::erase::{Wiped, SITE_HEADER};
use crate::error::ApiResult;
use crate::util::{internal_request, now, random_hex};

/// Deletes a conversation's attachments (its R2 objects, by their key prefix): THE one place an
/// erase removes files. Returns how many went.
pub async fn erase_attachments(env: &Env, site_id: &str, conversation_id: &str) -> ApiResult<u32> {
    crate::conversation_room::attachments::delete_all(env, site_id, conversation_id).await
}

/// Erases one conversation of this site everywhere: its object, then D1. Nothing of another
/// site is touched (the object and every statement are scoped by site).
pub async fn erase_conversation(env: &Env, site_id: &str, id: &str) -> ApiResult<ErasedCounts> {
    let inner = internal_request::<()>(Method::Post, "/erase", None, &[(SITE_HEADER, site_id)])?;
    let stub = env.durable_object("CONVERSATION")?.get_by_name(id)?;
    let mut response = stub.fetch_with_request(inner).await?;
    let wiped: Wiped = response.json().await?;
    let mut counts = wiped.counts;
    counts.merge(&forget(env, site_id, id).await?);
    Ok(counts)
}

async fn forget(env: &Env, site_id: &str, id: &str) -> ApiResult<ErasedCounts> {
    let fact_id = privacy::anonymous_fact_id(&random_hex(12)?);
    crate::db_privacy::forget_conversation(&env.d1("DB")?, site_id, id, &fact_id).await
}

/// The D1 half of an erase the object already did, and its log line (the visitor's own erase).
pub async fn finish(
    env: &Env,
    site_id: &str,
    id: &str,
    mut counts: ErasedCounts,
    by: Eraser,
    cause: ErasureCause,
) -> ApiResult<()> {
    counts.merge(&forget(env, site_id, id).await?);
    log(env, site_id, by, cause, counts).await.map(|_| ())
}

/// Writes the log line, if the request erased anything.
pub async fn log(
    env: &Env,
    site_id: &str,
    by: Eraser,
    cause: ErasureCause,
    counts: ErasedCounts,
) -> ApiResult<Option<privacy::ErasureRecord>> {
    let Some(record) = privacy::record(random_hex(12)?, site_id, by, cause, counts, now()) else {
        return Ok(None);
    };
    crate::db_privacy::log(&env.d1("DB")?, &record).await?;
    Ok(Some(record))
}

/// The site's conversations a lookup covers: the one named, or every one with that email in
/// D1 (index rows, tickets) or in the site's live rows (still waiting, live or with the bot).
pub async fn conversations(env: &Env, site_id: &str, lookup: &Lookup) -> ApiResult<Vec<String>> {
    match lookup {
        Lookup::Conversation(id) => Ok(vec![id.clone()]),
        Lookup::Email(email) => {
            let mut ids =
                crate::db_privacy::conversations_by_email(&env.d1("DB")?, site_id, email).await?;
            let site = crate::site_client::SiteClient::new(env, site_id)?;
            ids.extend(site.find_by_email(email).await?);
            ids.sort();
            ids.dedup();
            Ok(ids)
        }
    }
}
