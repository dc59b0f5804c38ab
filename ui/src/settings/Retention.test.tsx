import { fireEvent, render, screen } from "@solidjs/testing-library";
import { describe, expect, it, vi } from "vitest";
import { Retention } from "./Retention";
import { fakeApi } from "../lib/fakeApi";

describe("Settings → Retention", () => {
  it("shows the policy, saves a change, and says a refusal in the engine's words", async () => {
    const { api } = fakeApi();
    render(() => <Retention api={api} />);
    const days = (await screen.findByLabelText(/Keep messages for/)) as HTMLInputElement;
    expect(days.value).toBe("30");
    expect((screen.getByLabelText(/Keep transcripts for reports/) as HTMLInputElement).value).toBe("400");
    fireEvent.input(days, { target: { value: "60" } });
    fireEvent.click(screen.getByTestId("retention-save"));
    expect(await screen.findByRole("status")).toHaveTextContent("Retention saved");
    expect(api.retentionSet).toHaveBeenCalledWith(60, 30, 400);
    vi.mocked(api.retentionSet).mockRejectedValueOnce({
      code: "invalid_input",
      message: "Reports' figures must be kept between 31 and 3,650 days; 7 is outside.",
    });
    fireEvent.click(screen.getByTestId("retention-save"));
    expect(await screen.findByRole("alert")).toHaveTextContent("31 and 3,650 days");
  });

  it("sets the CRM hook and shows its signing secret once", async () => {
    const { api } = fakeApi();
    render(() => <Retention api={api} />);
    const hook = await screen.findByTestId("crm-hook");
    fireEvent.input(hook.querySelector("input[name=url]")!, { target: { value: "https://crm.example.com/hook" } });
    fireEvent.submit(hook);
    expect(await screen.findByTestId("crm-secret")).toHaveTextContent("c0ffee");
    expect(api.crmHookSet).toHaveBeenCalledWith("https://crm.example.com/hook");
  });
});
