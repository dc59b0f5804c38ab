import { createResource, createSignal, For, Show } from "solid-js";
import { errorMessage, type DeskApi } from "../lib/api";
import { applyTheme, savedTheme, type Theme } from "../lib/theme";

const THEMES: { value: Theme; label: string }[] = [
  { value: "system", label: "As the system" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];

/** What belongs to this computer rather than the team: starting with the session, the theme. */
export function Desktop(props: { api: DeskApi }) {
  const [autostart, { mutate }] = createResource(() => props.api.autostartGet());
  const [error, setError] = createSignal<string | null>(null);
  const [theme, setTheme] = createSignal<Theme>(savedTheme());

  async function toggleAutostart(box: HTMLInputElement) {
    const on = box.checked;
    setError(null);
    try {
      mutate(await props.api.autostartSet(on));
    } catch (failure) {
      setError(errorMessage(failure));
      // The box shows the setting as it is, not as it was clicked.
      mutate(!on);
      box.checked = !on;
    }
  }

  return (
    <section class="settings" aria-labelledby="desktop-heading">
      <header class="settings-header">
        <h2 id="desktop-heading">This desktop</h2>
      </header>
      <div class="settings-grid">
        <div class="card">
          <h3>Start of the day</h3>
          <label class="check-row">
            <input
              type="checkbox"
              data-testid="autostart"
              checked={autostart() ?? false}
              disabled={autostart.loading}
              onChange={(event) => void toggleAutostart(event.currentTarget)}
            />
            Start Switchboard when I sign in to this computer
          </label>
          <Show when={autostart.error || error()}>
            <p class="error" role="alert">{error() ?? errorMessage(autostart.error)}</p>
          </Show>
        </div>
        <fieldset class="card">
          <legend>Theme</legend>
          <For each={THEMES}>
            {(choice) => (
              <label class="check-row">
                <input
                  type="radio"
                  name="theme"
                  value={choice.value}
                  data-testid={`theme-${choice.value}`}
                  checked={theme() === choice.value}
                  onChange={() => {
                    setTheme(choice.value);
                    applyTheme(choice.value);
                  }}
                />
                {choice.label}
              </label>
            )}
          </For>
        </fieldset>
      </div>
    </section>
  );
}
