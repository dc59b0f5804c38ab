import { fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import type { ChannelRecord } from "../lib/api";
import { fakeApi } from "../lib/fakeApi";
import { Channels } from "./Channels";

const velo: ChannelRecord = { id: 1, platform: "messenger", external_id: "5101", name: "Velo Bikes", state: "connected" };
const line: ChannelRecord = { id: 2, platform: "sms", external_id: "+14155550100", name: "Velo line", state: "connected" };

describe("Channels", () => {
  it("lists channels; an expiry shows the badge and banner and offers Reauthorize", async () => {
    const { api, emit } = fakeApi([], [], [velo, line]);
    render(() => <Channels api={api} onClose={() => undefined} />);
    const rows = await screen.findAllByTestId("channel-row");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("Velo Bikes");
    expect(rows[0]).toHaveTextContent("Connected");
    expect(screen.queryByTestId("expired-banner")).toBeNull();

    emit("channel_changed", { channel: { ...velo, state: "expired" } });
    expect(await screen.findByTestId("expired-banner")).toHaveTextContent("Connection expired: Velo Bikes");
    await waitFor(() => expect(screen.getAllByTestId("channel-state")[0]).toHaveTextContent("Connection expired"));
    fireEvent.click(screen.getByRole("button", { name: "Reauthorize" }));
    expect(api.facebookLogin).toHaveBeenCalledWith("reauthorize");

    emit("channel_warning", { channel_id: 2, warning: "Data access ends on Friday." });
    expect(await screen.findByTestId("channel-warning")).toHaveTextContent("Data access ends on Friday.");
    emit("channel_changed", { channel: { ...velo, state: "connected" } });
    emit("channel_warning", { channel_id: 1, warning: "Facebook data access ends on Friday." });
    await waitFor(() => expect(screen.getAllByTestId("channel-warning")).toHaveLength(2));
    expect(screen.getByRole("button", { name: "Reauthorize" })).toBeInTheDocument();
  });

  it("shows the login's pages: unavailable ones disabled with the reason, declined permissions explained", async () => {
    const { api, emit } = fakeApi([], [], [velo]);
    render(() => <Channels api={api} onClose={() => undefined} />);
    await screen.findAllByTestId("channel-row");
    fireEvent.click(screen.getByRole("button", { name: "Connect Facebook page" }));
    expect(api.facebookLogin).toHaveBeenCalledWith("connect");
    emit("login_finished", {
      kind: "pages",
      pages: [
        { id: "5101", name: "Velo Bikes", unavailable: null, connected: true },
        { id: "5103", name: "Velo Rentals", unavailable: null, connected: false },
        { id: "5102", name: "Velo Outlet", unavailable: "your role does not include messaging", connected: false },
      ],
      declined: [{ permission: "pages_messaging", consequence: "Switchboard cannot read or answer the pages' messages." }],
    });
    const picker = await screen.findByTestId("page-picker");
    expect(picker).toHaveTextContent("You declined pages_messaging");
    const outlet = screen.getByRole("checkbox", { name: /Velo Outlet/ });
    expect(outlet).toBeDisabled();
    expect(picker).toHaveTextContent("your role does not include messaging");
    expect(screen.getByRole("checkbox", { name: /Velo Rentals/ })).toBeChecked();
    expect(screen.getByRole("checkbox", { name: /Velo Bikes/ })).not.toBeChecked();
    fireEvent.click(screen.getByRole("button", { name: "Connect selected pages" }));
    await waitFor(() => expect(api.facebookConnectPages).toHaveBeenCalledWith(["5103"]));
    expect(await screen.findByRole("status")).toHaveTextContent("Connected: Page 5103");
    // Grant again opens the dialog asking for the declined permission once more.
    emit("login_finished", {
      kind: "pages",
      pages: [],
      declined: [{ permission: "pages_messaging", consequence: "Switchboard cannot read or answer the pages' messages." }],
    });
    fireEvent.click(await screen.findByRole("button", { name: "Grant again" }));
    expect(api.facebookLogin).toHaveBeenCalledWith("rerequest");
  });

  it("says so when the login is cancelled, closed or refused", async () => {
    const { api, emit } = fakeApi([], [], []);
    render(() => <Channels api={api} onClose={() => undefined} />);
    emit("login_finished", { kind: "closed" });
    expect(await screen.findByRole("status")).toHaveTextContent("Nothing was connected.");
    emit("login_finished", {
      kind: "failed",
      error: { code: "invalid_input", message: "Facebook login was cancelled. Nothing was connected." },
    });
    expect(await screen.findByTestId("channels-error")).toHaveTextContent("Facebook login was cancelled.");
  });

  it("disconnects only after confirmation", async () => {
    const { api } = fakeApi([], [], [velo]);
    render(() => <Channels api={api} onClose={() => undefined} />);
    await screen.findAllByTestId("channel-row");
    fireEvent.click(screen.getByRole("button", { name: "Disconnect" }));
    expect(api.channelDisconnect).not.toHaveBeenCalled();
    expect(screen.getByText(/History stays/)).toBeInTheDocument();
    const buttons = screen.getAllByRole("button", { name: "Disconnect" });
    fireEvent.click(buttons[buttons.length - 1]);
    await waitFor(() => expect(api.channelDisconnect).toHaveBeenCalledWith(1));
    await waitFor(() => expect(screen.getByTestId("channel-state")).toHaveTextContent("Disconnected"));
  });

  it("checks Twilio credentials, lists the numbers and connects SMS and WhatsApp", async () => {
    const { api } = fakeApi([], [], []);
    api.twilioNumbers = async (sid: string) => {
      if (sid !== "AC1") throw { code: "invalid_input", message: "Twilio refused this Account SID and Auth Token (error 20003)." };
      return [{ number: "+14155550100", name: "Velo Bikes SMS" }];
    };
    render(() => <Channels api={api} onClose={() => undefined} />);
    fireEvent.input(screen.getByLabelText("Account SID"), { target: { value: "ACwrong" } });
    fireEvent.input(screen.getByLabelText("Auth Token"), { target: { value: "secret" } });
    fireEvent.click(screen.getByRole("button", { name: "Find numbers" }));
    expect(await screen.findByTestId("channels-error")).toHaveTextContent("error 20003");
    fireEvent.input(screen.getByLabelText("Account SID"), { target: { value: "AC1" } });
    fireEvent.click(screen.getByRole("button", { name: "Find numbers" }));
    await screen.findByTestId("number-picker");
    fireEvent.click(screen.getByRole("checkbox", { name: /WhatsApp sender/ }));
    fireEvent.click(screen.getByRole("button", { name: "Connect number" }));
    await waitFor(() => expect(api.twilioConnect).toHaveBeenCalledWith("AC1", "secret", "+14155550100", true));
    await waitFor(() => expect(screen.getAllByTestId("channel-row")).toHaveLength(2));
    expect((screen.getByLabelText("Auth Token") as HTMLInputElement).value).toBe("");
  });

  it("shows when each channel last synced and when its connection ends", async () => {
    const { api, emit } = fakeApi([], [], [velo]);
    render(() => <Channels api={api} onClose={() => undefined} />);
    await screen.findAllByTestId("channel-row");
    expect(screen.getByTestId("channel-synced")).toHaveTextContent("—");
    const justNow = new Date(Date.now() - 5_000).toISOString();
    emit("channel_health", {
      health: { channel_id: 1, last_sync: justNow, token_expires_at: null, data_access_expires_at: "2027-02-21T10:00:00Z" },
    });
    await waitFor(() => expect(screen.getByTestId("channel-synced")).toHaveTextContent(/^\d s ago$/));
    expect(screen.getByTestId("channel-ends")).toHaveTextContent("2027");
  });
});
