import { createEffect, createResource, createSignal, For, Show } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import type {
  Capacity,
  ChannelRecord,
  Day,
  DeskApi,
  Distribution,
  Experience,
  MemberRecord,
  QueueRecord,
  RoutingSettings,
} from "../lib/api";
import { errorMessage, platformLabel } from "../lib/api";

const TEXT_LIMIT = 918;
const days: [Day, string][] = [
  ["mon", "Monday"],
  ["tue", "Tuesday"],
  ["wed", "Wednesday"],
  ["thu", "Thursday"],
  ["fri", "Friday"],
  ["sat", "Saturday"],
  ["sun", "Sunday"],
];
const texts: [keyof Experience["texts"], string, string][] = [
  ["greeting", "Greeting", "Hi {first_name}, thanks for your message. An agent will be with you shortly."],
  ["after_hours", "After hours", "Hi {first_name}, we are closed right now. We will answer as soon as we open."],
  ["unavailable", "Nobody available", "All our agents are busy right now; you are in the queue and we will answer soon."],
  ["dismissal_warning", "Dismissal warning", "Are you still there? This chat will close soon if we do not hear from you."],
  ["ended", "Ended", "Thanks for writing to {channel_name}. This chat is now closed."],
];
type TimerKey = keyof Experience["timers"];
const timers: [TimerKey, string, boolean][] = [
  ["selecting_expiry", "A customer choosing from the menu stops answering", false],
  ["queue_expiry", "Unanswered in queue (open hours) → expired", true],
  ["queue_expiry_after_hours", "Unanswered in queue (arrived after hours) → expired", true],
  ["reassign_unanswered", "Assigned but not answered → back to the queue", true],
  ["inactivity_warning", "Customer quiet after the agent's reply → dismissal warning", true],
  ["dismiss_after_warning", "After the warning, still quiet → dismiss", false],
  ["chat_timeout", "No message either way → chat times out", true],
];

/** Settings → Routing: each channel's queue tree, menu, texts, schedule and timers; agents' capacity. */
export function Routing(props: { api: DeskApi; channels: ChannelRecord[] }) {
  const [channelId, setChannelId] = createSignal<number | null>(null);
  const channel = () => channelId() ?? props.channels[0]?.id ?? null;
  const [settings, { mutate, refetch }] = createResource(channel, (id) => props.api.routingGet(id));
  const [error, setError] = createSignal<string | null>(null);
  const [saved, setSaved] = createSignal<string | null>(null);
  async function attempt(what: string, action: () => Promise<unknown>) {
    setError(null);
    setSaved(null);
    try {
      await action();
      setSaved(what);
    } catch (e) {
      setError(errorMessage(e));
    }
  }
  return (
    <section class="routing settings-page" aria-label="Routing" data-testid="routing">
      <Show when={props.channels.length > 0} fallback={<p class="empty">Connect a channel first: routing is set per channel.</p>}>
        <div class="routing-top">
          <label>
            Channel{" "}
            <select data-testid="routing-channel" onChange={(e) => setChannelId(Number(e.currentTarget.value))}>
              <For each={props.channels}>{(c) => <option value={c.id}>{platformLabel[c.platform]} · {c.name}</option>}</For>
            </select>
          </label>
          <Show when={props.channels.length > 1}>
            <label>
              Copy from{" "}
              <select
                data-testid="routing-copy"
                onChange={(e) => {
                  const from = Number(e.currentTarget.value);
                  e.currentTarget.value = "";
                  if (from && channel() !== null)
                    void attempt("Copied", async () => mutate(await props.api.experienceCopy(from, channel()!)));
                }}
              >
                <option value="">another channel…</option>
                <For each={props.channels.filter((c) => c.id !== channel())}>{(c) => <option value={c.id}>{c.name}</option>}</For>
              </select>
            </label>
          </Show>
        </div>
        <Show when={error()}>
          <p class="error" role="alert" data-testid="routing-error">{error()}</p>
        </Show>
        <Show when={saved()}>
          <p class="saved" role="status" data-testid="routing-saved">{saved()}.</p>
        </Show>
        <Show when={settings()}>
          {(s) => (
            <>
              <QueueTree api={props.api} settings={s()} attempt={attempt} reload={() => void refetch()} />
              <ExperienceForm settings={s()} onSave={(e) => attempt("Experience saved", async () => mutate(await props.api.experienceSave(s().channel_id, e)))} />
              <Organisation api={props.api} settings={s()} attempt={attempt} />
            </>
          )}
        </Show>
      </Show>
    </section>
  );
}

