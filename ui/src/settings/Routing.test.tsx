import { fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
import { describe, expect, it, vi } from "vitest";
import { fakeApi } from "../lib/fakeApi";
import type { ChannelRecord } from "../lib/api";
import { Routing } from "./Routing";

const channels: ChannelRecord[] = [{ id: 1, platform: "messenger", external_id: "1001", name: "Velo Bikes", state: "connected" }];

describe("Settings → Routing", () => {
  it("adds a sub-queue to the tree and gives it its agents and keywords", async () => {
    const { api } = fakeApi();
    render(() => <Routing api={api} channels={channels} />);
    fireEvent.click(await screen.findByTestId("queue-add"));
    fireEvent.input(await screen.findByTestId("queue-new-name"), { target: { value: "Payments" } });
    fireEvent.click(screen.getByTestId("queue-new-save"));
    await waitFor(() => expect(api.queueAdd).toHaveBeenCalledWith(10, "Payments"));
    await waitFor(() => expect(screen.getAllByTestId("queue-row").map((r) => r.dataset.queue)).toEqual(["Velo Bikes", "Payments"]));
    const form = await screen.findByTestId("queue-form");
    expect(form).toHaveTextContent("Payments");
    fireEvent.input(screen.getByTestId("queue-keywords"), { target: { value: "pay, billing" } });
    fireEvent.click(screen.getByTestId("queue-member-tom"));
    fireEvent.click(screen.getByTestId("queue-save"));
    await waitFor(() => expect(api.queueUpdate).toHaveBeenCalledWith(expect.any(Number), expect.objectContaining({ keywords: ["pay", "billing"] })));
    await waitFor(() => expect(api.queueMembersSet).toHaveBeenCalledWith(expect.any(Number), ["tom"]));
  });

  it("counts each text against its 918-character limit and saves the schedule", async () => {
    const { api } = fakeApi();
    render(() => <Routing api={api} channels={channels} />);
    const greeting = await screen.findByTestId("text-greeting");
    fireEvent.input(greeting, { target: { value: "x".repeat(919) } });
    expect(screen.getByTestId("text-count-greeting")).toHaveTextContent("919/918");
    expect(screen.getByTestId("text-count-greeting").classList.contains("over")).toBe(true);
    fireEvent.click(screen.getByTestId("day-sat"));
    fireEvent.click(screen.getByTestId("experience-save"));
    await waitFor(() => expect(api.experienceSave).toHaveBeenCalled());
    const saved = vi.mocked(api.experienceSave).mock.calls[0][1];
    expect(saved.schedule.hours.some((h) => h.day === "sat" && h.opens === "09:00:00")).toBe(true);
    expect(saved.texts.greeting.length).toBe(919);
  });

  it("shows the core's refusal of a protected queue name", async () => {
    const { api } = fakeApi();
    api.queueAdd = async () => {
      throw { code: "invalid_input", message: "\"STOP\" is a word SMS carriers reserve (STOP, HELP, START …): customers cannot choose a queue with it. Pick another word." };
    };
    render(() => <Routing api={api} channels={channels} />);
    fireEvent.click(await screen.findByTestId("queue-add"));
    fireEvent.input(await screen.findByTestId("queue-new-name"), { target: { value: "STOP" } });
    fireEvent.click(screen.getByTestId("queue-new-save"));
    expect(await screen.findByTestId("routing-error")).toHaveTextContent("SMS carriers reserve");
  });

  it("gives one agent a capacity of their own", async () => {
    const { api } = fakeApi();
    render(() => <Routing api={api} channels={channels} />);
    fireEvent.click(await screen.findByTestId("own-capacity-tom"));
    await waitFor(() =>
      expect(api.memberCapacitySet).toHaveBeenCalledWith("tom", { messenger: 3, sms: 3, whatsapp: 3, total: 5, count_held: true }),
    );
  });
});
