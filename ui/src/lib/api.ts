// The desk's view of the Rust core: typed commands and events. Components receive a `DeskApi`
// so that they can be tested without Tauri; `tauriApi` is the real one.
import { convertFileSrc, invoke, type InvokeArgs, type InvokeOptions } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { AdminCommand, DeskCommand } from "./commands";

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
  /** Where the open interaction is, if one is open. */
  interaction: OpenInteraction | null;
}

export type InteractionState = "selecting" | "queued" | "assigned" | "held";

export interface OpenInteraction {
  id: number;
  state: InteractionState;
  queue_id: number | null;
  queue_name: string | null;
  agent: string | null;
  /** The customer went quiet: the agent is cued to dismiss. */
  dismiss_cue: boolean;
  /** The queue's target for the agent's response (amber at it, red past it). */
  target_response_seconds: number | null;
}

export type SessionState = "active" | "stored";
export type Scope = "all" | "mine" | "my_queues";

export interface SessionFilter {
  state?: SessionState;
  channel_id?: number;
  scope?: Scope;
  /** Contact name or number, or internal reference. */
  text?: string;
  /** One queue's sessions. */
  queue_id?: number;
}

export type Presence = "available" | "busy" | "break" | "offline";

export interface Capacity {
  messenger: number;
  sms: number;
  whatsapp: number;
  total: number;
  count_held: boolean;
}

export interface MemberRecord {
  name: string;
  presence: Presence;
  presence_since: string;
  idle_since: string | null;
  capacity: Capacity | null;
  queues: number[];
  load: { messenger: number; sms: number; whatsapp: number; held: number };
}

export interface RetentionPolicy {
  max_age_days: number;
  max_messages_per_session: number;
  report_days: number;
}

export interface CrmHookStatus {
  url: string | null;
  delivered: number;
  waiting: number;
  given_up: number;
  last_error: string | null;
  /** The signing secret, only in the answer that set the hook. */
  secret: string | null;
}

/** A queue's alert limits; null (or false): not watched. */
export interface AlertThresholds {
  service_level_below: number | null;
  longest_wait_above: number | null;
  waiting_above: number | null;
  chat_time_above: number | null;
  unanswered_past_target: boolean;
}

export interface QueueView {
  id: number;
  channel_id: number;
  channel_name: string;
  name: string;
  leaf: boolean;
  members: number;
  waiting: number;
  oldest: string | null;
  mine: boolean;
}

export type Distribution =
  | { kind: "longest_idle" }
  | { kind: "cascade"; order: string[] }
  | { kind: "percent"; shares: [string, number][] };

export interface QueueRecord {
  id: number;
  channel_id: number;
  parent_id: number | null;
  position: number;
  name: string;
  keywords: string[];
  priority: number;
  service_level_percent: number;
  service_level_seconds: number;
  target_response_seconds: number;
  distribution: Distribution;
  members: string[];
}

export interface QueueSettings {
  name: string;
  keywords: string[];
  priority: number;
  service_level_percent: number;
  service_level_seconds: number;
  target_response_seconds: number;
  distribution: Distribution;
}

export type Day = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

export interface Opening {
  day: Day;
  /** "09:00:00" */
  opens: string;
  closes: string;
}

export interface Experience {
  enabled: boolean;
  texts: { greeting: string; after_hours: string; unavailable: string; dismissal_warning: string; ended: string };
  schedule: { zone: string; hours: Opening[]; closures: string[] };
  after_hours: "wait" | "end";
  timers: {
    queue_expiry: number | null;
    queue_expiry_after_hours: number | null;
    selecting_expiry: number;
    inactivity_warning: number | null;
    dismiss_after_warning: number;
    dismissal: "automatic" | "manual";
    chat_timeout: number | null;
    reassign_unanswered: number | null;
  };
  words: { back: string[]; exit: string[] };
  default_queue: number | null;
}

