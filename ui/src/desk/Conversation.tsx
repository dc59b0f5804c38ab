import { createEffect, createSignal, For, on, Show } from "solid-js";
import {
  type ChannelState,
  type DeskApi,
  type MessageRecord,
  type SessionSummary,
  type UpdateTag,
  errorMessage,
  platformLabel,
} from "../lib/api";
import { Attachments } from "./Attachments";
import { Composer } from "./Composer";
import { InteractionBar } from "./InteractionBar";
import { MessageText } from "./MessageText";

const deliveryLabel: Record<MessageRecord["delivery"], string> = {
  pending: "Sending…",
  sent: "Sent",
  delivered: "Delivered",
  read: "Read",
  failed: "Failed",
};

// Made once: building a formatter per message cost more than rendering the message, and
// formatting is still the dearest part of a message's row: short times are remembered, and
// the full date (a tooltip) is only made when the pointer or focus reaches the time.
const shortTime = new Intl.DateTimeFormat([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
const longTime = new Intl.DateTimeFormat([], { dateStyle: "full", timeStyle: "medium" });
const shortTimes = new Map<string, string>();
function formatShort(at: string): string {
  let text = shortTimes.get(at);
  if (text === undefined) {
    if (shortTimes.size > 5_000) shortTimes.clear();
    text = shortTime.format(Date.parse(at));
    shortTimes.set(at, text);
  }
  return text;
}
const withFullDate = (e: { currentTarget: HTMLElement }) => {
  const time = e.currentTarget;
  if (!time.title) time.title = longTime.format(Date.parse(time.getAttribute("datetime") ?? ""));
};

const authorLabel = (message: MessageRecord, contact: string) =>
  message.author === "customer" ? contact : message.author === "agent" ? "Agent" : "System";

export function Conversation(props: {
  api: DeskApi;
  session: SessionSummary;
  messages: MessageRecord[];
  now: number;
  /** More history exists before the first message shown. */
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => Promise<unknown>;
  /** A message to show and mark (a search result). */
  highlight: number | null;
  onSend: (bubbles: string[], tag: UpdateTag | null) => Promise<unknown>;
  onRetry: (messageId: number) => Promise<unknown>;
  onSetState: (state: "active" | "stored") => Promise<unknown>;
  onDelete: () => Promise<unknown>;
  /** Deleting a conversation is an admin's (in a team, for the whole team). */
  canDelete?: boolean;
  detailsOpen: boolean;
  onToggleDetails: () => void;
  /** The session's channel state; a disconnected channel takes no replies. */
  channelState?: ChannelState;
  /** The signed-in agent's name (whose interactions are "mine"). */
  me?: string;
}) {
  let history: HTMLOListElement | undefined;
  // Text handed to the composer by a failed reply's Edit.
  const [edit, setEdit] = createSignal<string | null>(null);
  const [actionError, setActionError] = createSignal<string | null>(null);
  const [confirmDelete, setConfirmDelete] = createSignal(false);
  async function attempt(action: () => Promise<unknown>) {
    setActionError(null);
    try {
      await action();
    } catch (error) {
      setActionError(errorMessage(error));
    }
  }

  // New messages at the end follow the bottom; older ones loaded at the top keep the view
  // where it was; a highlighted message is scrolled into view.
  let lastCount = 0;
  let lastFirst: number | undefined;
  let heightBefore = 0;
  createEffect(
    on(
      () => props.messages,
      (messages) => {
        if (!history) return;
        const first = messages[0]?.id;
        if (lastFirst !== undefined && first !== lastFirst && messages.length > lastCount) {
          history.scrollTop += history.scrollHeight - heightBefore;
        } else if (props.highlight === null && messages.length !== lastCount) {
          history.scrollTo?.({ top: history.scrollHeight });
        }
        lastCount = messages.length;
        lastFirst = first;
        heightBefore = history.scrollHeight;
      },
    ),
  );
  createEffect(() => {
    const id = props.highlight;
    if (id !== null && props.messages.some((m) => m.id === id)) {
      queueMicrotask(() => history?.querySelector(`[data-message-id="${id}"]`)?.scrollIntoView?.({ block: "center" }));
    }
  });
  const onScroll = () => {
    if (!history) return;
    heightBefore = history.scrollHeight;
    if (history.scrollTop < 80 && props.hasOlder && !props.loadingOlder) void props.onLoadOlder();
  };

  return (
    <section class="conversation" aria-label={`Conversation with ${props.session.contact_name}`}>
      <header class="conversation-header">
        <div class="conversation-title">
          <h2 data-testid="conversation-title">{props.session.contact_name}</h2>
          <span class="conversation-channel">
            {platformLabel[props.session.platform]} · {props.session.channel_name}
            {props.session.state === "stored" ? " · Stored" : ""}
          </span>
        </div>
        <div class="conversation-actions">
          <Show
            when={props.session.state === "active"}
            fallback={
              <button type="button" data-testid="session-reopen" onClick={() => void attempt(() => props.onSetState("active"))}>
                Reopen
              </button>
            }
          >
            <button
              type="button"
              data-testid="session-store"
              title="Store: put the session away and end its interaction (s)"
              onClick={() => void attempt(() => props.onSetState("stored"))}
            >
              Store
            </button>
          </Show>
          <Show when={props.canDelete !== false}>
          <Show
            when={confirmDelete()}
            fallback={
              <button type="button" class="danger" data-testid="session-delete" onClick={() => setConfirmDelete(true)}>
                Delete
              </button>
            }
          >
            <span class="confirm" role="alertdialog" aria-label="Confirm deletion">
              Delete this session and its whole history?
              <button
                type="button"
                class="danger"
                data-testid="session-delete-confirm"
                ref={(el) => queueMicrotask(() => el.focus())}
                onClick={() => void attempt(props.onDelete)}
              >
                Delete
              </button>
              <button type="button" onClick={() => setConfirmDelete(false)}>
                Cancel
              </button>
            </span>
          </Show>
          </Show>
          <button
            type="button"
            aria-pressed={props.detailsOpen}
            data-testid="details-toggle"
            title="Details (i)"
            onClick={() => props.onToggleDetails()}
          >
            Details
          </button>
        </div>
      </header>
      <InteractionBar api={props.api} session={props.session} me={props.me ?? ""} now={props.now} />
      <Show when={actionError()}>
        <p class="error action-error" role="alert">{actionError()}</p>
      </Show>
      <ol class="history" ref={history} data-testid="conversation" onScroll={onScroll} aria-label="Messages">
        <Show when={props.hasOlder || props.loadingOlder}>
          <li class="older">
            <button type="button" class="link" disabled={props.loadingOlder} onClick={() => void props.onLoadOlder()}>
              {props.loadingOlder ? "Loading older messages…" : "Load older messages"}
            </button>
          </li>
        </Show>
        <For each={props.messages}>
          {(message) => (
            <li
              class={`message ${message.direction}`}
              classList={{ highlight: message.id === props.highlight }}
              data-testid="message"
              data-message-id={message.id}
              data-delivery={message.delivery}
            >
              {/* Customer text is always text: never innerHTML. */}
              <Show when={message.body || message.attachments.length === 0}>
                <MessageText text={message.body} onOpen={(href) => void attempt(() => props.api.linkOpen(href))} />
              </Show>
              <Show when={message.attachments.length > 0}>
                <Attachments api={props.api} attachments={message.attachments} />
              </Show>
              <span class="meta">
                {authorLabel(message, props.session.contact_name)} ·{" "}
                <time dateTime={message.created_at} onPointerEnter={withFullDate} onFocus={withFullDate}>
                  {formatShort(message.created_at)}
                </time>
                {message.direction === "outbound" ? ` · ${deliveryLabel[message.delivery]}` : ""}
                {message.tag ? ` · ${message.tag}` : ""}
              </span>
              <Show when={message.delivery === "failed"}>
                <span class="failure" role="status">{message.failure ?? "Not sent."}</span>
                <span class="failed-actions">
                  <button
                    type="button"
                    data-testid="message-retry"
                    onClick={() => void attempt(() => props.onRetry(message.id))}
                  >
                    Retry
                  </button>
                  <Show when={message.attachments.length === 0}>
                    <button type="button" data-testid="message-edit" onClick={() => setEdit(message.body)}>
                      Edit
                    </button>
                  </Show>
                </span>
              </Show>
            </li>
          )}
        </For>
      </ol>
      <Show when={props.channelState === "expired"}>
        <p class="channel-note" role="status" data-testid="channel-note">
          The connection to {props.session.channel_name} expired: replies wait and go out once an admin reauthorizes it.
        </p>
      </Show>
      <Show
        when={props.channelState !== "disconnected"}
        fallback={
          <p class="channel-note" data-testid="channel-note">
            Channel disconnected: {props.session.channel_name} cannot send or receive. An admin can connect it again in
            Settings → Channels; the history stays.
          </p>
        }
      >
        <Composer
          api={props.api}
          session={props.session}
          now={props.now}
          onSend={props.onSend}
          edit={edit()}
          onEdited={() => setEdit(null)}
        />
      </Show>
    </section>
  );
}
