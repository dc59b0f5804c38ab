//! Transcripts for supervisors: search, read whole, and export one or many as plain text or as
//! HTML ready to print to PDF. In the HTML every word a customer or agent wrote is escaped: it is
//! text, never markup.

use crate::{Engine, EngineError};
use html_escape::encode_text;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;
use switchboard_core::{Author, Direction};
use switchboard_store::{Transcript, TranscriptFilter, TranscriptHit};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TranscriptFormat {
    Text,
    Html,
}

/// The most transcripts one export carries.
const MAX_EXPORT: usize = 500;

impl Engine {
    pub async fn transcript_search(
        &self,
        filter: &TranscriptFilter,
    ) -> Result<Vec<TranscriptHit>, EngineError> {
        self.require("supervisor", "read transcripts")?;
        Ok(self.store.transcript_search(filter).await?)
    }

    pub async fn transcript(&self, interaction_id: i64) -> Result<Transcript, EngineError> {
        self.require("supervisor", "read transcripts")?;
        Ok(self.store.transcript(interaction_id).await?)
    }

    /// The transcripts as one file: its name and bytes.
    pub async fn transcripts_export(
        &self,
        interaction_ids: &[i64],
        format: TranscriptFormat,
    ) -> Result<(String, Vec<u8>), EngineError> {
        self.require("supervisor", "export transcripts")?;
        if interaction_ids.is_empty() {
            return Err(EngineError::Refused("Choose at least one transcript to export.".into()));
        }
        if interaction_ids.len() > MAX_EXPORT {
            return Err(EngineError::Refused(format!(
                "One export carries at most {MAX_EXPORT} transcripts."
            )));
        }
        let zone = self.monitor_zone().await;
        let mut transcripts = Vec::with_capacity(interaction_ids.len());
        for id in interaction_ids {
            transcripts.push(self.store.transcript(*id).await?);
        }
        let name = match transcripts.as_slice() {
            [one] => format!("transcript-{}-{}", one.hit.interaction_id, slug(&one.hit.contact_name)),
            many => format!("transcripts-{}", many.len()),
        };
        Ok(match format {
            TranscriptFormat::Text => (format!("{name}.txt"), text(&transcripts, &zone).into_bytes()),
            TranscriptFormat::Html => (format!("{name}.html"), html(&transcripts, &zone).into_bytes()),
        })
    }
}

fn slug(name: &str) -> String {
    let s: String =
        name.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    s.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-")
}

fn local(at: Timestamp, zone: &TimeZone) -> String {
    at.to_zoned(zone.clone()).strftime("%Y-%m-%d %H:%M:%S").to_string()
}

/// Who wrote a message, in words.
fn who(t: &Transcript, author: Author, direction: Direction) -> String {
    match (direction, author) {
        (Direction::Inbound, _) => t.hit.contact_name.clone(),
        (_, Author::Agent) => t.hit.agent.clone().unwrap_or_else(|| "Agent".into()),
        (_, Author::Customer) => t.hit.contact_name.clone(),
        _ => "Automatic".into(),
    }
}

/// The heading facts of a transcript, in order.
fn facts(t: &Transcript, zone: &TimeZone) -> Vec<(&'static str, String)> {
    let h = &t.hit;
    vec![
        ("Contact", format!("{} ({} · {})", h.contact_name, h.platform.label(), h.channel_name)),
        ("Interaction", h.interaction_id.to_string()),
        ("Queue", h.queue_name.clone().unwrap_or_else(|| "—".into())),
        ("Agent", h.agent.clone().unwrap_or_else(|| "—".into())),
        ("Started", local(h.started_at, zone)),
        ("Ended", h.ended_at.map_or_else(|| "open".into(), |e| local(e, zone))),
        ("End reason", h.end_reason.clone().unwrap_or_else(|| "—".into())),
        ("Disposition", h.disposition.clone().unwrap_or_else(|| "—".into())),
    ]
}

fn text(transcripts: &[Transcript], zone: &TimeZone) -> String {
    let mut out = String::new();
    for t in transcripts {
        out.push_str(&format!("Transcript — {}\n", t.hit.contact_name));
        for (label, value) in facts(t, zone) {
            out.push_str(&format!("{label}: {value}\n"));
        }
        out.push_str(&format!("Times in {}\n\nTimeline\n", zone.iana_name().unwrap_or("UTC")));
        for step in &t.timeline {
            let actor = step.actor.as_deref().map(|a| format!(" by {a}")).unwrap_or_default();
            let detail = step.detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default();
            out.push_str(&format!("  {}  {}{actor}{detail}\n", local(step.at, zone), step.kind));
        }
        out.push_str("\nMessages\n");
        if t.messages.is_empty() {
            out.push_str("  (none kept: the retention purge removed their text)\n");
        }
        for m in &t.messages {
            let body = m.body.replace('\n', "\n    ");
            out.push_str(&format!(
                "  [{}] {}: {body}\n",
                local(m.created_at, zone),
                who(t, m.author, m.direction)
            ));
        }
        out.push_str("\n\n");
    }
    out
}

