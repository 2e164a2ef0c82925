//! The agents' push devices in D1 (migration 0005). Keys are stored to encrypt for the device;
//! no route ever returns them.

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;
use worker::D1Database;

use super::send::Target;
use crate::error::ApiResult;

fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

fn number(value: i64) -> JsValue {
    JsValue::from_f64(value as f64)
}

/// A device as its owner sees it.
#[derive(Serialize, Clone, Debug)]
pub struct DeviceView {
    pub id: String,
    pub label: String,
    pub created_at: i64,
    /// Subscribed by the session asking (this browser).
    pub current: bool,
    pub sites: Vec<DeviceSite>,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct DeviceSite {
    pub site_id: String,
    pub site_name: String,
    pub enabled: bool,
}

/// A device to push to.
#[derive(Deserialize, Clone, Debug)]
pub struct DeviceRow {
    pub id: String,
    pub agent_id: String,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

impl DeviceRow {
    pub fn target(&self) -> Target {
        Target {
            endpoint: self.endpoint.clone(),
            p256dh: self.p256dh.clone(),
            auth: self.auth.clone(),
        }
    }
}

pub struct NewDevice<'a> {
    pub id: &'a str,
    pub agent_id: &'a str,
    pub session_hash: &'a str,
    pub endpoint: &'a str,
    pub p256dh: &'a str,
    pub auth: &'a str,
    pub label: &'a str,
    pub sites: &'a [String],
    pub now: i64,
}

/// Stores a subscription. The same endpoint again (the browser subscribed anew, or another
/// agent signed in on it) replaces the old device: an endpoint is one browser profile.
/// Returns the agents whose devices changed (the old owner included).
pub async fn upsert(db: &D1Database, device: &NewDevice<'_>) -> ApiResult<Vec<String>> {
    #[derive(Deserialize)]
    struct Old {
        id: String,
        agent_id: String,
    }
    let old: Option<Old> = db
        .prepare("SELECT id, agent_id FROM push_devices WHERE endpoint = ?1")
        .bind(&[text(device.endpoint)])?
        .first(None)
        .await?;
    let mut statements = Vec::new();
    let mut agents = vec![device.agent_id.to_string()];
    if let Some(old) = &old {
        statements.push(
            db.prepare("DELETE FROM push_device_sites WHERE device_id = ?1")
                .bind(&[text(&old.id)])?,
        );
        statements.push(
            db.prepare("DELETE FROM push_devices WHERE id = ?1")
                .bind(&[text(&old.id)])?,
        );
        if old.agent_id != device.agent_id {
            agents.push(old.agent_id.clone());
        }
    }
    statements.push(
        db.prepare(
            "INSERT INTO push_devices (id, agent_id, session_hash, endpoint, p256dh, auth, label, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .bind(&[
            text(device.id),
            text(device.agent_id),
            text(device.session_hash),
            text(device.endpoint),
            text(device.p256dh),
            text(device.auth),
            text(device.label),
            number(device.now),
        ])?,
    );
    for site in device.sites {
        statements.push(
            db.prepare(
                "INSERT INTO push_device_sites (device_id, site_id, enabled) VALUES (?1, ?2, 1)",
            )
            .bind(&[text(device.id), text(site)])?,
        );
    }
    db.batch(statements).await?;
    Ok(agents)
}

/// The agent's devices, each with its sites (only sites the agent still belongs to).
pub async fn devices_of(
    db: &D1Database,
    agent_id: &str,
    session_hash: &str,
) -> ApiResult<Vec<DeviceView>> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        label: String,
        created_at: f64,
        session_hash: String,
        site_id: Option<String>,
        site_name: Option<String>,
        enabled: Option<f64>,
    }
    let rows: Vec<Row> = db
        .prepare(
            "SELECT d.id, d.label, d.created_at, d.session_hash, ds.site_id, s.name AS site_name, ds.enabled
             FROM push_devices d
             LEFT JOIN push_device_sites ds ON ds.device_id = d.id
               AND ds.site_id IN (SELECT site_id FROM memberships WHERE agent_id = ?1)
             LEFT JOIN sites s ON s.id = ds.site_id
             WHERE d.agent_id = ?1 ORDER BY d.created_at, d.id, s.name",
        )
        .bind(&[text(agent_id)])?
        .all()
        .await?
        .results()?;
    let mut devices: Vec<DeviceView> = Vec::new();
    for row in rows {
        if devices.last().map(|d| d.id != row.id).unwrap_or(true) {
            devices.push(DeviceView {
                id: row.id.clone(),
                label: row.label.clone(),
                created_at: row.created_at as i64,
                current: row.session_hash == session_hash,
                sites: Vec::new(),
            });
        }
        if let (Some(site_id), Some(device)) = (row.site_id, devices.last_mut()) {
            device.sites.push(DeviceSite {
                site_id,
                site_name: row.site_name.unwrap_or_default(),
                enabled: row.enabled.unwrap_or(0.0) != 0.0,
            });
        }
    }
    Ok(devices)
}

/// Whether the device is the agent's.
pub async fn owns(db: &D1Database, agent_id: &str, device_id: &str) -> ApiResult<bool> {
    #[derive(Deserialize)]
    struct Row {
        #[allow(dead_code)]
        id: String,
    }
    let row: Option<Row> = db
        .prepare("SELECT id FROM push_devices WHERE id = ?1 AND agent_id = ?2")
        .bind(&[text(device_id), text(agent_id)])?
        .first(None)
        .await?;
    Ok(row.is_some())
}

