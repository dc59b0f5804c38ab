import { fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import { fakeApi, summary } from "../lib/fakeApi";
import type { OpenInteraction } from "../lib/api";
import { InteractionBar, responseCue } from "./InteractionBar";

const open = (overrides: Partial<OpenInteraction> = {}): OpenInteraction => ({
  id: 3,
  state: "queued",
  queue_id: 10,
  queue_name: "Velo Bikes",
  agent: null,
  dismiss_cue: false,
  target_response_seconds: 120,
  ...overrides,
});

describe("the interaction bar", () => {
  it("offers a waiting interaction to pick up, and says where it waits", async () => {
    const { api } = fakeApi();
    render(() => <InteractionBar api={api} session={summary({ interaction: open() })} me="maria" now={Date.now()} />);
    expect(screen.getByTestId("interaction-where")).toHaveTextContent("Waiting in Velo Bikes");
    expect(screen.queryByTestId("interaction-hold")).toBeNull();
    fireEvent.click(screen.getByTestId("interaction-pick-up"));
    await waitFor(() => expect(api.interactionPickUp).toHaveBeenCalledWith(7));
  });

  it("lets the agent hold, end with a disposition and transfer with a note", async () => {
    const { api } = fakeApi();
    const session = summary({ interaction: open({ state: "assigned", agent: "maria" }) });
    render(() => <InteractionBar api={api} session={session} me="maria" now={Date.now()} />);
    expect(screen.getByTestId("interaction-where")).toHaveTextContent("With you");
    fireEvent.click(screen.getByTestId("interaction-hold"));
    await waitFor(() => expect(api.interactionHold).toHaveBeenCalledWith(7));
    fireEvent.click(screen.getByTestId("interaction-end"));
    const disposition = (await screen.findByTestId("end-disposition")) as HTMLSelectElement;
    await waitFor(() => expect(disposition.options.length).toBe(3));
    fireEvent.change(disposition, { target: { value: "Resolved" } });
    fireEvent.click(screen.getByTestId("end-confirm"));
    await waitFor(() => expect(api.interactionEnd).toHaveBeenCalledWith(7, "Resolved"));
    fireEvent.click(screen.getByTestId("interaction-transfer"));
    const queue = (await screen.findByTestId("transfer-queue")) as HTMLSelectElement;
    await waitFor(() => expect(queue.options.length).toBe(1));
    fireEvent.input(screen.getByTestId("transfer-note"), { target: { value: "wants a refund" } });
    fireEvent.click(screen.getByTestId("transfer-confirm"));
    await waitFor(() => expect(api.interactionTransfer).toHaveBeenCalledWith(7, 10, null, "wants a refund"));
  });

  it("shows the core's refusal as it is", async () => {
    const { api } = fakeApi();
    api.interactionHold = async () => {
      throw { code: "invalid_input", message: "an interaction that is held cannot be held" };
    };
    const session = summary({ interaction: open({ state: "assigned", agent: "maria" }) });
    render(() => <InteractionBar api={api} session={session} me="maria" now={Date.now()} />);
    fireEvent.click(screen.getByTestId("interaction-hold"));
    expect(await screen.findByTestId("interaction-error")).toHaveTextContent("cannot be held");
  });

  it("turns amber at the target response time and red past it", () => {
    const now = Date.parse("2026-11-30T12:00:00Z");
    const waiting = (seconds: number) =>
      summary({ awaiting_since: new Date(now - seconds * 1000).toISOString(), interaction: open({ target_response_seconds: 100 }) });
    expect(responseCue(waiting(10), now)).toBe("");
    expect(responseCue(waiting(85), now)).toBe("amber");
    expect(responseCue(waiting(101), now)).toBe("red");
    // Nobody waits: no cue.
    expect(responseCue(summary({ interaction: open() }), now)).toBe("");
  });
});
