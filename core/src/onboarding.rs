//! Self-service onboarding rules: the operator's sign-up mode, the password and site-id rules
//! shared by sign-up, invitations and bootstrap, how long one-time links live, the text of the
//! emails that carry them, and what "try the bot" reports. No IO: the edge stores and sends.

use serde::{Deserialize, Serialize};

use crate::bot::{Bot, FaqBot};
use crate::settings::FaqEntry;
use crate::Millis;

/// A verification link is good for a day; an invitation for a week.
pub const VERIFY_TTL_MS: Millis = 24 * 3_600_000;
pub const INVITATION_TTL_MS: Millis = 7 * 24 * 3_600_000;
/// Sites one account may administer through self-service creation.
pub const MAX_OWN_SITES: usize = 20;

/// Who may create an account, as the operator deploys it (`SIGNUP` var).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SignupMode {
    /// Anyone may sign up (and verify their email).
    Open,
    /// Only people holding an operator's invitation.
    Invite,
    /// No sign-up: the routes answer 404, sites come from bootstrap.
    Off,
}

impl SignupMode {
    /// Unset or unknown means off: self-service is opted into, never on by accident.
    pub fn parse(value: Option<&str>) -> Self {
        match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
            Some("open") => Self::Open,
            Some("invite") | Some("invite-only") | Some("invite_only") => Self::Invite,
            _ => Self::Off,
        }
    }
}

/// Why a sign-up or invitation input is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OnboardingError {
    /// Passwords are 8 to 1024 bytes, the same rule as a password change.
    #[error("the password needs 8 to 1024 characters")]
    Password,
    /// Site ids go into URLs and the script tag.
    #[error("site id: 1-64 of a-z, 0-9, - and _")]
    SiteId,
}

pub fn password(password: &str) -> Result<(), OnboardingError> {
    if (8..=1024).contains(&password.len()) {
        Ok(())
    } else {
        Err(OnboardingError::Password)
    }
}

/// Site ids: 1-64 ASCII letters, digits, `-` and `_` (what bootstrap always accepted).
pub fn site_id(id: &str) -> Result<(), OnboardingError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(OnboardingError::SiteId)
    }
}

/// The one-line tag a customer pastes into their pages.
pub fn script_tag(edge_origin: &str, site_id: &str) -> String {
    format!(r#"<script src="{edge_origin}/widget.js" data-site="{site_id}" async></script>"#)
}

/// Subject and plain text of the email that verifies a new account.
pub fn verification_email(name: &str, link: &str) -> (String, String) {
    (
        "Confirm your email for Baton".to_string(),
        format!(
            "Hello {name},\n\nconfirm your email address to finish creating your Baton account:\n\n\
             {link}\n\nThe link works once, for 24 hours. If you did not sign up, ignore this email.\n"
        ),
    )
}

/// The email sent when someone signs up again with an address that has an account: the
/// sign-up page answers the same either way, so only the mailbox learns it exists.
pub fn existing_account_email(sign_in: &str) -> (String, String) {
    (
        "You already have a Baton account".to_string(),
        format!(
            "Someone (probably you) tried to sign up to Baton with this address, which already has \
             an account. Sign in here:\n\n{sign_in}\n\nIf that was not you, ignore this email.\n"
        ),
    )
}

/// An operator's invitation to sign up (invite-only deployments).
pub fn signup_invitation_email(link: &str) -> (String, String) {
    (
        "You are invited to Baton".to_string(),
        format!(
            "You are invited to create an account on Baton, the chat for your website:\n\n{link}\n\n\
             The link works once, for 7 days.\n"
        ),
    )
}

/// An admin's invitation to join a site's team.
pub fn team_invitation_email(site_name: &str, inviter: &str, link: &str) -> (String, String) {
    (
        format!("{inviter} invites you to answer chats for {site_name}"),
        format!(
            "{inviter} invites you to join the team of {site_name} on Baton.\n\n\
             Choose your name and password here:\n\n{link}\n\nThe link works once, for 7 days.\n"
        ),
    )
}

/// An existing account invited to another site: it accepts from its dashboard.
pub fn existing_member_email(site_name: &str, inviter: &str, dashboard: &str) -> (String, String) {
    (
        format!("{inviter} invites you to answer chats for {site_name}"),
        format!(
            "{inviter} invites you to join the team of {site_name} on Baton. Sign in to accept or \
             decline; nothing changes until you do:\n\n{dashboard}\n\nThe invitation lasts 7 days.\n"
        ),
    )
}

/// What the bot would do with one of the admin's test questions.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TrialAnswer {
    pub question: String,
    /// The bot's reply (an answer, small talk, or its "I did not understand").
    pub reply: String,
    /// Whether it answered; false is what would count towards a handoff.
    pub answered: bool,
    /// "Did you mean…?" offers, when it is unsure.
    pub suggestions: Vec<String>,
    /// The visitor asked for a person: a handoff, not an answer.
    pub wants_human: bool,
}

