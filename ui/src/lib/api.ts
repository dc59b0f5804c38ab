// The desk's view of the Rust core: typed commands and events. Components receive a `DeskApi`
// so that they can be tested without Tauri; `tauriApi` is the real one.
import { convertFileSrc, invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";

export type Platform = "messenger" | "sms" | "whatsapp";
export type DeliveryState = "pending" | "sent" | "delivered" | "read" | "failed";

export interface SessionSummary {
  id: number;
  channel_id: number;
  platform: Platform;
  channel_name: string;
  contact_name: string;
  contact_platform_id: string;
  first_name: string | null;
  last_name: string | null;
  state: "active" | "stored";
  internal_reference: string | null;
  preview: string | null;
  /** RFC 3339 */
  last_activity_at: string;
  last_inbound_at: string | null;
  awaiting_since: string | null;
  opted_out: boolean;
  /** Customer messages since the agent last looked and since the last reply. */
  unread: number;
  /** What the agent typed and has not sent, one entry per bubble. */
  draft: string[] | null;
}

export type SessionState = "active" | "stored";
export type Scope = "all" | "mine" | "my_queues";

export interface SessionFilter {
  state?: SessionState;
  channel_id?: number;
  scope?: Scope;
  /** Contact name or number, or internal reference. */
  text?: string;
}

/** Opaque: handed back to get the next page. */
export type ListCursor = { group: number; key: number; id: number };

export interface SessionPage {
  sessions: SessionSummary[];
  next: ListCursor | null;
}

export interface MessageCursor {
  created_at: string;
  id: number;
}

export interface MessageRecord {
  id: number;
  session_id: number;
  direction: "inbound" | "outbound";
  author: "customer" | "agent" | "system";
  body: string;
  delivery: DeliveryState;
  failure: string | null;
  tag: string | null;
  created_at: string;
  attachments: AttachmentRecord[];
}

/** A file a message carries; its content comes from the `media` protocol. */
export interface AttachmentRecord {
  id: number;
  kind: "image" | "video" | "audio" | "file";
  file_name: string;
  media_type: string | null;
  size_bytes: number | null;
  /** A raster image whose content is here: shown inline. */
  inline: boolean;
  state: { kind: "fetching" } | { kind: "ready" } | { kind: "unavailable"; reason: string };
}

export interface Note {
  id: number;
  session_id: number;
  author: string;
  body: string;
  created_at: string;
}

export interface Category {
  id: number;
  name: string;
}

export interface SessionDetails {
  session: SessionSummary;
  notes: Note[];
  categories: Category[];
  all_categories: Category[];
}

export interface SearchQuery {
  text: string;
  /** RFC 3339 */
  from?: string | null;
  to?: string | null;
  agent?: string | null;
  queue?: string | null;
  channel_id?: number | null;
  state?: SessionState | null;
  limit: number;
}

export interface SearchHit {
  session: SessionSummary;
  /** The matching message to open at; null when the contact matched. */
  message_id: number | null;
  /** Matched words are between \u0002 and \u0003. */
  snippet: string | null;
}

export interface CannedResponse {
  id: number;
  title: string;
  bubbles: string[];
}

/** A WhatsApp-approved template (Twilio Content API). */
export interface WhatsappTemplate {
  sid: string;
  name: string;
  language: string;
  /** With {{1}}-style variables. */
  body: string;
  variables: string[];
}

export interface Outbound {
  channel_id: number;
  number: string;
  first_name: string | null;
  last_name: string | null;
  text: string;
}

/** The one error shape every command rejects with. */
export interface AppError {
  code: "invalid_input" | "not_found" | "unavailable" | "internal";
  message: string;
}

export type ChannelState = "connected" | "expired" | "disconnected";

export interface ChannelRecord {
  id: number;
  platform: Platform;
  external_id: string;
  name: string;
  state: ChannelState;
}

/** When a channel last synced and when its token and data access end (RFC 3339). */
export interface ChannelHealth {
  channel_id: number;
  last_sync: string | null;
  token_expires_at: string | null;
  data_access_expires_at: string | null;
}

export interface ChannelList {
  channels: ChannelRecord[];
  health: ChannelHealth[];
}

/** A page from a Facebook login, as the picker shows it. */
export interface PageChoice {
  id: string;
  name: string;
  /** Why it cannot be connected, if it cannot. */
  unavailable: string | null;
  connected: boolean;
}

export interface DeclinedPermission {
  permission: string;
  consequence: string;
}

export type LoginFinished =
  | { kind: "pages"; pages: PageChoice[]; declined: DeclinedPermission[] }
  | { kind: "failed"; error: AppError }
  | { kind: "closed" };

export type LoginPurpose = "connect" | "rerequest" | "reauthorize";

export interface TwilioNumber {
  number: string;
  name: string;
}

/** How far a channel's first read of its history has come. */
export interface BackfillProgress {
  channel_id: number;
  /** 0–1 */
  fraction: number;
  messages: number;
  done: boolean;
}

export interface EngineEvents {
  session_changed: { session: SessionSummary };
  session_deleted: { session_id: number };
  message_changed: { message: MessageRecord };
  purged: { report: { messages_deleted: number; sessions_deleted: number; files_deleted: number } };
  backfill_progress: { progress: BackfillProgress };
  /** A notification was clicked: show this session. */
  open_session: { session_id: number };
  awaiting_changed: { count: number };
  channel_changed: { channel: ChannelRecord };
  channel_warning: { channel_id: number; warning: string };
  channel_health: { health: ChannelHealth };
  /** The login popup ended (sent by the shell, not the engine). */
  login_finished: LoginFinished;
}

export interface DeskApi {
  sessionList(filter: SessionFilter, after: ListCursor | null, limit: number): Promise<SessionPage>;
  sessionMessages(sessionId: number, before: MessageCursor | null, limit: number): Promise<MessageRecord[]>;
  /** Sends the composer's bubbles, in order. */
  sessionSend(sessionId: number, bubbles: string[]): Promise<MessageRecord[]>;
  /** How many sessions await a reply. */
  awaitingCount(): Promise<number>;
  /** The agent has seen the session. */
  sessionRead(sessionId: number): Promise<void>;
  draftSave(sessionId: number, bubbles: string[]): Promise<void>;
  sessionSetState(sessionId: number, state: SessionState): Promise<SessionSummary>;
  sessionDelete(sessionId: number): Promise<void>;
  outboundStart(outbound: Outbound): Promise<SessionSummary>;
  sessionDetails(sessionId: number): Promise<SessionDetails>;
  sessionSetContact(
    sessionId: number,
    firstName: string | null,
    lastName: string | null,
    internalReference: string | null,
  ): Promise<SessionSummary>;
  sessionSetCategories(sessionId: number, categoryIds: number[]): Promise<void>;
  categoryCreate(name: string): Promise<Category>;
  noteAdd(sessionId: number, text: string): Promise<Note>;
  search(query: SearchQuery): Promise<SearchHit[]>;
  cannedList(): Promise<CannedResponse[]>;
  cannedSave(id: number | null, title: string, bubbles: string[]): Promise<CannedResponse>;
  cannedDelete(id: number): Promise<void>;
  /** A canned response filled in for a session. */
  cannedExpand(sessionId: number, cannedId: number): Promise<string[]>;
  whatsappTemplates(sessionId: number): Promise<WhatsappTemplate[]>;
  sessionSendTemplate(sessionId: number, contentSid: string, variables: Record<string, string>): Promise<MessageRecord>;
  /** Whether a file may be sent in the session (type, 25 MB, platform, window); before reading it. */
  attachmentCheck(sessionId: number, fileName: string, size: number): Promise<void>;
  /** Sends a file; it is kept as a pending reply before anything goes out. */
  attachmentSend(sessionId: number, file: File): Promise<MessageRecord>;
  /** Saves a stored file in the Downloads folder; answers where. */
  attachmentSave(attachmentId: number): Promise<string>;
  /** Where the page loads a stored file from. */
  mediaUrl(attachmentId: number): string;
  /** Sends a failed reply again. */
  messageRetry(sessionId: number, messageId: number): Promise<MessageRecord>;
  /** Tells the core which session is on screen, so that it raises no notifications. */
  sessionFocus(sessionId: number | null): Promise<void>;
  notificationsSetDnd(on: boolean): Promise<void>;
  channelList(): Promise<ChannelList>;
  facebookAppSet(appId: string, appSecret: string): Promise<void>;
  /** Opens the login popup; the outcome arrives as `login_finished`. */
  facebookLogin(purpose: LoginPurpose): Promise<void>;
  facebookConnectPages(pageIds: string[]): Promise<ChannelRecord[]>;
  channelDisconnect(channelId: number): Promise<ChannelRecord>;
  twilioNumbers(accountSid: string, authToken: string): Promise<TwilioNumber[]>;
  twilioConnect(accountSid: string, authToken: string, number: string, whatsapp: boolean): Promise<ChannelRecord[]>;
  /** Opens a link from a message with the system; the core refuses what is not web, mail or phone. */
  linkOpen(url: string): Promise<void>;
  /** Whether Switchboard starts with the user's session. */
  autostartGet(): Promise<boolean>;
  /** Turns starting with the session on or off; answers the setting now. */
  autostartSet(on: boolean): Promise<boolean>;
  /** Subscribes to one engine event; returns the unsubscribe function. */
  on<K extends keyof EngineEvents>(name: K, handler: (payload: EngineEvents[K]) => void): () => void;
}

export const tauriApi: DeskApi = {
  sessionList: (filter, after, limit) => invoke("session_list", { filter, after, limit }),
  sessionMessages: (sessionId, before, limit) => invoke("session_messages", { sessionId, before, limit }),
  sessionSend: (sessionId, bubbles) => invoke("session_send", { sessionId, bubbles }),
  awaitingCount: () => invoke("awaiting_count"),
  sessionRead: (sessionId) => invoke("session_read", { sessionId }),
  draftSave: (sessionId, bubbles) => invoke("draft_save", { sessionId, bubbles }),
  sessionSetState: (sessionId, state) => invoke("session_set_state", { sessionId, state }),
  sessionDelete: (sessionId) => invoke("session_delete", { sessionId }),
  outboundStart: (outbound) => invoke("outbound_start", { outbound }),
  sessionDetails: (sessionId) => invoke("session_details", { sessionId }),
  sessionSetContact: (sessionId, firstName, lastName, internalReference) =>
    invoke("session_set_contact", { sessionId, firstName, lastName, internalReference }),
  sessionSetCategories: (sessionId, categoryIds) => invoke("session_set_categories", { sessionId, categoryIds }),
  categoryCreate: (name) => invoke("category_create", { name }),
  noteAdd: (sessionId, text) => invoke("note_add", { sessionId, text }),
  search: (query) => invoke("search", { query }),
  cannedList: () => invoke("canned_list"),
  cannedSave: (id, title, bubbles) => invoke("canned_save", { id, title, bubbles }),
  cannedDelete: (id) => invoke("canned_delete", { id }),
  cannedExpand: (sessionId, cannedId) => invoke("canned_expand", { sessionId, cannedId }),
  whatsappTemplates: (sessionId) => invoke("whatsapp_templates", { sessionId }),
  sessionSendTemplate: (sessionId, contentSid, variables) =>
    invoke("session_send_template", { sessionId, contentSid, variables }),
  attachmentCheck: (sessionId, fileName, size) => invoke("attachment_check", { sessionId, fileName, size }),
  // The bytes go as the raw IPC body: a 25 MB file as JSON numbers would be ~100 MB.
  attachmentSend: async (sessionId, file) =>
    invoke("attachment_send", new Uint8Array(await file.arrayBuffer()), {
      headers: { "x-session-id": String(sessionId), "x-file-name": encodeURIComponent(file.name) },
    }),
  attachmentSave: (attachmentId) => invoke("attachment_save", { attachmentId }),
  mediaUrl: (attachmentId) => convertFileSrc(String(attachmentId), "media"),
  messageRetry: (sessionId, messageId) => invoke("message_retry", { sessionId, messageId }),
  sessionFocus: (sessionId) => invoke("session_focus", { sessionId }),
  notificationsSetDnd: (on) => invoke("notifications_set_dnd", { on }),
  channelList: () => invoke("channel_list"),
  facebookAppSet: (appId, appSecret) => invoke("facebook_app_set", { appId, appSecret }),
  facebookLogin: (purpose) => invoke("facebook_login", { purpose }),
  facebookConnectPages: (pageIds) => invoke("facebook_connect_pages", { pageIds }),
  channelDisconnect: (channelId) => invoke("channel_disconnect", { channelId }),
  twilioNumbers: (accountSid, authToken) => invoke("twilio_numbers", { accountSid, authToken }),
  twilioConnect: (accountSid, authToken, number, whatsapp) =>
    invoke("twilio_connect", { accountSid, authToken, number, whatsapp }),
  linkOpen: (url) => invoke("link_open", { url }),
  autostartGet: () => invoke("autostart_get"),
  autostartSet: (on) => invoke("autostart_set", { on }),
  on(name, handler) {
    const unlisten = listen<EngineEvents[typeof name]>(name, (event) => handler(event.payload));
    return () => void unlisten.then((stop) => stop());
  },
};

export function isAppError(value: unknown): value is AppError {
  return typeof value === "object" && value !== null && "code" in value && "message" in value;
}

export function errorMessage(error: unknown): string {
  return isAppError(error) ? error.message : String(error);
}

/** What each platform accepts in one text message (PLATFORMS.md). */
export const replyLimit: Record<Platform, number> = {
  messenger: 2000,
  sms: 1600,
  whatsapp: 4096,
};

export const platformLabel: Record<Platform, string> = {
  messenger: "Messenger",
  sms: "SMS",
  whatsapp: "WhatsApp",
};