type Attempt = (what: string, action: () => Promise<unknown>) => Promise<void>;

/** The queue tree: drag a queue onto another to place it before it, or use ↑ ↓; add sub-queues. */
function QueueTree(props: { api: DeskApi; settings: RoutingSettings; attempt: Attempt; reload: () => void }) {
  const [selected, setSelected] = createSignal<number | null>(null);
  const [dragging, setDragging] = createSignal<number | null>(null);
  const queues = () => props.settings.queues;
  const children = (id: number) => queues().filter((q) => q.parent_id === id).sort((a, b) => a.position - b.position);
  const root = () => queues().find((q) => q.parent_id === null);
  const isLeaf = (id: number) => children(id).length === 0;
  const move = (queue: QueueRecord, parent: number, position: number) =>
    props.attempt("Queue moved", async () => {
      await props.api.queueMove(queue.id, parent, position);
      props.reload();
    });
  // The queue under which a new sub-queue is being named (inline, under its row).
  const [adding, setAdding] = createSignal<number | null>(null);
  const [newName, setNewName] = createSignal("");
  const add = (parent: number) =>
    props.attempt("Queue added", async () => {
      const added = await props.api.queueAdd(parent, newName());
      setAdding(null);
      setNewName("");
      props.reload();
      setSelected(added.id);
    });
  function Node(p: { queue: QueueRecord; depth: number }) {
    const siblings = () => (p.queue.parent_id === null ? [] : children(p.queue.parent_id));
    const index = () => siblings().findIndex((q) => q.id === p.queue.id);
    return (
      <li>
        <div
          class="queue-row"
          classList={{ selected: selected() === p.queue.id, drop: dragging() !== null && dragging() !== p.queue.id }}
          data-testid="queue-row"
          data-queue={p.queue.name}
          draggable={p.queue.parent_id !== null}
          onDragStart={(e) => {
            setDragging(p.queue.id);
            e.dataTransfer?.setData("text/plain", String(p.queue.id));
          }}
          onDragEnd={() => setDragging(null)}
          onDragOver={(e) => e.preventDefault()}
          onDrop={(e) => {
            e.preventDefault();
            const moved = queues().find((q) => q.id === dragging());
            setDragging(null);
            if (!moved || moved.id === p.queue.id) return;
            // Onto the root: the last of its children; onto another queue: just before it.
            if (p.queue.parent_id === null) void move(moved, p.queue.id, children(p.queue.id).length);
            else void move(moved, p.queue.parent_id, index());
          }}
        >
          <span class="drag-handle" aria-hidden="true">{p.queue.parent_id === null ? "" : "⠿"}</span>
          <button type="button" class="link queue-name" data-testid="queue-select" onClick={() => setSelected(p.queue.id)}>
            {p.queue.parent_id !== null ? `${index() + 1}. ` : ""}
            {p.queue.name}
          </button>
          <Show when={isLeaf(p.queue.id) && p.queue.members.length === 0}>
            <span class="chip not-ready" title="No agent works this queue">not ready</span>
          </Show>
          <Show when={p.queue.keywords.length > 0}>
            <span class="muted">keywords: {p.queue.keywords.join(", ")}</span>
          </Show>
          <span class="row-tools">
            <Show when={p.queue.parent_id !== null}>
              <button type="button" aria-label={`Move ${p.queue.name} up`} disabled={index() === 0} onClick={() => void move(p.queue, p.queue.parent_id!, index() - 1)}>
                ↑
              </button>
              <button type="button" aria-label={`Move ${p.queue.name} down`} disabled={index() === siblings().length - 1} onClick={() => void move(p.queue, p.queue.parent_id!, index() + 1)}>
                ↓
              </button>
            </Show>
            <button type="button" data-testid="queue-add" aria-expanded={adding() === p.queue.id} onClick={() => setAdding(adding() === p.queue.id ? null : p.queue.id)}>
              + Sub-queue
            </button>
          </span>
        </div>
        <Show when={adding() === p.queue.id}>
          <form
            class="add-queue"
            onSubmit={(e) => {
              e.preventDefault();
              void add(p.queue.id);
            }}
          >
            <input
              data-testid="queue-new-name"
              aria-label={`Name of the new queue under ${p.queue.name}`}
              placeholder="e.g. English, Payments"
              maxLength={60}
              value={newName()}
              ref={(el) => queueMicrotask(() => el.focus())}
              onInput={(e) => setNewName(e.currentTarget.value)}
            />
            <button type="submit" data-testid="queue-new-save" disabled={!newName().trim()}>
              Add
            </button>
            <button type="button" onClick={() => setAdding(null)}>
              Cancel
            </button>
          </form>
        </Show>
        <Show when={children(p.queue.id).length > 0}>
          <ul class="queue-tree">
            <For each={children(p.queue.id)}>{(c) => <Node queue={c} depth={p.depth + 1} />}</For>
          </ul>
        </Show>
      </li>
    );
  }
  return (
    <fieldset class="routing-section">
      <legend>Queues and menu</legend>
      <p class="muted">
        When the top queue has sub-queues, a new customer gets them as a numbered menu (“1 English, 2 Español”) and answers
        with the number, the title or a keyword. Agents work the queues at the ends of the tree.
      </p>
      <Show when={root()}>
        {(r) => (
          <ul class="queue-tree" data-testid="queue-tree">
            <Node queue={r()} depth={0} />
          </ul>
        )}
      </Show>
      <Show when={queues().find((q) => q.id === selected())} keyed>
        {(queue) => (
          <QueueForm
            queue={queue}
            leaf={isLeaf(queue.id)}
            members={props.settings.members}
            onSave={(settings, members) =>
              props.attempt("Queue saved", async () => {
                await props.api.queueUpdate(queue.id, settings);
                if (isLeaf(queue.id)) await props.api.queueMembersSet(queue.id, members);
                props.reload();
              })
            }
            onDelete={
              queue.parent_id === null
                ? undefined
                : () =>
                    props.attempt("Queue removed", async () => {
                      await props.api.queueDelete(queue.id);
                      setSelected(null);
                      props.reload();
                    })
            }
          />
        )}
      </Show>
    </fieldset>
  );
}

