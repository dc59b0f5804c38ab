import { createResource, createSignal, For, Show } from "solid-js";
import { type DeskApi, type SessionSummary, errorMessage } from "../lib/api";
import { since } from "./order";

/** How late the agent's answer is against the queue's target: amber at it, red past it. */
export function responseCue(session: SessionSummary, now: number): "" | "amber" | "red" {
  const target = session.interaction?.target_response_seconds;
  if (!target || !session.awaiting_since) return "";
  const waited = (now - Date.parse(session.awaiting_since)) / 1000;
  if (waited > target) return "red";
  return waited >= target * 0.8 ? "amber" : "";
}

const stateLabel = {
  selecting: "Choosing from the menu",
  queued: "Waiting in",
  assigned: "With",
  held: "On hold with",
} as const;

/**
 * Where the session's open interaction is, and what the agent may do with it: pick up, hold or
 * resume, transfer (to a queue or one of its agents, with a note), end with a disposition, dismiss.
 */
export function InteractionBar(props: { api: DeskApi; session: SessionSummary; me: string; now: number }) {
  const [panel, setPanel] = createSignal<"transfer" | "end" | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const interaction = () => props.session.interaction;
  const mine = () => interaction()?.agent === props.me;
  async function run(action: () => Promise<unknown>) {
    setError(null);
    setBusy(true);
    try {
      await action();
      setPanel(null);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }
  const id = () => props.session.id;
  return (
    <Show when={interaction()}>
      {(open) => (
        <div class="interaction-bar" data-testid="interaction-bar" data-state={open().state}>
          <span class="interaction-where" data-testid="interaction-where">
            <span class={`chip ${open().state}`}>{open().state}</span>{" "}
            {open().state === "selecting"
              ? stateLabel.selecting
              : open().state === "queued"
                ? `${stateLabel.queued} ${open().queue_name ?? "no queue"}`
                : `${stateLabel[open().state]} ${open().agent === props.me ? "you" : open().agent}${open().queue_name ? ` · ${open().queue_name}` : ""}`}
            <Show when={props.session.awaiting_since}>
              {(at) => (
                <span class={`response-cue ${responseCue(props.session, props.now)}`} data-testid="response-cue">
                  {" "}· waiting {since(at(), props.now)}
                </span>
              )}
            </Show>
          </span>
          <span class="interaction-actions">
            <Show when={open().state === "queued" || open().state === "selecting" || (!mine() && open().agent === null)}>
              <button type="button" data-testid="interaction-pick-up" disabled={busy()} onClick={() => void run(() => props.api.interactionPickUp(id()))}>
                Pick up
              </button>
            </Show>
            <Show when={mine() && open().state === "assigned"}>
              <button type="button" data-testid="interaction-hold" disabled={busy()} onClick={() => void run(() => props.api.interactionHold(id()))}>
                Hold
              </button>
            </Show>
            <Show when={mine() && open().state === "held"}>
              <button type="button" data-testid="interaction-resume" disabled={busy()} onClick={() => void run(() => props.api.interactionResume(id()))}>
                Resume
              </button>
            </Show>
            <Show when={open().state !== "selecting"}>
              <button type="button" data-testid="interaction-transfer" aria-expanded={panel() === "transfer"} onClick={() => setPanel(panel() === "transfer" ? null : "transfer")}>
                Transfer…
              </button>
            </Show>
            <Show when={mine()}>
              <button
                type="button"
                data-testid="interaction-dismiss"
                classList={{ cue: open().dismiss_cue }}
                title={open().dismiss_cue ? "The customer has gone quiet: dismiss the chat" : "Dismiss: the customer is no longer there"}
                disabled={busy()}
                onClick={() => void run(() => props.api.interactionDismiss(id()))}
              >
                Dismiss
              </button>
              <button type="button" data-testid="interaction-end" aria-expanded={panel() === "end"} onClick={() => setPanel(panel() === "end" ? null : "end")}>
                End…
              </button>
            </Show>
          </span>
          <Show when={panel() === "transfer"}>
            <Transfer api={props.api} session={props.session} busy={busy()} onTransfer={(q, a, n) => run(() => props.api.interactionTransfer(id(), q, a, n))} />
          </Show>
          <Show when={panel() === "end"}>
            <End api={props.api} busy={busy()} onEnd={(d) => run(() => props.api.interactionEnd(id(), d))} />
          </Show>
          <Show when={error()}>
            <p class="error" role="alert" data-testid="interaction-error">{error()}</p>
          </Show>
        </div>
      )}
    </Show>
  );
}

function Transfer(props: {
  api: DeskApi;
  session: SessionSummary;
  busy: boolean;
  onTransfer: (queueId: number, agent: string | null, note: string | null) => Promise<unknown>;
}) {
  const [routing] = createResource(() => props.session.channel_id, (channel) => props.api.routingGet(channel));
  const leaves = () => {
    const queues = routing()?.queues ?? [];
    return queues.filter((q) => !queues.some((c) => c.parent_id === q.id));
  };
  const [queueId, setQueueId] = createSignal<number | null>(null);
  const [agent, setAgent] = createSignal("");
  const [note, setNote] = createSignal("");
  const chosen = () => leaves().find((q) => q.id === (queueId() ?? leaves()[0]?.id));
  return (
    <form
      class="inline-panel"
      data-testid="transfer-panel"
      onSubmit={(e) => {
        e.preventDefault();
        const queue = chosen();
        if (queue) void props.onTransfer(queue.id, agent() || null, note().trim() || null);
      }}
    >
      <label>
        Queue
        <select data-testid="transfer-queue" onChange={(e) => setQueueId(Number(e.currentTarget.value))}>
          <For each={leaves()}>{(q) => <option value={q.id}>{q.name}{q.members.length === 0 ? " (not ready: no agent)" : ""}</option>}</For>
        </select>
      </label>
      <label>
        Agent
        <select data-testid="transfer-agent" onChange={(e) => setAgent(e.currentTarget.value)}>
          <option value="">Anyone in the queue</option>
          <For each={chosen()?.members ?? []}>{(m) => <option value={m}>{m}</option>}</For>
        </select>
      </label>
      <label class="grow">
        Note
        <input data-testid="transfer-note" maxLength={500} placeholder="What the next agent should know" onInput={(e) => setNote(e.currentTarget.value)} />
      </label>
      <button type="submit" data-testid="transfer-confirm" disabled={props.busy || !chosen()}>
        Transfer
      </button>
    </form>
  );
}

function End(props: { api: DeskApi; busy: boolean; onEnd: (disposition: string | null) => Promise<unknown> }) {
  const [dispositions] = createResource(() => props.api.dispositionsList());
  const [choice, setChoice] = createSignal("");
  return (
    <form
      class="inline-panel"
      data-testid="end-panel"
      onSubmit={(e) => {
        e.preventDefault();
        void props.onEnd(choice() || null);
      }}
    >
      <label>
        Disposition
        <select data-testid="end-disposition" onChange={(e) => setChoice(e.currentTarget.value)}>
          <option value="">None</option>
          <For each={dispositions() ?? []}>{(d) => <option value={d}>{d}</option>}</For>
        </select>
      </label>
      <button type="submit" data-testid="end-confirm" disabled={props.busy}>
        End interaction
      </button>
    </form>
  );
}
