import { createResource, createSignal, For, Show } from "solid-js";
import { type DeskApi, type WhatsappTemplate, errorMessage } from "../lib/api";

/** Outside WhatsApp's 24-hour window: choose an approved template, fill its variables, send. */
export function TemplatePicker(props: { api: DeskApi; sessionId: number; onSent: () => void }) {
  const [templates] = createResource(() => props.sessionId, (id) => props.api.whatsappTemplates(id));
  const [chosen, setChosen] = createSignal<WhatsappTemplate | null>(null);
  const [values, setValues] = createSignal<Record<string, string>>({});
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const preview = () => {
    const template = chosen();
    if (!template) return "";
    return template.variables.reduce(
      (text, name) => text.split(`{{${name}}}`).join(values()[name]?.trim() ? values()[name] : `{{${name}}}`),
      template.body,
    );
  };
  const complete = () => !!chosen() && chosen()!.variables.every((name) => values()[name]?.trim());

  async function send() {
    const template = chosen();
    if (!template || !complete()) return;
    setBusy(true);
    setError(null);
    try {
      await props.api.sessionSendTemplate(props.sessionId, template.sid, values());
      setChosen(null);
      setValues({});
      props.onSent();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="template-picker" data-testid="template-picker">
      <Show when={!templates.error} fallback={<p class="error" role="alert">{errorMessage(templates.error)}</p>}>
        <label>
          Template
          <select
            data-testid="template-select"
            disabled={templates.loading}
            onChange={(e) => {
              setChosen((templates() ?? []).find((t) => t.sid === e.currentTarget.value) ?? null);
              setValues({});
            }}
          >
            <option value="">
              {templates.loading
                ? "Loading templates…"
                : (templates() ?? []).length === 0
                  ? "No approved templates on this account"
                  : "Choose an approved template"}
            </option>
            <For each={templates() ?? []}>
              {(t) => (
                <option value={t.sid}>
                  {t.name} ({t.language})
                </option>
              )}
            </For>
          </select>
        </label>
        <Show when={chosen()}>
          {(template) => (
            <>
              <div class="row">
                <For each={template().variables}>
                  {(name) => (
                    <label>
                      {`{{${name}}}`}
                      <input
                        data-testid="template-variable"
                        value={values()[name] ?? ""}
                        onInput={(e) => setValues((v) => ({ ...v, [name]: e.currentTarget.value }))}
                      />
                    </label>
                  )}
                </For>
              </div>
              <p class="template-preview" data-testid="template-preview">{preview()}</p>
              <button
                type="button"
                class="send"
                data-testid="template-send"
                disabled={busy() || !complete()}
                onClick={() => void send()}
              >
                Send template
              </button>
            </>
          )}
        </Show>
      </Show>
      <Show when={error()}>
        <p class="error" role="alert">{error()}</p>
      </Show>
    </div>
  );
}
