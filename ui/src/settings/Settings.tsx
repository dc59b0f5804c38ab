import { createResource, createSignal, Match, Switch } from "solid-js";
import type { DeskApi } from "../lib/api";
import { Routing } from "./Routing";
import { Canned } from "./Canned";
import { Channels } from "./Channels";
import { Desktop } from "./Desktop";
import { Team } from "./Team";

/** Settings in the main window: channels, routing, the canned responses agents use, the team, and this desktop's own. */
export function Settings(props: { api: DeskApi; onClose: () => void }) {
  const [tab, setTab] = createSignal<"channels" | "routing" | "canned" | "team" | "desktop">("channels");
  const [channels] = createResource(() => tab() === "routing", async () => (await props.api.channelList()).channels);
  return (
    <div class="settings-shell">
      <nav class="tabs" role="tablist" aria-label="Settings">
        <button type="button" role="tab" aria-selected={tab() === "channels"} data-testid="tab-channels" onClick={() => setTab("channels")}>
          Channels
        </button>
        <button type="button" role="tab" aria-selected={tab() === "routing"} data-testid="tab-routing" onClick={() => setTab("routing")}>
          Routing
        </button>
        <button type="button" role="tab" aria-selected={tab() === "canned"} data-testid="tab-canned" onClick={() => setTab("canned")}>
          Canned responses
        </button>
        <button type="button" role="tab" aria-selected={tab() === "team"} data-testid="tab-team" onClick={() => setTab("team")}>
          Team
        </button>
        <button type="button" role="tab" aria-selected={tab() === "desktop"} data-testid="tab-desktop" onClick={() => setTab("desktop")}>
          This desktop
        </button>
      </nav>
      <Switch>
        <Match when={tab() === "channels"}>
          <Channels api={props.api} onClose={props.onClose} />
        </Match>
        <Match when={tab() === "routing"}>
          <Routing api={props.api} channels={(channels() ?? []).filter((c) => c.state !== "disconnected")} />
        </Match>
        <Match when={tab() === "canned"}>
          <Canned api={props.api} onClose={props.onClose} />
        </Match>
        <Match when={tab() === "team"}>
          <Team api={props.api} />
        </Match>
        <Match when={tab() === "desktop"}>
          <Desktop api={props.api} />
        </Match>
      </Switch>
    </div>
  );
}
