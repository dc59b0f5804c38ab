import { createResource, createSignal, For, Index, Show } from "solid-js";
import { type CannedResponse, type DeskApi, errorMessage } from "../lib/api";

const MAX_BUBBLES = 5;
const BUBBLE_LIMIT = 2000;

/** Canned responses, as admins keep them: a title and up to 5 bubbles with {variables}. */
export function Canned(props: { api: DeskApi; onClose: () => void }) {
  const [all, { refetch }] = createResource(() => props.api.cannedList());
  const [editing, setEditing] = createSignal<CannedResponse | null>(null);
  const [title, setTitle] = createSignal("");
  const [bubbles, setBubbles] = createSignal<string[]>([""]);
  const [error, setError] = createSignal<string | null>(null);
  const [confirming, setConfirming] = createSignal<number | null>(null);

  function edit(canned: CannedResponse | null) {
    setEditing(canned);
    setTitle(canned?.title ?? "");
    setBubbles(canned ? [...canned.bubbles] : [""]);
    setError(null);
  }

  async function save() {
    setError(null);
    try {
      await props.api.cannedSave(editing()?.id ?? null, title(), bubbles());
      edit(null);
      void refetch();
    } catch (failure) {
      setError(errorMessage(failure));
    }
  }

  async function remove(id: number) {
    try {
      await props.api.cannedDelete(id);
      setConfirming(null);
      void refetch();
    } catch (failure) {
      setError(errorMessage(failure));
    }
  }

  return (
    <section class="settings" aria-label="Canned responses">
      <header class="settings-header">
        <h2>Canned responses</h2>
        <button type="button" class="link" onClick={() => props.onClose()}>
          Back to the inbox
        </button>
      </header>
      <p class="notice">
        Ready answers agents pick in the reply box. Up to {MAX_BUBBLES} bubbles, each under {BUBBLE_LIMIT.toLocaleString()}{" "}
        characters, sent in order. Variables: {"{first_name}"}, {"{last_name}"}, {"{contact_name}"}, {"{agent_name}"},{" "}
        {"{channel_name}"}.
      </p>
      <form
        class="card"
        data-testid="canned-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <h3>{editing() ? `Edit “${editing()?.title}”` : "New canned response"}</h3>
        <label>
          Title
          <input data-testid="canned-title" maxLength={80} value={title()} onInput={(e) => setTitle(e.currentTarget.value)} />
        </label>
        <Index each={bubbles()}>
          {(text, i) => (
            <label>
              Bubble {i + 1} <span class="muted">({Array.from(text()).length} / {BUBBLE_LIMIT - 1})</span>
              <textarea
                data-testid="canned-bubble"
                value={text()}
                onInput={(e) => setBubbles((b) => b.map((x, j) => (j === i ? e.currentTarget.value : x)))}
              />
            </label>
          )}
        </Index>
        <div class="row">
          <button
            type="button"
            disabled={bubbles().length >= MAX_BUBBLES}
            data-testid="canned-add-bubble"
            onClick={() => setBubbles((b) => [...b, ""])}
          >
            Add a bubble
          </button>
          <Show when={bubbles().length > 1}>
            <button type="button" onClick={() => setBubbles((b) => b.slice(0, -1))}>
              Remove the last bubble
            </button>
          </Show>
          <button type="submit" class="primary" data-testid="canned-save">
            Save
          </button>
          <Show when={editing()}>
            <button type="button" onClick={() => edit(null)}>
              Cancel
            </button>
          </Show>
        </div>
        <Show when={error()}>
          <p class="error" role="alert">{error()}</p>
        </Show>
      </form>
      <Show when={!all.error} fallback={<p class="error">{errorMessage(all.error)}</p>}>
        <table class="channel-table">
          <thead>
            <tr>
              <th>Title</th>
              <th>Bubbles</th>
              <th />
            </tr>
          </thead>
          <tbody>
            <For each={all() ?? []} fallback={<tr><td colspan="3" class="muted">No canned responses yet.</td></tr>}>
              {(canned) => (
                <tr data-testid="canned-row">
                  <td>{canned.title}</td>
                  <td>
                    <For each={canned.bubbles}>{(b) => <p class="canned-bubble">{b}</p>}</For>
                  </td>
                  <td class="actions">
                    <button type="button" onClick={() => edit(canned)}>
                      Edit
                    </button>
                    <Show
                      when={confirming() === canned.id}
                      fallback={
                        <button type="button" class="danger" onClick={() => setConfirming(canned.id)}>
                          Delete
                        </button>
                      }
                    >
                      <span class="confirm">
                        Delete?
                        <button type="button" class="danger" onClick={() => void remove(canned.id)}>
                          Delete
                        </button>
                        <button type="button" onClick={() => setConfirming(null)}>
                          Cancel
                        </button>
                      </span>
                    </Show>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
    </section>
  );
}
