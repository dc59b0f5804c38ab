//! How long messages are kept: at most `max_age_days`, and at most the newest
//! `max_messages_per_session` of each session. Both are settings. Interactions — the figures
//! reports are made of (when a customer entered a queue, was taken, answered, ended; by whom) —
//! outlive their messages' text: they are kept `report_days`.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionPolicy {
    pub max_age_days: u32,
    pub max_messages_per_session: u32,
    /// How long interactions are kept for reports, whatever happened to their messages.
    #[serde(default = "default_report_days")]
    pub report_days: u32,
}

fn default_report_days() -> u32 {
    400
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RetentionError {
    #[error("Messages must be kept between 1 and 3,650 days; {days} is outside.")]
    Age { days: u32 },
    #[error("Each session must keep between 1 and 100,000 messages; {count} is outside.")]
    Count { count: u32 },
    #[error("Reports' figures must be kept between 31 and 3,650 days; {days} is outside.")]
    Reports { days: u32 },
}

impl Default for RetentionPolicy {
    /// PLATFORMS.md: 30 days, and the last 30 messages of each session.
    fn default() -> Self {
        Self { max_age_days: 30, max_messages_per_session: 30, report_days: default_report_days() }
    }
}

impl RetentionPolicy {
    pub fn new(max_age_days: u32, max_messages_per_session: u32) -> Result<Self, RetentionError> {
        if !(1..=3_650).contains(&max_age_days) {
            return Err(RetentionError::Age { days: max_age_days });
        }
        if !(1..=100_000).contains(&max_messages_per_session) {
            return Err(RetentionError::Count { count: max_messages_per_session });
        }
        Ok(Self { max_age_days, max_messages_per_session, report_days: default_report_days() })
    }

    /// The same, keeping interactions for reports `days`.
    pub fn with_report_days(self, days: u32) -> Result<Self, RetentionError> {
        if !(31..=3_650).contains(&days) {
            return Err(RetentionError::Reports { days });
        }
        Ok(Self { report_days: days, ..self })
    }

    /// Interactions that entered a queue before this are deleted (with their timeline).
    pub fn report_cutoff(&self, now: Timestamp) -> Timestamp {
        now - SignedDuration::from_hours(24 * i64::from(self.report_days))
    }

    /// Messages older than this are purged.
    pub fn cutoff(&self, now: Timestamp) -> Timestamp {
        now - SignedDuration::from_hours(24 * i64::from(self.max_age_days))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_keeps_30_days_and_30_messages() {
        let policy = RetentionPolicy::default();
        let now: Timestamp = "2026-03-31T12:00:00Z".parse().unwrap();
        assert_eq!(policy.cutoff(now), "2026-03-01T12:00:00Z".parse::<Timestamp>().unwrap());
        assert_eq!(policy.max_messages_per_session, 30);
    }

    #[test]
    fn settings_out_of_range_are_refused() {
        assert_eq!(RetentionPolicy::new(0, 30), Err(RetentionError::Age { days: 0 }));
        assert_eq!(
            RetentionPolicy::default().with_report_days(30),
            Err(RetentionError::Reports { days: 30 })
        );
        assert_eq!(RetentionPolicy::default().report_days, 400, "a year of reports and a month to compare");
        assert_eq!(RetentionPolicy::new(30, 0), Err(RetentionError::Count { count: 0 }));
        assert!(RetentionPolicy::new(3_650, 100_000).is_ok());
    }
}