fn html(transcripts: &[Transcript], zone: &TimeZone) -> String {
    let mut out = String::from(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Transcripts</title>\n<style>\
         body{font:13px/1.45 system-ui,sans-serif;color:#1b1f24;margin:24px}\
         section{page-break-after:always;margin-bottom:32px}h1{font-size:18px;margin:0 0 8px}\
         dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0 0 12px}dt{color:#5b6470}\
         ol{padding-left:18px}.msg{margin:6px 0}.msg .meta{color:#5b6470;font-size:12px}\
         .msg p{margin:2px 0;white-space:pre-wrap}.in p{background:#eef0f3}.out p{background:#e8effd}\
         @media print{body{margin:0}}</style></head><body>\n",
    );
    for t in transcripts {
        out.push_str(&format!("<section><h1>Transcript — {}</h1><dl>", encode_text(&t.hit.contact_name)));
        for (label, value) in facts(t, zone) {
            out.push_str(&format!("<dt>{label}</dt><dd>{}</dd>", encode_text(&value)));
        }
        out.push_str(&format!(
            "<dt>Times in</dt><dd>{}</dd></dl><h2>Timeline</h2><ol>",
            encode_text(zone.iana_name().unwrap_or("UTC"))
        ));
        for step in &t.timeline {
            let actor = step.actor.as_deref().map(|a| format!(" by {}", encode_text(a))).unwrap_or_default();
            let detail = step.detail.as_deref().map(|d| format!(" ({})", encode_text(d))).unwrap_or_default();
            out.push_str(&format!(
                "<li>{} {}{actor}{detail}</li>",
                local(step.at, zone),
                encode_text(&step.kind)
            ));
        }
        out.push_str("</ol><h2>Messages</h2>");
        if t.messages.is_empty() {
            out.push_str("<p>None kept: the retention purge removed their text.</p>");
        }
        for m in &t.messages {
            let class = if m.direction == Direction::Inbound { "in" } else { "out" };
            out.push_str(&format!(
                "<div class=\"msg {class}\"><div class=\"meta\">{} · {}</div><p>{}</p></div>",
                local(m.created_at, zone),
                encode_text(&who(t, m.author, m.direction)),
                encode_text(&m.body)
            ));
        }
        out.push_str("</section>\n");
    }
    out.push_str("</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_core::{DeliveryState, Platform};
    use switchboard_store::{MessageRecord, TimelineStep};

    fn transcript() -> Transcript {
        let at: Timestamp = "2026-11-30T14:30:00Z".parse().unwrap();
        let message = |id, direction, author, body: &str| MessageRecord {
            id,
            session_id: 4,
            direction,
            author,
            body: body.into(),
            delivery: DeliveryState::Delivered,
            failure: None,
            tag: None,
            created_at: at,
            attachments: Vec::new(),
        };
        Transcript {
            hit: TranscriptHit {
                interaction_id: 12,
                session_id: 4,
                contact_name: "Marta <b>Ruiz</b>".into(),
                platform: Platform::Messenger,
                channel_name: "Velo & Co".into(),
                queue_name: Some("Sales".into()),
                agent: Some("ana".into()),
                started_at: at,
                queued_at: at,
                ended_at: None,
                end_reason: None,
                disposition: None,
            },
            messages: vec![
                message(1, Direction::Inbound, Author::Customer, "<script>alert(1)</script>\nsecond line"),
                message(2, Direction::Outbound, Author::Agent, "Hello!"),
            ],
            timeline: vec![TimelineStep {
                at,
                kind: "assigned".into(),
                actor: Some("ana".into()),
                detail: None,
            }],
        }
    }

    #[test]
    fn the_html_export_escapes_every_word_and_the_text_one_keeps_them_as_written() {
        let zone = TimeZone::get("Europe/Madrid").unwrap();
        let html = html(&[transcript()], &zone);
        assert!(!html.contains("<script>") && !html.contains("<b>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("Marta &lt;b&gt;Ruiz&lt;/b&gt;") && html.contains("Velo &amp; Co"));
        assert!(html.contains("2026-11-30 15:30:00"), "times in the team's zone");
        let text = text(&[transcript()], &zone);
        assert!(
            text.contains(
                "[2026-11-30 15:30:00] Marta <b>Ruiz</b>: <script>alert(1)</script>\n    second line"
            )
        );
        assert!(text.contains("[2026-11-30 15:30:00] ana: Hello!"));
        assert!(text.contains("assigned by ana"));
        assert_eq!(slug("Marta <b>Ruiz</b>"), "marta-b-ruiz-b");
    }
}
