import { createEffect, createSignal, Show } from "solid-js";
import { type Platform, errorMessage, platformLabel, replyLimit } from "../lib/api";

/** The reply box: Enter sends, Shift+Enter breaks the line; the text stays until it is saved. */
export function Composer(props: {
  platform: Platform;
  onSend: (text: string) => Promise<unknown>;
  /** Text to edit (a failed reply's), taken over once. */
  edit?: string | null;
  onEdited?: () => void;
}) {
  const [text, setText] = createSignal("");
  createEffect(() => {
    const edit = props.edit;
    if (edit != null) {
      setText(edit);
      props.onEdited?.();
    }
  });
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const length = () => Array.from(text()).length;
  const limit = () => replyLimit[props.platform];
  const tooLong = () => length() > limit();
  const canSend = () => !busy() && text().trim().length > 0 && !tooLong();

  async function send() {
    if (!canSend()) return;
    setBusy(true);
    setError(null);
    try {
      await props.onSend(text());
      setText("");
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <textarea
        data-testid="composer-input"
        aria-label="Reply"
        placeholder={`Reply on ${platformLabel[props.platform]} — Enter to send, Shift+Enter for a new line`}
        value={text()}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            void send();
          }
        }}
      />
      <div class="composer-bar">
        <span class="counter" classList={{ over: tooLong() }} data-testid="composer-counter">
          {length()} / {limit()}
        </span>
        <Show when={tooLong()}>
          <span class="error" role="alert">
            {platformLabel[props.platform]} accepts at most {limit()} characters.
          </span>
        </Show>
        <Show when={error()}>
          <span class="error" role="alert">{error()}</span>
        </Show>
        <button type="submit" data-testid="composer-send" disabled={!canSend()}>
          Send
        </button>
      </div>
    </form>
  );
}
