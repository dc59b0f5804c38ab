import { createMemo, createSignal, For, onCleanup, onMount, Show } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import {
  type BackfillProgress,
  type ChannelRecord,
  type DeskApi,
  type MessageRecord,
  type SessionSummary,
  errorMessage,
} from "../lib/api";
import { compareSessions, mergeMessage } from "./order";
import { SessionList } from "./SessionList";
import { Conversation } from "./Conversation";
import { Channels } from "../settings/Channels";

// The desk shows the first page of the list and the newest part of a conversation; scrolling
// for more arrives with the full desk (issue #7).
const FIRST_PAGE = 200;
const HISTORY_PAGE = 100;

/** The main window: every session in one list, and the open conversation. */
export function Desk(props: { api: DeskApi }) {
  const [sessions, setSessions] = createStore<Record<number, SessionSummary>>({});
  const [selected, setSelected] = createSignal<number | null>(null);
  const [messages, setMessages] = createSignal<MessageRecord[]>([]);
  const [loadError, setLoadError] = createSignal<string | null>(null);
  const [loaded, setLoaded] = createSignal(false);
  const [now, setNow] = createSignal(Date.now());
  const [quiet, setQuiet] = createSignal(false);
  const [settings, setSettings] = createSignal(false);
  // Every channel's state: expiries are announced at once (banner, badge), and a
  // disconnected channel's sessions take no replies.
  const [channels, setChannels] = createStore<Record<number, ChannelRecord>>({});
  const expired = createMemo(() => Object.values(channels).filter((c) => c.state === "expired"));
  // Channels still reading their history; an entry goes when its backfill is done.
  const [backfills, setBackfills] = createStore<Record<number, BackfillProgress | undefined>>({});
  // The core's count covers every session, not only the loaded page.
  const [awaitingCount, setAwaitingCount] = createSignal<number | null>(null);
  const reading = createMemo(() => Object.values(backfills).filter((p): p is BackfillProgress => !!p));

  async function toggleQuiet() {
    const on = !quiet();
    try {
      await props.api.notificationsSetDnd(on);
      setQuiet(on);
    } catch (error) {
      setLoadError(errorMessage(error));
    }
  }

  const ordered = createMemo(() => Object.values(sessions).sort(compareSessions));
  const current = createMemo(() => {
    const id = selected();
    return id === null ? undefined : sessions[id];
  });

  onMount(() => {
    const stops = [
      props.api.on("session_changed", ({ session }) => setSessions(session.id, reconcile(session))),
      props.api.on("message_changed", ({ message }) => {
        if (message.session_id === selected()) setMessages((list) => mergeMessage(list, message));
      }),
    ];
    stops.push(props.api.on("purged", () => void loadList()));
    stops.push(
      props.api.on("backfill_progress", ({ progress }) =>
        setBackfills(progress.channel_id, progress.done ? undefined : progress),
      ),
      props.api.on("open_session", ({ session_id }) => void open(session_id)),
      props.api.on("awaiting_changed", ({ count }) => setAwaitingCount(count)),
      props.api.on("channel_changed", ({ channel }) => setChannels(channel.id, reconcile(channel))),
    );
    const tick = setInterval(() => setNow(Date.now()), 30_000);
    onCleanup(() => {
      stops.forEach((stop) => stop());
      clearInterval(tick);
    });
    void loadList();
    props.api
      .channelList()
      .then(({ channels: all }) => all.forEach((c) => setChannels(c.id, reconcile(c))))
      .catch((error) => setLoadError(errorMessage(error)));
  });

  async function loadList() {
    try {
      const { sessions: list } = await props.api.sessionList({}, null, FIRST_PAGE);
      setSessions(reconcile(Object.fromEntries(list.map((s) => [s.id, s]))));
      setLoaded(true);
    } catch (error) {
      setLoadError(errorMessage(error));
    }
  }

  async function open(sessionId: number) {
    setSelected(sessionId);
    setMessages([]);
    void props.api.sessionFocus(sessionId).catch(() => undefined);
    try {
      const history = await props.api.sessionMessages(sessionId, null, HISTORY_PAGE);
      // Events may have arrived while loading: merge rather than overwrite.
      if (selected() === sessionId) setMessages((live) => live.reduce(mergeMessage, history));
    } catch (error) {
      setLoadError(errorMessage(error));
    }
  }

  return (
    <div class="desk">
      <aside class="sidebar" aria-label="Sessions">
        <header class="sidebar-header">
          <h1>Inbox</h1>
          <span class="count" data-testid="awaiting-count" title="Awaiting a reply">
            {awaitingCount() ?? ordered().filter((s) => s.awaiting_since).length} awaiting
          </span>
          <button
            type="button"
            class="quiet"
            classList={{ on: quiet() }}
            aria-pressed={quiet()}
            data-testid="dnd-toggle"
            title="Do not disturb: no desktop notifications"
            onClick={() => void toggleQuiet()}
          >
            {quiet() ? "🔕 Quiet" : "🔔 Alerts on"}
          </button>
          <button
            type="button"
            class="quiet"
            classList={{ alert: expired().length > 0 }}
            data-testid="open-channels"
            title="Settings → Channels"
            onClick={() => setSettings(true)}
          >
            ⚙ Channels
          </button>
        </header>
        <Show when={loadError()}>
          <p class="error" role="alert">{loadError()}</p>
        </Show>
        <For each={expired()}>
          {(channel) => (
            <p class="banner small" role="alert" data-testid="desk-expired-banner">
              Connection expired: {channel.name}.{" "}
              <button type="button" class="link" onClick={() => setSettings(true)}>
                Reauthorize
              </button>
            </p>
          )}
        </For>
        <For each={reading()}>
          {(progress) => (
            <div class="backfill" data-testid="backfill" role="status">
              <span>
                Reading history… {progress.messages.toLocaleString()} messages
              </span>
              {/* History all from one day reads as 0 of the span: show motion, not an empty bar. */}
              <Show
                when={progress.fraction > 0}
                fallback={<progress aria-label="Reading history" />}
              >
                <progress max="1" value={progress.fraction} aria-label="History read so far" />
              </Show>
            </div>
          )}
        </For>
        <SessionList
          sessions={ordered()}
          selected={selected()}
          loaded={loaded()}
          now={now()}
          onOpen={open}
        />
      </aside>
      <main class="main">
        <Show when={!settings()} fallback={<Channels api={props.api} onClose={() => setSettings(false)} />}>
        <Show
          when={current()}
          fallback={
            <div class="placeholder">
              <p>Select a session to read and reply.</p>
            </div>
          }
        >
          {(session) => (
            <Conversation
              session={session()}
              messages={messages()}
              onReply={(text) => props.api.sessionReply(session().id, text)}
              onRetry={(messageId) => props.api.messageRetry(session().id, messageId)}
              channelState={channels[session().channel_id]?.state}
            />
          )}
        </Show>
        </Show>
      </main>
    </div>
  );
}
