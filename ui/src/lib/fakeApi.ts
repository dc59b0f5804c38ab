// An in-memory DeskApi for component tests: every command is a spy, and `emit` fires events.
import { vi } from "vitest";
import type { ChannelRecord, DeskApi, EngineEvents, MessageRecord, SessionSummary } from "./api";

function message(overrides: Partial<MessageRecord>): MessageRecord {
  return {
    id: 1,
    session_id: 7,
    direction: "inbound",
    author: "customer",
    body: "",
    delivery: "delivered",
    failure: null,
    tag: null,
    created_at: "2026-01-01T10:00:00Z",
    ...overrides,
  };
}

/** An in-memory DeskApi whose events the test can fire. */
export function fakeApi(sessions: SessionSummary[] = [], messages: MessageRecord[] = [], channels: ChannelRecord[] = []) {
  const handlers: { [K in keyof EngineEvents]?: (payload: EngineEvents[K]) => void } = {};
  const api: DeskApi = {
    sessionList: vi.fn(async () => ({ sessions, next: null })),
    sessionMessages: vi.fn(async () => messages),
    sessionReply: vi.fn(async (sessionId: number, text: string) =>
      message({ id: 99, session_id: sessionId, direction: "outbound", author: "agent", body: text, delivery: "pending" }),
    ),
    messageRetry: vi.fn(async (sessionId: number, messageId: number) =>
      message({ id: messageId, session_id: sessionId, direction: "outbound", author: "agent", delivery: "pending" }),
    ),
    sessionFocus: vi.fn(async () => undefined),
    notificationsSetDnd: vi.fn(async () => undefined),
    channelList: vi.fn(async () => ({ channels, health: [] })),
    facebookAppSet: vi.fn(async () => undefined),
    facebookLogin: vi.fn(async () => undefined),
    facebookConnectPages: vi.fn(async (ids: string[]) =>
      ids.map((id, i) => ({ id: 100 + i, platform: "messenger" as const, external_id: id, name: `Page ${id}`, state: "connected" as const })),
    ),
    channelDisconnect: vi.fn(async (id: number) => ({ ...channels.find((c) => c.id === id)!, state: "disconnected" as const })),
    twilioNumbers: vi.fn(async () => [{ number: "+14155550100", name: "Velo Bikes SMS" }]),
    twilioConnect: vi.fn(async (_sid: string, _token: string, number: string, whatsapp: boolean) => {
      const sms = { id: 200, platform: "sms" as const, external_id: number, name: "Velo Bikes SMS", state: "connected" as const };
      return whatsapp ? [sms, { ...sms, id: 201, platform: "whatsapp" as const }] : [sms];
    }),
    on(name, handler) {
      (handlers as Record<string, unknown>)[name] = handler;
      return () => delete handlers[name];
    },
  };
  const emit = <K extends keyof EngineEvents>(name: K, payload: EngineEvents[K]) =>
    (handlers[name] as ((p: EngineEvents[K]) => void) | undefined)?.(payload);
  return { api, emit };
}

