import { SegmentedMessage } from "sms-segments-calculator";
import { type Platform, replyLimit } from "../lib/api";

export interface Count {
  characters: number;
  limit: number;
  over: boolean;
  /** "2 SMS segments (GSM-7)" for SMS; null elsewhere. */
  segments: string | null;
}

/** The composer's counter for one bubble: characters against the platform's limit, and for
 * SMS the segments the carrier bills (Twilio's own calculator). */
export function count(platform: Platform, text: string): Count {
  const characters = Array.from(text).length;
  const limit = replyLimit[platform];
  let segments: string | null = null;
  if (platform === "sms" && text.length > 0) {
    const message = new SegmentedMessage(text);
    const n = message.segmentsCount;
    const encoding = message.encodingName === "GSM-7" ? "GSM-7" : "Unicode";
    segments = `${n} SMS segment${n === 1 ? "" : "s"} (${encoding})`;
  }
  return { characters, limit, over: characters > limit, segments };
}
