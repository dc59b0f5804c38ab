import { createMemo, createResource, createSignal, For, Show } from "solid-js";

interface Emoji {
  emoji: string;
  annotation: string;
  group?: number;
  shortcodes?: string[];
  tags?: string[];
}

// Emojibase's groups, in its order (group 2, components such as skin tones, is left out).
const GROUPS: { id: number; label: string; icon: string }[] = [
  { id: 0, label: "Smileys & emotion", icon: "😀" },
  { id: 1, label: "People & body", icon: "👋" },
  { id: 3, label: "Animals & nature", icon: "🐻" },
  { id: 4, label: "Food & drink", icon: "🍔" },
  { id: 5, label: "Travel & places", icon: "🚲" },
  { id: 6, label: "Activities", icon: "⚽" },
  { id: 7, label: "Objects", icon: "💡" },
  { id: 8, label: "Symbols", icon: "❤️" },
  { id: 9, label: "Flags", icon: "🏁" },
];

// The data (Emojibase, 1,900 emoji) loads with the first opening, not with the app.
const loadEmoji = () =>
  import("emoji-picker-element-data/en/emojibase/data.json").then((m) => m.default as unknown as Emoji[]);

/** An emoji grid with groups and search; picking one hands it to `onPick`. */
export function EmojiPicker(props: { onPick: (emoji: string) => void; onClose: () => void }) {
  const [all] = createResource(loadEmoji);
  const [group, setGroup] = createSignal(0);
  const [query, setQuery] = createSignal("");
  const shown = createMemo(() => {
    const list = all() ?? [];
    const q = query().trim().toLowerCase();
    if (!q) return list.filter((e) => e.group === group());
    return list
      .filter(
        (e) =>
          e.annotation.includes(q) ||
          e.shortcodes?.some((s) => s.includes(q)) ||
          e.tags?.some((t) => t.startsWith(q)),
      )
      .slice(0, 120);
  });
  return (
    <div
      class="popover emoji-picker"
      role="dialog"
      aria-label="Emoji"
      data-testid="emoji-picker"
      onKeyDown={(e) => e.key === "Escape" && props.onClose()}
    >
      <input
        type="search"
        placeholder="Search emoji"
        aria-label="Search emoji"
        value={query()}
        onInput={(e) => setQuery(e.currentTarget.value)}
        ref={(el) => queueMicrotask(() => el.focus())}
      />
      <Show when={!query()}>
        <div class="emoji-groups" role="tablist">
          <For each={GROUPS}>
            {(g) => (
              <button
                type="button"
                role="tab"
                aria-selected={group() === g.id}
                title={g.label}
                aria-label={g.label}
                onClick={() => setGroup(g.id)}
              >
                {g.icon}
              </button>
            )}
          </For>
        </div>
      </Show>
      <Show when={!all.loading} fallback={<p class="muted">Loading emoji…</p>}>
        <div class="emoji-grid">
          <For each={shown()} fallback={<p class="muted">No emoji match “{query()}”.</p>}>
            {(e) => (
              <button type="button" title={e.annotation} aria-label={e.annotation} onClick={() => props.onPick(e.emoji)}>
                {e.emoji}
              </button>
            )}
          </For>
        </div>
      </Show>
    </div>
  );
}
