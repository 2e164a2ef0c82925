//! Failed deliveries as an admin reads them (Settings → Failed deliveries): what it was, how
//! often it was tried, the receiver's last answer, and whether it is still retried or was given
//! up after a day. The list itself is `GET /sites/{site}/deliveries` (core's `DeliveryFailure`).

use baton_core::outbox::DeliveryFailure;

use super::transcript::ago;

/// One row of the table, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailureRow {
    pub what: String,
    pub conversation_id: String,
    pub attempts: String,
    pub last_error: String,
    pub state: String,
}

/// What each kind of delivery is, for people.
fn what(kind: &str, key: &str) -> String {
    match kind {
        "webhook" if key.contains(":operator:") => "Operator API webhook".into(),
        "webhook" => "Ticket webhook".into(),
        "email" => "Email".into(),
        "web_push" => "Push notification".into(),
        other => other.replace('_', " "),
    }
}

pub fn row(failure: &DeliveryFailure, now: i64) -> FailureRow {
    let state = match failure.next_attempt_at {
        Some(at) if at > now => format!("Retried again in {}", ago(now, at)),
        Some(_) => "Being retried".into(),
        None => format!(
            "Given up (failing since {} ago)",
            ago(failure.first_failed_at, now)
        ),
    };
    FailureRow {
        what: what(&failure.kind, &failure.key),
        conversation_id: failure.conversation_id.clone(),
        attempts: match failure.attempts {
            1 => "1 attempt".into(),
            n => format!("{n} attempts"),
        },
        last_error: failure.last_error.clone(),
        state,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(kind: &str, key: &str, next: Option<i64>) -> DeliveryFailure {
        DeliveryFailure {
            key: key.into(),
            site_id: "s".into(),
            conversation_id: "c1".into(),
            kind: kind.into(),
            attempts: 3,
            last_error: "webhook answered 500".into(),
            first_failed_at: 0,
            last_failed_at: 60_000,
            next_attempt_at: next,
        }
    }

    #[test]
    fn retried_and_given_up_failures_read_as_such() {
        let retried = row(
            &failure("webhook", "s:c1:webhook:ticket:t1", Some(130_000)),
            10_000,
        );
        assert_eq!(retried.what, "Ticket webhook");
        assert_eq!(retried.attempts, "3 attempts");
        assert_eq!(retried.state, "Retried again in 2 min");
        let due = row(&failure("email", "s:c1:email:x", Some(5_000)), 10_000);
        assert_eq!(
            (due.what.as_str(), due.state.as_str()),
            ("Email", "Being retried")
        );
        let given_up = row(&failure("web_push", "k", None), 2 * 86_400_000);
        assert_eq!(given_up.what, "Push notification");
        assert_eq!(given_up.state, "Given up (failing since 2 d ago)");
        let operator = row(&failure("webhook", "s:c1:operator:7", None), 0);
        assert_eq!(operator.what, "Operator API webhook");
    }
}
