import { For } from "solid-js";
import { type ChannelRecord, platformLabel } from "../lib/api";

/** A channel `<select>`'s options: "All channels", then each channel by platform and name. */
export function ChannelOptions(props: { channels: ChannelRecord[] }) {
  return (
    <>
      <option value="">All channels</option>
      <For each={props.channels}>
        {(c) => (
          <option value={c.id}>
            {platformLabel[c.platform]} · {c.name}
          </option>
        )}
      </For>
    </>
  );
}
