import { createResource, createSignal, For, Show } from "solid-js";
import { type DeskApi, type SessionSummary, errorMessage, platformLabel } from "../lib/api";

/** The details panel: names set by hand, internal reference, categories, notes, and who the
 * contact is on the platform. */
export function Details(props: { api: DeskApi; session: SessionSummary; onClose: () => void }) {
  const [details, { refetch, mutate }] = createResource(
    () => props.session.id,
    (id) => props.api.sessionDetails(id),
  );
  const [first, setFirst] = createSignal(props.session.first_name ?? "");
  const [last, setLast] = createSignal(props.session.last_name ?? "");
  const [reference, setReference] = createSignal(props.session.internal_reference ?? "");
  const [note, setNote] = createSignal("");
  const [category, setCategory] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  const [saved, setSaved] = createSignal(false);

  async function attempt(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
      return true;
    } catch (failure) {
      setError(errorMessage(failure));
      return false;
    }
  }

  const chosen = () => new Set((details()?.categories ?? []).map((c) => c.id));
  async function toggleCategory(id: number, on: boolean) {
    const ids = new Set(chosen());
    if (on) ids.add(id);
    else ids.delete(id);
    if (await attempt(() => props.api.sessionSetCategories(props.session.id, [...ids]))) void refetch();
  }

  return (
    <aside class="details" aria-label="Details" data-testid="details">
      <header class="details-header">
        <h3>Details</h3>
        <button type="button" class="link" aria-label="Close details" onClick={() => props.onClose()}>
          ✕
        </button>
      </header>
      <Show when={error()}>
        <p class="error" role="alert">{error()}</p>
      </Show>
      <form
        class="details-section"
        onSubmit={(e) => {
          e.preventDefault();
          setSaved(false);
          void attempt(() =>
            props.api.sessionSetContact(props.session.id, first() || null, last() || null, reference() || null),
          ).then((ok) => setSaved(ok));
        }}
      >
        <label>
          First name
          <input data-testid="details-first" value={first()} maxLength={100} onInput={(e) => setFirst(e.currentTarget.value)} />
        </label>
        <label>
          Last name
          <input data-testid="details-last" value={last()} maxLength={100} onInput={(e) => setLast(e.currentTarget.value)} />
        </label>
        <label>
          Internal reference
          <input
            data-testid="details-reference"
            value={reference()}
            maxLength={100}
            placeholder="e.g. order or ticket number"
            onInput={(e) => setReference(e.currentTarget.value)}
          />
        </label>
        <div class="row">
          <button type="submit" data-testid="details-save">
            Save
          </button>
          <Show when={saved()}>
            <span class="muted" role="status">Saved.</span>
          </Show>
        </div>
      </form>
      <section class="details-section" aria-label="Platform identity">
        <h4>On {platformLabel[props.session.platform]}</h4>
        <p class="identity">
          <span class="muted">{props.session.platform === "messenger" ? "Page-scoped id" : "Number"}</span>{" "}
          <span data-testid="details-identity">{props.session.contact_platform_id}</span>
        </p>
        <p class="muted">via {props.session.channel_name}</p>
      </section>
      <section class="details-section" aria-label="Categories">
        <h4>Categories</h4>
        <For each={details()?.all_categories ?? []} fallback={<p class="muted">No categories yet.</p>}>
          {(c) => (
            <label class="check">
              <input
                type="checkbox"
                checked={chosen().has(c.id)}
                onChange={(e) => void toggleCategory(c.id, e.currentTarget.checked)}
              />
              {c.name}
            </label>
          )}
        </For>
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            const name = category().trim();
            if (!name) return;
            void attempt(async () => {
              const created = await props.api.categoryCreate(name);
              setCategory("");
              await toggleCategory(created.id, true);
            });
          }}
        >
          <input
            aria-label="New category"
            placeholder="New category"
            maxLength={60}
            value={category()}
            onInput={(e) => setCategory(e.currentTarget.value)}
          />
          <button type="submit">Add</button>
        </form>
      </section>
      <section class="details-section" aria-label="Notes">
        <h4>Notes</h4>
        <ol class="notes">
          <For each={details()?.notes ?? []} fallback={<li class="muted">No notes yet.</li>}>
            {(n) => (
              <li data-testid="note">
                <p class="body">{n.body}</p>
                <span class="muted">
                  {n.author} · {new Date(n.created_at).toLocaleString()}
                </span>
              </li>
            )}
          </For>
        </ol>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void attempt(async () => {
              const added = await props.api.noteAdd(props.session.id, note());
              setNote("");
              const current = details();
              if (current) mutate({ ...current, notes: [...current.notes, added] });
            });
          }}
        >
          <textarea
            data-testid="note-input"
            aria-label="New note"
            placeholder="A note for colleagues (the customer never sees it)"
            value={note()}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
          <button type="submit" data-testid="note-add" disabled={!note().trim()}>
            Add note
          </button>
        </form>
      </section>
    </aside>
  );
}
