import type { Platform, SessionSummary } from "../lib/api";

// What the composer shows about the messaging window. The engine enforces the rule
// (crates/core/src/window.rs) on every send; this only tells the agent ahead of time.
const HOUR = 3_600_000;
const STANDARD = 24 * HOUR;
const HUMAN_AGENT = 7 * 24 * HOUR;

export type ReplyWindow =
  | { kind: "open"; until: number | null }
  | { kind: "human_agent"; until: number }
  | { kind: "template_only" }
  | { kind: "closed"; reason: string };

export function replyWindow(
  session: Pick<SessionSummary, "platform" | "last_inbound_at" | "opted_out">,
  now: number,
): ReplyWindow {
  const last = session.last_inbound_at ? Date.parse(session.last_inbound_at) : null;
  switch (session.platform as Platform) {
    case "sms":
      return session.opted_out
        ? { kind: "closed", reason: "The customer replied STOP: no SMS can be sent until they send START." }
        : { kind: "open", until: null };
    case "whatsapp":
      return last !== null && now < last + STANDARD ? { kind: "open", until: last + STANDARD } : { kind: "template_only" };
    case "messenger":
      if (last === null) return { kind: "closed", reason: "Messenger lets a page answer people, never write first." };
      if (now < last + STANDARD) return { kind: "open", until: last + STANDARD };
      if (now < last + HUMAN_AGENT) return { kind: "human_agent", until: last + HUMAN_AGENT };
      return {
        kind: "closed",
        reason: "Window closed: Messenger allows replies up to 7 days after the customer's last message.",
      };
  }
}

/** "23 h left", "5 days left", "12 min left". */
export function timeLeft(until: number, now: number): string {
  const minutes = Math.max(0, Math.floor((until - now) / 60_000));
  if (minutes < 60) return `${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h left`;
  const days = Math.floor(hours / 24);
  return `${days} days left`;
}

/** The indicator's words. */
export function windowLabel(window: ReplyWindow, now: number): string {
  switch (window.kind) {
    case "open":
      return window.until === null ? "No messaging window" : `Reply window — ${timeLeft(window.until, now)}`;
    case "human_agent":
      return `Human-agent reply — ${timeLeft(window.until, now)}`;
    case "template_only":
      return "Window closed — send a template";
    case "closed":
      return window.reason;
  }
}
