import { fireEvent, render, screen, within } from "@solidjs/testing-library";
import { describe, expect, it, vi } from "vitest";
import { Alerts } from "./Alerts";
import { fakeApi } from "../lib/fakeApi";

describe("Settings → Alerts", () => {
  it("sets a queue's limits, empty fields unwatched, and shows a refusal", async () => {
    const { api } = fakeApi();
    vi.mocked(api.queueViews).mockResolvedValue([
      { id: 7, channel_id: 1, channel_name: "Velo Bikes", name: "Sales", leaf: true, members: 1, waiting: 0, oldest: null, mine: true },
    ]);
    vi.mocked(api.alertThresholdsGet).mockResolvedValue({
      7: { service_level_below: 80, longest_wait_above: null, waiting_above: null, chat_time_above: null, unanswered_past_target: false },
    });
    render(() => <Alerts api={api} />);
    const form = await screen.findByTestId("alert-limits");
    expect((within(form).getByLabelText(/Service level below/) as HTMLInputElement).value).toBe("80");
    fireEvent.input(within(form).getByLabelText(/Longest wait above/), { target: { value: "90" } });
    fireEvent.click(within(form).getByLabelText(/unanswered past/));
    fireEvent.click(within(form).getByTestId("alert-limits-save"));
    expect(await within(form).findByRole("status")).toHaveTextContent("Limits saved");
    expect(api.alertThresholdsSet).toHaveBeenCalledWith(7, {
      service_level_below: 80,
      longest_wait_above: 90,
      waiting_above: null,
      chat_time_above: null,
      unanswered_past_target: true,
    });
    vi.mocked(api.alertThresholdsSet).mockRejectedValueOnce({ code: "forbidden", message: "only a member with the supervisor role may set alert thresholds" });
    fireEvent.click(within(form).getByTestId("alert-limits-save"));
    expect(await within(form).findByRole("alert")).toHaveTextContent("supervisor role");
  });
});
