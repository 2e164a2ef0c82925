//! The edge's VAPID identity (RFC 8292): one P-256 key pair, the private half a Worker secret
//! (`VAPID_PRIVATE_KEY`, 32 bytes base64url; scripts/edge-dev.sh makes one per local state),
//! and an ES256 JWT per push service origin.
//!
//! Signed here with p256's ECDSA rather than by `web-push-native`'s `vapid` feature: that one
//! drops the port from `aud` (RFC 8292 wants the origin), reads the clock itself, and pulls in
//! `jwt-simple` with a dozen algorithms we never use.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use baton_core::Millis;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use worker::Env;

use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct Vapid {
    key: SigningKey,
    /// The uncompressed public point, base64url: the dashboard's `applicationServerKey`.
    public_key: String,
    /// The contact the push service may reach us at.
    subject: String,
}

const DEFAULT_SUBJECT: &str = "mailto:push@baton.invalid";

thread_local! {
    /// (secret, subject, identity) as last derived in this isolate.
    static DERIVED: std::cell::RefCell<Option<(String, String, Vapid)>> =
        const { std::cell::RefCell::new(None) };
}

impl Vapid {
    /// `None` when no key is configured: push is then off (and said so by the key route).
    pub fn from_env(env: &Env) -> ApiResult<Option<Self>> {
        let raw = env
            .secret("VAPID_PRIVATE_KEY")
            .map(|s| s.to_string())
            .or_else(|_| env.var("VAPID_PRIVATE_KEY").map(|v| v.to_string()))
            .unwrap_or_default();
        if raw.trim().is_empty() {
            return Ok(None);
        }
        let subject = env
            .var("VAPID_SUBJECT")
            .map(|v| v.to_string())
            .unwrap_or_else(|_| DEFAULT_SUBJECT.to_string());
        // The public key is a scalar multiplication (the biggest item in a profile of the
        // message benchmark when it was redone per push attempt): derived once per isolate, and
        // again only if the secret or subject differ.
        let cached = DERIVED.with(|derived| {
            derived
                .borrow()
                .as_ref()
                .filter(|(r, s, _)| *r == raw && *s == subject)
                .map(|(_, _, vapid)| vapid.clone())
        });
        if let Some(vapid) = cached {
            return Ok(Some(vapid));
        }
        let vapid = Self::from_parts(raw.trim(), &subject)?;
        DERIVED.with(|derived| *derived.borrow_mut() = Some((raw, subject, vapid.clone())));
        Ok(Some(vapid))
    }

    pub fn from_parts(private_b64: &str, subject: &str) -> ApiResult<Self> {
        let bytes = URL_SAFE_NO_PAD
            .decode(private_b64.trim_end_matches('='))
            .map_err(|_| misconfigured())?;
        let key = SigningKey::from_slice(&bytes).map_err(|_| misconfigured())?;
        let point = key.verifying_key().to_encoded_point(false);
        Ok(Self {
            public_key: URL_SAFE_NO_PAD.encode(point.as_bytes()),
            key,
            subject: subject.to_string(),
        })
    }

    pub fn public_key(&self) -> &str {
        &self.public_key
    }

    /// `Authorization: vapid t=<JWT>, k=<public key>` for a push service at `aud`.
    pub fn authorization(&self, aud: &str, now: Millis) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = baton_core::push::vapid_claims(aud, &self.subject, now).to_string();
        let signing_input = format!("{header}.{}", URL_SAFE_NO_PAD.encode(claims));
        let signature: Signature = self.key.sign(signing_input.as_bytes());
        let token = format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes())
        );
        format!("vapid t={token}, k={}", self.public_key)
    }
}

fn misconfigured() -> ApiError {
    ApiError::new(
        500,
        baton_core::ErrorCode::Internal,
        "VAPID_PRIVATE_KEY is not a base64url P-256 private key",
    )
}
