import { createEffect, For, on } from "solid-js";
import { type MessageRecord, type SessionSummary, platformLabel } from "../lib/api";
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
}) {
  let history: HTMLOListElement | undefined;
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
              {message.failure ? <span class="failure" role="status">{message.failure}</span> : null}
            </li>
          )}
        </For>
      </ol>
      <Composer platform={props.session.platform} onSend={props.onReply} />
    </section>
  );
}
