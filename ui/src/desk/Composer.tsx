import { createEffect, createSignal, For, Index, onCleanup, Show } from "solid-js";
import {
  type CannedResponse,
  type DeskApi,
  type SessionSummary,
  type UpdateTag,
  errorMessage,
  platformLabel,
  replyLimit,
  updateTags,
} from "../lib/api";
import { fileSize } from "./Attachments";
import { CannedPicker } from "./CannedPicker";
import { count } from "./counter";
import { EmojiPicker } from "./EmojiPicker";
import { TemplatePicker } from "./TemplatePicker";
import { replyWindow, windowLabel } from "./window";

const MAX_BUBBLES = 5;
const DRAFT_DELAY_MS = 400;

/** The reply box: one or more bubbles (a canned response may bring up to 5), sent in order.
 * Enter sends, Shift+Enter breaks the line. What is typed is kept as the session's draft
 * and stays until the core has saved the reply. */
export function Composer(props: {
  api: DeskApi;
  session: SessionSummary;
  now: number;
  onSend: (bubbles: string[], tag: UpdateTag | null) => Promise<unknown>;
  /** Text to edit (a failed reply's), taken over once. */
  edit?: string | null;
  onEdited?: () => void;
}) {
  const [bubbles, setBubbles] = createSignal<string[]>(props.session.draft?.length ? [...props.session.draft] : [""]);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [popover, setPopover] = createSignal<"canned" | "emoji" | null>(null);
  // Files checked by the core and waiting to go with the next send.
  const [files, setFiles] = createSignal<File[]>([]);
  const [dragging, setDragging] = createSignal(false);
  let picker: HTMLInputElement | undefined;
  // The bubble the caret was last in: emoji go there.
  let focused = 0;
  const inputs: HTMLTextAreaElement[] = [];

  // The draft is saved shortly after typing stops, and at once when the session changes.
  let pending: ReturnType<typeof setTimeout> | undefined;
  const saveDraft = () => {
    clearTimeout(pending);
    pending = undefined;
    void props.api.draftSave(props.session.id, bubbles()).catch(() => undefined);
  };
  const typed = (next: string[]) => {
    setBubbles(next);
    clearTimeout(pending);
    pending = setTimeout(saveDraft, DRAFT_DELAY_MS);
  };
  onCleanup(() => pending !== undefined && saveDraft());

  createEffect(() => {
    const edit = props.edit;
    if (edit != null) {
      typed([edit]);
      props.onEdited?.();
    }
  });

  const window = () => replyWindow(props.session, props.now);
  // Messenger after 24 h: HUMAN_AGENT (a person answering, 7 days), or — chosen explicitly, for
  // what it describes — one of the update tags Meta still documents.
  const [updateTag, setUpdateTag] = createSignal<UpdateTag | null>(null);
  const tagsOffered = () =>
    props.session.platform === "messenger" && props.session.last_inbound_at !== null && window().kind !== "open";
  const canWrite = () => window().kind === "open" || window().kind === "human_agent" || (tagsOffered() && updateTag() !== null);
  const counts = () => bubbles().map((b) => count(props.session.platform, b));
  const tooLong = () => counts().some((c) => c.over);
  const hasText = () => bubbles().some((b) => b.trim());
  const canSend = () => !busy() && canWrite() && (hasText() || files().length > 0) && !tooLong();

  /** Attaches files after the core has checked each (type, 25 MB, platform, window): a refused
   * one is named with the reason and not read at all. */
  async function attach(list: FileList | File[] | null | undefined) {
    setError(null);
    const refused: string[] = [];
    for (const file of Array.from(list ?? [])) {
      try {
        await props.api.attachmentCheck(props.session.id, file.name, file.size);
        setFiles((current) => [...current, file]);
      } catch (failure) {
        refused.push(errorMessage(failure));
      }
    }
    if (refused.length) setError(refused.join(" "));
  }

  async function send() {
    if (!canSend()) return;
    setBusy(true);
    setError(null);
    clearTimeout(pending);
    pending = undefined;
    try {
      if (hasText()) {
        await props.onSend(bubbles().filter((b) => b.trim()), tagsOffered() ? updateTag() : null);
        setBubbles([""]);
      }
      // Each file is its own message, kept by the core before it is sent.
      for (const file of files()) {
        await props.api.attachmentSend(props.session.id, file);
        setFiles((current) => current.filter((f) => f !== file));
      }
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  async function useCanned(canned: CannedResponse) {
    setPopover(null);
    try {
      const filled = await props.api.cannedExpand(props.session.id, canned.id);
      // Into an empty box it replaces; after typed text its bubbles follow.
      const typedSoFar = bubbles().filter((b) => b.trim());
      typed([...typedSoFar, ...filled].slice(0, MAX_BUBBLES));
      queueMicrotask(() => inputs[0]?.focus());
    } catch (failure) {
      setError(errorMessage(failure));
    }
  }

  function insertEmoji(emoji: string) {
    const i = Math.min(focused, bubbles().length - 1);
    const input = inputs[i];
    const text = bubbles()[i];
    const [start, end] = input ? [input.selectionStart, input.selectionEnd] : [text.length, text.length];
    const next = [...bubbles()];
    next[i] = text.slice(0, start) + emoji + text.slice(end);
    typed(next);
    queueMicrotask(() => {
      input?.focus();
      input?.setSelectionRange(start + emoji.length, start + emoji.length);
    });
  }

  return (
    <form
      class="composer"
      classList={{ dragging: dragging() }}
      aria-label="Reply"
      data-testid="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
      onDragOver={(e) => {
        if (!canWrite() || !e.dataTransfer?.types.includes("Files")) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        setDragging(false);
        if (!canWrite() || !e.dataTransfer?.files.length) return;
        e.preventDefault();
        void attach(e.dataTransfer.files);
      }}
    >
      <Show when={dragging()}>
        <p class="drop-hint" aria-hidden="true">
          Drop to attach
        </p>
      </Show>
      <p class={`window-indicator ${window().kind}`} data-testid="window-indicator" role="status">
        {windowLabel(window(), props.now)}
        <Show when={window().kind === "human_agent" && updateTag() === null}>
          <span class="muted"> · sent with the HUMAN_AGENT tag</span>
        </Show>
      </p>
      <Show when={tagsOffered()}>
        <label class="tag-choice">
          Send as{" "}
          <select
            data-testid="update-tag"
            value={updateTag() ?? ""}
            onChange={(e) => setUpdateTag((e.currentTarget.value || null) as UpdateTag | null)}
          >
            <option value="">
              {window().kind === "human_agent" ? "HUMAN_AGENT: a person answering (up to 7 days)" : "Choose an update tag…"}
            </option>
            <For each={updateTags}>{([tag, description]) => <option value={tag}>{tag}: {description}</option>}</For>
          </select>
        </label>
        <Show when={updateTag()}>
          {(tag) => (
            <p class="muted tag-rule" data-testid="update-tag-rule">
              Only for {updateTags.find(([t]) => t === tag())?.[1]}. Promotions are against Meta's policy and can get the page restricted.
            </p>
          )}
        </Show>
      </Show>
      <Show when={window().kind === "template_only"}>
        <TemplatePicker api={props.api} sessionId={props.session.id} onSent={() => setError(null)} />
      </Show>
      <Show when={canWrite()}>
        <Index each={bubbles()}>
          {(text, i) => (
            <div class="bubble-input">
              <textarea
                ref={(el) => (inputs[i] = el)}
                data-testid="composer-input"
                aria-label={bubbles().length > 1 ? `Reply, bubble ${i + 1} of ${bubbles().length}` : "Reply"}
                placeholder={`Reply on ${platformLabel[props.session.platform]} — Enter to send, Shift+Enter for a new line`}
                value={text()}
                onFocus={() => (focused = i)}
                onInput={(e) => {
                  const next = [...bubbles()];
                  next[i] = e.currentTarget.value;
                  typed(next);
                }}
                onKeyDown={(e) => {
                  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
                    e.preventDefault();
                    void send();
                  }
                }}
              />
              <Show when={bubbles().length > 1}>
                <button
                  type="button"
                  class="icon"
                  aria-label={`Remove bubble ${i + 1}`}
                  title="Remove this bubble"
                  onClick={() => typed(bubbles().filter((_, j) => j !== i))}
                >
                  ✕
                </button>
              </Show>
            </div>
          )}
        </Index>
      </Show>
      <Show when={files().length > 0}>
        <ul class="staged-files" aria-label="Files to send">
          <For each={files()}>
            {(file) => (
              <li class="file-chip" data-testid="staged-file">
                <span class="file-name">{file.name}</span>
                <span class="muted">{fileSize(file.size)}</span>
                <button
                  type="button"
                  class="icon"
                  aria-label={`Remove ${file.name}`}
                  onClick={() => setFiles((current) => current.filter((f) => f !== file))}
                >
                  ✕
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <div class="composer-bar">
        <Show when={canWrite()}>
          <input
            ref={picker}
            type="file"
            multiple
            hidden
            data-testid="attach-input"
            accept=".png,.jpg,.jpeg,.gif,.mp4,.mov,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.csv"
            onChange={(e) => {
              void attach(e.currentTarget.files);
              e.currentTarget.value = "";
            }}
          />
          <button
            type="button"
            class="tool"
            data-testid="attach-open"
            aria-label="Attach files"
            title="Attach files (or drop them here) — images, videos, documents up to 25 MB"
            onClick={() => picker?.click()}
          >
            📎
          </button>
          <button
            type="button"
            class="tool"
            aria-haspopup="dialog"
            aria-expanded={popover() === "canned"}
            data-testid="canned-open"
            title="Canned responses"
            onClick={() => setPopover((p) => (p === "canned" ? null : "canned"))}
          >
            Canned
          </button>
          <button
            type="button"
            class="tool"
            aria-haspopup="dialog"
            aria-expanded={popover() === "emoji"}
            data-testid="emoji-open"
            aria-label="Emoji"
            title="Emoji"
            onClick={() => setPopover((p) => (p === "emoji" ? null : "emoji"))}
          >
            😊
          </button>
        </Show>
        <Show when={canWrite()}>
          <span class="counter" classList={{ over: tooLong() }} data-testid="composer-counter">
            <For each={counts()}>
              {(c, i) => (
                <span>
                  {counts().length > 1 ? `${i() + 1}: ` : ""}
                  {c.characters} / {c.limit}
                  {c.segments ? ` · ${c.segments}` : ""}
                </span>
              )}
            </For>
          </span>
        </Show>
        <Show when={tooLong()}>
          <span class="error" role="alert">
            {platformLabel[props.session.platform]} accepts at most {replyLimit[props.session.platform]} characters per message.
          </span>
        </Show>
        <Show when={error()}>
          <span class="error" role="alert">{error()}</span>
        </Show>
        <Show when={canWrite()}>
          <button type="submit" class="send" data-testid="composer-send" disabled={!canSend()}>
            {sendLabel(bubbles().filter((b) => b.trim()).length, files().length)}
          </button>
        </Show>
      </div>
      <Show when={popover() === "canned"}>
        <CannedPicker api={props.api} onPick={(c) => void useCanned(c)} onClose={() => setPopover(null)} />
      </Show>
      <Show when={popover() === "emoji"}>
        <EmojiPicker onPick={insertEmoji} onClose={() => setPopover(null)} />
      </Show>
    </form>
  );
}

function sendLabel(texts: number, files: number): string {
  if (files === 0) return texts > 1 ? `Send ${texts}` : "Send";
  const fileWord = files === 1 ? "1 file" : `${files} files`;
  return texts === 0 ? `Send ${fileWord}` : `Send ${texts > 1 ? `${texts} + ` : "+ "}${fileWord}`;
}
