import { createResource, createSignal, For, Show } from "solid-js";
import type { AlertThresholds, DeskApi, QueueView } from "../lib/api";
import { errorMessage } from "../lib/api";

const NONE: AlertThresholds = {
  service_level_below: null,
  longest_wait_above: null,
  waiting_above: null,
  chat_time_above: null,
  unanswered_past_target: false,
};

/** An empty field is "not watched"; anything else a whole number. */
function number(value: string): number | null {
  const trimmed = value.trim();
  return trimmed === "" ? null : Math.round(Number(trimmed));
}

/**
 * Settings → Alerts, for supervisors: each queue's limits. A breach shows on the monitor's banner
 * and raises one notification; it clears when back within.
 */
export function Alerts(props: { api: DeskApi }) {
  const [queues] = createResource(() => props.api.queueViews());
  const [limits, { refetch }] = createResource(() => props.api.alertThresholdsGet());
  return (
    <section class="settings-panel" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts</h2>
      <p class="muted">
        A limit crossed shows on the monitor's banner and raises one desktop notification; it clears when back within.
        Leave a field empty not to watch it.
      </p>
      <Show when={queues() && limits()}>
        <For each={queues()}>
          {(queue) => <QueueLimits api={props.api} queue={queue} limits={limits()?.[queue.id] ?? NONE} saved={() => void refetch()} />}
        </For>
      </Show>
    </section>
  );
}

function QueueLimits(props: { api: DeskApi; queue: QueueView; limits: AlertThresholds; saved: () => void }) {
  const [status, setStatus] = createSignal<{ ok: boolean; text: string } | null>(null);
  let form!: HTMLFormElement;
  const save = async (e: Event) => {
    e.preventDefault();
    const field = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    const thresholds: AlertThresholds = {
      service_level_below: number(field("service_level_below")),
      longest_wait_above: number(field("longest_wait_above")),
      waiting_above: number(field("waiting_above")),
      chat_time_above: number(field("chat_time_above")),
      unanswered_past_target: (form.elements.namedItem("unanswered_past_target") as HTMLInputElement).checked,
    };
    try {
      await props.api.alertThresholdsSet(props.queue.id, thresholds);
      setStatus({ ok: true, text: "Limits saved" });
      props.saved();
    } catch (error) {
      setStatus({ ok: false, text: errorMessage(error) });
    }
  };
  const value = (n: number | null) => (n === null ? "" : String(n));
  return (
    <form ref={form} class="card alert-limits" data-testid="alert-limits" data-queue={props.queue.id} onSubmit={(e) => void save(e)}>
      <h3>
        {props.queue.name} <span class="muted">· {props.queue.channel_name}</span>
      </h3>
      <label>
        Service level below (%)
        <input name="service_level_below" type="number" min="1" max="100" value={value(props.limits.service_level_below)} />
      </label>
      <label>
        Longest wait above (seconds)
        <input name="longest_wait_above" type="number" min="1" max="86400" value={value(props.limits.longest_wait_above)} />
      </label>
      <label>
        Waiting above (customers)
        <input name="waiting_above" type="number" min="0" max="10000" value={value(props.limits.waiting_above)} />
      </label>
      <label>
        An agent's chat above (seconds)
        <input name="chat_time_above" type="number" min="1" max="86400" value={value(props.limits.chat_time_above)} />
      </label>
      <label class="check">
        <input name="unanswered_past_target" type="checkbox" checked={props.limits.unanswered_past_target} />
        A customer unanswered past the queue's target response time
      </label>
      <button type="submit" data-testid="alert-limits-save">
        Save
      </button>
      <Show when={status()}>
        {(s) => (
          <p role={s().ok ? "status" : "alert"} class={s().ok ? "ok" : "error"}>
            {s().text}
          </p>
        )}
      </Show>
    </form>
  );
}
