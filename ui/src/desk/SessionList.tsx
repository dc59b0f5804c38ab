import { responseCue } from "./InteractionBar";
import { createVirtualizer } from "@tanstack/solid-virtual";
import { createEffect, createSignal, For, Show } from "solid-js";
import { type SessionSummary, platformLabel } from "../lib/api";
import { initials, since } from "./order";

/** Every row has the same height, so 100k rows cost what the visible ones cost. */
export const ROW_HEIGHT = 74;

/** The session list: a listbox that keeps only the visible rows in the page. Arrow keys (or
 * j/k) move, Enter opens; the active row is announced through aria-activedescendant. */
export function SessionList(props: {
  sessions: SessionSummary[];
  selected: number | null;
  active: number | null;
  loaded: boolean;
  emptyText: string;
  now: number;
  onOpen: (sessionId: number) => void;
  onActivate: (sessionId: number) => void;
  /** The rows near the end are visible: load the next page. */
  onNearEnd: () => void;
  ref?: (el: HTMLDivElement) => void;
}) {
  // A signal: the list appears after the first page, and the virtualizer must see it come.
  const [scroller, setScroller] = createSignal<HTMLDivElement>();
  const virtualizer = createVirtualizer({
    get count() {
      return props.sessions.length;
    },
    getScrollElement: () => scroller() ?? null,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    getItemKey: (index) => props.sessions[index]?.id ?? index,
  });

  createEffect(() => {
    const items = virtualizer.getVirtualItems();
    const last = items[items.length - 1];
    if (last && last.index >= props.sessions.length - 30) props.onNearEnd();
  });
  // Keep the active row in view when the keyboard moves it.
  createEffect(() => {
    const id = props.active;
    if (id === null) return;
    const index = props.sessions.findIndex((s) => s.id === id);
    if (index >= 0) virtualizer.scrollToIndex(index, { align: "auto" });
  });

  const move = (delta: number) => {
    const list = props.sessions;
    if (list.length === 0) return;
    const at = list.findIndex((s) => s.id === (props.active ?? props.selected));
    const next = at < 0 ? 0 : Math.min(list.length - 1, Math.max(0, at + delta));
    props.onActivate(list[next].id);
  };

  return (
    <Show
      when={props.sessions.length > 0}
      fallback={<p class="empty" role="status">{props.loaded ? props.emptyText : "Loading sessions…"}</p>}
    >
      <div
        class="session-list"
        ref={(el) => {
          // Once in the page: until then its document is the template's, which has no window.
          queueMicrotask(() => setScroller(el));
          props.ref?.(el);
        }}
        role="listbox"
        tabindex="0"
        aria-label="Sessions"
        aria-activedescendant={props.active !== null ? `session-${props.active}` : undefined}
        data-testid="session-list"
        onKeyDown={(e) => {
          if (e.key === "ArrowDown" || e.key === "j") move(1);
          else if (e.key === "ArrowUp" || e.key === "k") move(-1);
          else if (e.key === "PageDown") move(8);
          else if (e.key === "PageUp") move(-8);
          else if (e.key === "Home") move(-Infinity);
          else if (e.key === "End") move(Infinity);
          else if (e.key === "Enter" && props.active !== null) props.onOpen(props.active);
          else return;
          e.preventDefault();
        }}
      >
        <div style={{ height: `${virtualizer.getTotalSize()}px`, position: "relative" }}>
          <For each={virtualizer.getVirtualItems()}>
            {(row) => {
              const session = () => props.sessions[row.index];
              return (
                <Show when={session()}>
                  {(s) => (
                    <div
                      id={`session-${s().id}`}
                      role="option"
                      class="session-item"
                      classList={{
                        selected: s().id === props.selected,
                        active: s().id === props.active,
                        awaiting: !!s().awaiting_since,
                        unread: s().unread > 0,
                      }}
                      style={{ transform: `translateY(${row.start}px)`, height: `${ROW_HEIGHT}px` }}
                      aria-selected={s().id === props.selected}
                      aria-posinset={row.index + 1}
                      aria-setsize={props.sessions.length}
                      data-testid="session-item"
                      data-session-id={s().id}
                      onClick={() => props.onOpen(s().id)}
                    >
                      <span class="avatar" aria-hidden="true">
                        {initials(s().contact_name)}
                        <span class={`channel-badge ${s().platform}`} title={platformLabel[s().platform]} />
                      </span>
                      <span class="session-text">
                        <span class="session-top">
                          <span class="contact-name" data-testid="contact-name">
                            {s().contact_name}
                          </span>
                          <time class="session-time" dateTime={s().last_activity_at}>
                            {since(s().awaiting_since ?? s().last_activity_at, props.now)}
                          </time>
                        </span>
                        <span class="preview">
                          <Show when={s().draft}>
                            <span class="draft-tag">Draft: </span>
                          </Show>
                          {s().draft?.[0] ?? (s().preview === "" ? "📎 File" : (s().preview ?? ""))}
                        </span>
                        <span class="session-meta">
                          <span>
                            {platformLabel[s().platform]} · {s().channel_name}
                          </span>
                          {/* The queue, when routing has more than the channel's own one. */}
                          <Show when={s().interaction?.queue_name !== s().channel_name ? s().interaction : null}>
                            {(open) => (
                              <span class="queue-tag" data-testid="session-queue">
                                {open().state === "selecting" ? "Choosing from the menu" : (open().queue_name ?? "")}
                                {open().state === "held" ? " · on hold" : ""}
                              </span>
                            )}
                          </Show>
                          <Show when={s().state === "stored"}>
                            <span class="stored-tag">Stored</span>
                          </Show>
                          <Show when={s().awaiting_since}>
                            <span class={`awaiting-tag session-cue ${responseCue(s(), props.now)}`} data-testid="session-cue">
                              Awaiting reply
                            </span>
                          </Show>
                          <Show when={s().unread > 0}>
                            <span
                              class="unread-count"
                              data-testid="unread-count"
                              aria-label={`${s().unread} unread`}
                            >
                              {s().unread > 99 ? "99+" : s().unread}
                            </span>
                          </Show>
                        </span>
                      </span>
                    </div>
                  )}
                </Show>
              );
            }}
          </For>
        </div>
      </div>
    </Show>
  );
}
