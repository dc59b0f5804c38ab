import { For } from "solid-js";

export const SHORTCUTS: [string, string][] = [
  ["?", "Show this sheet"],
  ["j / ↓", "Next session in the list"],
  ["k / ↑", "Previous session in the list"],
  ["Enter", "Open the highlighted session"],
  ["/", "Filter the list by name, number or reference"],
  ["r", "Write a reply"],
  ["Enter / Shift+Enter", "Send / new line (in the reply box)"],
  ["s", "Store or reopen the open session"],
  ["i", "Show or hide details"],
  ["n", "New SMS or WhatsApp message"],
  ["Ctrl+F", "Search all sessions"],
  ["Ctrl+Shift+M", "Open the supervisor's monitor"],
  ["Esc", "Close what is open"],
];

export function Shortcuts(props: { onClose: () => void }) {
  return (
    <div class="modal-backdrop" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div
        class="modal card"
        role="dialog"
        aria-modal="true"
        aria-label="Keyboard shortcuts"
        data-testid="shortcuts"
        tabindex="-1"
        ref={(el) => queueMicrotask(() => el.focus())}
        onKeyDown={(e) => (e.key === "Escape" || e.key === "?") && props.onClose()}
      >
        <h3>Keyboard shortcuts</h3>
        <table class="shortcuts">
          <tbody>
            <For each={SHORTCUTS}>
              {([keys, what]) => (
                <tr>
                  <td>
                    <kbd>{keys}</kbd>
                  </td>
                  <td>{what}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
        <button type="button" onClick={() => props.onClose()}>
          Close
        </button>
      </div>
    </div>
  );
}
