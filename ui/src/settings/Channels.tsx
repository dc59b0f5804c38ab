import { createSignal, For, onCleanup, onMount, Show } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import {
  type ChannelHealth,
  type ChannelRecord,
  type DeskApi,
  type LoginFinished,
  type LoginPurpose,
  type TwilioNumber,
  errorMessage,
  platformLabel,
} from "../lib/api";

const stateLabel: Record<ChannelRecord["state"], string> = {
  connected: "Connected",
  expired: "Connection expired",
  disconnected: "Disconnected",
};

/** Settings → Channels: every channel and its state; connect, reauthorize, disconnect. */
export function Channels(props: { api: DeskApi; onClose: () => void }) {
  const [channels, setChannels] = createStore<Record<number, ChannelRecord>>({});
  const [warnings, setWarnings] = createStore<Record<number, string>>({});
  const [health, setHealth] = createStore<Record<number, ChannelHealth>>({});
  const [now, setNow] = createSignal(Date.now());
  const [error, setError] = createSignal<string | null>(null);
  const [notice, setNotice] = createSignal<string | null>(null);
  const [login, setLogin] = createSignal<Extract<LoginFinished, { kind: "pages" }> | null>(null);
  const [chosen, setChosen] = createSignal<string[]>([]);
  const [confirming, setConfirming] = createSignal<number | null>(null);
  const [appId, setAppId] = createSignal("");
  const [appSecret, setAppSecret] = createSignal("");
  const [sid, setSid] = createSignal("");
  const [token, setToken] = createSignal("");
  const [numbers, setNumbers] = createSignal<TwilioNumber[] | null>(null);
  const [number, setNumber] = createSignal("");
  const [whatsapp, setWhatsapp] = createSignal(false);

  const list = () => Object.values(channels).sort((a, b) => a.id - b.id);
  const expired = () => list().filter((c) => c.state === "expired");

  async function attempt(action: () => Promise<void>) {
    setError(null);
    setNotice(null);
    try {
      await action();
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  onMount(() => {
    const stops = [
      props.api.on("channel_changed", ({ channel }) => setChannels(channel.id, reconcile(channel))),
      props.api.on("channel_warning", ({ channel_id, warning }) => setWarnings(channel_id, warning)),
      props.api.on("channel_health", ({ health: h }) => setHealth(h.channel_id, reconcile(h))),
      props.api.on("login_finished", (finished) => {
        if (finished.kind === "pages") {
          setLogin(finished);
          setChosen(finished.pages.filter((p) => !p.unavailable && !p.connected).map((p) => p.id));
        } else if (finished.kind === "failed") {
          setError(finished.error.message);
        } else {
          setNotice("The Facebook window was closed. Nothing was connected.");
        }
      }),
    ];
    const tick = setInterval(() => setNow(Date.now()), 10_000);
    onCleanup(() => {
      stops.forEach((stop) => stop());
      clearInterval(tick);
    });
    void attempt(async () => {
      const all = await props.api.channelList();
      setChannels(reconcile(Object.fromEntries(all.channels.map((c) => [c.id, c]))));
      setHealth(reconcile(Object.fromEntries(all.health.map((h) => [h.channel_id, h]))));
    });
  });

  const openLogin = (purpose: LoginPurpose) =>
    attempt(async () => {
      setLogin(null);
      await props.api.facebookLogin(purpose);
    });

  const connectPages = () =>
    attempt(async () => {
      const connected = await props.api.facebookConnectPages(chosen());
      connected.forEach((c) => setChannels(c.id, reconcile(c)));
      setLogin(null);
      setNotice(`Connected: ${connected.map((c) => c.name).join(", ")}. Reading their history now.`);
    });

  return (
    <section class="settings" aria-label="Channels" data-testid="channels">
      <header class="settings-header">
        <h2>Channels</h2>
        <button type="button" class="link" onClick={() => props.onClose()}>
          Back to inbox
        </button>
      </header>
      <For each={expired()}>
        {(channel) => (
          <p class="banner" role="alert" data-testid="expired-banner">
            Connection expired: {channel.name}. Switchboard cannot read or answer it until it is reauthorized;
            replies typed meanwhile wait and go out after.
          </p>
        )}
      </For>
      <Show when={error()}>
        <p class="error" role="alert" data-testid="channels-error">{error()}</p>
      </Show>
      <Show when={notice()}>
        <p class="notice" role="status">{notice()}</p>
      </Show>

      <table class="channel-table">
        <thead>
          <tr>
            <th>Platform</th>
            <th>Name</th>
            <th>State</th>
            <th>Last sync</th>
            <th>Connection ends</th>
            <th />
          </tr>
        </thead>
        <tbody>
          <For each={list()} fallback={<tr><td colSpan={6}>No channels yet.</td></tr>}>
            {(channel) => (
              <tr data-testid="channel-row" data-channel-id={channel.id}>
                <td>
                  <span class={`channel-dot ${channel.platform}`} /> {platformLabel[channel.platform]}
                </td>
                <td>
                  {channel.name} <span class="muted">{channel.external_id}</span>
                  <Show when={warnings[channel.id]}>
                    <span class="warning" data-testid="channel-warning">{warnings[channel.id]}</span>
                  </Show>
                </td>
                <td>
                  <span class={`state ${channel.state}`} data-testid="channel-state">
                    {stateLabel[channel.state]}
                  </span>
                </td>
                <td class="muted" data-testid="channel-synced">
                  {ago(health[channel.id]?.last_sync ?? null, now())}
                </td>
                <td class="muted" data-testid="channel-ends">
                  {ends(health[channel.id])}
                </td>
                <td>
                  <div class="actions">
                  {/* Expired, or about to be (data access ending): renew before it stops. */}
                  <Show when={channel.platform === "messenger" && (channel.state === "expired" || warnings[channel.id])}>
                    <button type="button" onClick={() => void openLogin("reauthorize")}>
                      Reauthorize
                    </button>
                  </Show>
                  <Show when={channel.platform === "messenger" && channel.state === "disconnected"}>
                    <button type="button" onClick={() => void openLogin("connect")}>
                      Connect again
                    </button>
                  </Show>
                  <Show when={channel.state !== "disconnected"}>
                    <Show
                      when={confirming() === channel.id}
                      fallback={
                        <button type="button" class="danger" onClick={() => setConfirming(channel.id)}>
                          Disconnect
                        </button>
                      }
                    >
                      <span class="confirm">
                        Disconnect? History stays.
                        <button
                          type="button"
                          class="danger"
                          onClick={() =>
                            void attempt(async () => {
                              const gone = await props.api.channelDisconnect(channel.id);
                              setChannels(gone.id, reconcile(gone));
                              setConfirming(null);
                            })
                          }
                        >
                          Disconnect
                        </button>
                        <button type="button" onClick={() => setConfirming(null)}>
                          Keep
                        </button>
                      </span>
                    </Show>
                  </Show>
                  </div>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>

      <div class="settings-grid">
        <form
          class="card"
          aria-label="Facebook"
          onSubmit={(e) => {
            e.preventDefault();
            void attempt(async () => {
              await props.api.facebookAppSet(appId(), appSecret());
              setAppSecret("");
              setNotice("The Facebook app is saved; its secret is in the system keychain.");
            });
          }}
        >
          <h3>Facebook pages</h3>
          <label>
            App ID <input value={appId()} onInput={(e) => setAppId(e.currentTarget.value)} inputmode="numeric" />
          </label>
          <label>
            App Secret{" "}
            <input type="password" value={appSecret()} onInput={(e) => setAppSecret(e.currentTarget.value)} />
          </label>
          <div class="row">
            <button type="submit">Save app</button>
            <button type="button" class="primary" onClick={() => void openLogin("connect")}>
              Connect Facebook page
            </button>
          </div>
          <Show when={login()}>
            {(found) => (
              <div class="picker" data-testid="page-picker">
                <For each={found().declined}>
                  {(declined) => (
                    <p class="warning">
                      You declined <code>{declined.permission}</code>: {declined.consequence}{" "}
                      <button type="button" onClick={() => void openLogin("rerequest")}>
                        Grant again
                      </button>
                    </p>
                  )}
                </For>
                <For each={found().pages} fallback={<p>The login gave no pages.</p>}>
                  {(page) => (
                    <label class="page-choice" classList={{ disabled: !!page.unavailable }}>
                      <input
                        type="checkbox"
                        disabled={!!page.unavailable}
                        checked={chosen().includes(page.id)}
                        onChange={(e) =>
                          setChosen((ids) =>
                            e.currentTarget.checked ? [...ids, page.id] : ids.filter((id) => id !== page.id),
                          )
                        }
                      />
                      {page.name}
                      <Show when={page.connected && !page.unavailable}>
                        <span class="muted"> (connected: renews its connection)</span>
                      </Show>
                      <Show when={page.unavailable}>
                        <span class="muted"> — {page.unavailable}</span>
                      </Show>
                    </label>
                  )}
                </For>
                <button type="button" class="primary" disabled={chosen().length === 0} onClick={() => void connectPages()}>
                  Connect selected pages
                </button>
              </div>
            )}
          </Show>
        </form>

        <form
          class="card"
          aria-label="Twilio"
          onSubmit={(e) => {
            e.preventDefault();
            void attempt(async () => {
              const found = await props.api.twilioNumbers(sid(), token());
              setNumbers(found);
              setNumber(found[0]?.number ?? "");
            });
          }}
        >
          <h3>SMS and WhatsApp (Twilio)</h3>
          <label>
            Account SID <input value={sid()} onInput={(e) => setSid(e.currentTarget.value)} />
          </label>
          <label>
            Auth Token <input type="password" value={token()} onInput={(e) => setToken(e.currentTarget.value)} />
          </label>
          <div class="row">
            <button type="submit">Find numbers</button>
          </div>
          <Show when={numbers()}>
            {(found) => (
              <div class="picker" data-testid="number-picker">
                <For each={found()} fallback={<p>This account has no phone numbers.</p>}>
                  {(n) => (
                    <label class="page-choice">
                      <input type="radio" name="number" checked={number() === n.number} onChange={() => setNumber(n.number)} />
                      {n.name} <span class="muted">{n.number}</span>
                    </label>
                  )}
                </For>
                <label class="page-choice">
                  <input type="checkbox" checked={whatsapp()} onChange={(e) => setWhatsapp(e.currentTarget.checked)} />
                  Also use it as the WhatsApp sender
                </label>
                <button
                  type="button"
                  class="primary"
                  disabled={!number()}
                  onClick={() =>
                    void attempt(async () => {
                      const connected = await props.api.twilioConnect(sid(), token(), number(), whatsapp());
                      connected.forEach((c) => setChannels(c.id, reconcile(c)));
                      setToken("");
                      setNumbers(null);
                      setNotice(`Connected ${number()} (${connected.map((c) => platformLabel[c.platform]).join(", ")}).`);
                    })
                  }
                >
                  Connect number
                </button>
              </div>
            )}
          </Show>
        </form>
      </div>
    </section>
  );
}

/** "12 s ago", "3 min ago", or "—" before the first sync of this run. */
export function ago(at: string | null, now: number): string {
  if (!at) return "—";
  const seconds = Math.max(0, Math.round((now - Date.parse(at)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  return `${Math.floor(seconds / 3600)} h ago`;
}

/** The nearer of the token's and the data access's end, as a date; "—" when unknown. */
export function ends(health: ChannelHealth | undefined): string {
  const dates = [health?.token_expires_at, health?.data_access_expires_at].filter((d): d is string => !!d);
  if (dates.length === 0) return "—";
  const first = Math.min(...dates.map((d) => Date.parse(d)));
  return new Date(first).toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
}
