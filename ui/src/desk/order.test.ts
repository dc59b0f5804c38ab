import { describe, expect, it } from "vitest";
import type { MessageRecord, SessionSummary } from "../lib/api";
import { compareSessions, initials, mergeMessage, since } from "./order";

function session(id: number, lastActivity: string, awaitingSince: string | null = null): SessionSummary {
  return {
    interaction: null,
    id,
    channel_id: 1,
    platform: "messenger",
    channel_name: "Velo Bikes",
    contact_name: `Customer ${id}`,
    contact_platform_id: `${id}`,
    first_name: null,
    last_name: null,
    state: "active",
    internal_reference: null,
    preview: null,
    last_activity_at: lastActivity,
    last_inbound_at: null,
    awaiting_since: awaitingSince,
    opted_out: false,
    unread: 0,
    draft: null,
  };
}

describe("compareSessions", () => {
  it("puts awaiting sessions first, longest waiting first, then the most recent", () => {
    const list = [
      session(1, "2026-01-01T10:00:00Z"),
      session(2, "2026-01-01T11:00:00Z", "2026-01-01T10:30:00Z"),
      session(3, "2026-01-01T12:00:00Z"),
      session(4, "2026-01-01T09:05:00Z", "2026-01-01T09:00:00Z"),
    ];
    expect(list.sort(compareSessions).map((s) => s.id)).toEqual([4, 2, 3, 1]);
  });
});

describe("mergeMessage", () => {
  const message = (id: number, at: string, delivery: MessageRecord["delivery"] = "sent"): MessageRecord => ({
    id,
    session_id: 1,
    direction: "outbound",
    author: "agent",
    body: `m${id}`,
    delivery,
    failure: null,
    tag: null,
    attachments: [],
    created_at: at,
  });

  it("replaces a message whose delivery changed instead of adding it twice", () => {
    const list = [message(1, "2026-01-01T10:00:00Z", "pending")];
    const merged = mergeMessage(list, message(1, "2026-01-01T10:00:00Z", "sent"));
    expect(merged).toHaveLength(1);
    expect(merged[0].delivery).toBe("sent");
  });

  it("keeps time order when a late message arrives", () => {
    const list = [message(2, "2026-01-01T10:05:00Z")];
    expect(mergeMessage(list, message(1, "2026-01-01T10:00:00Z")).map((m) => m.id)).toEqual([1, 2]);
  });
});

describe("labels", () => {
  it("takes initials from the first and last word", () => {
    expect(initials("Ana Maria Lima")).toBe("AL");
    expect(initials("  ")).toBe("?");
    expect(initials("tomás")).toBe("T");
    expect(initials("Guest 146")).toBe("G");
    expect(initials("+14155550111")).toBe("☎");
  });

  it("says how long ago in short units", () => {
    const now = Date.parse("2026-01-02T12:00:00Z");
    expect(since("2026-01-02T11:59:30Z", now)).toBe("now");
    expect(since("2026-01-02T11:15:00Z", now)).toBe("45 min");
    expect(since("2026-01-02T09:00:00Z", now)).toBe("3 h");
    expect(since("2025-12-30T12:00:00Z", now)).toBe("3 d");
  });
});
