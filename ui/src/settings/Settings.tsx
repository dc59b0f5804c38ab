import { createResource, createSignal, Match, Show, Switch } from "solid-js";
import type { DeskApi } from "../lib/api";
import { Routing } from "./Routing";
import { Canned } from "./Canned";
import { Channels } from "./Channels";
import { Desktop } from "./Desktop";
import { Team } from "./Team";
import { Alerts } from "./Alerts";
import { Retention } from "./Retention";

/**
 * Settings in the main window: channels, routing, the canned responses agents use, the team, and
 * this desktop's own. In a team, channels and routing are an admin's: other members do not see
 * those tabs (the team's database would refuse their changes anyway).
 */
export function Settings(props: { api: DeskApi; onClose: () => void }) {
  const [team] = createResource(() => props.api.teamGet().catch(() => null));
  const admin = () => {
    const info = team();
    return info === null || (info !== undefined && info.roles.includes("admin"));
  };
  const supervisor = () => {
    const info = team();
    return info === null || (info !== undefined && info.roles.includes("supervisor"));
  };
  const [chosen, setTab] = createSignal<"channels" | "routing" | "retention" | "alerts" | "canned" | "team" | "desktop">("channels");
  const tab = () => {
    const want = chosen();
    if (!admin() && (want === "channels" || want === "routing" || want === "retention")) return "team";
    if (!supervisor() && want === "alerts") return "team";
    return want;
  };
  const [channels] = createResource(() => tab() === "routing", async () => (await props.api.channelList()).channels);
  return (
    <div class="settings-shell">
      <nav class="tabs" role="tablist" aria-label="Settings">
        <Show when={admin()}>
          <button type="button" role="tab" aria-selected={tab() === "channels"} data-testid="tab-channels" onClick={() => setTab("channels")}>
            Channels
          </button>
          <button type="button" role="tab" aria-selected={tab() === "routing"} data-testid="tab-routing" onClick={() => setTab("routing")}>
            Routing
          </button>
          <button type="button" role="tab" aria-selected={tab() === "retention"} data-testid="tab-retention" onClick={() => setTab("retention")}>
            Retention
          </button>
        </Show>
        <Show when={supervisor()}>
          <button type="button" role="tab" aria-selected={tab() === "alerts"} data-testid="tab-alerts" onClick={() => setTab("alerts")}>
            Alerts
          </button>
        </Show>
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
        <Match when={tab() === "retention"}>
          <Retention api={props.api} />
        </Match>
        <Match when={tab() === "alerts"}>
          <Alerts api={props.api} />
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
