import { createMemo, createResource, createSignal, For, Show } from "solid-js";
import { type CannedResponse, type DeskApi, errorMessage } from "../lib/api";

/** Searchable canned responses; choosing one hands it to `onPick`. */
export function CannedPicker(props: { api: DeskApi; onPick: (canned: CannedResponse) => void; onClose: () => void }) {
  const [all] = createResource(() => props.api.cannedList());
  const [query, setQuery] = createSignal("");
  const [active, setActive] = createSignal(0);
  const shown = createMemo(() => {
    const q = query().trim().toLowerCase();
    const list = all() ?? [];
    return q
      ? list.filter((c) => c.title.toLowerCase().includes(q) || c.bubbles.some((b) => b.toLowerCase().includes(q)))
      : list;
  });
  return (
    <div class="popover canned-picker" role="dialog" aria-label="Canned responses" data-testid="canned-picker">
      <input
        type="search"
        placeholder="Search canned responses"
        aria-label="Search canned responses"
        value={query()}
        ref={(el) => queueMicrotask(() => el.focus())}
        onInput={(e) => {
          setQuery(e.currentTarget.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") setActive((i) => Math.min(i + 1, shown().length - 1));
          else if (e.key === "ArrowUp") setActive((i) => Math.max(i - 1, 0));
          else if (e.key === "Enter") {
            const chosen = shown()[active()];
            if (chosen) props.onPick(chosen);
          } else if (e.key === "Escape") props.onClose();
          else return;
          e.preventDefault();
        }}
      />
      <Show when={!all.error} fallback={<p class="error">{errorMessage(all.error)}</p>}>
        {/* A listbox holds options only: the empty state is said beside it. */}
        <Show
          when={shown().length > 0}
          fallback={
            <p class="muted" role="status">
              {all.loading
                ? "Loading…"
                : (all() ?? []).length === 0
                  ? "No canned responses yet: an admin adds them in Settings → Canned responses."
                  : `Nothing matches “${query()}”.`}
            </p>
          }
        >
          <ul class="canned-list" role="listbox" aria-label="Canned responses">
            <For each={shown()}>
              {(canned, i) => (
                <li
                  role="option"
                  aria-selected={i() === active()}
                  classList={{ active: i() === active() }}
                  data-testid="canned-option"
                  onMouseEnter={() => setActive(i())}
                  onClick={() => props.onPick(canned)}
                >
                  <strong>{canned.title}</strong>
                  <span class="muted">
                    {canned.bubbles[0]}
                    {canned.bubbles.length > 1 ? ` (+${canned.bubbles.length - 1} more)` : ""}
                  </span>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
    </div>
  );
}