/// Runs the embedded bot over the admin's questions against `entries` (saved or not yet).
pub fn try_bot(entries: &[FaqEntry], questions: &[String]) -> Vec<TrialAnswer> {
    let bot = FaqBot::uncached(entries);
    questions
        .iter()
        .map(|question| {
            let reply = bot.answer(question);
            TrialAnswer {
                question: question.clone(),
                answered: reply.understood && !reply.wants_human,
                reply: reply.text,
                suggestions: reply.suggestions,
                wants_human: reply.wants_human,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_or_unknown_sign_up_mode_is_off() {
        assert_eq!(SignupMode::parse(None), SignupMode::Off);
        assert_eq!(SignupMode::parse(Some("yes")), SignupMode::Off);
        assert_eq!(SignupMode::parse(Some(" Open ")), SignupMode::Open);
        assert_eq!(SignupMode::parse(Some("invite")), SignupMode::Invite);
        assert_eq!(SignupMode::parse(Some("off")), SignupMode::Off);
    }

    #[test]
    fn passwords_and_site_ids() {
        assert_eq!(password("short"), Err(OnboardingError::Password));
        assert!(password("long enough").is_ok());
        assert!(password(&"x".repeat(1025)).is_err());
        assert!(site_id("my-shop_2").is_ok());
        for bad in ["", "a b", "ä", "a/b", &"a".repeat(65)] {
            assert_eq!(site_id(bad), Err(OnboardingError::SiteId), "{bad}");
        }
    }

    #[test]
    fn the_tag_is_one_line() {
        assert_eq!(
            script_tag("https://edge.example", "shop"),
            r#"<script src="https://edge.example/widget.js" data-site="shop" async></script>"#
        );
    }

    #[test]
    fn emails_carry_the_link() {
        let (_, text) = verification_email("Vera", "https://e/app/#verify=abc");
        assert!(text.contains("https://e/app/#verify=abc"));
        let (subject, text) = team_invitation_email("Shop", "Ann", "https://e/app/#join=t");
        assert!(subject.contains("Shop") && text.contains("#join=t"));
    }

    #[test]
    fn trying_the_bot_says_what_it_would_answer_or_not() {
        let entries = vec![FaqEntry {
            questions: vec!["Do you ship to Norway?".into(), "Norway delivery".into()],
            answer: "Yes, we ship to Norway in 3 days.".into(),
        }];
        let out = try_bot(
            &entries,
            &[
                "do you ship to norway".into(),
                "what is the airspeed of a swallow".into(),
                "can I talk to a person".into(),
            ],
        );
        assert!(out[0].answered);
        assert_eq!(out[0].reply, "Yes, we ship to Norway in 3 days.");
        assert!(!out[1].answered);
        assert!(out[2].wants_human && !out[2].answered);
    }
}
