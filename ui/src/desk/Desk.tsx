import { batch, createEffect, createMemo, createSignal, For, onCleanup, onMount, Show } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import {
  type BackfillProgress,
  type TeamProgress,
  type ChannelRecord,
  type DeskApi,
  type ListCursor,
  type MemberRecord,
  type MessageRecord,
  type Presence,
  type QueueView,
  type SessionFilter,
  type SessionSummary,
  type SignedOut,
  errorMessage,
} from "../lib/api";
import { PresenceSwitch } from "./PresenceSwitch";
import { compareSessions, mergeMessage } from "./order";
import { SessionList } from "./SessionList";
import { Conversation } from "./Conversation";
import { Details } from "./Details";
import { Search } from "./Search";
import { NewMessage } from "./NewMessage";
import { Shortcuts } from "./Shortcuts";
import { ChannelOptions } from "./ChannelOptions";
import { Settings } from "../settings/Settings";

const LIST_PAGE = 200;
const HISTORY_PAGE = 50;
/** How far back opening a search result looks for its message. */
const MAX_HISTORY_PAGES = 40;

type View = "conversation" | "search" | "settings";

/** The main window: every session in one list, and the open conversation. */
export function Desk(props: { api: DeskApi }) {
  // The list: the loaded part of the filtered, ordered list (keyset pages), by id.
  const [byId, setById] = createStore<Record<number, SessionSummary>>({});
  const [order, setOrder] = createSignal<number[]>([]);
  const [next, setNext] = createSignal<ListCursor | null>(null);
  const [filter, setFilter] = createSignal<SessionFilter>({});
  const [loaded, setLoaded] = createSignal(false);
  let loadingMore = false;
  let listGeneration = 0;

  const [selected, setSelected] = createSignal<number | null>(null);
  const [active, setActive] = createSignal<number | null>(null);
  const [messages, setMessages] = createSignal<MessageRecord[]>([]);
  const [hasOlder, setHasOlder] = createSignal(false);
  const [loadingOlder, setLoadingOlder] = createSignal(false);
  const [highlight, setHighlight] = createSignal<number | null>(null);

  const [loadError, setLoadError] = createSignal<string | null>(null);
  const [now, setNow] = createSignal(Date.now());
  const [quiet, setQuiet] = createSignal(false);
  const [view, setView] = createSignal<View>("conversation");
  const [detailsOpen, setDetailsOpen] = createSignal(false);
  const [newMessage, setNewMessage] = createSignal(false);
  const [shortcuts, setShortcuts] = createSignal(false);
  // Every channel's state: expiries are announced at once (banner, badge), and a
  // disconnected channel's sessions take no replies.
  const [channels, setChannels] = createStore<Record<number, ChannelRecord>>({});
  const channelList = createMemo(() => Object.values(channels));
  const expired = createMemo(() => channelList().filter((c) => c.state === "expired"));
  // Channels still reading their history; an entry goes when its backfill is done.
  const [backfills, setBackfills] = createStore<Record<number, BackfillProgress | undefined>>({});
  // The core's count covers every session, not only the loaded page.
  const [awaitingCount, setAwaitingCount] = createSignal<number | null>(null);
  // Routing: who this agent is, their presence, and the queues with their waiting counts.
  const [me, setMe] = createSignal<MemberRecord | null>(null);
  const [queueViews, setQueueViews] = createSignal<QueueView[]>([]);
  let queuesTimer: ReturnType<typeof setTimeout> | undefined;
  // A burst of changes costs one count; a pick-up on another desktop shows well within a second.
  const refreshQueues = () => {
    if (queuesTimer) return;
    queuesTimer = setTimeout(() => {
      queuesTimer = undefined;
      props.api.queueViews().then(setQueueViews).catch(() => undefined);
    }, 200);
  };
  async function changePresence(presence: Presence) {
    try {
      setMe(await props.api.presenceSet(presence));
    } catch (error) {
      setLoadError(errorMessage(error));
    }
  }
  const reading = createMemo(() => Object.values(backfills).filter((p): p is BackfillProgress => !!p));
  // Team mode: whether the team's database answers, replies waiting to be pushed, and the replica
  // being built (joining) — all from the engine's events.
  const [team, setTeam] = createSignal<{ online: boolean; waiting: number } | null>(null);
  const [updating, setUpdating] = createSignal<TeamProgress | null>(null);
  // Set when the team refused this desktop's sign-in (the member was removed): the desk stops.
  const [signedOut, setSignedOut] = createSignal<SignedOut | null>(null);
  let filterInput: HTMLInputElement | undefined;
  let listElement: HTMLDivElement | undefined;

  const ordered = createMemo(() => order().map((id) => byId[id]).filter((s): s is SessionSummary => !!s));
  const current = createMemo(() => {
    const id = selected();
    return id === null ? undefined : byId[id];
  });

  async function toggleQuiet() {
    const on = !quiet();
    try {
      await props.api.notificationsSetDnd(on);
      setQuiet(on);
    } catch (error) {
      setLoadError(errorMessage(error));
    }
  }

  async function loadList() {
    const generation = ++listGeneration;
    try {
      const page = await props.api.sessionList(filter(), null, LIST_PAGE);
      if (generation !== listGeneration) return;
      page.sessions.forEach((s) => setById(s.id, reconcile(s)));
      setOrder(page.sessions.map((s) => s.id));
      setNext(page.next);
      setLoaded(true);
      setLoadError(null);
    } catch (error) {
      setLoadError(errorMessage(error));
    }
  }

  async function loadMore() {
    const after = next();
    if (!after || loadingMore) return;
    loadingMore = true;
    const generation = listGeneration;
    try {
      const page = await props.api.sessionList(filter(), after, LIST_PAGE);
      if (generation !== listGeneration) return;
      page.sessions.forEach((s) => setById(s.id, reconcile(s)));
      const known = new Set(order());
      setOrder((ids) => [...ids, ...page.sessions.map((s) => s.id).filter((id) => !known.has(id))]);
      setNext(page.next);
    } catch (error) {
      setLoadError(errorMessage(error));
    } finally {
      loadingMore = false;
    }
  }

  /** Whether a session belongs in the list as filtered; `null` when only the core can tell. */
  function belongs(session: SessionSummary): boolean | null {
    const f = filter();
    if (f.state && session.state !== f.state) return false;
    if (f.channel_id !== undefined && session.channel_id !== f.channel_id) return false;
    if ((f.scope && f.scope !== "all") || f.text) return null;
    return true;
  }

  function upsert(session: SessionSummary) {
    const listed = order().includes(session.id);
    setById(session.id, reconcile(session));
    const fits = belongs(session);
    const ids = order().filter((id) => id !== session.id);
    if (fits === false || (fits === null && !listed)) {
      if (listed) setOrder(ids);
      return;
    }
    // Binary search for its place; past the loaded part it arrives with a later page.
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareSessions(byId[ids[mid]], session) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo === ids.length && next() !== null && !listed) return;
    ids.splice(lo, 0, session.id);
    setOrder(ids);
  }

  function remove(sessionId: number) {
    setOrder((ids) => ids.filter((id) => id !== sessionId));
    if (selected() === sessionId) {
      setSelected(null);
      setMessages([]);
      void props.api.sessionFocus(null).catch(() => undefined);
    }
  }

  // The session being opened, and what arrived for it while its history loaded.
  const [opening, setOpening] = createSignal<number | null>(null);
  // Another session than the one on screen is on its way.
  const switching = () => {
    const next = opening();
    return next !== null && selected() !== null && selected() !== next;
  };
  let arrivedWhileOpening: MessageRecord[] = [];

  /** Opens a session: the row is marked at once, the conversation switches in one step when
   * its history is here (no empty intermediate screen to lay out and paint), and the core
   * hears that it is on screen and read only after that. */
  async function open(sessionId: number, messageId: number | null = null) {
    setActive(sessionId);
    setOpening(sessionId);
    arrivedWhileOpening = [];
    let history: MessageRecord[] = [];
    let more = false;
    let failure: string | null = null;
    try {
      const details = byId[sessionId] ? null : props.api.sessionDetails(sessionId);
      history = await props.api.sessionMessages(sessionId, null, HISTORY_PAGE);
      more = history.length === HISTORY_PAGE;
      // A search result opens at its message, however far back.
      for (let pages = 1; messageId !== null && more && pages < MAX_HISTORY_PAGES; pages++) {
        if (history.some((m) => m.id === messageId)) break;
        const older = await props.api.sessionMessages(sessionId, cursorOf(history[0]), HISTORY_PAGE);
        more = older.length === HISTORY_PAGE;
        history = [...older, ...history];
      }
      if (details) setById(sessionId, reconcile((await details).session));
    } catch (error) {
      failure = errorMessage(error);
    }
    // A later click won.
    if (opening() !== sessionId) return;
    batch(() => {
      setOpening(null);
      setView("conversation");
      setSelected(sessionId);
      setHighlight(messageId);
      // Events that came while loading: merged rather than lost.
      setMessages(arrivedWhileOpening.reduce(mergeMessage, history));
      setHasOlder(more);
      if (failure) setLoadError(failure);
    });
    arrivedWhileOpening = [];
    void props.api.sessionFocus(sessionId).catch(() => undefined);
    void props.api.sessionRead(sessionId).catch(() => undefined);
  }

  async function loadOlder() {
    const sessionId = selected();
    const first = messages()[0];
    if (sessionId === null || !first || loadingOlder()) return;
    setLoadingOlder(true);
    try {
      const older = await props.api.sessionMessages(sessionId, cursorOf(first), HISTORY_PAGE);
      if (selected() === sessionId) {
        setMessages((list) => [...older, ...list]);
        setHasOlder(older.length === HISTORY_PAGE);
      }
    } catch (error) {
      setLoadError(errorMessage(error));
    } finally {
      setLoadingOlder(false);
    }
  }

  function applyFilter(change: Partial<SessionFilter>) {
    setFilter((f) => {
      const merged: SessionFilter = { ...f, ...change };
      for (const key of Object.keys(merged) as (keyof SessionFilter)[]) {
        if (merged[key] === undefined || merged[key] === "") delete merged[key];
      }
      return merged;
    });
    void loadList();
  }

  function step(delta: number) {
    const list = ordered();
    if (list.length === 0) return;
    const at = list.findIndex((s) => s.id === selected());
    const target = list[Math.min(list.length - 1, Math.max(0, at < 0 ? 0 : at + delta))];
    void open(target.id);
  }

  function onGlobalKey(e: KeyboardEvent) {
    const target = e.target as HTMLElement | null;
    const typing = target?.closest("input, textarea, select, [contenteditable]") !== null && target !== null;
    if (e.key === "Escape") {
      if (shortcuts()) setShortcuts(false);
      else if (newMessage()) setNewMessage(false);
      else if (view() !== "conversation") setView("conversation");
      else if (detailsOpen()) setDetailsOpen(false);
      return;
    }
    if ((e.ctrlKey || e.metaKey) && e.shiftKey && e.key.toLowerCase() === "m") {
      e.preventDefault();
      if (roles().includes("supervisor")) openMonitor();
      return;
    }
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "f") {
      e.preventDefault();
      setView("search");
      return;
    }
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    const session = current();
    switch (e.key) {
      case "?":
        setShortcuts(true);
        break;
      case "/":
        filterInput?.focus();
        break;
      case "j":
        if (target !== listElement) step(1);
        break;
      case "k":
        if (target !== listElement) step(-1);
        break;
      case "r":
        document.querySelector<HTMLTextAreaElement>("[data-testid=composer-input]")?.focus();
        break;
      case "s":
        if (session) void props.api.sessionSetState(session.id, session.state === "active" ? "stored" : "active");
        break;
      case "i":
        if (session) setDetailsOpen((open) => !open);
        break;
      case "n":
        setNewMessage(true);
        break;
      default:
        return;
    }
    e.preventDefault();
  }

  onMount(() => {
    const stops = [
      props.api.on("session_changed", ({ session }) => {
        upsert(session);
        refreshQueues();
      }),
      props.api.on("members_changed", ({ members }) => {
        const mine = members.find((m) => m.name === me()?.name);
        if (mine) setMe(mine);
      }),
      props.api.on("session_deleted", ({ session_id }) => remove(session_id)),
      props.api.on("message_changed", ({ message }) => {
        if (message.session_id === opening()) arrivedWhileOpening.push(message);
        if (message.session_id !== selected()) return;
        setMessages((list) => mergeMessage(list, message));
        // On screen, a customer's new message is read at once.
        if (message.direction === "inbound") void props.api.sessionRead(message.session_id).catch(() => undefined);
      }),
      props.api.on("message_removed", ({ message_id }) => setMessages((list) => list.filter((m) => m.id !== message_id))),
      props.api.on("purged", () => void loadList()),
      props.api.on("backfill_progress", ({ progress }) =>
        setBackfills(progress.channel_id, progress.done ? undefined : progress),
      ),
      props.api.on("open_session", ({ session_id }) => void open(session_id)),
      props.api.on("awaiting_changed", ({ count }) => setAwaitingCount(count)),
      props.api.on("team_status", ({ status }) => setTeam(status)),
      props.api.on("team_signed_out", ({ signed_out }) => setSignedOut(signed_out)),
      props.api.on("team_progress", ({ progress }) => {
        if (progress.step !== "updating") return;
        const building = progress.done < progress.total;
        setUpdating(building ? progress : null);
        // The replica was built without an event per message: the list is read again once.
        if (!building) void loadList();
      }),
      props.api.on("channel_changed", ({ channel }) => setChannels(channel.id, reconcile(channel))),
    ];
    const tick = setInterval(() => setNow(Date.now()), 30_000);
    window.addEventListener("keydown", onGlobalKey);
    onCleanup(() => {
      stops.forEach((stop) => stop());
      clearInterval(tick);
      clearTimeout(queuesTimer);
      window.removeEventListener("keydown", onGlobalKey);
    });
    void loadList();
    props.api.presenceGet().then(setMe).catch(() => undefined);
    props.api.queueViews().then(setQueueViews).catch(() => undefined);
    props.api
      .awaitingCount()
      .then((count) => setAwaitingCount((known) => known ?? count))
      .catch(() => undefined);
    props.api
      .channelList()
      .then(({ channels: all }) => all.forEach((c) => setChannels(c.id, reconcile(c))))
      .catch((error) => setLoadError(errorMessage(error)));
  });

  const emptyText = () => {
    const f = filter();
    if (f.text) return `No session matches “${f.text}”.`;
    if (f.scope === "mine") return "No sessions are yours yet: the ones you answer appear here.";
    if (f.queue_id !== undefined) return "Nobody is in this queue.";
    if (f.scope === "my_queues") return "No sessions in your queues (an admin assigns agents to queues in Settings → Routing).";
    if (f.state === "stored") return "No stored sessions.";
    if (Object.keys(f).length > 0) return "No session matches these filters.";
    return "No sessions yet. New messages appear here.";
  };

  // Solo mode: the one user holds every role; in a team, the roles the team says.
  const [roles, setRoles] = createSignal<string[]>([]);
  void props.api
    .teamGet()
    .then((info) => {
      setSignedOut(info?.signed_out ?? null);
      setRoles(info ? info.roles : ["agent", "supervisor", "admin"]);
    })
    .catch(() => undefined);
  onCleanup(props.api.on("team_roles", ({ roles }) => setRoles(roles)));
  const openMonitor = () => void props.api.monitorOpen().catch((e) => setLoadError(errorMessage(e)));

  return (
    <>
    <Show when={signedOut()}>
      {(out) => <SignedOutDialog api={props.api} signedOut={out()} />}
    </Show>
    <div class="desk" classList={{ "with-details": detailsOpen() && view() === "conversation" && !!current() }}>
      <aside class="sidebar" aria-label="Inbox">
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
            onClick={() => setView("settings")}
          >
            ⚙ Settings
          </button>
        </header>
        <div class="presence-row">
          <PresenceSwitch me={me()} now={now()} onChange={(p) => void changePresence(p)} />
        </div>
        <div class="sidebar-tools">
          <button type="button" class="quiet" data-testid="new-message-open" title="New SMS or WhatsApp (n)" onClick={() => setNewMessage(true)}>
            ✎ New
          </button>
          <button type="button" class="quiet" data-testid="search-open" title="Search (Ctrl+F)" onClick={() => setView("search")}>
            🔍 Search
          </button>
          <Show when={roles().includes("supervisor")}>
            <button type="button" class="quiet" data-testid="open-monitor" title="The supervisor's monitor (Ctrl+Shift+M)" onClick={openMonitor}>
              📈 Monitor
            </button>
          </Show>
          <button type="button" class="quiet" data-testid="shortcuts-open" title="Keyboard shortcuts (?)" onClick={() => setShortcuts(true)}>
            ⌨ ?
          </button>
        </div>
        <div class="filters" role="group" aria-label="Filters">
          <input
            type="search"
            ref={filterInput}
            data-testid="list-filter"
            aria-label="Filter by name, number or reference"
            placeholder="Filter: name, number, reference ( / )"
            onInput={(e) => {
              const text = e.currentTarget.value;
              applyFilter({ text: text.trim() ? text : undefined });
            }}
          />
          <div class="row">
            <select
              aria-label="Whose sessions"
              data-testid="filter-scope"
              onChange={(e) => {
                const value = e.currentTarget.value;
                if (value.startsWith("queue:")) applyFilter({ scope: "all", queue_id: Number(value.slice(6)) });
                else applyFilter({ scope: value as SessionFilter["scope"], queue_id: undefined });
              }}
            >
              <option value="all">All</option>
              <option value="mine">My interactions</option>
              <option value="my_queues">My queues</option>
              <For each={queueViews().filter((q) => q.mine && q.leaf)}>
                {(q) => (
                  <option value={`queue:${q.id}`}>
                    {q.name} ({q.waiting} waiting)
                  </option>
                )}
              </For>
            </select>
            <select
              aria-label="Active or stored"
              data-testid="filter-state"
              onChange={(e) => applyFilter({ state: (e.currentTarget.value || undefined) as SessionFilter["state"] })}
            >
              <option value="">Any state</option>
              <option value="active">Active</option>
              <option value="stored">Stored</option>
            </select>
            <select
              aria-label="Channel"
              data-testid="filter-channel"
              onChange={(e) => applyFilter({ channel_id: e.currentTarget.value ? Number(e.currentTarget.value) : undefined })}
            >
              <ChannelOptions channels={channelList()} />
            </select>
          </div>
        </div>
        <Show when={loadError()}>
          <p class="error" role="alert">{loadError()}</p>
        </Show>
        <For each={expired()}>
          {(channel) => (
            <p class="banner small" role="alert" data-testid="desk-expired-banner">
              Connection expired: {channel.name}.{" "}
              <button type="button" class="link" onClick={() => setView("settings")}>
                Reauthorize
              </button>
            </p>
          )}
        </For>
        <Show when={team() && !team()!.online}>
          <p class="banner small" role="status" data-testid="team-offline">
            Offline — {team()!.waiting} {team()!.waiting === 1 ? "reply" : "replies"} waiting
          </p>
        </Show>
        <Show when={updating()}>
          {(progress) => (
            <div class="backfill" data-testid="team-updating" role="status">
              <span>
                Updating from the team… {progress().done.toLocaleString()} of {progress().total.toLocaleString()}
              </span>
              <progress max={progress().total} value={progress().done} aria-label="Replica built so far" />
            </div>
          )}
        </Show>
        <For each={reading()}>
          {(progress) => (
            <div class="backfill" data-testid="backfill" role="status">
              <span>Reading history… {progress.messages.toLocaleString()} messages</span>
              {/* History all from one day reads as 0 of the span: show motion, not an empty bar. */}
              <Show when={progress.fraction > 0} fallback={<progress aria-label="Reading history" />}>
                <progress max="1" value={progress.fraction} aria-label="History read so far" />
              </Show>
            </div>
          )}
        </For>
        <SessionList
          sessions={ordered()}
          selected={selected()}
          active={active()}
          loaded={loaded()}
          emptyText={emptyText()}
          now={now()}
          onOpen={(id) => void open(id)}
          onActivate={setActive}
          onNearEnd={() => void loadMore()}
          ref={(el) => (listElement = el)}
        />
      </aside>
      {/* While another session opens, the one on screen takes no input: nothing typed in the
          moment between the click and the switch can land in the wrong customer's reply. */}
      <main
        class="main"
        aria-busy={switching() || undefined}
        ref={(el) => createEffect(() => el.toggleAttribute("inert", switching()))}
      >
        <Show when={view() === "settings"}>
          <Settings api={props.api} onClose={() => setView("conversation")} />
        </Show>
        <Show when={view() === "search"}>
          <Search
            api={props.api}
            channels={channelList()}
            onOpen={(id, messageId) => void open(id, messageId)}
            onClose={() => setView("conversation")}
          />
        </Show>
        <Show when={view() === "conversation"}>
          <Show
            when={selected()}
            keyed
            fallback={
              <div class="placeholder">
                <p>Select a session to read and reply.</p>
                <p class="muted">Press ? for keyboard shortcuts.</p>
              </div>
            }
          >
            {(sessionId) => (
              <Show when={byId[sessionId]}>
                {(session) => (
                  <Conversation
                    api={props.api}
                    session={session()}
                    messages={messages()}
                    now={now()}
                    hasOlder={hasOlder()}
                    loadingOlder={loadingOlder()}
                    onLoadOlder={loadOlder}
                    highlight={highlight()}
                    onSend={(bubbles, tag) => props.api.sessionSend(sessionId, bubbles, tag)}
                    onRetry={(messageId) => props.api.messageRetry(sessionId, messageId)}
                    onSetState={async (state) => upsert(await props.api.sessionSetState(sessionId, state))}
                    onDelete={async () => {
                      await props.api.sessionDelete(sessionId);
                      remove(sessionId);
                    }}
                    canDelete={roles().includes("admin")}
                    detailsOpen={detailsOpen()}
                    onToggleDetails={() => setDetailsOpen((open) => !open)}
                    channelState={channels[session().channel_id]?.state}
                    me={me()?.name ?? ""}
                  />
                )}
              </Show>
            )}
          </Show>
        </Show>
      </main>
      <Show when={detailsOpen() && view() === "conversation" ? selected() : null} keyed>
        {(sessionId) => (
          <Show when={byId[sessionId]}>
            {(session) => <Details api={props.api} session={session()} onClose={() => setDetailsOpen(false)} />}
          </Show>
        )}
      </Show>
      <Show when={newMessage()}>
        <NewMessage
          api={props.api}
          channels={channelList()}
          onClose={() => setNewMessage(false)}
          onStarted={(session) => {
            setNewMessage(false);
            upsert(session);
            void open(session.id);
          }}
        />
      </Show>
      <Show when={shortcuts()}>
        <Shortcuts onClose={() => setShortcuts(false)} />
      </Show>
    </div>
    </>
  );
}

