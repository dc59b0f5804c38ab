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
    api.teamGet = vi.fn(async () => ({ address: "postgresql://ana@db:5432/team", online: false, waiting: 2 }));
    render(() => <Team api={api} />);
    expect(await screen.findByTestId("team-info")).toHaveTextContent("postgresql://ana@db:5432/team");
    expect(screen.getByRole("status")).toHaveTextContent("Offline — 2 replies waiting");
    expect(screen.queryByTestId("team-url")).toBeNull();
  });
});
