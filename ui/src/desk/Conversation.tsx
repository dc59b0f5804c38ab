import { createEffect, createSignal, For, on, Show } from "solid-js";
import { type ChannelState, type MessageRecord, type SessionSummary, errorMessage, platformLabel } from "../lib/api";
import { Composer } from "./Composer";

const deliveryLabel: Record<MessageRecord["delivery"], string> = {
  pending: "Sending…",
  sent: "Sent",
  delivered: "Delivered",
  read: "Read",
  failed: "Failed",
};

export function Conversation(props: {
  session: SessionSummary;
  messages: MessageRecord[];
  onReply: (text: string) => Promise<unknown>;
  onRetry: (messageId: number) => Promise<unknown>;
  /** The session's channel state; a disconnected channel takes no replies. */
  channelState?: ChannelState;
}) {
  let history: HTMLOListElement | undefined;
  // Text handed to the composer by a failed reply's Edit.
  const [edit, setEdit] = createSignal<string | null>(null);
  const [retryError, setRetryError] = createSignal<string | null>(null);
  async function retry(messageId: number) {
    setRetryError(null);
    try {
      await props.onRetry(messageId);
    } catch (error) {
      setRetryError(errorMessage(error));
    }
  }
  // Follow new messages to the bottom.
  createEffect(on(() => props.messages.length, () => history?.scrollTo?.({ top: history.scrollHeight })));

  return (
    <section class="conversation" aria-label={`Conversation with ${props.session.contact_name}`}>
      <header class="conversation-header">
        <h2 data-testid="conversation-title">{props.session.contact_name}</h2>
        <span class="conversation-channel">
          {platformLabel[props.session.platform]} · {props.session.channel_name}
        </span>
      </header>
      <ol class="history" ref={history} data-testid="conversation">
        <For each={props.messages}>
          {(message) => (
            <li class={`message ${message.direction}`} data-testid="message" data-delivery={message.delivery}>
              {/* Customer text is always text: never innerHTML. */}
              <p class="body">{message.body}</p>
              <span class="meta">
                <time dateTime={message.created_at}>
                  {new Date(message.created_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}
                </time>
                {message.direction === "outbound" ? ` · ${deliveryLabel[message.delivery]}` : ""}
              </span>
              <Show when={message.delivery === "failed"}>
                <span class="failure" role="status">{message.failure ?? "Not sent."}</span>
                <span class="failed-actions">
                  <button type="button" data-testid="message-retry" onClick={() => void retry(message.id)}>
                    Retry
                  </button>
                  <button type="button" data-testid="message-edit" onClick={() => setEdit(message.body)}>
                    Edit
                  </button>
                </span>
              </Show>
            </li>
          )}
        </For>
      </ol>
      <Show when={retryError()}>
        <p class="error retry-error" role="alert">{retryError()}</p>
      </Show>
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
        <Composer platform={props.session.platform} onSend={props.onReply} edit={edit()} onEdited={() => setEdit(null)} />
      </Show>
    </section>
  );
}
