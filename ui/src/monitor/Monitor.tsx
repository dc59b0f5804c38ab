// The supervisor's wallboard: queues, agents, who waits, and the day's chart. It reads the
// wallboard when the engine says something changed (coalesced), and ticks waits every second
// from the times it was given — it never polls the store.
import { createMemo, createResource, createSignal, For, onCleanup, onMount, Show } from "solid-js";
import type { AgentBoard, MonitorApi, QueueBoard, Wallboard } from "./api";
import { errorMessage, platformLabel, presenceLabel } from "../lib/api";
import { DayChart } from "./DayChart";
import { Reports } from "./Reports";
import { Transcripts } from "./Transcripts";

const HALF_HOUR = 30 * 60 * 1000;

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "—";
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : `${value.toFixed(1)} %`;
}

type AgentSort = "name" | "presence" | "in_hand" | "completed" | "handle" | "first_response";

export function Monitor(props: { api: MonitorApi; focus?: string }) {
  // The app's `{code, message}` as an Error, so that the resource keeps its words.
  const read = () =>
    props.api.wallboard().catch((e: unknown) => {
      throw new Error(errorMessage(e));
    });
  const [board, { refetch }] = createResource(read);
  const [history, { refetch: rereadHistory }] = createResource(() => props.api.alertHistory(50).catch(() => []));
  const [focus, setFocus] = createSignal(props.focus ?? "");
  const [view, setView] = createSignal<"live" | "reports" | "transcripts">("live");
  const [now, setNow] = createSignal(Date.now());
  const [queueFilter, setQueueFilter] = createSignal<number | "all">("all");
  const [sort, setSort] = createSignal<{ key: AgentSort; down: boolean }>({ key: "name", down: false });
  // The latest wallboard stays on screen while the next is read (no flicker, no blank).
  let last: Wallboard | undefined;
  const shown = createMemo(() => {
    // An errored resource throws when read: keep the last wallboard and show the error.
    if (board.state === "ready" || board.state === "refreshing") last = board.latest;
    return last;
  });
  // Waits are measured against the engine's clock as of the wallboard, then ticked here.
  const skew = createMemo(() => {
    const b = shown();
    return b ? Date.now() - Date.parse(b.at) : 0;
  });
  const since = (at: string) => (now() - skew() - Date.parse(at)) / 1000;

  onMount(() => {
    const stop = props.api.onChanged(() => {
      void refetch();
      void rereadHistory();
    });
    const stopOpen = props.api.onOpen((to) => {
      setFocus(to);
      setView("live");
    });
    const tick = setInterval(() => {
      setNow(Date.now());
      const b = shown();
      // A new half-hour begins: its interval and "today" move on without a change to wake us.
      if (b && Date.now() - skew() >= Date.parse(b.interval_start) + HALF_HOUR) void refetch();
    }, 1000);
    onCleanup(() => {
      stop();
      stopOpen();
      clearInterval(tick);
    });
  });

  const define = (key: string) => shown()?.definitions[key] ?? "";
  const queueName = (id: number | null) => shown()?.queues.find((q) => q.id === id)?.name ?? "—";
  const agents = createMemo(() => {
    const b = shown();
    if (!b) return [];
    const filter = queueFilter();
    const list = b.agents.filter((a) => filter === "all" || a.queues.includes(filter));
    const { key, down } = sort();
    const value = (a: AgentBoard): number | string => {
      switch (key) {
        case "name":
          return a.name.toLowerCase();
        case "presence":
          return a.presence;
        case "in_hand":
          return a.load.reduce((n, l) => n + l.in_hand, 0);
        case "completed":
          return a.completed;
        case "handle":
          return a.average_handle_seconds ?? -1;
        case "first_response":
          return a.average_first_response_seconds ?? -1;
      }
    };
    return [...list].sort((x, y) => {
      const [a, b2] = [value(x), value(y)];
      const order = a < b2 ? -1 : a > b2 ? 1 : 0;
      return down ? -order : order;
    });
  });
  const sortBy = (key: AgentSort) =>
    setSort((s) => ({ key, down: s.key === key ? !s.down : key !== "name" && key !== "presence" }));
  const sortMark = (key: AgentSort) => (sort().key === key ? (sort().down ? " ▼" : " ▲") : "");

  const focused = (name: string) => focus() !== "" && focus() === name;
  const at = (time: string) => new Date(time).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

  return (
    <main class="monitor" aria-label="Monitor">
      <header class="monitor-header">
        <h1>Monitor</h1>
        <nav class="tabs" role="tablist" aria-label="Monitor">
          <button type="button" role="tab" aria-selected={view() === "live"} data-testid="tab-live" onClick={() => setView("live")}>
            Live
          </button>
          <button type="button" role="tab" aria-selected={view() === "reports"} data-testid="tab-reports" onClick={() => setView("reports")}>
            Reports
          </button>
          <button type="button" role="tab" aria-selected={view() === "transcripts"} data-testid="tab-transcripts" onClick={() => setView("transcripts")}>
            Transcripts
          </button>
        </nav>
        <Show when={shown()}>
          {(b) => (
            <p class="muted">
              Today in {b().time_zone} · this half-hour since{" "}
              {new Date(b().interval_start).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}
            </p>
          )}
        </Show>
      </header>
      <Show when={board.error}>
        <p role="alert" class="error">
          {(board.error as Error).message}
        </p>
      </Show>
      <Show when={view() === "reports"}>
        <Reports api={props.api} />
      </Show>
      <Show when={view() === "transcripts"}>
        <Transcripts api={props.api} queues={shown()?.queues ?? []} />
      </Show>
      <Show when={view() === "live" && shown()} fallback={<Show when={view() === "live"}><p class="muted">Reading the wallboard…</p></Show>}>
        {(b) => (
          <>
            <Show when={b().alerts.length > 0}>
              <div role="alert" class="alert-banner" data-testid="alert-banner">
                <strong>{b().alerts.length === 1 ? "1 alert" : `${b().alerts.length} alerts`}</strong>
                <ul>
                  <For each={b().alerts}>
                    {(a) => (
                      <li>
                        <button type="button" class="link" onClick={() => setFocus(a.focus)}>
                          {a.text}
                        </button>{" "}
                        <span class="muted">since {at(a.started_at)}</span>
                      </li>
                    )}
                  </For>
                </ul>
              </div>
            </Show>
            <section aria-labelledby="queues-title">
              <h2 id="queues-title">Queues</h2>
              <table class="board" aria-labelledby="queues-title">
                <thead>
                  <tr>
                    <th scope="col">Queue</th>
                    <th scope="col" title={define("waiting")}>Waiting</th>
                    <th scope="col" title={define("longest_wait")}>Longest wait</th>
                    <th scope="col" title={define("average_wait")}>Average wait</th>
                    <th scope="col" title={define("offered")}>Offered</th>
                    <th scope="col" title={define("answered")}>Answered</th>
                    <th scope="col" title={define("abandoned")}>Abandoned</th>
                    <th scope="col" title={define("abandon_rate")}>Abandon rate</th>
                    <th scope="col" title={define("service_level")}>Service level today</th>
                    <th scope="col" title={define("service_level")}>This half-hour</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={b().queues}>
                    {(q: QueueBoard) => {
                      const longest = () => {
                        const oldest = b().waiting.find((w) => w.queue_id === q.id);
                        return oldest ? since(oldest.queued_at) : null;
                      };
                      const below = (sl: number | null) => sl !== null && sl < q.service_level_percent;
                      return (
                        <tr classList={{ focused: focused(q.name) }} data-queue={q.id}>
                          <th scope="row">
                            {q.name}
                            <span class="muted"> · {q.channel_name}</span>
                          </th>
                          <td>{q.waiting.count}</td>
                          <td>{duration(longest())}</td>
                          <td>{duration(q.today.average_wait_seconds)}</td>
                          <td>{q.today.offered}</td>
                          <td>{q.today.answered}</td>
                          <td>{q.today.abandoned}</td>
                          <td>{percent(q.today.abandon_rate)}</td>
                          <td
                            classList={{ breach: below(q.today.service_level) }}
                            title={`Goal: ${q.service_level_percent} % answered within ${q.service_level_seconds} s`}
                          >
                            {percent(q.today.service_level)}
                          </td>
                          <td classList={{ breach: below(q.interval.service_level) }}>
                            {percent(q.interval.service_level)}
                          </td>
                        </tr>
                      );
                    }}
                  </For>
                </tbody>
              </table>
            </section>

            <div class="monitor-columns">
              <section aria-labelledby="agents-title">
                <div class="section-title">
                  <h2 id="agents-title">Agents</h2>
                  <label>
                    Queue{" "}
                    <select
                      value={String(queueFilter())}
                      onChange={(e) => {
                        const v = e.currentTarget.value;
                        setQueueFilter(v === "all" ? "all" : Number(v));
                      }}
                    >
                      <option value="all">All queues</option>
                      <For each={b().queues}>{(q) => <option value={q.id}>{q.name}</option>}</For>
                    </select>
                  </label>
                </div>
                <table class="board" aria-labelledby="agents-title">
                  <thead>
                    <tr>
                      <th scope="col" aria-sort={sort().key === "name" ? (sort().down ? "descending" : "ascending") : "none"}>
                        <button type="button" onClick={() => sortBy("name")}>Agent{sortMark("name")}</button>
                      </th>
                      <th scope="col">
                        <button type="button" onClick={() => sortBy("presence")}>Presence{sortMark("presence")}</button>
                      </th>
                      <th scope="col">
                        <button type="button" onClick={() => sortBy("in_hand")}>In hand{sortMark("in_hand")}</button>
                      </th>
                      <th scope="col">
                        <button type="button" onClick={() => sortBy("completed")}>Completed{sortMark("completed")}</button>
                      </th>
                      <th scope="col" title={define("handle_time")}>
                        <button type="button" onClick={() => sortBy("handle")}>Handle time{sortMark("handle")}</button>
                      </th>
                      <th scope="col" title={define("first_response")}>
                        <button type="button" onClick={() => sortBy("first_response")}>
                          First response{sortMark("first_response")}
                        </button>
                      </th>
                      <th scope="col">In session with</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={agents()} fallback={<tr><td colSpan={7} class="muted">No agents in this queue.</td></tr>}>
                      {(a) => (
                        <tr classList={{ focused: focused(a.name) }} data-agent={a.name}>
                          <th scope="row">{a.name}</th>
                          <td>
                            <span class={`presence-dot ${a.presence}`} aria-hidden="true" /> {presenceLabel[a.presence]}{" "}
                            <span class="muted">{duration(since(a.presence_since))}</span>
                          </td>
                          <td>
                            <For each={a.load.filter((l) => l.in_hand > 0 || l.capacity > 0)}>
                              {(l) => (
                                <span class="load" classList={{ full: l.in_hand >= l.capacity }}>
                                  {platformLabel[l.platform]} {l.in_hand}/{l.capacity}
                                </span>
                              )}
                            </For>
                          </td>
                          <td>{a.completed}</td>
                          <td>{duration(a.average_handle_seconds)}</td>
                          <td>{duration(a.average_first_response_seconds)}</td>
                          <td>
                            <For each={a.sessions} fallback={<span class="muted">—</span>}>
                              {(s) => (
                                <span class="in-session">
                                  {s.contact_name}
                                  <span class="muted">
                                    {" "}
                                    {s.state === "held" ? "held" : duration(s.assigned_at ? since(s.assigned_at) : null)}
                                  </span>
                                </span>
                              )}
                            </For>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </section>

              <section aria-labelledby="waiting-title" class="waiting-list">
                <h2 id="waiting-title">Waiting now</h2>
                <ol aria-labelledby="waiting-title">
                  <For each={b().waiting} fallback={<li class="muted">Nobody is waiting.</li>}>
                    {(w) => (
                      <li>
                        <span class={`platform-dot ${w.platform}`} aria-hidden="true" />
                        <span class="who">{w.contact_name}</span>
                        <span class="muted">
                          {platformLabel[w.platform]} · {queueName(w.queue_id)}
                        </span>
                        <span class="wait">{duration(since(w.queued_at))}</span>
                      </li>
                    )}
                  </For>
                </ol>
              </section>
            </div>

            <section aria-labelledby="history-title">
              <h2 id="history-title">Alerts today</h2>
              <ol class="alert-history" aria-labelledby="history-title">
                <For each={history() ?? []} fallback={<li class="muted">No alert yet.</li>}>
                  {(a) => (
                    <li classList={{ open: a.cleared_at === null }}>
                      <span>{a.text}</span>
                      <span class="muted">
                        {at(a.started_at)} – {a.cleared_at ? at(a.cleared_at) : "now"}
                      </span>
                    </li>
                  )}
                </For>
              </ol>
            </section>

            <section aria-labelledby="day-title">
              <h2 id="day-title">Today, by half-hour</h2>
              <DayChart intervals={b().intervals} dayStart={b().day_start} timeZone={b().time_zone} />
            </section>
          </>
        )}
      </Show>
    </main>
  );
}
