import { fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
import { describe, expect, it, vi } from "vitest";
import { fakeApi } from "../lib/fakeApi";
import { Team } from "./Team";

describe("Settings → Team", () => {
  it("creates a team on the address given, shows how far the move is, then says the app starts again", async () => {
    const { api, emit } = fakeApi();
    let finish: () => void = () => undefined;
    api.teamCreate = vi.fn(() => new Promise<void>((done) => (finish = done)));
    render(() => <Team api={api} />);
    const address = (await screen.findByTestId("team-url")) as HTMLInputElement;
    expect(address.type).toBe("password"); // it holds the database password
    fireEvent.input(address, { target: { value: "postgresql://ana:pw@db:5432/team" } });
    fireEvent.click(screen.getByTestId("team-create"));
    expect(api.teamCreate).toHaveBeenCalledWith("postgresql://ana:pw@db:5432/team");
    emit("team_progress", { progress: { step: "moving", done: 250, total: 1000 } });
    const bar = (await screen.findByTestId("team-progress")) as HTMLProgressElement;
    expect(bar.value).toBe(25);
    expect(screen.getByText(/Moving this inbox into the team: 250 of 1000/)).toBeInTheDocument();
    finish();
    expect(await screen.findByTestId("team-restarting")).toHaveTextContent("starts again as a member of the team");
  });

  it("says why joining failed, in the core's words", async () => {
    const { api } = fakeApi();
    api.teamJoin = vi.fn(async () => {
      throw { code: "invalid_input", message: "the team's database runs PostgreSQL 13.4; team mode needs 14 or newer" };
    });
    render(() => <Team api={api} />);
    fireEvent.click(await screen.findByTestId("team-join"));
    expect(await screen.findByTestId("team-error")).toHaveTextContent("needs 14 or newer");
    await waitFor(() => expect((screen.getByTestId("team-join") as HTMLButtonElement).disabled).toBe(false));
  });

  it("shows the team this desktop is in, without its password, and the replies waiting", async () => {
    const { api } = fakeApi();
    api.teamGet = vi.fn(async () => ({
      address: "postgresql://ana@db:5432/team",
      online: false,
      waiting: 2,
      member: "ana",
      roles: ["agent" as const],
      signed_out: null,
    }));
    render(() => <Team api={api} />);
    expect(await screen.findByTestId("team-info")).toHaveTextContent("postgresql://ana@db:5432/team");
    expect(screen.getByRole("status")).toHaveTextContent("Offline — 2 replies waiting");
    expect(screen.queryByTestId("team-url")).toBeNull();
    expect(screen.getByTestId("team-me")).toHaveTextContent("Signed in as ana — agent");
    expect(screen.queryByTestId("team-members")).toBeNull(); // members are an admin's
  });

  it("joins with an invitation code and a password of the member's own", async () => {
    const { api } = fakeApi();
    render(() => <Team api={api} />);
    const address = (await screen.findByTestId("team-url")) as HTMLInputElement;
    expect(screen.queryByTestId("team-password")).toBeNull();
    fireEvent.input(address, { target: { value: "SWB1-eyJhZGRyZXNzIjoi" } });
    const password = (await screen.findByTestId("team-password")) as HTMLInputElement;
    expect(password.type).toBe("password");
    expect((screen.getByTestId("team-create") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.input(password, { target: { value: "my own password" } });
    fireEvent.click(screen.getByTestId("team-join"));
    expect(api.teamJoin).toHaveBeenCalledWith("SWB1-eyJhZGRyZXNzIjoi", "my own password");
  });

  it("lets an admin invite a member (the code is shown once), remove one after confirming, and read the audit", async () => {
    const { api } = fakeApi();
    api.teamGet = vi.fn(async () => ({
      address: "postgresql://ada@db:5432/team",
      online: true,
      waiting: 0,
      member: "ada",
      roles: ["agent" as const, "admin" as const],
      signed_out: null,
    }));
    api.teamMembers = vi.fn(async () => [
      { name: "ada", roles: ["agent" as const, "admin" as const], removed: false, presence: "available", queues: [] },
      { name: "amy", roles: ["agent" as const], removed: false, presence: "offline", queues: [] },
    ]);
    api.teamInvite = vi.fn(async () => "SWB1-secret-code");
    api.teamAudit = vi.fn(async () => [
      { id: 2, at: 1_790_000_000_000, actor: "ada", action: "member_invited", detail: { member: "<b>amy</b>", roles: ["agent"] } },
    ]);
    render(() => <Team api={api} />);
    const members = await screen.findAllByTestId("team-member");
    expect(members.map((m) => m.dataset.name)).toEqual(["ada", "amy"]);
    // No one removes themselves; removing another is confirmed first.
    expect(members[0].querySelector("[data-testid=team-member-remove]")).toBeNull();
    fireEvent.click(members[1].querySelector("[data-testid=team-member-remove]")!);
    fireEvent.click(await screen.findByTestId("team-member-remove-confirm"));
    await waitFor(() => expect(api.teamRemove).toHaveBeenCalledWith("amy"));

    fireEvent.input(screen.getByTestId("team-invite-name"), { target: { value: "Bob_2" } });
    fireEvent.click(screen.getByTestId("team-invite-role-supervisor"));
    fireEvent.submit(screen.getByTestId("team-invite"));
    await waitFor(() => expect(api.teamInvite).toHaveBeenCalledWith("bob_2", ["agent", "supervisor"], []));
    expect(((await screen.findByTestId("team-invitation-code")) as HTMLInputElement).value).toBe("SWB1-secret-code");
    // The audit's details are text, never HTML.
    const entry = await screen.findByTestId("team-audit-entry");
    expect(entry).toHaveTextContent("invited <b>amy</b> as agent");
    expect(entry.querySelector("b")).toBeNull();
  });
});
