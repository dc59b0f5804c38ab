import { createResource, createSignal, Show } from "solid-js";
import type { CrmHookStatus, DeskApi } from "../lib/api";
import { errorMessage } from "../lib/api";

/**
 * The transcript-to-CRM hook (admins): each ended interaction's transcript goes as JSON to this
 * HTTPS address, signed with HMAC-SHA256; the secret is shown once, when the address is set.
 */
export function CrmHook(props: { api: DeskApi }) {
  const [status, { mutate }] = createResource(() => props.api.crmHookGet());
  const [message, setMessage] = createSignal<{ ok: boolean; text: string } | null>(null);
  const [secret, setSecret] = createSignal<string | null>(null);
  let input!: HTMLInputElement;
  const save = async (url: string | null) => {
    try {
      const saved: CrmHookStatus = await props.api.crmHookSet(url);
      mutate(saved);
      setSecret(saved.secret);
      setMessage({ ok: true, text: url ? "The hook is set." : "The hook is removed." });
    } catch (error) {
      setMessage({ ok: false, text: errorMessage(error) });
    }
  };
  return (
    <form class="card" data-testid="crm-hook" onSubmit={(e) => (e.preventDefault(), void save(input.value))}>
      <h3>Transcripts to your CRM</h3>
      <p class="muted">
        When an interaction ends, its transcript is sent as JSON to this address, with the header X-Switchboard-Signature:
        sha256=HMAC of the body under the secret shown when you set it. Failed deliveries are retried for about a day.
      </p>
      <label>
        Address (https://)
        <input ref={input} type="url" name="url" value={status()?.url ?? ""} placeholder="https://crm.example.com/hooks/switchboard" />
      </label>
      <button type="submit">Set</button>{" "}
      <Show when={status()?.url}>
        <button type="button" onClick={() => void save(null)}>
          Remove
        </button>
      </Show>
      <Show when={status()}>
        {(s) => (
          <p class="muted" data-testid="crm-status">
            Delivered {s().delivered} · waiting {s().waiting} · given up {s().given_up}
            {s().last_error ? ` · last error: ${s().last_error}` : ""}
          </p>
        )}
      </Show>
      <Show when={secret()}>
        {(value) => (
          <p role="status" data-testid="crm-secret">
            Signing secret (shown once — give it to the receiver): <code>{value()}</code>
          </p>
        )}
      </Show>
      <Show when={message()}>
        {(m) => (
          <p role={m().ok ? "status" : "alert"} class={m().ok ? "ok" : "error"}>
            {m().text}
          </p>
        )}
      </Show>
    </form>
  );
}
