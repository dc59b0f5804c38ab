// Transcripts: find interactions, read one whole (its messages and timeline), export one or many
// as text or as HTML ready to print to PDF. Customer text is shown as text, never as HTML.
import { createSignal, For, Show } from "solid-js";
import type { MonitorApi, TranscriptFilter, TranscriptHit, Transcript, TranscriptFormat } from "./api";
import { errorMessage, platformLabel, type Platform } from "../lib/api";

const END_REASONS = [
  "agent_ended",
  "customer_ended",
  "inactive_timeout",
  "expired_in_queue",
  "dismissed",
  "transferred",
  "after_hours",
  "failed",
];

function day(value: string, end = false): string | undefined {
  if (!value) return undefined;
  const d = new Date(`${value}T00:00:00`);
  if (end) d.setDate(d.getDate() + 1);
  return d.toISOString();
}

const when = (at: string) => new Date(at).toLocaleString([], { dateStyle: "short", timeStyle: "short" });

export function Transcripts(props: { api: MonitorApi; queues: { id: number; name: string }[] }) {
  const [hits, setHits] = createSignal<TranscriptHit[] | null>(null);
  const [chosen, setChosen] = createSignal<Set<number>>(new Set());
  const [open, setOpen] = createSignal<Transcript | null>(null);
  const [status, setStatus] = createSignal<{ ok: boolean; text: string } | null>(null);
  let form!: HTMLFormElement;
  const field = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value.trim();
  const search = async (e: Event) => {
    e.preventDefault();
    const filter: TranscriptFilter = {
      from: day(field("from")),
      to: day(field("to"), true),
      queue_id: field("queue") ? Number(field("queue")) : undefined,
      agent: field("agent") || undefined,
      platform: (field("platform") || undefined) as Platform | undefined,
      disposition: field("disposition") || undefined,
      end_reason: field("end_reason") || undefined,
      text: field("text") || undefined,
    };
    setStatus(null);
    setOpen(null);
    try {
      setHits(await props.api.transcripts(filter));
      setChosen(new Set<number>());
    } catch (error) {
      setStatus({ ok: false, text: errorMessage(error) });
    }
  };
  const toggle = (id: number) =>
    setChosen((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const exportChosen = async (format: TranscriptFormat, ids: number[]) => {
    try {
      setStatus({ ok: true, text: `Saved as ${await props.api.transcriptsExport(ids, format)}` });
    } catch (error) {
      setStatus({ ok: false, text: errorMessage(error) });
    }
  };
  const read = async (id: number) => {
    try {
      setOpen(await props.api.transcript(id));
    } catch (error) {
      setStatus({ ok: false, text: errorMessage(error) });
    }
  };
  return (
    <section aria-labelledby="transcripts-title" class="reports">
      <h2 id="transcripts-title">Transcripts</h2>
      <form ref={form} class="report-form" onSubmit={(e) => void search(e)}>
        <label>
          From <input type="date" name="from" />
        </label>
        <label>
          To <input type="date" name="to" />
        </label>
        <label>
          Queue
          <select name="queue">
            <option value="">Any queue</option>
            <For each={props.queues}>{(q) => <option value={q.id}>{q.name}</option>}</For>
          </select>
        </label>
        <label>
          Agent <input name="agent" size="10" />
        </label>
        <label>
          Channel
          <select name="platform">
            <option value="">Any</option>
            <For each={Object.entries(platformLabel)}>{([p, label]) => <option value={p}>{label}</option>}</For>
          </select>
        </label>
        <label>
          Disposition <input name="disposition" size="10" />
        </label>
        <label>
          End reason
          <select name="end_reason">
            <option value="">Any</option>
            <For each={END_REASONS}>{(r) => <option value={r}>{r.replaceAll("_", " ")}</option>}</For>
          </select>
        </label>
        <label>
          Words <input name="text" data-testid="transcript-text" size="14" />
        </label>
        <button type="submit" data-testid="transcript-search">
          Find
        </button>
        <button type="button" disabled={chosen().size === 0} onClick={() => void exportChosen("text", [...chosen()])}>
          Export chosen as text
        </button>
        <button type="button" disabled={chosen().size === 0} data-testid="transcript-export-html" onClick={() => void exportChosen("html", [...chosen()])}>
          Export chosen as HTML
        </button>
      </form>
      <Show when={status()}>
        {(s) => (
          <p role={s().ok ? "status" : "alert"} class={s().ok ? "ok" : "error"} data-testid="transcript-status">
            {s().text}
          </p>
        )}
      </Show>
      <Show when={hits()}>
        {(list) => (
          <table class="board" data-testid="transcript-list" aria-label="Transcripts found">
            <thead>
              <tr>
                <th scope="col">
                  <span class="visually-hidden">Choose</span>
                </th>
                <th scope="col">Started</th>
                <th scope="col">Contact</th>
                <th scope="col">Channel</th>
                <th scope="col">Queue</th>
                <th scope="col">Agent</th>
                <th scope="col">End</th>
                <th scope="col">Disposition</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              <For each={list()} fallback={<tr><td colSpan={9} class="muted">No interaction matches.</td></tr>}>
                {(h) => (
                  <tr>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Choose ${h.contact_name}, ${when(h.started_at)}`}
                        checked={chosen().has(h.interaction_id)}
                        onChange={() => toggle(h.interaction_id)}
                      />
                    </td>
                    <td>{when(h.started_at)}</td>
                    <th scope="row">{h.contact_name}</th>
                    <td>{platformLabel[h.platform]}</td>
                    <td>{h.queue_name ?? "—"}</td>
                    <td>{h.agent ?? "—"}</td>
                    <td>{h.end_reason ? h.end_reason.replaceAll("_", " ") : "open"}</td>
                    <td>{h.disposition ?? "—"}</td>
                    <td>
                      <button type="button" data-testid="transcript-open" onClick={() => void read(h.interaction_id)}>
                        Read
                      </button>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        )}
      </Show>
      <Show when={open()}>
        {(t) => (
          <article class="transcript card" data-testid="transcript" aria-label={`Transcript of ${t().contact_name}`}>
            <header class="section-title">
              <h3>
                {t().contact_name} <span class="muted">· {platformLabel[t().platform]} · {t().channel_name}</span>
              </h3>
              <span>
                <button type="button" onClick={() => void exportChosen("text", [t().interaction_id])}>
                  Export as text
                </button>{" "}
                <button type="button" onClick={() => void exportChosen("html", [t().interaction_id])}>
                  Export as HTML
                </button>
              </span>
            </header>
            <h4>Timeline</h4>
            <ol class="timeline">
              <For each={t().timeline}>
                {(step) => (
                  <li>
                    <span class="muted">{when(step.at)}</span> {step.kind}
                    {step.actor ? ` by ${step.actor}` : ""}
                    {step.detail ? ` (${step.detail})` : ""}
                  </li>
                )}
              </For>
            </ol>
            <h4>Messages</h4>
            <For each={t().messages} fallback={<p class="muted">None kept: the retention purge removed their text.</p>}>
              {(m) => (
                <div class="transcript-message" classList={{ inbound: m.direction === "inbound" }}>
                  <span class="muted">
                    {when(m.created_at)} · {m.direction === "inbound" ? t().contact_name : m.author === "agent" ? (t().agent ?? "Agent") : "Automatic"}
                  </span>
                  <p>{m.body}</p>
                </div>
              )}
            </For>
          </article>
        )}
      </Show>
    </section>
  );
}