function cursorOf(message: MessageRecord) {
  return { created_at: message.created_at, id: message.id };
}

/** This desktop is not signed in to the team: the desk stops; a member who may sign in again
 * gives their password here (the app then starts again, signed in). */
function SignedOutDialog(props: { api: DeskApi; signedOut: SignedOut }) {
  const [password, setPassword] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  async function signIn(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await props.api.teamSignIn(password());
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  }
  return (
    <div class="signed-out" role="alertdialog" aria-modal="true" aria-labelledby="signed-out-title" data-testid="team-signed-out">
      <div>
        <h2 id="signed-out-title">Signed out of the team</h2>
        <p>{props.signedOut.message}</p>
        <Show when={props.signedOut.can_sign_in}>
          <form class="card" onSubmit={(event) => void signIn(event)}>
            <label>
              Your password
              <input
                type="password"
                data-testid="team-sign-in-password"
                autocomplete="current-password"
                value={password()}
                onInput={(event) => setPassword(event.currentTarget.value)}
              />
            </label>
            <div class="row">
              <button type="submit" class="primary" data-testid="team-sign-in" disabled={busy() || password() === ""}>
                {busy() ? "Signing in…" : "Sign in"}
              </button>
            </div>
            <Show when={error()}>
              <p class="error" role="alert">{error()}</p>
            </Show>
          </form>
        </Show>
      </div>
    </div>
  );
}
