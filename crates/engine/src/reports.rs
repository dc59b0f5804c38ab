//! Standard reports for supervisors (core: `switchboard_core::reports`), over whole days in
//! the team's zone, and their CSV: UTF-8 with a BOM, one header row, the rows and the totals row
//! exactly as the screen shows them, ISO dates — a spreadsheet opens it as is.

use crate::{Engine, EngineError};
use jiff::civil::Date;
use serde::Deserialize;
use switchboard_core::reports::{self, QueueInfo, ReportKind, ReportRequest, Table};

/// What the supervisor asked for: a report over whole local days, `from` to `to` inclusive.
#[derive(Debug, Clone, Deserialize)]
pub struct ReportQuery {
    pub kind: ReportKind,
    pub from: Date,
    pub to: Date,
    #[serde(default)]
    pub business_hours: bool,
}

/// The longest range a report covers.
const MAX_DAYS: i32 = 366;

impl ReportQuery {
    /// The CSV's file name: the report and its days.
    pub fn file_name(&self) -> String {
        let kind = match self.kind {
            ReportKind::Queues => "queues",
            ReportKind::Agents => "agents",
            ReportKind::Intervals => "intervals",
            ReportKind::Dispositions => "dispositions",
            ReportKind::BusiestHours => "busiest-hours",
        };
        let hours = if self.business_hours { "-business-hours" } else { "" };
        format!("switchboard-{kind}{hours}-{}-to-{}.csv", self.from, self.to)
    }
}

impl Engine {
    pub async fn report(&self, query: &ReportQuery) -> Result<Table, EngineError> {
        self.require("supervisor", "read reports")?;
        if query.to < query.from {
            return Err(EngineError::Refused("A report's last day comes after its first.".into()));
        }
        if query.from.until(query.to).map_or(true, |span| span.get_days() >= MAX_DAYS) {
            return Err(EngineError::Refused(format!("A report covers at most {MAX_DAYS} days.")));
        }
        let zone = self.monitor_zone().await;
        let start = |day: Date| {
            day.to_zoned(zone.clone()).and_then(|z| z.start_of_day()).map(|z| z.timestamp()).map_err(|e| {
                EngineError::Refused(format!(
                    "{day} is not a day in {}: {e}",
                    zone.iana_name().unwrap_or("UTC")
                ))
            })
        };
        let from = start(query.from)?;
        let to = start(query.to.tomorrow().map_err(|e| EngineError::Refused(e.to_string()))?)?;
        let records = self.store.report_records(from, to).await?;
        let queues: Vec<QueueInfo> = self
            .store
            .monitor_queues()
            .await?
            .into_iter()
            .map(|q| QueueInfo {
                id: q.id,
                name: q.name,
                service_level_seconds: q.service_level_seconds,
                target_response_seconds: q.target_response_seconds,
            })
            .collect();
        let schedule = if query.business_hours { self.store.monitor_schedule().await? } else { None };
        if query.business_hours && schedule.is_none() {
            return Err(EngineError::Refused("No opening hours are set (Settings → Routing).".into()));
        }
        let request =
            ReportRequest { kind: query.kind, from, to, zone: &zone, business_hours: schedule.as_ref() };
        Ok(reports::report(&records, &queues, &request))
    }

    /// The report as a CSV file's bytes.
    pub async fn report_csv(&self, query: &ReportQuery) -> Result<Vec<u8>, EngineError> {
        Ok(csv_of(&self.report(query).await?))
    }
}

/// The table as CSV: a BOM (so that spreadsheets read UTF-8), the header, the rows, the totals.
pub fn csv_of(table: &Table) -> Vec<u8> {
    let mut writer =
        csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(b"\xEF\xBB\xBF".to_vec());
    let write = |writer: &mut csv::Writer<Vec<u8>>, record: Vec<String>| {
        // Writing to memory cannot fail.
        let _ = writer.write_record(record);
    };
    write(&mut writer, table.columns.clone());
    for row in table.rows.iter().chain(table.totals.iter()) {
        write(&mut writer, row.iter().map(|c| c.csv()).collect());
    }
    writer.into_inner().unwrap_or_default()
}
