import { createSignal, Show } from "solid-js";
import type { DeskApi } from "../lib/api";
import { Canned } from "./Canned";
import { Channels } from "./Channels";

/** Settings in the main window: channels, and the canned responses agents use. */
export function Settings(props: { api: DeskApi; onClose: () => void }) {
  const [tab, setTab] = createSignal<"channels" | "canned">("channels");
  return (
    <div class="settings-shell">
      <nav class="tabs" role="tablist" aria-label="Settings">
        <button type="button" role="tab" aria-selected={tab() === "channels"} data-testid="tab-channels" onClick={() => setTab("channels")}>
          Channels
        </button>
        <button type="button" role="tab" aria-selected={tab() === "canned"} data-testid="tab-canned" onClick={() => setTab("canned")}>
          Canned responses
        </button>
      </nav>
      <Show when={tab() === "channels"} fallback={<Canned api={props.api} onClose={props.onClose} />}>
        <Channels api={props.api} onClose={props.onClose} />
      </Show>
    </div>
  );
}