export interface RoutingSettings {
  channel_id: number;
  experience: Experience;
  queues: QueueRecord[];
  members: string[];
  default_capacity: Capacity;
  dispositions: string[];
  offline_grace_minutes: number;
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
  code: "invalid_input" | "not_found" | "forbidden" | "signed_out" | "unavailable" | "internal";
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

/** Team mode: this desktop's team (its address without the password) and its connection. */
export interface TeamInfo {
  address: string;
  online: boolean;
  /** Replies written here that the team does not have yet. */
  waiting: number;
  /** The member signed in here (their login). */
  member: string;
  /** The team's roles they hold: agent, supervisor, admin, poller (empty until the team answered). */
  roles: TeamRole[];
  /** Set when this desktop is not signed in to the team (signed out, or the member was removed). */
  signed_out: SignedOut | null;
}

/** Why this desktop is not signed in to the team, and whether signing in again can help. */
export interface SignedOut {
  message: string;
  can_sign_in: boolean;
}

export type TeamRole = "agent" | "supervisor" | "admin" | "poller";

/** A member of the team, as Settings → Team lists them. */
export interface TeamMember {
  name: string;
  roles: TeamRole[];
  removed: boolean;
  presence: string;
  queues: number[];
}

/** One line of the team's audit: who did what, when. */
export interface AuditEntry {
  id: number;
  /** Milliseconds since the Unix epoch. */
  at: number;
  actor: string;
  action: string;
  detail: Record<string, unknown> | null;
}

/** How far creating a team (moving this inbox) or building the replica has come. */
export interface TeamProgress {
  step: "moving" | "updating";
  done: number;
  total: number;
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
  /** Team mode: a reply written here was replaced by the team's copy (which comes as message_changed). */
  message_removed: { message_id: number; session_id: number };
  purged: { report: { messages_deleted: number; sessions_deleted: number; files_deleted: number } };
  backfill_progress: { progress: BackfillProgress };
  /** A notification was clicked: show this session. */
  open_session: { session_id: number };
  awaiting_changed: { count: number };
  channel_changed: { channel: ChannelRecord };
  channel_warning: { channel_id: number; warning: string };
  channel_health: { health: ChannelHealth };
  /** An agent's presence or load changed. */
  members_changed: { members: MemberRecord[] };
  /** Team mode: reaching the team, and replies waiting to be pushed. */
  team_status: { status: { online: boolean; waiting: number } };
  /** Team mode: moving this inbox into a new team, or building the replica. */
  team_progress: { progress: TeamProgress };
  /** Team mode: the roles of the member signed in here changed (or became known). */
  team_roles: { roles: TeamRole[] };
  /** Team mode: the team refused this desktop's sign-in (the member was removed); team work stopped. */
  team_signed_out: { signed_out: SignedOut };
  /** The login popup ended (sent by the shell, not the engine). */
  login_finished: LoginFinished;
}

export interface DeskApi {
  sessionList(filter: SessionFilter, after: ListCursor | null, limit: number): Promise<SessionPage>;
  sessionMessages(sessionId: number, before: MessageCursor | null, limit: number): Promise<MessageRecord[]>;
  /** Sends the composer's bubbles, in order; on Messenger after 24 h, with an update tag if chosen. */
  sessionSend(sessionId: number, bubbles: string[], tag?: UpdateTag | null): Promise<MessageRecord[]>;
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
  /** The team this desktop is in, or null in solo mode. */
  teamGet(): Promise<TeamInfo | null>;
  /** Opens the supervisor's monitor window (or brings it forward). */
  monitorOpen(): Promise<void>;
  /** Each queue's alert limits, by queue id. */
  alertThresholdsGet(): Promise<Record<number, AlertThresholds>>;
  alertThresholdsSet(queueId: number, thresholds: AlertThresholds): Promise<void>;
  retentionGet(): Promise<RetentionPolicy>;
  crmHookGet(): Promise<CrmHookStatus>;
  crmHookSet(url: string | null): Promise<CrmHookStatus>;
  retentionSet(maxAgeDays: number, maxMessagesPerSession: number, reportDays: number): Promise<RetentionPolicy>;
  /** Creates a team on the address (empty: SWITCHBOARD_DATABASE_URL) with this inbox; the app restarts. */
  teamCreate(url: string): Promise<void>;
  /** Joins with an admin's invitation code and a password of one's own (or the database's address);
   * this desktop's own inbox is replaced; the app restarts. */
  teamJoin(url: string, password?: string): Promise<void>;
  /** The team's members. */
  teamMembers(): Promise<TeamMember[]>;
  /** Invites a member (admins): answers the one-time code to hand over. */
  teamInvite(name: string, roles: TeamRole[], queues: number[]): Promise<string>;
  /** Removes a member (admins): their sign-in stops working at once. */
  teamRemove(name: string): Promise<void>;
  /** The newest audit entries (admins). */
  teamAudit(): Promise<AuditEntry[]>;
  /** Replaces the team key, resealing every platform credential the team keeps (admins). */
  teamKeyRotate(): Promise<number>;
  /** Signs out of the team: the password leaves the keychain; the replica stays encrypted. */
  teamSignOut(): Promise<void>;
  /** Signs in again with the member's password; the app restarts. */
  teamSignIn(password: string): Promise<void>;
  presenceGet(): Promise<MemberRecord>;
  presenceSet(presence: Presence): Promise<MemberRecord>;
  queueViews(): Promise<QueueView[]>;
  interactionPickUp(sessionId: number): Promise<void>;
  interactionHold(sessionId: number): Promise<void>;
  interactionResume(sessionId: number): Promise<void>;
  interactionEnd(sessionId: number, disposition: string | null): Promise<void>;
  interactionDismiss(sessionId: number): Promise<void>;
  interactionTransfer(sessionId: number, queueId: number, agent: string | null, note: string | null): Promise<void>;
  dispositionsList(): Promise<string[]>;
  membersList(): Promise<MemberRecord[]>;
  routingGet(channelId: number): Promise<RoutingSettings>;
  experienceSave(channelId: number, experience: Experience): Promise<RoutingSettings>;
  experienceCopy(fromChannelId: number, channelId: number): Promise<RoutingSettings>;
  queueAdd(parentId: number, name: string): Promise<QueueRecord>;
  queueUpdate(queueId: number, settings: QueueSettings): Promise<QueueRecord>;
  queueMove(queueId: number, parentId: number, position: number): Promise<void>;
  queueDelete(queueId: number): Promise<void>;
  queueMembersSet(queueId: number, members: string[]): Promise<void>;
  capacitySet(capacity: Capacity): Promise<void>;
  /** An agent's own capacity, or null for the organisation's default. */
  memberCapacitySet(member: string, capacity: Capacity | null): Promise<void>;
  offlineGraceSet(minutes: number): Promise<void>;
  dispositionsSet(dispositions: string[]): Promise<void>;
  /** Subscribes to one engine event; returns the unsubscribe function. */
  on<K extends keyof EngineEvents>(name: K, handler: (payload: EngineEvents[K]) => void): () => void;
}

/** Only the commands the main window's capability grants (generated from src-tauri/command_sets.rs). */
const call = <T>(command: DeskCommand | AdminCommand, args?: InvokeArgs, options?: InvokeOptions) =>
  invoke<T>(command, args, options);

export const tauriApi: DeskApi = {
  sessionList: (filter, after, limit) => call("session_list", { filter, after, limit }),
  sessionMessages: (sessionId, before, limit) => call("session_messages", { sessionId, before, limit }),
  sessionSend: (sessionId, bubbles, tag) => call("session_send", { sessionId, bubbles, tag: tag ?? null }),
  awaitingCount: () => call("awaiting_count"),
  sessionRead: (sessionId) => call("session_read", { sessionId }),
  draftSave: (sessionId, bubbles) => call("draft_save", { sessionId, bubbles }),
  sessionSetState: (sessionId, state) => call("session_set_state", { sessionId, state }),
  sessionDelete: (sessionId) => call("session_delete", { sessionId }),
  outboundStart: (outbound) => call("outbound_start", { outbound }),
  sessionDetails: (sessionId) => call("session_details", { sessionId }),
  sessionSetContact: (sessionId, firstName, lastName, internalReference) =>
    call("session_set_contact", { sessionId, firstName, lastName, internalReference }),
  sessionSetCategories: (sessionId, categoryIds) => call("session_set_categories", { sessionId, categoryIds }),
  categoryCreate: (name) => call("category_create", { name }),
  noteAdd: (sessionId, text) => call("note_add", { sessionId, text }),
  search: (query) => call("search", { query }),
  cannedList: () => call("canned_list"),
  cannedSave: (id, title, bubbles) => call("canned_save", { id, title, bubbles }),
  cannedDelete: (id) => call("canned_delete", { id }),
  cannedExpand: (sessionId, cannedId) => call("canned_expand", { sessionId, cannedId }),
  whatsappTemplates: (sessionId) => call("whatsapp_templates", { sessionId }),
  sessionSendTemplate: (sessionId, contentSid, variables) =>
    call("session_send_template", { sessionId, contentSid, variables }),
  attachmentCheck: (sessionId, fileName, size) => call("attachment_check", { sessionId, fileName, size }),
  // The bytes go as the raw IPC body: a 25 MB file as JSON numbers would be ~100 MB.
  attachmentSend: async (sessionId, file) =>
    call("attachment_send", new Uint8Array(await file.arrayBuffer()), {
      headers: { "x-session-id": String(sessionId), "x-file-name": encodeURIComponent(file.name) },
    }),
  attachmentSave: (attachmentId) => call("attachment_save", { attachmentId }),
  mediaUrl: (attachmentId) => convertFileSrc(String(attachmentId), "media"),
  messageRetry: (sessionId, messageId) => call("message_retry", { sessionId, messageId }),
  sessionFocus: (sessionId) => call("session_focus", { sessionId }),
  notificationsSetDnd: (on) => call("notifications_set_dnd", { on }),
  channelList: () => call("channel_list"),
  facebookAppSet: (appId, appSecret) => call("facebook_app_set", { appId, appSecret }),
  facebookLogin: (purpose) => call("facebook_login", { purpose }),
  facebookConnectPages: (pageIds) => call("facebook_connect_pages", { pageIds }),
  channelDisconnect: (channelId) => call("channel_disconnect", { channelId }),
  twilioNumbers: (accountSid, authToken) => call("twilio_numbers", { accountSid, authToken }),
  twilioConnect: (accountSid, authToken, number, whatsapp) =>
    call("twilio_connect", { accountSid, authToken, number, whatsapp }),
  linkOpen: (url) => call("link_open", { url }),
  autostartGet: () => call("autostart_get"),
  autostartSet: (on) => call("autostart_set", { on }),
  teamGet: () => call("team_get"),
  monitorOpen: () => call("monitor_open"),
  alertThresholdsGet: () => call("alert_thresholds_get"),
  alertThresholdsSet: (queueId, thresholds) => call("alert_thresholds_set", { queueId, thresholds }),
  retentionGet: () => call("retention_get"),
  crmHookGet: () => call("crm_hook_get"),
  crmHookSet: (url) => call("crm_hook_set", { url }),
  retentionSet: (maxAgeDays, maxMessagesPerSession, reportDays) =>
    call("retention_set", { maxAgeDays, maxMessagesPerSession, reportDays }),
  teamCreate: (url) => call("team_create", { url }),
  teamJoin: (url, password) => call("team_join", { url, password: password ?? null }),
  teamMembers: () => call("team_members"),
  teamInvite: (name, roles, queues) => call("team_invite", { name, roles, queues }),
  teamRemove: (name) => call("team_remove", { name }),
  teamAudit: () => call("team_audit"),
  teamKeyRotate: () => call("team_key_rotate"),
  teamSignOut: () => call("team_sign_out"),
  teamSignIn: (password) => call("team_sign_in", { password }),
  presenceGet: () => call("presence_get"),
  presenceSet: (presence) => call("presence_set", { presence }),
  queueViews: () => call("queue_views"),
  interactionPickUp: (sessionId) => call("interaction_pick_up", { sessionId }),
  interactionHold: (sessionId) => call("interaction_hold", { sessionId }),
  interactionResume: (sessionId) => call("interaction_resume", { sessionId }),
  interactionEnd: (sessionId, disposition) => call("interaction_end", { sessionId, disposition }),
  interactionDismiss: (sessionId) => call("interaction_dismiss", { sessionId }),
  interactionTransfer: (sessionId, queueId, agent, note) =>
    call("interaction_transfer", { sessionId, queueId, agent, note }),
  dispositionsList: () => call("dispositions_list"),
  membersList: () => call("members_list"),
  routingGet: (channelId) => call("routing_get", { channelId }),
  experienceSave: (channelId, experience) => call("experience_save", { channelId, experience }),
  experienceCopy: (fromChannelId, channelId) => call("experience_copy", { fromChannelId, channelId }),
  queueAdd: (parentId, name) => call("queue_add", { parentId, name }),
  queueUpdate: (queueId, settings) => call("queue_update", { queueId, settings }),
  queueMove: (queueId, parentId, position) => call("queue_move", { queueId, parentId, position }),
  queueDelete: (queueId) => call("queue_delete", { queueId }),
  queueMembersSet: (queueId, members) => call("queue_members_set", { queueId, members }),
  capacitySet: (capacity) => call("capacity_set", { capacity }),
  memberCapacitySet: (member, capacity) => call("member_capacity_set", { member, capacity }),
  offlineGraceSet: (minutes) => call("offline_grace_set", { minutes }),
  dispositionsSet: (dispositions) => call("dispositions_set", { dispositions }),
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

/** The Messenger update tags Meta still documents, each for what it says (PLATFORMS.md). */
export type UpdateTag = "ACCOUNT_UPDATE" | "CONFIRMED_EVENT_UPDATE" | "POST_PURCHASE_UPDATE";
export const updateTags: [UpdateTag, string][] = [
  ["ACCOUNT_UPDATE", "a change to the customer's account or application (not promotional)"],
  ["CONFIRMED_EVENT_UPDATE", "a reminder or update about an event the customer registered for"],
  ["POST_PURCHASE_UPDATE", "an update about a purchase the customer made (shipping, receipt, order)"],
];

export const presenceLabel: Record<Presence, string> = {
  available: "Available",
  busy: "Busy",
  break: "Break",
  offline: "Offline",
};

export const platformLabel: Record<Platform, string> = {
  messenger: "Messenger",
  sms: "SMS",
  whatsapp: "WhatsApp",
};
