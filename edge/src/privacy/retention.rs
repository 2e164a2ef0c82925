//! One retention sweep of a site (the site object's alarm calls it): the conversations the
//! site's `retention_ms` makes due, by `baton_core::privacy::retention_due`, erased and logged
//! as one line.

use baton_core::privacy::{self, ErasedCounts, Eraser, ErasureCause, RETENTION_BATCH};
use baton_core::{ConversationSummary, Millis};
use worker::Env;

use crate::error::ApiResult;

/// What a sweep did, for the next one.
pub struct Swept {
    pub erased: Vec<String>,
    pub retention_ms: Millis,
    /// A whole batch was due: more may be.
    pub full_batch: bool,
    /// The oldest ended conversation left in D1 after the sweep.
    pub oldest_indexed: Option<Millis>,
}

pub async fn sweep(
    env: &Env,
    site_id: &str,
    live_rows: Vec<ConversationSummary>,
    now: Millis,
) -> ApiResult<Swept> {
    let db = env.d1("DB")?;
    let retention_ms = crate::db::site(&db, site_id)
        .await?
        .map_or(0, |site| site.settings.retention_ms);
    let Some(cutoff) = privacy::retention_cutoff(retention_ms, now) else {
        return Ok(Swept {
            erased: Vec::new(),
            retention_ms,
            full_batch: false,
            oldest_indexed: None,
        });
    };
    let mut due: Vec<ConversationSummary> =
        crate::db_privacy::older_than(&db, site_id, cutoff, RETENTION_BATCH).await?;
    due.extend(live_rows);
    due.retain(|s| s.site_id == site_id && privacy::retention_due(s, retention_ms, now));
    due.sort_by(|a, b| a.id.cmp(&b.id));
    due.dedup_by(|a, b| a.id == b.id);
    due.sort_by_key(|s| s.updated_at);
    due.truncate(RETENTION_BATCH);
    let mut counts = ErasedCounts::default();
    let mut erased = Vec::with_capacity(due.len());
    for summary in &due {
        counts.merge(&super::erase_conversation(env, site_id, &summary.id).await?);
        erased.push(summary.id.clone());
    }
    super::log(
        env,
        site_id,
        Eraser::Retention,
        ErasureCause::Retention,
        counts,
    )
    .await?;
    Ok(Swept {
        full_batch: erased.len() == RETENTION_BATCH,
        erased,
        retention_ms,
        oldest_indexed: crate::db_privacy::oldest(&db, site_id).await?,
    })
}
