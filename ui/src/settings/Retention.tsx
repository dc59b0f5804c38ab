import { createResource, createSignal, Show } from "solid-js";
import type { DeskApi } from "../lib/api";
import { errorMessage } from "../lib/api";
import { CrmHook } from "./CrmHook";

/**
 * Settings → Retention (admins): how long messages are kept (30 days and the newest 30 of each
 * session by default, as the platforms' terms ask), and how long the interactions' figures stay
 * for reports after their text is gone. Solo, it is this desktop's cache; in a team it is the
 * organisation's setting, which the team's database and every replica follow.
 */
export function Retention(props: { api: DeskApi }) {
  const [policy, { mutate }] = createResource(() => props.api.retentionGet());
  const [status, setStatus] = createSignal<{ ok: boolean; text: string } | null>(null);
  let form!: HTMLFormElement;
  const value = (name: string) => Number((form.elements.namedItem(name) as HTMLInputElement).value);
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      const saved = await props.api.retentionSet(value("max_age_days"), value("max_messages_per_session"), value("report_days"));
      mutate(saved);
      setStatus({ ok: true, text: "Retention saved: the next purge applies it." });
    } catch (error) {
      setStatus({ ok: false, text: errorMessage(error) });
    }
  };
  return (
    <section class="settings-panel" aria-labelledby="retention-title">
      <h2 id="retention-title">Retention</h2>
      <Show when={policy()}>
        {(p) => (
          <form ref={form} class="card" data-testid="retention-form" onSubmit={(e) => void save(e)}>
            <label>
              Keep messages for (days)
              <input name="max_age_days" type="number" min="1" max="3650" value={p().max_age_days} />
            </label>
            <label>
              Keep at most this many messages of each session
              <input name="max_messages_per_session" type="number" min="1" max="100000" value={p().max_messages_per_session} />
            </label>
            <label>
              Keep transcripts for reports (days) — each interaction with its timeline and figures: when a customer was queued,
              taken, answered and ended, by whom; what was said goes with the messages above
              <input name="report_days" type="number" min="31" max="3650" value={p().report_days} />
            </label>
            <button type="submit" data-testid="retention-save">
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
        )}
      </Show>
      <CrmHook api={props.api} />
    </section>
  );
}
