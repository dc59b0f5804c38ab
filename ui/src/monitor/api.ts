// The monitor window's view of the Rust core: only the monitor's read-only commands (the
// `MonitorCommand` names generated from src-tauri/command_sets.rs) and its own event.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { MonitorCommand } from "../lib/commands";
import type { MessageRecord, Platform, Presence } from "../lib/api";

export interface QueueFigures {
  offered: number;
  answered: number;
  abandoned: number;
  answered_in_target: number;
  average_wait_seconds: number | null;
  abandon_rate: number | null;
  service_level: number | null;
}

export interface Waiting {
  count: number;
  longest_seconds: number | null;
}

export interface QueueBoard {
  id: number;
  name: string;
  channel_name: string;
  platform: Platform;
  service_level_percent: number;
  service_level_seconds: number;
  target_response_seconds: number;
  today: QueueFigures;
  interval: QueueFigures;
  waiting: Waiting;
}

export interface MonitoredInteraction {
  interaction_id: number;
  session_id: number;
  contact_name: string;
  platform: Platform;
  queue_id: number | null;
  agent: string | null;
  state: "queued" | "assigned" | "held";
  /** RFC 3339 */
  queued_at: string;
  assigned_at: string | null;
}

export interface AgentBoard {
  name: string;
  presence: Presence;
  presence_since: string;
  queues: number[];
  load: { platform: Platform; in_hand: number; capacity: number }[];
  total_capacity: number;
  completed: number;
  average_handle_seconds: number | null;
  average_first_response_seconds: number | null;
  sessions: MonitoredInteraction[];
}

export interface IntervalFigures extends QueueFigures {
  start: string;
  waiting: number;
}

export interface BreachRecord {
  id: number;
  key: string;
  kind: "service_level" | "longest_wait" | "waiting" | "chat_time" | "unanswered";
  queue_id: number | null;
  agent: string | null;
  /** The queue's or agent's name the alert points at. */
  focus: string;
  text: string;
  started_at: string;
  cleared_at: string | null;
}

export interface Wallboard {
  at: string;
  time_zone: string;
  day_start: string;
  interval_start: string;
  queues: QueueBoard[];
  agents: AgentBoard[];
  waiting: MonitoredInteraction[];
  intervals: IntervalFigures[];
  definitions: Record<string, string>;
  /** Limits crossed now, oldest first. */
  alerts: BreachRecord[];
}

export type ReportKind = "queues" | "agents" | "intervals" | "dispositions" | "busiest_hours";

export interface ReportQuery {
  kind: ReportKind;
  /** Whole local days in the team's zone, YYYY-MM-DD, inclusive. */
  from: string;
  to: string;
  business_hours: boolean;
}

export type Cell =
  | { type: "text"; value: string }
  | { type: "count"; value: number }
  | { type: "percent"; value: number | null }
  | { type: "seconds"; value: number | null }
  | { type: "time"; value: string };

export interface ReportTable {
  kind: ReportKind;
  columns: string[];
  rows: Cell[][];
  totals: Cell[] | null;
}

export interface TranscriptFilter {
  /** RFC 3339 instants: [from, to). */
  from?: string;
  to?: string;
  queue_id?: number;
  agent?: string;
  platform?: Platform;
  disposition?: string;
  end_reason?: string;
  text?: string;
}

export interface TranscriptHit {
  interaction_id: number;
  session_id: number;
  contact_name: string;
  platform: Platform;
  channel_name: string;
  queue_name: string | null;
  agent: string | null;
  started_at: string;
  queued_at: string;
  ended_at: string | null;
  end_reason: string | null;
  disposition: string | null;
}

export interface Transcript extends TranscriptHit {
  messages: MessageRecord[];
  timeline: { at: string; kind: string; actor: string | null; detail: string | null }[];
}

export type TranscriptFormat = "text" | "html";

export interface MonitorApi {
  wallboard(): Promise<Wallboard>;
  report(query: ReportQuery): Promise<ReportTable>;
  /** Saves the report as CSV in the Downloads folder; answers where. */
  reportCsv(query: ReportQuery): Promise<string>;
  transcripts(filter: TranscriptFilter): Promise<TranscriptHit[]>;
  transcript(interactionId: number): Promise<Transcript>;
  /** Saves them as one file in the Downloads folder; answers where. */
  transcriptsExport(interactionIds: number[], format: TranscriptFormat): Promise<string>;
  /** The alerts this desktop saw begin and end, newest first. */
  alertHistory(limit: number): Promise<BreachRecord[]>;
  /** Something the wallboard shows changed; returns the unsubscribe function. */
  onChanged(handler: () => void): () => void;
  /** A clicked alert asks to show this queue or agent. */
  onOpen(handler: (focus: string) => void): () => void;
}

const call = <T>(command: MonitorCommand, args?: Record<string, unknown>) => invoke<T>(command, args);

export const tauriMonitorApi: MonitorApi = {
  wallboard: () => call("monitor_wallboard"),
  alertHistory: (limit) => call("monitor_alert_history", { limit }),
  report: (query) => call("monitor_report", { query }),
  reportCsv: (query) => call("monitor_report_csv", { query }),
  transcripts: (filter) => call("monitor_transcripts", { filter }),
  transcript: (interactionId) => call("monitor_transcript", { interactionId }),
  transcriptsExport: (interactionIds, format) => call("monitor_transcripts_export", { interactionIds, format }),
  onChanged(handler) {
    const unlisten = listen("monitor_changed", () => handler());
    return () => void unlisten.then((stop) => stop());
  },
  onOpen(handler) {
    const unlisten = listen<{ focus: string }>("open_monitor", (event) => handler(event.payload.focus));
    return () => void unlisten.then((stop) => stop());
  },
};
