// An in-memory DeskApi for component tests: every command is a spy, and `emit` fires events.
import { vi } from "vitest";
import { compareSessions } from "../desk/order";
import type {
  CannedResponse,
  ChannelRecord,
  DeskApi,
  EngineEvents,
  MemberRecord,
  MessageRecord,
  QueueRecord,
  RoutingSettings,
  SessionSummary,
} from "./api";

/** A message for tests: an inbound customer message unless overridden. */
export function message(overrides: Partial<MessageRecord> = {}): MessageRecord {
  return {
    id: 1,
    session_id: 7,
    direction: "inbound",
    author: "customer",
    body: "",
    delivery: "delivered",
    failure: null,
    attachments: [],
    tag: null,
    created_at: "2026-01-01T10:00:00Z",
    ...overrides,
  };
}

/** A list entry for tests: Ana Lima on Messenger, who wrote an hour ago, unless overridden. */
export function summary(overrides: Partial<SessionSummary> = {}): SessionSummary {
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
  return {
    id: 7,
    channel_id: 1,
    platform: "messenger",
    channel_name: "Velo Bikes",
    contact_name: "Ana Lima",
    contact_platform_id: "7001",
    first_name: null,
    last_name: null,
    state: "active",
    internal_reference: null,
    preview: "Hello",
    last_activity_at: hourAgo,
    last_inbound_at: hourAgo,
    awaiting_since: null,
    opted_out: false,
    unread: 0,
    draft: null,
    interaction: null,
    ...overrides,
  };
}

/** The routing a fake channel has: a root queue "Velo Bikes" that maria works. */
export function routingSettings(channelId = 1): RoutingSettings {
  return {
    channel_id: channelId,
    experience: {
      enabled: true,
      texts: { greeting: "", after_hours: "", unavailable: "", dismissal_warning: "", ended: "" },
      schedule: {
        zone: "Europe/Madrid",
        hours: (["mon", "tue", "wed", "thu", "fri"] as const).map((day) => ({ day, opens: "09:00:00", closes: "18:00:00" })),
        closures: [],
      },
      after_hours: "wait",
      timers: {
        queue_expiry: 1440,
        queue_expiry_after_hours: 4320,
        selecting_expiry: 30,
        inactivity_warning: null,
        dismiss_after_warning: 10,
        dismissal: "automatic",
        chat_timeout: 1440,
        reassign_unanswered: null,
      },
      words: { back: ["BACK"], exit: ["EXIT"] },
      default_queue: null,
    },
    queues: [queue({ id: 10, channel_id: channelId, name: "Velo Bikes", members: ["maria"] })],
    members: ["maria", "tom"],
    default_capacity: { messenger: 3, sms: 3, whatsapp: 3, total: 5, count_held: true },
    dispositions: ["Resolved", "Escalated"],
    offline_grace_minutes: 5,
  };
}

export function queue(overrides: Partial<QueueRecord> = {}): QueueRecord {
  return {
    id: 10,
    channel_id: 1,
    parent_id: null,
    position: 0,
    name: "Velo Bikes",
    keywords: [],
    priority: 0,
    service_level_percent: 80,
    service_level_seconds: 60,
    target_response_seconds: 120,
    distribution: { kind: "longest_idle" },
    members: [],
    ...overrides,
  };
}

