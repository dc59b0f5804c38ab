import { describe, expect, it } from "vitest";
import { count } from "./counter";
import { replyWindow, windowLabel } from "./window";

const now = Date.parse("2026-11-23T12:00:00Z");
const hoursAgo = (h: number) => new Date(now - h * 3_600_000).toISOString();
const label = (platform: "messenger" | "sms" | "whatsapp", lastInbound: string | null, optedOut = false) =>
  windowLabel(replyWindow({ platform, last_inbound_at: lastInbound, opted_out: optedOut }, now), now);

describe("the messaging window as the composer shows it", () => {
  it("counts down the 24 hours, then Messenger's human-agent days", () => {
    expect(label("messenger", hoursAgo(0.5))).toBe("Reply window — 23 h left");
    expect(label("messenger", hoursAgo(23.9))).toBe("Reply window — 6 min left");
    expect(label("messenger", hoursAgo(48))).toBe("Human-agent reply — 5 days left");
    expect(label("messenger", hoursAgo(24 * 8))).toMatch(/^Window closed: Messenger allows replies up to 7 days/);
  });

  it("asks for a template on WhatsApp after 24 hours, and SMS has no window but STOP", () => {
    expect(label("whatsapp", hoursAgo(2))).toBe("Reply window — 22 h left");
    expect(label("whatsapp", hoursAgo(30))).toBe("Window closed — send a template");
    expect(label("whatsapp", null)).toBe("Window closed — send a template");
    expect(label("sms", null)).toBe("No messaging window");
    expect(label("sms", hoursAgo(1), true)).toMatch(/replied STOP/);
  });
});

describe("the counter", () => {
  it("shows SMS segments as the carrier bills them", () => {
    expect(count("sms", "a".repeat(160)).segments).toBe("1 SMS segment (GSM-7)");
    expect(count("sms", "a".repeat(161)).segments).toBe("2 SMS segments (GSM-7)");
    expect(count("sms", "é".repeat(10) + "😀").segments).toBe("1 SMS segment (Unicode)");
    expect(count("sms", "😀".repeat(36)).segments).toBe("2 SMS segments (Unicode)");
    expect(count("messenger", "😀").characters).toBe(1);
    expect(count("messenger", "x".repeat(2001)).over).toBe(true);
    expect(count("whatsapp", "x".repeat(4096)).over).toBe(false);
  });
});
