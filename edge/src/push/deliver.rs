//! Delivers one push entry of a conversation's outbox: resolve the devices (the site's choice
//! of agents, or the devices this chat's "chat waiting" reached), send to each device not yet
//! sent to under this key, remember the sent ones in the conversation's SQLite (so a retry does
//! not push a device twice, and a withdrawal knows where to go), and drop devices the push
//! service says are gone. Any other failure fails the entry, which the outbox retries.

use baton_core::push::{PushAudience, PushDraft, PushKind, PushOutcome};
use baton_core::Conversation;
use serde::Deserialize;
use worker::{Env, SqlStorage};

use super::send::{self, failure};
use super::store::{self, DeviceRow};
use super::vapid::Vapid;
use crate::db;
use crate::error::ApiResult;
use crate::site_client::SiteClient;
use crate::util::now;

#[derive(Deserialize)]
struct DeviceIdRow {
    device_id: String,
}

fn migrate(sql: &SqlStorage) -> ApiResult<()> {
    sql.exec(
        "CREATE TABLE IF NOT EXISTS push_sent (key TEXT NOT NULL, device_id TEXT NOT NULL,
         tag TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (key, device_id))",
        None,
    )?;
    Ok(())
}

fn sent_under(sql: &SqlStorage, query: &str, arg: &str) -> ApiResult<Vec<String>> {
    let rows: Vec<DeviceIdRow> = sql.exec(query, vec![arg.into()])?.to_array()?;
    Ok(rows.into_iter().map(|r| r.device_id).collect())
}

pub async fn deliver(
    env: &Env,
    sql: &SqlStorage,
    conversation: &Conversation,
    key: &str,
    draft: &PushDraft,
) -> ApiResult<()> {
    if !conversation.push_still_due(draft) {
        return Ok(());
    }
    let Some(vapid) = Vapid::from_env(env)? else {
        worker::console_warn!("push {key}: VAPID_PRIVATE_KEY is not set; nothing pushed");
        return Ok(());
    };
    migrate(sql)?;
    let database = env.d1("DB")?;
    let devices: Vec<DeviceRow> = match &draft.audience {
        PushAudience::Notified => {
            let ids = sent_under(
                sql,
                "SELECT DISTINCT device_id FROM push_sent WHERE tag = ? AND kind = 'chat_waiting'",
                &draft.tag(),
            )?;
            store::by_ids(&database, &ids).await?
        }
        audience => {
            let agents = SiteClient::new(env, &conversation.site_id)?
                .push_recipients(audience)
                .await?;
            store::recipients(&database, &conversation.site_id, &agents, now()).await?
        }
    };
    let already = sent_under(sql, "SELECT device_id FROM push_sent WHERE key = ?", key)?;
    let devices: Vec<DeviceRow> = devices
        .into_iter()
        .filter(|d| !already.contains(&d.id))
        .collect();
    if devices.is_empty() {
        return finish(sql, draft, &[]);
    }
    let site_name = db::site(&database, &conversation.site_id)
        .await?
        .map(|s| s.name)
        .unwrap_or_default();
    let body = serde_json::to_vec(&draft.payload(&site_name))?;
    let allow_loopback = super::allow_loopback(env);
    let (mut failed, mut gone) = (Vec::new(), Vec::new());
    for device in &devices {
        let outcome = send::send(
            &vapid,
            &device.target(),
            &body,
            draft,
            allow_loopback,
            now(),
        )
        .await;
        match outcome {
            Ok(PushOutcome::Sent) => {
                sql.exec(
                    "INSERT OR IGNORE INTO push_sent (key, device_id, tag, kind) VALUES (?, ?, ?, ?)",
                    vec![
                        key.into(),
                        device.id.as_str().into(),
                        draft.tag().into(),
                        baton_core::push::kind_str(draft.kind).into(),
                    ],
                )?;
                worker::console_log!(
                    "push {key} sent to device {} of agent {} at {}",
                    device.id,
                    device.agent_id,
                    now()
                );
            }
            Ok(PushOutcome::Gone) => gone.push(device.id.clone()),
            Ok(PushOutcome::Failed) => failed.push(format!("{}: refused", device.id)),
            Err(error) => failed.push(format!("{}: {}", device.id, error.message)),
        }
    }
    if !gone.is_empty() {
        let owners = store::delete(&database, &gone).await?;
        for owner in owners {
            let sites = store::sites_of_agent(&database, &owner).await?;
            super::refresh_reach(env, &database, &owner, &sites).await?;
        }
    }
    finish(sql, draft, &failed)
}

/// A withdrawal that reached every device forgets where the "chat waiting" went (a later wait
/// records afresh); any failure fails the entry, retried by the outbox.
fn finish(sql: &SqlStorage, draft: &PushDraft, failed: &[String]) -> ApiResult<()> {
    if !failed.is_empty() {
        return Err(failure(format!("push failed for {}", failed.join(", "))));
    }
    if draft.kind == PushKind::Withdrawn {
        sql.exec(
            "DELETE FROM push_sent WHERE tag = ? AND kind = 'chat_waiting'",
            vec![draft.tag().into()],
        )?;
    }
    Ok(())
}
