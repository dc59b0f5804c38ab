import { createResource, createSignal, onCleanup, Show } from "solid-js";
import { errorMessage, type DeskApi, type TeamProgress } from "../lib/api";
import { TeamMembers } from "./TeamMembers";

/**
 * Team mode: share one inbox with other desktops through a PostgreSQL database the team runs.
 * "Create a team" moves this desktop's inbox into it; "Join a team" (with an admin's invitation
 * code and a password of the member's own) replaces this desktop's own inbox with the team's.
 * Either way the app then starts again on a replica of the team. Admins manage members here.
 */
export function Team(props: { api: DeskApi }) {
  const [team] = createResource(() => props.api.teamGet());
  const [url, setUrl] = createSignal("");
  const [password, setPassword] = createSignal("");
  const isCode = () => url().trim().startsWith("SWB");
  const [busy, setBusy] = createSignal<"create" | "join" | null>(null);
  const [done, setDone] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [progress, setProgress] = createSignal<TeamProgress | null>(null);
  onCleanup(props.api.on("team_progress", ({ progress }) => setProgress(progress)));

  async function run(kind: "create" | "join") {
    setError(null);
    setBusy(kind);
    try {
      await (kind === "create" ? props.api.teamCreate(url()) : props.api.teamJoin(url(), isCode() ? password() : undefined));
      setDone(true);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(null);
    }
  }

  const percent = () => {
    const p = progress();
    return p && p.total > 0 ? Math.round((100 * p.done) / p.total) : 0;
  };

  return (
    <section class="settings" aria-labelledby="team-heading">
      <header class="settings-header">
        <h2 id="team-heading">Team</h2>
      </header>
      <div class="settings-grid">
        <Show
          when={team()}
          fallback={
            <div class="card" data-testid="team-setup">
              <h3>Share one inbox with your team</h3>
              <p class="muted">
                Every desktop of a team works from one PostgreSQL database (version 14 or newer) that the team runs: one
                poller per channel, every customer assigned to one agent, and each desktop keeps working from its own copy
                when the database cannot be reached. The address, with its password, is kept in this computer's keychain.
              </p>
              <label>
                Invitation code, or the database's address
                <input
                  type="password"
                  data-testid="team-url"
                  placeholder="SWB1-… from your admin, or postgresql://user:password@host:5432/switchboard"
                  autocomplete="off"
                  value={url()}
                  onInput={(event) => setUrl(event.currentTarget.value)}
                />
              </label>
              <Show when={isCode()}>
                <label>
                  Choose your password (at least 10 characters; only this computer's keychain keeps it)
                  <input
                    type="password"
                    data-testid="team-password"
                    autocomplete="new-password"
                    value={password()}
                    onInput={(event) => setPassword(event.currentTarget.value)}
                  />
                </label>
              </Show>
              <div class="row">
                <button type="button" class="primary" data-testid="team-create" disabled={busy() !== null || done() || isCode()} onClick={() => void run("create")}>
                  {busy() === "create" ? "Creating…" : "Create a team with this inbox"}
                </button>
                <button type="button" data-testid="team-join" disabled={busy() !== null || done()} onClick={() => void run("join")}>
                  {busy() === "join" ? "Joining…" : "Join a team"}
                </button>
              </div>
              <p class="muted">
                Creating moves this desktop's channels, conversations and routing into the team (run it again if it is
                interrupted: nothing is moved twice). Joining replaces this desktop's own inbox with the team's.
              </p>
              <Show when={progress()}>
                {(p) => (
                  <div class="backfill">
                    <progress data-testid="team-progress" max={100} value={percent()} aria-label="Moving this inbox into the team" />
                    <span>
                      {p().step === "moving" ? "Moving this inbox into the team" : "Updating from the team"}: {p().done} of {p().total}
                    </span>
                  </div>
                )}
              </Show>
              <Show when={done()}>
                <p role="status" data-testid="team-restarting">Done. Switchboard starts again as a member of the team…</p>
              </Show>
              <Show when={error()}>
                <p class="error" role="alert" data-testid="team-error">{error()}</p>
              </Show>
            </div>
          }
        >
          {(info) => (
            <>
              <div class="card" data-testid="team-info">
                <h3>This desktop is in a team</h3>
                <p>
                  Database: <code>{info().address}</code>
                </p>
                <p data-testid="team-me">
                  Signed in as <strong>{info().member}</strong>
                  {info().roles.length > 0 ? ` — ${info().roles.join(", ")}` : ""}
                </p>
                <p role="status">
                  {info().online ? "Connected" : "Offline"}
                  {info().waiting > 0 ? ` — ${info().waiting} ${info().waiting === 1 ? "reply" : "replies"} waiting` : ""}
                </p>
                <div class="row">
                  <button type="button" data-testid="team-sign-out" onClick={() => void props.api.teamSignOut().catch((e) => setError(errorMessage(e)))}>
                    Sign out
                  </button>
                </div>
              </div>
              <Show when={info().roles.includes("admin")}>
                <TeamMembers api={props.api} me={info().member} />
              </Show>
            </>
          )}
        </Show>
        <Show when={team.error}>
          <p class="error" role="alert">{errorMessage(team.error)}</p>
        </Show>
      </div>
    </section>
  );
}
