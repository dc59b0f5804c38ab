import { createSignal, For, Match, Show, Switch } from "solid-js";
import { type AttachmentRecord, type DeskApi, errorMessage } from "../lib/api";

/** "2.4 MB", "812 KB", "530 B". */
export function fileSize(bytes: number | null): string {
  if (bytes === null) return "";
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

const kindIcon: Record<AttachmentRecord["kind"], string> = { image: "🖼", video: "🎞", audio: "🎵", file: "📄" };

/** A message's files: raster images inline (from the cache, through the `media` protocol),
 * everything else as a chip with its name and size; each can be saved to Downloads. */
export function Attachments(props: { api: DeskApi; attachments: AttachmentRecord[] }) {
  const [saved, setSaved] = createSignal<{ id: number; text: string; error: boolean } | null>(null);
  async function save(file: AttachmentRecord) {
    try {
      const path = await props.api.attachmentSave(file.id);
      setSaved({ id: file.id, text: `Saved to ${path}`, error: false });
    } catch (error) {
      setSaved({ id: file.id, text: errorMessage(error), error: true });
    }
  }
  return (
    <ul class="attachments" aria-label="Files">
      <For each={props.attachments}>
        {(file) => (
          <li class="attachment" data-testid="attachment" data-state={file.state.kind}>
            <Show when={file.inline}>
              <img
                class="attachment-image"
                data-testid="attachment-image"
                src={props.api.mediaUrl(file.id)}
                alt={file.file_name}
                loading="lazy"
                decoding="async"
              />
            </Show>
            <span class="file-chip" classList={{ compact: file.inline }}>
              <span aria-hidden="true">{kindIcon[file.kind]}</span>
              {/* A customer's file name is text, like everything they send. */}
              <span class="file-name" title={file.file_name}>
                {file.file_name}
              </span>
              <span class="muted">{fileSize(file.size_bytes)}</span>
              <Switch>
                <Match when={file.state.kind === "ready"}>
                  <button
                    type="button"
                    class="link"
                    data-testid="attachment-save"
                    aria-label={`Save ${file.file_name} to Downloads`}
                    onClick={() => void save(file)}
                  >
                    Save
                  </button>
                </Match>
                <Match when={file.state.kind === "fetching"}>
                  <span class="muted">Downloading…</span>
                </Match>
                <Match when={file.state.kind === "unavailable"}>
                  <span class="error">{(file.state as { reason: string }).reason}</span>
                </Match>
              </Switch>
            </span>
            <Show when={saved()?.id === file.id}>
              <span class={saved()?.error ? "error" : "muted"} role="status" data-testid="attachment-saved">
                {saved()?.text}
              </span>
            </Show>
          </li>
        )}
      </For>
    </ul>
  );
}
