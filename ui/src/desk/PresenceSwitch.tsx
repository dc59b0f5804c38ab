import { For } from "solid-js";
import { type MemberRecord, type Presence, presenceLabel } from "../lib/api";
import { since } from "./order";

const choices: Presence[] = ["available", "busy", "break", "offline"];

/** The agent's presence and time in it; only Available is offered new interactions. */
export function PresenceSwitch(props: { me: MemberRecord | null; now: number; onChange: (presence: Presence) => void }) {
  return (
    <label class="presence" title="Only Available receives new interactions; Offline hands yours back to their queues after the grace period">
      <span class={`presence-dot ${props.me?.presence ?? ""}`} aria-hidden="true" />
      <select
        aria-label="Your presence"
        data-testid="presence"
        value={props.me?.presence ?? "available"}
        onChange={(e) => props.onChange(e.currentTarget.value as Presence)}
      >
        <For each={choices}>{(p) => <option value={p}>{presenceLabel[p]}</option>}</For>
      </select>
      <span class="muted" data-testid="presence-since">
        {props.me ? inStatus(since(props.me.presence_since, props.now)) : ""}
      </span>
    </label>
  );
}

const inStatus = (time: string) => (time === "now" ? "just now" : `for ${time}`);
