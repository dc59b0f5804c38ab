import type { MessageRecord, SessionSummary } from "../lib/api";

/** Sessions awaiting a reply first (longest waiting first), then by last activity. */
export function compareSessions(a: SessionSummary, b: SessionSummary): number {
  if (a.awaiting_since && b.awaiting_since) {
    return Date.parse(a.awaiting_since) - Date.parse(b.awaiting_since) || b.id - a.id;
  }
  if (a.awaiting_since) return -1;
  if (b.awaiting_since) return 1;
  return Date.parse(b.last_activity_at) - Date.parse(a.last_activity_at) || b.id - a.id;
}

/** Adds or replaces a message, keeping the conversation in time order. */
export function mergeMessage(messages: MessageRecord[], message: MessageRecord): MessageRecord[] {
  const rest = messages.filter((m) => m.id !== message.id);
  rest.push(message);
  return rest.sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || a.id - b.id);
}

export function initials(name: string): string {
  // Words that start with a letter: "Guest 146" is "G", not "G1".
  const words = name.trim().split(/\s+/).filter((w) => /^\p{L}/u.test(w));
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  const found = letters.map((w) => Array.from(w)[0]?.toUpperCase() ?? "").join("");
  // A contact known only by number (SMS, WhatsApp) gets a phone, not "+".
  return found || (/^\+?[\d\s()-]+$/.test(name.trim()) && name.trim() ? "☎" : "?");
}

/** "now", "5 min", "3 h", "2 d": short enough for a list row. */
export function since(iso: string, now: number): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
  if (minutes < 1) return "now";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}
