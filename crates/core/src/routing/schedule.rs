//! Opening hours: a weekly timetable in the experience's time zone, with closures by date.
//!
//! Times are local wall-clock times; jiff resolves them through the zone's rules, so a
//! timetable keeps meaning "09:00 here" across DST changes.

use jiff::Timestamp;
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Day {
    pub const ALL: [Day; 7] = [Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri, Day::Sat, Day::Sun];

    fn of(weekday: Weekday) -> Self {
        Self::ALL[usize::from(weekday.to_monday_zero_offset().unsigned_abs())]
    }
}

/// One span of opening on a weekday. `closes` at or before `opens` runs past midnight
/// (22:00–02:00 on Friday is open until 02:00 on Saturday); 00:00 closes at midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opening {
    pub day: Day,
    pub opens: Time,
    pub closes: Time,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// An IANA zone name ("Europe/Madrid").
    pub zone: String,
    pub hours: Vec<Opening>,
    /// Whole local dates the centre is closed (holidays), whatever the timetable says.
    pub closures: Vec<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScheduleError {
    #[error("\"{zone}\" is not a time zone this computer knows (use a name like Europe/Madrid).")]
    UnknownZone { zone: String },
    #[error("An opening on {day:?} opens and closes at the same time.")]
    Empty { day: Day },
}

impl Schedule {
    /// Monday to Friday, 09:00–18:00, in the given zone (the OS's, by default).
    pub fn office_hours(zone: &str) -> Self {
        let (opens, closes) = (Time::constant(9, 0, 0, 0), Time::constant(18, 0, 0, 0));
        Self {
            zone: zone.to_owned(),
            hours: Day::ALL[..5].iter().map(|&day| Opening { day, opens, closes }).collect(),
            closures: Vec::new(),
        }
    }

    /// Always open: every day, all day.
    pub fn always(zone: &str) -> Self {
        let midnight = Time::midnight();
        Self {
            zone: zone.to_owned(),
            hours: Day::ALL.iter().map(|&day| Opening { day, opens: midnight, closes: midnight }).collect(),
            closures: Vec::new(),
        }
    }

    pub fn check(&self) -> Result<TimeZone, ScheduleError> {
        for opening in &self.hours {
            // 00:00–00:00 is the whole day; any other equal pair is a slip.
            if opening.opens == opening.closes && opening.opens != Time::midnight() {
                return Err(ScheduleError::Empty { day: opening.day });
            }
        }
        TimeZone::get(&self.zone).map_err(|_| ScheduleError::UnknownZone { zone: self.zone.clone() })
    }

    /// Whether the centre is open at `now`. An unknown zone reads as UTC (the settings screen
    /// refuses one; this keeps routing alive if the OS later loses it).
    pub fn is_open(&self, now: Timestamp) -> bool {
        let zone = TimeZone::get(&self.zone).unwrap_or(TimeZone::UTC);
        let local = now.to_zoned(zone);
        let (date, time) = (local.date(), local.time());
        if self.closures.contains(&date) {
            return false;
        }
        let today = Day::of(date.weekday());
        let yesterday = Day::of(date.weekday().previous());
        self.hours.iter().any(|o| {
            let overnight = o.closes <= o.opens;
            let whole_day = o.opens == o.closes;
            (o.day == today && time >= o.opens && (overnight || time < o.closes))
                || (o.day == yesterday && overnight && !whole_day && time < o.closes)
                || (o.day == today && whole_day)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn at(zone: &str, y: i16, m: i8, d: i8, h: i8, min: i8) -> Timestamp {
        date(y, m, d).at(h, min, 0, 0).in_tz(zone).unwrap().timestamp()
    }

    #[test]
    fn office_hours_are_weekdays_nine_to_six_local() {
        let s = Schedule::office_hours("Europe/Madrid");
        // 2026-11-30 is a Monday.
        assert!(!s.is_open(at("Europe/Madrid", 2026, 11, 30, 8, 59)));
        assert!(s.is_open(at("Europe/Madrid", 2026, 11, 30, 9, 0)));
        assert!(s.is_open(at("Europe/Madrid", 2026, 11, 30, 17, 59)));
        assert!(!s.is_open(at("Europe/Madrid", 2026, 11, 30, 18, 0)), "18:00 is closed");
        assert!(!s.is_open(at("Europe/Madrid", 2026, 12, 5, 12, 0)), "Saturday");
        assert!(s.check().is_ok());
    }

    #[test]
    fn dst_changes_keep_local_hours() {
        let s = Schedule::office_hours("America/New_York");
        // 2026-03-09 (Monday after spring forward): 09:00 EDT is 13:00 UTC, not 14:00.
        let nine = date(2026, 3, 9).at(13, 0, 0, 0).in_tz("UTC").unwrap().timestamp();
        assert!(s.is_open(nine));
        assert!(!s.is_open(nine - jiff::SignedDuration::from_secs(1)));
        // 2026-11-02 (Monday after fall back): 09:00 EST is 14:00 UTC.
        let nine = date(2026, 11, 2).at(14, 0, 0, 0).in_tz("UTC").unwrap().timestamp();
        assert!(s.is_open(nine));
        assert!(!s.is_open(nine - jiff::SignedDuration::from_secs(1)));
    }

    #[test]
    fn overnight_spans_cross_midnight_and_closures_close_whole_dates() {
        let mut s = Schedule {
            zone: "UTC".into(),
            hours: vec![Opening {
                day: Day::Fri,
                opens: Time::constant(22, 0, 0, 0),
                closes: Time::constant(2, 0, 0, 0),
            }],
            closures: vec![],
        };
        // 2026-12-04 is a Friday.
        assert!(s.is_open(at("UTC", 2026, 12, 4, 23, 30)));
        assert!(s.is_open(at("UTC", 2026, 12, 5, 1, 59)), "Saturday 01:59 is still Friday's night");
        assert!(!s.is_open(at("UTC", 2026, 12, 5, 2, 0)));
        s.closures.push(date(2026, 12, 4));
        assert!(!s.is_open(at("UTC", 2026, 12, 4, 23, 0)), "a closure closes the whole date");
        let always = Schedule::always("UTC");
        assert!(
            always.is_open(at("UTC", 2026, 12, 5, 0, 0)) && always.is_open(at("UTC", 2026, 12, 6, 23, 59))
        );
    }

    #[test]
    fn unknown_zones_and_empty_spans_are_refused() {
        let mut s = Schedule::office_hours("Mars/Olympus");
        assert!(matches!(s.check(), Err(ScheduleError::UnknownZone { .. })));
        s.zone = "UTC".into();
        s.hours[0].closes = s.hours[0].opens;
        assert_eq!(s.check(), Err(ScheduleError::Empty { day: Day::Mon }));
    }

    proptest! {
        /// Through any year in a DST zone, office hours are open exactly when the local
        /// clock reads a weekday between 09:00 and 18:00.
        #[test]
        fn open_means_local_weekday_office_time(secs in 1_767_225_600i64..1_798_761_600) {
            let s = Schedule::office_hours("Europe/London");
            let now = Timestamp::from_second(secs).unwrap();
            let local = now.to_zoned(TimeZone::get("Europe/London").unwrap());
            let weekday = local.weekday().to_monday_zero_offset() < 5;
            let hour = local.hour();
            prop_assert_eq!(s.is_open(now), weekday && (9..18).contains(&hour));
        }
    }
}