function QueueForm(props: {
  queue: QueueRecord;
  leaf: boolean;
  members: string[];
  onSave: (settings: Parameters<DeskApi["queueUpdate"]>[1], members: string[]) => void;
  onDelete?: () => void;
}) {
  const [form, setForm] = createStore({
    name: props.queue.name,
    keywords: props.queue.keywords.join(", "),
    priority: props.queue.priority,
    service_level_percent: props.queue.service_level_percent,
    service_level_seconds: props.queue.service_level_seconds,
    target_response_seconds: props.queue.target_response_seconds,
    cascade: props.queue.distribution.kind === "cascade",
    members: [...props.queue.members],
  });
  const distribution = (): Distribution => (form.cascade ? { kind: "cascade", order: [...form.members] } : { kind: "longest_idle" });
  return (
    <form
      class="queue-form"
      data-testid="queue-form"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSave(
          {
            name: form.name,
            keywords: form.keywords.split(",").map((k) => k.trim()).filter(Boolean),
            priority: Number(form.priority),
            service_level_percent: Number(form.service_level_percent),
            service_level_seconds: Number(form.service_level_seconds),
            target_response_seconds: Number(form.target_response_seconds),
            distribution: distribution(),
          },
          [...form.members],
        );
      }}
    >
      <h3>{props.queue.name}</h3>
      <label>
        Name <input data-testid="queue-name" value={form.name} maxLength={60} onInput={(e) => setForm("name", e.currentTarget.value)} />
      </label>
      <label>
        Keywords <input data-testid="queue-keywords" value={form.keywords} placeholder="pay, billing" onInput={(e) => setForm("keywords", e.currentTarget.value)} />
      </label>
      <label>
        Priority <input type="number" min="-100" max="100" value={form.priority} onInput={(e) => setForm("priority", Number(e.currentTarget.value))} />
      </label>
      <label>
        Service level: <input type="number" min="1" max="100" value={form.service_level_percent} aria-label="Service level percent" onInput={(e) => setForm("service_level_percent", Number(e.currentTarget.value))} /> % answered within{" "}
        <input type="number" min="1" max="86400" value={form.service_level_seconds} aria-label="Service level seconds" onInput={(e) => setForm("service_level_seconds", Number(e.currentTarget.value))} /> s
      </label>
      <label>
        Agent target response <input type="number" min="1" max="604800" value={form.target_response_seconds} onInput={(e) => setForm("target_response_seconds", Number(e.currentTarget.value))} /> s
      </label>
      <Show when={props.leaf} fallback={<p class="muted">Agents work the queues at the ends of the tree; this one has sub-queues.</p>}>
        <fieldset class="members">
          <legend>Agents</legend>
          <For each={props.members}>
            {(m) => (
              <label>
                <input
                  type="checkbox"
                  data-testid={`queue-member-${m}`}
                  checked={form.members.includes(m)}
                  onChange={(e) => setForm("members", (list) => (e.currentTarget.checked ? [...list, m] : list.filter((x) => x !== m)))}
                />{" "}
                {m}
              </label>
            )}
          </For>
          <label>
            <input type="checkbox" checked={form.cascade} onChange={(e) => setForm("cascade", e.currentTarget.checked)} /> Offer in this order
            (cascade) instead of to the agent idle longest
          </label>
        </fieldset>
      </Show>
      <div class="actions">
        <button type="submit" data-testid="queue-save">Save queue</button>
        <Show when={props.onDelete}>
          <button type="button" class="danger" data-testid="queue-delete" onClick={() => props.onDelete?.()}>
            Remove queue
          </button>
        </Show>
      </div>
    </form>
  );
}

