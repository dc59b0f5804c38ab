import { createSignal, For, Show } from "solid-js";
import { type ChannelRecord, type DeskApi, type SearchHit, errorMessage, platformLabel } from "../lib/api";
import { ChannelOptions } from "./ChannelOptions";

const MATCH = /\u0002([^\u0003]*)\u0003/g;

/** A snippet with its matched words marked: text nodes and <mark>, never HTML. */
export function Snippet(props: { text: string }) {
  const parts = () => {
    const out: { text: string; match: boolean }[] = [];
    let at = 0;
    for (const m of props.text.matchAll(MATCH)) {
      out.push({ text: props.text.slice(at, m.index), match: false }, { text: m[1], match: true });
      at = (m.index ?? 0) + m[0].length;
    }
    out.push({ text: props.text.slice(at), match: false });
    return out;
  };
  return <For each={parts()}>{(p) => (p.match ? <mark>{p.text}</mark> : p.text)}</For>;
}

/** Search over active and stored sessions: text, dates, agent, queue, channel. */
export function Search(props: {
  api: DeskApi;
  channels: ChannelRecord[];
  onOpen: (sessionId: number, messageId: number | null) => void;
  onClose: () => void;
}) {
  const [text, setText] = createSignal("");
  const [from, setFrom] = createSignal("");
  const [to, setTo] = createSignal("");
  const [agent, setAgent] = createSignal("");
  const [queue, setQueue] = createSignal("");
  const [channel, setChannel] = createSignal("");
  const [state, setState] = createSignal("");
  const [hits, setHits] = createSignal<SearchHit[] | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  async function run() {
    setError(null);
    if (!text().trim()) {
      setError("Type a word to search for.");
      return;
    }
    if (from() && to() && from() > to()) {
      setError("The start date is after the end date.");
      return;
    }
    setBusy(true);
    try {
      // Dates are whole local days: "to" includes its day.
      const day = (value: string, plus = 0) => {
        const d = new Date(`${value}T00:00:00`);
        d.setDate(d.getDate() + plus);
        return d.toISOString();
      };
      setHits(
        await props.api.search({
          text: text(),
          from: from() ? day(from()) : null,
          to: to() ? day(to(), 1) : null,
          agent: agent().trim() || null,
          queue: queue().trim() || null,
          channel_id: channel() ? Number(channel()) : null,
          state: state() === "active" || state() === "stored" ? (state() as "active" | "stored") : null,
          limit: 100,
        }),
      );
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="search" aria-label="Search" data-testid="search">
      <header class="settings-header">
        <h2>Search</h2>
        <button type="button" class="link" onClick={() => props.onClose()}>
          Close
        </button>
      </header>
      <form
        class="search-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <input
          type="search"
          class="search-text"
          data-testid="search-text"
          aria-label="Words to find"
          placeholder="Words in messages, names, numbers"
          value={text()}
          ref={(el) => queueMicrotask(() => el.focus())}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <label>
          From <input type="date" value={from()} onInput={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label>
          To <input type="date" value={to()} onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
        <label>
          Agent <input value={agent()} placeholder="any" onInput={(e) => setAgent(e.currentTarget.value)} />
        </label>
        <label>
          Queue <input value={queue()} placeholder="any" onInput={(e) => setQueue(e.currentTarget.value)} />
        </label>
        <label>
          Channel
          <select value={channel()} onChange={(e) => setChannel(e.currentTarget.value)}>
            <ChannelOptions channels={props.channels} />
          </select>
        </label>
        <label>
          Sessions
          <select value={state()} onChange={(e) => setState(e.currentTarget.value)}>
            <option value="">Active and stored</option>
            <option value="active">Active</option>
            <option value="stored">Stored</option>
          </select>
        </label>
        <button type="submit" class="primary" data-testid="search-run" disabled={busy()}>
          {busy() ? "Searching…" : "Search"}
        </button>
      </form>
      <Show when={error()}>
        <p class="error" role="alert">{error()}</p>
      </Show>
      <Show when={hits()}>
        {(found) => (
          <>
            <p class="muted" role="status">
              {found().length === 0
                ? "Nothing found. Try fewer words or a wider date range."
                : `${found().length}${found().length === 100 ? "+" : ""} session${found().length === 1 ? "" : "s"} found`}
            </p>
            <ul class="search-results">
              <For each={found()}>
                {(hit) => (
                  <li>
                    <button
                      type="button"
                      class="search-hit"
                      data-testid="search-hit"
                      onClick={() => props.onOpen(hit.session.id, hit.message_id)}
                    >
                      <strong>{hit.session.contact_name}</strong>
                      <span class="muted">
                        {" "}
                        {platformLabel[hit.session.platform]} · {hit.session.channel_name}
                        {hit.session.state === "stored" ? " · Stored" : ""}
                      </span>
                      <span class="snippet">
                        <Show when={hit.snippet} fallback={<span class="muted">Name or number matches</span>}>
                          {(snippet) => <Snippet text={snippet()} />}
                        </Show>
                      </span>
                    </button>
                  </li>
                )}
              </For>
            </ul>
          </>
        )}
      </Show>
    </section>
  );
}
