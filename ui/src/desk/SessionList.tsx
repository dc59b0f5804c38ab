import { For, Show } from "solid-js";
import { type SessionSummary, platformLabel } from "../lib/api";
import { initials, since } from "./order";

export function SessionList(props: {
  sessions: SessionSummary[];
  selected: number | null;
  loaded: boolean;
  now: number;
  onOpen: (sessionId: number) => void;
}) {
  return (
    <Show
      when={props.sessions.length > 0}
      fallback={
        <p class="empty">{props.loaded ? "No sessions yet. New messages appear here." : "Loading sessions…"}</p>
      }
    >
      <ul class="session-list" role="listbox" aria-label="Sessions">
        <For each={props.sessions}>
          {(session) => (
            <li
              role="option"
              tabindex="0"
              class="session-item"
              classList={{ selected: session.id === props.selected, awaiting: !!session.awaiting_since }}
              aria-selected={session.id === props.selected}
              data-testid="session-item"
              data-session-id={session.id}
              onClick={() => props.onOpen(session.id)}
              onKeyDown={(e) => {
                if (e.key === "Enter" || e.key === " ") {
                  e.preventDefault();
                  props.onOpen(session.id);
                }
              }}
            >
              <span class="avatar" aria-hidden="true">
                {initials(session.contact_name)}
                <span class={`channel-badge ${session.platform}`} title={platformLabel[session.platform]} />
              </span>
              <span class="session-text">
                <span class="session-top">
                  <span class="contact-name" data-testid="contact-name">{session.contact_name}</span>
                  <time class="session-time" dateTime={session.last_activity_at}>
                    {since(session.awaiting_since ?? session.last_activity_at, props.now)}
                  </time>
                </span>
                <span class="preview">{session.preview ?? ""}</span>
                <span class="session-meta">
                  {platformLabel[session.platform]} · {session.channel_name}
                  <Show when={session.awaiting_since}>
                    <span class="awaiting-tag">Awaiting reply</span>
                  </Show>
                </span>
              </span>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