/** An in-memory DeskApi whose events the test can fire. */
export function fakeApi(
  sessions: SessionSummary[] = [],
  messages: MessageRecord[] = [],
  channels: ChannelRecord[] = [],
  canned: CannedResponse[] = [],
) {
  const handlers: { [K in keyof EngineEvents]?: (payload: EngineEvents[K]) => void } = {};
  let nextId = 99;
  const me: MemberRecord = {
    name: "maria",
    presence: "available",
    presence_since: new Date(Date.now() - 600_000).toISOString(),
    idle_since: null,
    capacity: null,
    queues: [10],
    load: { messenger: 0, sms: 0, whatsapp: 0, held: 0 },
  };
  const routing = routingSettings();
  const api: DeskApi = {
    // In the core's order, as the store answers.
    sessionList: vi.fn(async () => ({ sessions: [...sessions].sort(compareSessions), next: null })),
    sessionMessages: vi.fn(async () => messages),
    sessionSend: vi.fn(async (sessionId: number, bubbles: string[]) =>
      bubbles.map((body) =>
        message({ id: nextId++, session_id: sessionId, direction: "outbound", author: "agent", body, delivery: "pending" }),
      ),
    ),
    awaitingCount: vi.fn(async () => sessions.filter((s) => s.awaiting_since).length),
    sessionRead: vi.fn(async () => undefined),
    draftSave: vi.fn(async () => undefined),
    sessionSetState: vi.fn(async (sessionId: number, state: "active" | "stored") => ({
      ...sessions.find((s) => s.id === sessionId)!,
      state,
    })),
    sessionDelete: vi.fn(async () => undefined),
    outboundStart: vi.fn(async (outbound) => ({
      ...sessions[0],
      id: 500,
      channel_id: outbound.channel_id,
      contact_name: outbound.number,
      contact_platform_id: outbound.number,
    })),
    sessionDetails: vi.fn(async (sessionId: number) => ({
      session: sessions.find((s) => s.id === sessionId)!,
      notes: [],
      categories: [],
      all_categories: [{ id: 1, name: "Billing" }],
    })),
    sessionSetContact: vi.fn(async (sessionId: number, first: string | null, last: string | null, reference: string | null) => ({
      ...sessions.find((s) => s.id === sessionId)!,
      first_name: first,
      last_name: last,
      internal_reference: reference,
      contact_name: [first, last].filter(Boolean).join(" "),
    })),
    sessionSetCategories: vi.fn(async () => undefined),
    categoryCreate: vi.fn(async (name: string) => ({ id: 50, name })),
    noteAdd: vi.fn(async (sessionId: number, text: string) => ({
      id: 60,
      session_id: sessionId,
      author: "maria",
      body: text,
      created_at: "2026-01-01T10:05:00Z",
    })),
    search: vi.fn(async () => []),
    cannedList: vi.fn(async () => canned),
    cannedSave: vi.fn(async (id: number | null, title: string, bubbles: string[]) => ({ id: id ?? 70, title, bubbles })),
    cannedDelete: vi.fn(async () => undefined),
    cannedExpand: vi.fn(async (_sessionId: number, cannedId: number) => canned.find((c) => c.id === cannedId)!.bubbles),
    whatsappTemplates: vi.fn(async () => [
      { sid: "HX01", name: "order_ready", language: "en", body: "Hi {{1}}, order {{2}} is ready.", variables: ["1", "2"] },
    ]),
    sessionSendTemplate: vi.fn(async (sessionId: number, _sid: string, variables: Record<string, string>) =>
      message({
        id: nextId++,
        session_id: sessionId,
        direction: "outbound",
        author: "agent",
        body: `Hi ${variables["1"]}, order ${variables["2"]} is ready.`,
        delivery: "pending",
      }),
    ),
    linkOpen: vi.fn(async () => undefined),
    autostartGet: vi.fn(async () => false),
    autostartSet: vi.fn(async (on: boolean) => on),
    attachmentCheck: vi.fn(async (_sessionId: number, fileName: string, size: number) => {
      if (!/\.(png|jpe?g|gif|pdf)$/i.test(fileName)) throw { code: "invalid_input", message: `"${fileName}" cannot be sent.` };
      if (size > 25 * 1024 * 1024) throw { code: "invalid_input", message: `"${fileName}" is over 25 MB.` };
    }),
    attachmentSend: vi.fn(async (sessionId: number, file: File) =>
      message({
        id: nextId++,
        session_id: sessionId,
        direction: "outbound",
        author: "agent",
        delivery: "pending",
        attachments: [
          {
            id: nextId++,
            kind: file.type.startsWith("image/") ? "image" : "file",
            file_name: file.name,
            media_type: file.type,
            size_bytes: file.size,
            inline: file.type.startsWith("image/"),
            state: { kind: "ready" },
          },
        ],
      }),
    ),
    attachmentSave: vi.fn(async (id: number) => `/home/agent/Downloads/file-${id}`),
    mediaUrl: (id: number) => `media://localhost/${id}`,
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
    teamGet: vi.fn(async () => null),
    monitorOpen: vi.fn(async () => undefined),
    alertThresholdsGet: vi.fn(async () => ({})),
    alertThresholdsSet: vi.fn(async () => undefined),
    retentionGet: vi.fn(async () => ({ max_age_days: 30, max_messages_per_session: 30, report_days: 400 })),
    crmHookGet: vi.fn(async () => ({ url: null, delivered: 0, waiting: 0, given_up: 0, last_error: null, secret: null })),
    crmHookSet: vi.fn(async (url: string | null) => ({ url, delivered: 0, waiting: 0, given_up: 0, last_error: null, secret: url ? "c0ffee" : null })),
    retentionSet: vi.fn(async (max_age_days: number, max_messages_per_session: number, report_days: number) => ({
      max_age_days,
      max_messages_per_session,
      report_days,
    })),
    teamCreate: vi.fn(async () => undefined),
    teamJoin: vi.fn(async () => undefined),
    teamMembers: vi.fn(async () => []),
    teamInvite: vi.fn(async () => "SWB1-code"),
    teamRemove: vi.fn(async () => undefined),
    teamAudit: vi.fn(async () => []),
    teamKeyRotate: vi.fn(async () => 2),
    teamSignOut: vi.fn(async () => undefined),
    teamSignIn: vi.fn(async () => undefined),
    presenceGet: vi.fn(async () => me),
    presenceSet: vi.fn(async (presence) => {
      me.presence = presence;
      return { ...me };
    }),
    queueViews: vi.fn(async () =>
      routing.queues.map((q) => ({
        id: q.id,
        channel_id: q.channel_id,
        channel_name: "Velo Bikes",
        name: q.name,
        leaf: !routing.queues.some((c) => c.parent_id === q.id),
        members: q.members.length,
        waiting: sessions.filter((x) => x.interaction?.queue_id === q.id && x.interaction.state === "queued").length,
        oldest: null,
        mine: q.members.includes("maria"),
      })),
    ),
    interactionPickUp: vi.fn(async () => undefined),
    interactionHold: vi.fn(async () => undefined),
    interactionResume: vi.fn(async () => undefined),
    interactionEnd: vi.fn(async () => undefined),
    interactionDismiss: vi.fn(async () => undefined),
    interactionTransfer: vi.fn(async () => undefined),
    dispositionsList: vi.fn(async () => routing.dispositions),
    membersList: vi.fn(async () => [me, { ...me, name: "tom", queues: [] }]),
    routingGet: vi.fn(async () => JSON.parse(JSON.stringify(routing)) as RoutingSettings),
    experienceSave: vi.fn(async (_channelId, experience) => {
      routing.experience = experience;
      return JSON.parse(JSON.stringify(routing)) as RoutingSettings;
    }),
    experienceCopy: vi.fn(async () => JSON.parse(JSON.stringify(routing)) as RoutingSettings),
    queueAdd: vi.fn(async (parentId: number, name: string) => {
      const added = { ...routing.queues[0], id: nextId++, parent_id: parentId, name, members: [], position: routing.queues.length };
      routing.queues.push(added);
      return added;
    }),
    queueUpdate: vi.fn(async (queueId, settings) => {
      const q = routing.queues.find((x) => x.id === queueId)!;
      Object.assign(q, settings);
      return { ...q };
    }),
    queueMove: vi.fn(async () => undefined),
    queueDelete: vi.fn(async (queueId: number) => {
      routing.queues = routing.queues.filter((q) => q.id !== queueId);
    }),
    queueMembersSet: vi.fn(async (queueId: number, members: string[]) => {
      routing.queues.find((q) => q.id === queueId)!.members = members;
    }),
    capacitySet: vi.fn(async () => undefined),
    memberCapacitySet: vi.fn(async () => undefined),
    offlineGraceSet: vi.fn(async () => undefined),
    dispositionsSet: vi.fn(async () => undefined),
    on(name, handler) {
      (handlers as Record<string, unknown>)[name] = handler;
      return () => delete handlers[name];
    },
  };
  const emit = <K extends keyof EngineEvents>(name: K, payload: EngineEvents[K]) =>
    (handlers[name] as ((p: EngineEvents[K]) => void) | undefined)?.(payload);
  return { api, emit };
}

