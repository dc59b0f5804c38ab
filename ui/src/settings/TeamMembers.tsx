import { createResource, createSignal, For, Show } from "solid-js";
import { errorMessage, type DeskApi, type TeamRole } from "../lib/api";

const ROLES: { role: TeamRole; label: string; hint: string }[] = [
  { role: "agent", label: "Agent", hint: "answers the customers of their queues" },
  { role: "supervisor", label: "Supervisor", hint: "watches everything, answers no one" },
  { role: "admin", label: "Admin", hint: "channels, routing, members; polls the platforms" },
  { role: "poller", label: "Poller", hint: "a desktop or relay that polls and sends, without admin rights" },
];

/**
 * An admin's members: who is in the team with which roles, inviting someone (the code is shown
 * once, to hand over), removing someone (their sign-in stops at once), and the audit of who
 * changed what. The team's database enforces all of it; this screen only words it.
 */
export function TeamMembers(props: { api: DeskApi; me: string }) {
  const [members, { refetch }] = createResource(() => props.api.teamMembers());
  const [queues] = createResource(() => props.api.queueViews());
  const [audit, audits] = createResource(() => props.api.teamAudit());
  const [name, setName] = createSignal("");
  const [roles, setRoles] = createSignal<TeamRole[]>(["agent"]);
  const [chosen, setChosen] = createSignal<number[]>([]);
  const [code, setCode] = createSignal<{ name: string; code: string } | null>(null);
  const [confirming, setConfirming] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [rotating, setRotating] = createSignal(false);
  const [rotated, setRotated] = createSignal<number | null>(null);

  async function rotate() {
    setError(null);
    setRotating(true);
    try {
      setRotated(await props.api.teamKeyRotate());
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setRotating(false);
    }
  }

  const toggle = <T,>(list: T[], item: T) => (list.includes(item) ? list.filter((x) => x !== item) : [...list, item]);
  const queueName = (id: number) => {
    const q = (queues() ?? []).find((q) => q.id === id);
    return q ? `${q.channel_name} › ${q.name}` : `queue ${id}`;
  };

  async function invite(event: Event) {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const given = name().trim().toLowerCase();
      setCode({ name: given, code: await props.api.teamInvite(given, roles(), chosen()) });
      setName("");
      setChosen([]);
      void refetch();
      void audits.refetch();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  async function remove(member: string) {
    setError(null);
    try {
      await props.api.teamRemove(member);
      setConfirming(null);
      void refetch();
      void audits.refetch();
    } catch (failure) {
      setError(errorMessage(failure));
    }
  }

  return (
    <>
      <div class="card" data-testid="team-members">
        <h3>Members</h3>
        <ul class="members">
          <For each={members() ?? []}>
            {(m) => (
              <li data-testid="team-member" data-name={m.name} classList={{ removed: m.removed }}>
                <span class="member-name">{m.name}</span>
                <span class="muted">
                  {m.removed ? "removed" : m.roles.join(", ")}
                  {!m.removed && m.queues.length > 0 ? ` · ${m.queues.map(queueName).join(", ")}` : ""}
                </span>
                <Show when={!m.removed && m.name !== props.me}>
                  <Show
                    when={confirming() === m.name}
                    fallback={
                      <button type="button" class="danger" data-testid="team-member-remove" onClick={() => setConfirming(m.name)}>
                        Remove
                      </button>
                    }
                  >
                    <span role="group" aria-label={`Remove ${m.name}?`} class="row">
                      <button type="button" class="danger" data-testid="team-member-remove-confirm" onClick={() => void remove(m.name)}>
                        Remove {m.name} now
                      </button>
                      <button type="button" onClick={() => setConfirming(null)}>
                        Keep
                      </button>
                    </span>
                  </Show>
                </Show>
              </li>
            )}
          </For>
        </ul>
        <p class="muted">Removing a member ends their sign-in at once; their desktop says so and stops. Their past work stays.</p>
      </div>

      <form class="card" data-testid="team-invite" onSubmit={(event) => void invite(event)}>
        <h3>Invite a member</h3>
        <label>
          Sign-in name (lowercase letters, digits and _)
          <input
            data-testid="team-invite-name"
            required
            pattern="[a-z][a-z0-9_]{1,40}"
            autocomplete="off"
            value={name()}
            onInput={(event) => setName(event.currentTarget.value)}
          />
        </label>
        <fieldset class="roles">
          <legend>Roles</legend>
          <For each={ROLES}>
            {(r) => (
              <label class="check">
                <input
                  type="checkbox"
                  data-testid={`team-invite-role-${r.role}`}
                  checked={roles().includes(r.role)}
                  onChange={() => setRoles(toggle(roles(), r.role))}
                />
                {r.label} <span class="muted">— {r.hint}</span>
              </label>
            )}
          </For>
        </fieldset>
        <fieldset class="roles">
          <legend>Queues they work</legend>
          <For each={(queues() ?? []).filter((q) => q.leaf)} fallback={<p class="muted">No queues yet (Settings → Routing).</p>}>
            {(q) => (
              <label class="check">
                <input
                  type="checkbox"
                  data-testid="team-invite-queue"
                  checked={chosen().includes(q.id)}
                  onChange={() => setChosen(toggle(chosen(), q.id))}
                />
                {q.channel_name} › {q.name}
              </label>
            )}
          </For>
        </fieldset>
        <div class="row">
          <button type="submit" class="primary" data-testid="team-invite-send" disabled={busy() || roles().length === 0}>
            {busy() ? "Inviting…" : "Invite"}
          </button>
        </div>
        <Show when={code()}>
          {(given) => (
            <div class="invitation" data-testid="team-invitation">
              <label>
                Invitation code for {given().name} — shown once
                <input readonly data-testid="team-invitation-code" value={given().code} onFocus={(event) => event.currentTarget.select()} />
              </label>
              <div class="row">
                <button type="button" onClick={() => void navigator.clipboard?.writeText(given().code)}>
                  Copy
                </button>
              </div>
              <p class="muted">
                Give it to {given().name} in person or over a channel you trust: it holds a temporary password. They paste it
                into Settings → Team → Join a team and choose a password of their own, which replaces it.
              </p>
            </div>
          )}
        </Show>
        <Show when={error()}>
          <p class="error" role="alert" data-testid="team-members-error">{error()}</p>
        </Show>
      </form>

      <div class="card" data-testid="team-key">
        <h3>Team key</h3>
        <p class="muted">
          The platforms' credentials are kept in the team's database sealed with the team key, which only desktops allowed to
          poll hold (an admin's or poller's invitation carries it). Rotate it when such a desktop is lost: every credential is
          resealed at once; other pollers then need a new invitation to open credentials they do not hold yet.
        </p>
        <div class="row">
          <button type="button" data-testid="team-key-rotate" disabled={rotating()} onClick={() => void rotate()}>
            {rotating() ? "Rotating…" : "Rotate the team key"}
          </button>
        </div>
        <Show when={rotated() !== null}>
          <p role="status" data-testid="team-key-rotated">
            Done: {rotated()} {rotated() === 1 ? "credential" : "credentials"} resealed with the new key.
          </p>
        </Show>
      </div>

      <div class="card" data-testid="team-audit">
        <h3>Audit</h3>
        <p class="muted">Who connected or changed a channel, changed routing, invited or removed a member. No one can edit it.</p>
        <table class="audit">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
            </tr>
          </thead>
          <tbody>
            <For each={audit() ?? []}>
              {(entry) => (
                <tr data-testid="team-audit-entry">
                  <td>{new Date(entry.at).toLocaleString()}</td>
                  <td>{entry.actor}</td>
                  <td>{describe(entry.action, entry.detail)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
        <Show when={audit.error}>
          <p class="error" role="alert">{errorMessage(audit.error)}</p>
        </Show>
      </div>
    </>
  );
}

/** An audit entry in words (its details as text, never as HTML). */
function describe(action: string, detail: Record<string, unknown> | null): string {
  const d = detail ?? {};
  switch (action) {
    case "member_invited":
      return `invited ${String(d.member)} as ${(d.roles as string[] | undefined)?.join(", ") ?? "?"}`;
    case "member_removed":
      return `removed ${String(d.member)}`;
    case "routing_changed":
      return `changed routing (${String(d.table)}, ${String(d.operation)})`;
    default:
      return `${action.replace(/_/g, " ")}${d.row && typeof d.row === "object" && "name" in d.row ? `: ${String((d.row as { name: unknown }).name)}` : ""}`;
  }
}
