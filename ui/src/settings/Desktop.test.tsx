import { fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import { fakeApi } from "../lib/fakeApi";
import { Desktop } from "./Desktop";

describe("Settings → This desktop", () => {
  it("turns starting with the session on and off through the core", async () => {
    const { api } = fakeApi();
    render(() => <Desktop api={api} />);
    const box = (await screen.findByTestId("autostart")) as HTMLInputElement;
    await waitFor(() => expect(box.disabled).toBe(false));
    expect(box.checked).toBe(false);
    fireEvent.click(box);
    await waitFor(() => expect(api.autostartSet).toHaveBeenCalledWith(true));
    await waitFor(() => expect(box.checked).toBe(true));
  });

  it("says why autostart could not change, and shows the setting as it is", async () => {
    const { api } = fakeApi();
    api.autostartSet = async () => {
      throw { code: "unavailable", message: "cannot change autostart: permission denied" };
    };
    render(() => <Desktop api={api} />);
    const box = (await screen.findByTestId("autostart")) as HTMLInputElement;
    await waitFor(() => expect(box.disabled).toBe(false));
    fireEvent.click(box);
    expect(await screen.findByRole("alert")).toHaveTextContent("permission denied");
    expect(box.checked).toBe(false);
  });

  it("applies and remembers the theme", () => {
    const { api } = fakeApi();
    render(() => <Desktop api={api} />);
    fireEvent.click(screen.getByTestId("theme-dark"));
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(localStorage.getItem("switchboard.theme")).toBe("dark");
    fireEvent.click(screen.getByTestId("theme-system"));
    expect(document.documentElement.dataset.theme).toBe("light"); // jsdom's system has no dark preference
    expect(localStorage.getItem("switchboard.theme")).toBe("system");
  });
});