function ExperienceForm(props: { settings: RoutingSettings; onSave: (experience: Experience) => void }) {
  const [e, setE] = createStore<Experience>(clone(props.settings.experience));
  createEffect(() => setE(reconcile(clone(props.settings.experience))));
  const opening = (day: Day) => e.schedule.hours.find((h) => h.day === day);
  const setOpening = (day: Day, opens: string | null, closes?: string) => {
    const others = e.schedule.hours.filter((h) => h.day !== day);
    const hours = opens === null ? others : [...others, { day, opens: withSeconds(opens), closes: withSeconds(closes ?? "18:00") }];
    setE("schedule", "hours", hours);
  };
  const [closure, setClosure] = createSignal("");
  const leaves = () => props.settings.queues.filter((q) => !props.settings.queues.some((c) => c.parent_id === q.id));
  return (
    <form
      class="routing-section experience-form"
      data-testid="experience-form"
      onSubmit={(ev) => {
        ev.preventDefault();
        props.onSave(JSON.parse(JSON.stringify(e)) as Experience);
      }}
    >
      <fieldset>
        <legend>Experience</legend>
        <label>
          <input type="checkbox" data-testid="experience-enabled" checked={e.enabled} onChange={(ev) => setE("enabled", ev.currentTarget.checked)} /> Route and
          automate this channel (off: messages wait unrouted, settings are kept)
        </label>
        <For each={texts}>
          {([key, label, example]) => (
            <label class="text-field">
              <span>
                {label}{" "}
                <span class="counter" classList={{ over: e.texts[key].length > TEXT_LIMIT }} data-testid={`text-count-${key}`}>
                  {e.texts[key].length}/{TEXT_LIMIT}
                </span>
              </span>
              <textarea
                rows="2"
                data-testid={`text-${key}`}
                placeholder={`Not sent while empty. e.g. ${example}`}
                value={e.texts[key]}
                onInput={(ev) => setE("texts", key, ev.currentTarget.value)}
              />
            </label>
          )}
        </For>
        <p class="muted">Variables: {"{first_name}"}, {"{last_name}"}, {"{contact_name}"}, {"{agent_name}"}, {"{channel_name}"}. Automated texts go out only inside the platform's 24-hour window, never tagged.</p>
        <label>
          BACK words <input data-testid="words-back" value={e.words.back.join(", ")} onChange={(ev) => setE("words", "back", split(ev.currentTarget.value))} />
        </label>
        <label>
          EXIT words <input data-testid="words-exit" value={e.words.exit.join(", ")} onChange={(ev) => setE("words", "exit", split(ev.currentTarget.value))} />
        </label>
        <label>
          After a second unrecognised menu answer, go to{" "}
          <select value={e.default_queue ?? ""} onChange={(ev) => setE("default_queue", ev.currentTarget.value ? Number(ev.currentTarget.value) : null)}>
            <option value="">the first queue of the menu</option>
            <For each={leaves()}>{(q) => <option value={q.id}>{q.name}</option>}</For>
          </select>
        </label>
      </fieldset>
      <fieldset>
        <legend>Opening hours</legend>
        <label>
          Time zone <input data-testid="schedule-zone" value={e.schedule.zone} onChange={(ev) => setE("schedule", "zone", ev.currentTarget.value.trim())} />
        </label>
        <table class="hours">
          <tbody>
            <For each={days}>
              {([day, name]) => (
                <tr>
                  <th scope="row">
                    <label>
                      <input type="checkbox" data-testid={`day-${day}`} checked={!!opening(day)} onChange={(ev) => setOpening(day, ev.currentTarget.checked ? "09:00" : null)} /> {name}
                    </label>
                  </th>
                  <td>
                    <Show when={opening(day)} fallback={<span class="muted">closed</span>}>
                      {(o) => (
                        <>
                          <input type="time" aria-label={`${name} opens`} value={o().opens.slice(0, 5)} onChange={(ev) => setOpening(day, ev.currentTarget.value, o().closes)} /> –{" "}
                          <input type="time" aria-label={`${name} closes`} value={o().closes.slice(0, 5)} onChange={(ev) => setOpening(day, o().opens, ev.currentTarget.value)} />
                        </>
                      )}
                    </Show>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
        <p class="muted">A closing time before the opening time runs past midnight; 00:00–00:00 is the whole day.</p>
        <div class="closures">
          Closed on{" "}
          <For each={e.schedule.closures}>
            {(d) => (
              <span class="chip">
                {d}{" "}
                <button type="button" class="link" aria-label={`Remove ${d}`} onClick={() => setE("schedule", "closures", (list) => list.filter((x) => x !== d))}>
                  ×
                </button>
              </span>
            )}
          </For>
          <input type="date" aria-label="Closure date" value={closure()} onInput={(ev) => setClosure(ev.currentTarget.value)} />
          <button type="button" disabled={!closure()} onClick={() => { setE("schedule", "closures", (list) => [...new Set([...list, closure()])].sort()); setClosure(""); }}>
            Add closure
          </button>
        </div>
        <label>
          After hours, a new customer{" "}
          <select value={e.after_hours} onChange={(ev) => setE("after_hours", ev.currentTarget.value as Experience["after_hours"])}>
            <option value="wait">gets the after-hours text and waits in the queue</option>
            <option value="end">gets the after-hours text; the interaction ends</option>
          </select>
        </label>
      </fieldset>
      <fieldset>
        <legend>Timers (minutes, 1–10,080)</legend>
        <For each={timers}>
          {([key, label, optional]) => (
            <label class="timer">
              <Show when={optional}>
                <input
                  type="checkbox"
                  aria-label={`${label}: on`}
                  checked={e.timers[key] !== null}
                  onChange={(ev) => setE("timers", key as never, (ev.currentTarget.checked ? 60 : null) as never)}
                />
              </Show>
              <span class="grow">{label}</span>
              <input
                type="number"
                min="1"
                max="10080"
                data-testid={`timer-${key}`}
                disabled={e.timers[key] === null}
                value={(e.timers[key] as number | null) ?? ""}
                onInput={(ev) => setE("timers", key as never, Number(ev.currentTarget.value) as never)}
              />
            </label>
          )}
        </For>
        <label>
          When the dismissal timer runs out{" "}
          <select value={e.timers.dismissal} onChange={(ev) => setE("timers", "dismissal", ev.currentTarget.value as "automatic" | "manual")}>
            <option value="automatic">the chat is dismissed</option>
            <option value="manual">the agent is cued to dismiss it</option>
          </select>
        </label>
        <p class="muted">Every interaction ends after 7 days at most.</p>
      </fieldset>
      <div class="actions">
        <button type="submit" data-testid="experience-save">Save experience</button>
      </div>
    </form>
  );
}

function Organisation(props: { api: DeskApi; settings: RoutingSettings; attempt: Attempt }) {
  const [capacity, setCapacity] = createStore(clone(props.settings.default_capacity));
  const [members, { refetch: reloadMembers }] = createResource(() => props.api.membersList());
  const [grace, setGrace] = createSignal(props.settings.offline_grace_minutes);
  const [dispositions, setDispositions] = createSignal(props.settings.dispositions.join("\n"));
  return (
    <form
      class="routing-section"
      data-testid="organisation-form"
      onSubmit={(e) => {
        e.preventDefault();
        void props.attempt("Agents' settings saved", async () => {
          await props.api.capacitySet({ ...capacity });
          await props.api.offlineGraceSet(grace());
          await props.api.dispositionsSet(dispositions().split("\n"));
        });
      }}
    >
      <fieldset>
        <legend>Agents (every channel)</legend>
        <p>Each agent holds at most:</p>
        <For each={["messenger", "sms", "whatsapp", "total"] as const}>
          {(key) => (
            <label>
              {key === "total" ? "In total" : platformLabel[key]}{" "}
              <input type="number" min="0" max="100" value={capacity[key]} onInput={(e) => setCapacity(key, Number(e.currentTarget.value))} />
            </label>
          )}
        </For>
        <label>
          <input type="checkbox" checked={capacity.count_held} onChange={(e) => setCapacity("count_held", e.currentTarget.checked)} /> Held interactions count
        </label>
        <label>
          An agent who goes Offline keeps their interactions for{" "}
          <input type="number" min="1" max="10080" value={grace()} onInput={(e) => setGrace(Number(e.currentTarget.value))} /> minutes, then they return to their queues
        </label>
        <table class="member-capacity" data-testid="member-capacity">
          <caption>Each agent's own capacity (instead of the default above)</caption>
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">Own</th>
              <For each={["messenger", "sms", "whatsapp", "total"] as const}>
                {(key) => <th scope="col">{key === "total" ? "Total" : platformLabel[key]}</th>}
              </For>
            </tr>
          </thead>
          <tbody>
            <For each={members() ?? []}>
              {(member) => <MemberCapacity api={props.api} member={member} fallback={capacity} attempt={props.attempt} reload={() => void reloadMembers()} />}
            </For>
          </tbody>
        </table>
        <label class="text-field">
          Dispositions (one per line)
          <textarea rows="4" value={dispositions()} onInput={(e) => setDispositions(e.currentTarget.value)} />
        </label>
      </fieldset>
      <div class="actions">
        <button type="submit">Save agents' settings</button>
      </div>
    </form>
  );
}

const withSeconds = (time: string) => (time.length === 5 ? `${time}:00` : time);
const split = (text: string) => text.split(",").map((w) => w.trim()).filter(Boolean);
/** A plain deep copy (Solid stores wrap what they hold; structuredClone refuses proxies). */
const clone = <T,>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** One agent's capacity: the default, or their own (saved as it is changed). */
function MemberCapacity(props: {
  api: DeskApi;
  member: MemberRecord;
  fallback: Capacity;
  attempt: Attempt;
  reload: () => void;
}) {
  const own = () => props.member.capacity;
  const shown = () => own() ?? props.fallback;
  const save = (capacity: Capacity | null) =>
    void props.attempt(`${props.member.name}'s capacity saved`, async () => {
      await props.api.memberCapacitySet(props.member.name, capacity);
      props.reload();
    });
  return (
    <tr>
      <th scope="row">{props.member.name}</th>
      <td>
        <input
          type="checkbox"
          aria-label={`${props.member.name} has their own capacity`}
          data-testid={`own-capacity-${props.member.name}`}
          checked={own() !== null}
          onChange={(e) => save(e.currentTarget.checked ? { ...props.fallback } : null)}
        />
      </td>
      <For each={["messenger", "sms", "whatsapp", "total"] as const}>
        {(key) => (
          <td>
            <input
              type="number"
              min="0"
              max="100"
              aria-label={`${props.member.name}: ${key}`}
              disabled={own() === null}
              value={shown()[key]}
              onChange={(e) => save({ ...shown(), [key]: Number(e.currentTarget.value) })}
            />
          </td>
        )}
      </For>
    </tr>
  );
}