pub async fn set_sites(
    db: &D1Database,
    device_id: &str,
    sites: &[(String, bool)],
) -> ApiResult<()> {
    let mut statements = Vec::new();
    for (site, enabled) in sites {
        statements.push(
            db.prepare(
                "INSERT INTO push_device_sites (device_id, site_id, enabled) VALUES (?1, ?2, ?3)
                 ON CONFLICT (device_id, site_id) DO UPDATE SET enabled = excluded.enabled",
            )
            .bind(&[text(device_id), text(site), number(i64::from(*enabled))])?,
        );
    }
    if !statements.is_empty() {
        db.batch(statements).await?;
    }
    Ok(())
}

/// Deletes devices by id; returns their owners.
pub async fn delete(db: &D1Database, device_ids: &[String]) -> ApiResult<Vec<String>> {
    let mut owners = Vec::new();
    for id in device_ids {
        #[derive(Deserialize)]
        struct Row {
            agent_id: String,
        }
        let row: Option<Row> = db
            .prepare("SELECT agent_id FROM push_devices WHERE id = ?1")
            .bind(&[text(id)])?
            .first(None)
            .await?;
        db.batch(vec![
            db.prepare("DELETE FROM push_device_sites WHERE device_id = ?1")
                .bind(&[text(id)])?,
            db.prepare("DELETE FROM push_devices WHERE id = ?1")
                .bind(&[text(id)])?,
        ])
        .await?;
        if let Some(row) = row {
            if !owners.contains(&row.agent_id) {
                owners.push(row.agent_id);
            }
        }
    }
    Ok(owners)
}

/// The devices a session subscribed (removed when it signs out).
pub async fn of_session(db: &D1Database, session_hash: &str) -> ApiResult<Vec<String>> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
    }
    let rows: Vec<Row> = db
        .prepare("SELECT id FROM push_devices WHERE session_hash = ?1")
        .bind(&[text(session_hash)])?
        .all()
        .await?
        .results()?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Drops the agent's devices from one site (they were removed from it).
pub async fn leave_site(db: &D1Database, agent_id: &str, site_id: &str) -> ApiResult<()> {
    db.prepare(
        "DELETE FROM push_device_sites WHERE site_id = ?1
         AND device_id IN (SELECT id FROM push_devices WHERE agent_id = ?2)",
    )
    .bind(&[text(site_id), text(agent_id)])?
    .run()
    .await?;
    Ok(())
}

/// Sites where the agent has an enabled device of a session that has not expired.
pub async fn reachable_sites(db: &D1Database, agent_id: &str, now: i64) -> ApiResult<Vec<String>> {
    #[derive(Deserialize)]
    struct Row {
        site_id: String,
    }
    let rows: Vec<Row> = db
        .prepare(
            "SELECT DISTINCT ds.site_id FROM push_devices d
             JOIN push_device_sites ds ON ds.device_id = d.id AND ds.enabled = 1
             JOIN sessions s ON s.token_hash = d.session_hash AND s.expires_at > ?2
             WHERE d.agent_id = ?1",
        )
        .bind(&[text(agent_id), number(now)])?
        .all()
        .await?
        .results()?;
    Ok(rows.into_iter().map(|r| r.site_id).collect())
}

/// The enabled devices on `site_id` of these agents, of sessions that have not expired.
pub async fn recipients(
    db: &D1Database,
    site_id: &str,
    agent_ids: &[String],
    now: i64,
) -> ApiResult<Vec<DeviceRow>> {
    if agent_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = serde_json::to_string(agent_ids)?;
    let rows: Vec<DeviceRow> = db
        .prepare(
            "SELECT d.id, d.agent_id, d.endpoint, d.p256dh, d.auth FROM push_devices d
             JOIN push_device_sites ds ON ds.device_id = d.id AND ds.site_id = ?1 AND ds.enabled = 1
             JOIN sessions s ON s.token_hash = d.session_hash AND s.expires_at > ?3
             WHERE d.agent_id IN (SELECT value FROM json_each(?2)) ORDER BY d.id",
        )
        .bind(&[text(site_id), text(&ids), number(now)])?
        .all()
        .await?
        .results()?;
    Ok(rows)
}

/// Devices by id (those still stored).
pub async fn by_ids(db: &D1Database, device_ids: &[String]) -> ApiResult<Vec<DeviceRow>> {
    if device_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = serde_json::to_string(device_ids)?;
    let rows: Vec<DeviceRow> = db
        .prepare(
            "SELECT id, agent_id, endpoint, p256dh, auth FROM push_devices
             WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY id",
        )
        .bind(&[text(&ids)])?
        .all()
        .await?
        .results()?;
    Ok(rows)
}

/// The agent's sites with at least one device row (to refresh after a device goes).
pub async fn sites_of_agent(db: &D1Database, agent_id: &str) -> ApiResult<Vec<String>> {
    #[derive(Deserialize)]
    struct Row {
        site_id: String,
    }
    let rows: Vec<Row> = db
        .prepare("SELECT site_id FROM memberships WHERE agent_id = ?1")
        .bind(&[text(agent_id)])?
        .all()
        .await?
        .results()?;
    Ok(rows.into_iter().map(|r| r.site_id).collect())
}
