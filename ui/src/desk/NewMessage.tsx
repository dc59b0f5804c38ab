import { createMemo, createSignal, For, Show } from "solid-js";
import { type ChannelRecord, type DeskApi, type SessionSummary, errorMessage, platformLabel } from "../lib/api";

/** Writing first to a number: by SMS, or by WhatsApp to someone who wrote before (the core
 * says why when it refuses). */
export function NewMessage(props: {
  api: DeskApi;
  channels: ChannelRecord[];
  onStarted: (session: SessionSummary) => void;
  onClose: () => void;
}) {
  const usable = createMemo(() =>
    props.channels.filter((c) => (c.platform === "sms" || c.platform === "whatsapp") && c.state !== "disconnected"),
  );
  const [channel, setChannel] = createSignal<number | null>(null);
  const [number, setNumber] = createSignal("");
  const [first, setFirst] = createSignal("");
  const [last, setLast] = createSignal("");
  const [text, setText] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const chosen = () => channel() ?? usable()[0]?.id ?? null;

  async function start() {
    const channelId = chosen();
    if (channelId === null) return;
    setBusy(true);
    setError(null);
    try {
      const session = await props.api.outboundStart({
        channel_id: channelId,
        number: number(),
        first_name: first().trim() || null,
        last_name: last().trim() || null,
        text: text(),
      });
      props.onStarted(session);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="modal-backdrop" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <form
        class="modal card"
        role="dialog"
        aria-modal="true"
        aria-label="New message"
        data-testid="new-message"
        onKeyDown={(e) => e.key === "Escape" && props.onClose()}
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <h3>New message</h3>
        <Show
          when={usable().length > 0}
          fallback={<p class="notice">Connect an SMS or WhatsApp number in Settings → Channels to write first.</p>}
        >
          <label>
            From
            <select data-testid="new-channel" onChange={(e) => setChannel(Number(e.currentTarget.value))}>
              <For each={usable()}>
                {(c) => (
                  <option value={c.id} selected={c.id === chosen()}>
                    {platformLabel[c.platform]} · {c.name} ({c.external_id})
                  </option>
                )}
              </For>
            </select>
          </label>
          <label>
            To (international format)
            <input
              data-testid="new-number"
              inputMode="tel"
              placeholder="+44 7700 900123"
              value={number()}
              ref={(el) => queueMicrotask(() => el.focus())}
              onInput={(e) => setNumber(e.currentTarget.value)}
            />
          </label>
          <div class="row">
            <label>
              First name (optional)
              <input data-testid="new-first" maxLength={100} value={first()} onInput={(e) => setFirst(e.currentTarget.value)} />
            </label>
            <label>
              Last name (optional)
              <input data-testid="new-last" maxLength={100} value={last()} onInput={(e) => setLast(e.currentTarget.value)} />
            </label>
          </div>
          <label>
            Message
            <textarea data-testid="new-text" value={text()} onInput={(e) => setText(e.currentTarget.value)} />
          </label>
        </Show>
        <Show when={error()}>
          <p class="error" role="alert" data-testid="new-error">{error()}</p>
        </Show>
        <div class="row">
          <button
            type="submit"
            class="primary"
            data-testid="new-send"
            disabled={busy() || chosen() === null || !number().trim() || !text().trim()}
          >
            {busy() ? "Sending…" : "Send"}
          </button>
          <button type="button" onClick={() => props.onClose()}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
