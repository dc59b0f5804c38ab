import { fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
import { describe, expect, it, vi } from "vitest";
import type { MessageRecord, SessionSummary } from "../lib/api";
import { message as baseMessage, fakeApi, summary as baseSummary } from "../lib/fakeApi";
import { Desk } from "./Desk";

const hostile = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;

const summary = (overrides: Partial<SessionSummary> = {}) =>
  baseSummary({
    preview: hostile,
    last_activity_at: "2026-01-01T10:00:00Z",
    awaiting_since: "2026-01-01T10:00:00Z",
    ...overrides,
  });

const message = (overrides: Partial<MessageRecord> = {}) => baseMessage({ body: hostile, ...overrides });

describe("Desk", () => {
  it("shows hostile customer text literally and runs none of it", async () => {
    const { api } = fakeApi([summary()], [message()]);
    const { container } = render(() => <Desk api={api} />);
    const item = await screen.findByTestId("session-item");
    expect(item).toHaveTextContent(hostile);
    fireEvent.click(item);
    const body = await screen.findByText(hostile, { selector: ".message .body" });
    expect(body.tagName).toBe("P");
    expect(container.querySelector("img, script")).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it("shows a failed reply with its reason, and retries or edits it", async () => {
    const failed = message({
      id: 42,
      direction: "outbound",
      author: "agent",
      body: "Late answer",
      delivery: "failed",
      failure: "Outside the messaging window: the customer has not written for too long.",
    });
    const { api } = fakeApi([summary()], [failed]);
    render(() => <Desk api={api} />);
    fireEvent.click(await screen.findByTestId("session-item"));
    expect(await screen.findByText(/Outside the messaging window/)).toBeInTheDocument();
    fireEvent.click(screen.getByTestId("message-retry"));
    await waitFor(() => expect(api.messageRetry).toHaveBeenCalledWith(7, 42));
    fireEvent.click(screen.getByTestId("message-edit"));
    await waitFor(() => expect((screen.getByTestId("composer-input") as HTMLTextAreaElement).value).toBe("Late answer"));
  });

  it("tells the core which session is on screen and switches do-not-disturb", async () => {
    const { api } = fakeApi([summary()], []);
    render(() => <Desk api={api} />);
    fireEvent.click(await screen.findByTestId("session-item"));
    await waitFor(() => expect(api.sessionFocus).toHaveBeenCalledWith(7));
    const toggle = screen.getByTestId("dnd-toggle");
    expect(toggle).toHaveAttribute("aria-pressed", "false");
    fireEvent.click(toggle);
    await waitFor(() => expect(toggle).toHaveAttribute("aria-pressed", "true"));
    expect(api.notificationsSetDnd).toHaveBeenCalledWith(true);
  });

  it("lists awaiting sessions first and moves a session when an event arrives", async () => {
    const { api, emit } = fakeApi(
      [
        summary({ id: 1, contact_name: "Answered", awaiting_since: null, last_activity_at: "2026-01-01T12:00:00Z" }),
        summary({ id: 2, contact_name: "Waiting" }),
      ],
      [],
    );
    render(() => <Desk api={api} />);
    await waitFor(() => expect(screen.getAllByTestId("contact-name").map((n) => n.textContent)).toEqual(["Waiting", "Answered"]));
    emit("session_changed", {
      session: summary({ id: 3, contact_name: "Earlier", awaiting_since: "2026-01-01T09:00:00Z" }),
    });
    await waitFor(() =>
      expect(screen.getAllByTestId("contact-name").map((n) => n.textContent)).toEqual(["Earlier", "Waiting", "Answered"]),
    );
    // The count is the core's: it covers every session, not only the loaded ones.
    expect(screen.getByTestId("awaiting-count")).toHaveTextContent("1 awaiting");
    emit("awaiting_changed", { count: 2 });
    await waitFor(() => expect(screen.getByTestId("awaiting-count")).toHaveTextContent("2 awaiting"));
  });

  it("sends on Enter, breaks the line on Shift+Enter, and shows delivery updates", async () => {
    const { api, emit } = fakeApi([summary()], [message({ body: "Hello" })]);
    render(() => <Desk api={api} />);
    fireEvent.click(await screen.findByTestId("session-item"));
    const input = (await screen.findByTestId("composer-input")) as HTMLTextAreaElement;
    fireEvent.input(input, { target: { value: "On its way" } });
    fireEvent.keyDown(input, { key: "Enter", shiftKey: true });
    expect(api.sessionSend).not.toHaveBeenCalled();
    fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(api.sessionSend).toHaveBeenCalledWith(7, ["On its way"], null));
    await waitFor(() => expect(input.value).toBe(""));
    emit("message_changed", {
      message: message({ id: 99, direction: "outbound", author: "agent", body: "On its way", delivery: "sent" }),
    });
    const sent = await screen.findByText("On its way", { selector: ".message .body" });
    expect(sent.closest("li")).toHaveAttribute("data-delivery", "sent");
  });

  it("after Messenger's 7 days offers only the documented update tags, chosen explicitly", async () => {
    const tenDaysAgo = new Date(Date.now() - 10 * 24 * 3_600_000).toISOString();
    const { api } = fakeApi([summary({ last_inbound_at: tenDaysAgo, last_activity_at: tenDaysAgo })], []);
    render(() => <Desk api={api} />);
    fireEvent.click(await screen.findByTestId("session-item"));
    const tag = (await screen.findByTestId("update-tag")) as HTMLSelectElement;
    expect(screen.queryByTestId("composer-input")).toBeNull();
    expect([...tag.options].map((o) => o.value)).toEqual(["", "ACCOUNT_UPDATE", "CONFIRMED_EVENT_UPDATE", "POST_PURCHASE_UPDATE"]);
    fireEvent.change(tag, { target: { value: "POST_PURCHASE_UPDATE" } });
    expect(screen.getByTestId("update-tag-rule")).toHaveTextContent("an update about a purchase");
    const input = (await screen.findByTestId("composer-input")) as HTMLTextAreaElement;
    fireEvent.input(input, { target: { value: "Your bike shipped today." } });
    fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(api.sessionSend).toHaveBeenCalledWith(7, ["Your bike shipped today."], "POST_PURCHASE_UPDATE"));
  });

  it("refuses an over-long reply with the platform's limit and keeps the text", async () => {
    const { api } = fakeApi([summary()], []);
    render(() => <Desk api={api} />);
    fireEvent.click(await screen.findByTestId("session-item"));
    const input = (await screen.findByTestId("composer-input")) as HTMLTextAreaElement;
    fireEvent.input(input, { target: { value: "x".repeat(2001) } });
    expect(screen.getByTestId("composer-counter")).toHaveTextContent("2001 / 2000");
    expect(screen.getByRole("alert")).toHaveTextContent("Messenger accepts at most 2000 characters per message.");
    expect(screen.getByTestId("composer-send")).toBeDisabled();
    fireEvent.keyDown(input, { key: "Enter" });
    expect(api.sessionSend).not.toHaveBeenCalled();
    expect(input.value).toHaveLength(2001);
  });

  it("keeps the typed text and shows the error when the core refuses the reply", async () => {
    const { api } = fakeApi([summary()], []);
    api.sessionSend = vi.fn(async () => {
      throw { code: "unavailable", message: "The local cache is busy; try again." };
    });
    render(() => <Desk api={api} />);
    fireEvent.click(await screen.findByTestId("session-item"));
    const input = (await screen.findByTestId("composer-input")) as HTMLTextAreaElement;
    fireEvent.input(input, { target: { value: "Please keep me" } });
    fireEvent.click(screen.getByTestId("composer-send"));
    expect(await screen.findByRole("alert")).toHaveTextContent("The local cache is busy; try again.");
    expect(input.value).toBe("Please keep me");
  });

  it("shows a backfill's progress until it is done, and the core's awaiting count", async () => {
    const { api, emit } = fakeApi([summary()], []);
    render(() => <Desk api={api} />);
    await screen.findByTestId("session-item");
    emit("backfill_progress", { progress: { channel_id: 1, fraction: 0, messages: 0, done: false } });
    const started = await screen.findByTestId("backfill");
    expect(started.querySelector("progress")?.hasAttribute("value")).toBe(false);
    emit("backfill_progress", { progress: { channel_id: 1, fraction: 0.4, messages: 1234, done: false } });
    const bar = await screen.findByTestId("backfill");
    await waitFor(() => expect(bar.querySelector("progress")?.hasAttribute("value")).toBe(true));
    expect(bar).toHaveTextContent("1,234 messages");
    expect(bar.querySelector("progress")?.value).toBeCloseTo(0.4);
    emit("backfill_progress", { progress: { channel_id: 1, fraction: 1, messages: 5000, done: true } });
    await waitFor(() => expect(screen.queryByTestId("backfill")).toBeNull());
    emit("awaiting_changed", { count: 250 });
    await waitFor(() => expect(screen.getByTestId("awaiting-count")).toHaveTextContent("250 awaiting"));
  });

  it("says when the team cannot be reached and how many replies wait, and shows the replica being built", async () => {
    const { api, emit } = fakeApi([summary()], []);
    render(() => <Desk api={api} />);
    await screen.findByTestId("session-item");
    emit("team_status", { status: { online: false, waiting: 2 } });
    expect(await screen.findByTestId("team-offline")).toHaveTextContent("Offline — 2 replies waiting");
    emit("team_status", { status: { online: false, waiting: 1 } });
    await waitFor(() => expect(screen.getByTestId("team-offline")).toHaveTextContent("Offline — 1 reply waiting"));
    emit("team_status", { status: { online: true, waiting: 0 } });
    await waitFor(() => expect(screen.queryByTestId("team-offline")).toBeNull());
    emit("team_progress", { progress: { step: "updating", done: 1000, total: 4000 } });
    const bar = await screen.findByTestId("team-updating");
    expect(bar).toHaveTextContent("Updating from the team… 1,000 of 4,000");
    emit("team_progress", { progress: { step: "updating", done: 4000, total: 4000 } });
    await waitFor(() => expect(screen.queryByTestId("team-updating")).toBeNull());
  });

  it("stops with the reason when the team removed this member, and an agent's settings have no channels", async () => {
    const { api, emit } = fakeApi([summary()], []);
    api.teamGet = vi.fn(async () => ({
      address: "postgresql://amy@db:5432/team",
      online: true,
      waiting: 0,
      member: "amy",
      roles: ["agent" as const],
      signed_out: null,
    }));
    render(() => <Desk api={api} />);
    await screen.findByTestId("session-item");
    fireEvent.click(screen.getByTestId("open-channels"));
    expect(await screen.findByTestId("tab-team")).toHaveAttribute("aria-selected", "true");
    expect(screen.queryByTestId("tab-channels")).toBeNull();
    expect(screen.queryByTestId("tab-routing")).toBeNull();
    emit("team_signed_out", {
      signed_out: { message: "You were removed from the team. Switchboard stopped working with it.", can_sign_in: false },
    });
    const dialog = await screen.findByTestId("team-signed-out");
    expect(dialog).toHaveAttribute("role", "alertdialog");
    expect(dialog).toHaveTextContent("You were removed from the team");
    expect(screen.queryByTestId("team-sign-in-password")).toBeNull(); // signing in cannot help
  });

  it("asks a signed-out member for their password and signs in with it", async () => {
    const { api } = fakeApi([summary()], []);
    api.teamGet = vi.fn(async () => ({
      address: "postgresql://amy@db:5432/team",
      online: false,
      waiting: 0,
      member: "amy",
      roles: [],
      signed_out: { message: "Signed out of the team. Sign in with your password to work again.", can_sign_in: true },
    }));
    api.teamSignIn = vi.fn(async () => {
      throw { code: "invalid_input", message: "The team's database did not accept this password." };
    });
    render(() => <Desk api={api} />);
    const password = (await screen.findByTestId("team-sign-in-password")) as HTMLInputElement;
    expect(password.type).toBe("password");
    fireEvent.input(password, { target: { value: "wrong one" } });
    fireEvent.click(screen.getByTestId("team-sign-in"));
    expect(api.teamSignIn).toHaveBeenCalledWith("wrong one");
    expect(await screen.findByRole("alert")).toHaveTextContent("did not accept this password");
  });

  it("opens the session of a clicked notification", async () => {
    const other = summary({ id: 8, contact_name: "Tomás Reyes", contact_platform_id: "7002" });
    const { api, emit } = fakeApi([summary(), other], [message({ session_id: 8, body: "Battery?" })]);
    render(() => <Desk api={api} />);
    await screen.findAllByTestId("session-item");
    emit("open_session", { session_id: 8 });
    await screen.findByText("Battery?", { selector: ".message .body" });
    expect(api.sessionFocus).toHaveBeenCalledWith(8);
  });

  it("announces an expired channel and takes no replies on a disconnected one", async () => {
    const channel = { id: 1, platform: "messenger" as const, external_id: "5101", name: "Velo Bikes", state: "connected" as const };
    const { api, emit } = fakeApi([summary()], [message({ body: "Hello?" })], [channel]);
    render(() => <Desk api={api} />);
    fireEvent.click(await screen.findByTestId("session-item"));
    await screen.findByTestId("composer-input");
    emit("channel_changed", { channel: { ...channel, state: "expired" } });
    expect(await screen.findByTestId("desk-expired-banner")).toHaveTextContent("Connection expired: Velo Bikes.");
    expect(await screen.findByTestId("channel-note")).toHaveTextContent("replies wait");
    expect(screen.getByTestId("composer-input")).toBeInTheDocument();
    emit("channel_changed", { channel: { ...channel, state: "disconnected" } });
    await waitFor(() => expect(screen.getByTestId("channel-note")).toHaveTextContent("Channel disconnected"));
    expect(screen.queryByTestId("composer-input")).toBeNull();
    expect(screen.queryByTestId("desk-expired-banner")).toBeNull();
  });
});

describe("opening a session", () => {
  it("switches in one step when the history is here, keeps what arrived meanwhile, then marks it read", async () => {
    const ana = summary({ id: 7, contact_name: "Ana Lima" });
    const tom = summary({ id: 8, contact_name: "Tom Reyes", awaiting_since: null });
    const { api, emit } = fakeApi([ana, tom], []);
    let release: (m: MessageRecord[]) => void = () => undefined;
    api.sessionMessages = vi.fn(async (sessionId: number) =>
      sessionId === 7 ? [message({ id: 1, session_id: 7, body: "Ana's question" })] : new Promise<MessageRecord[]>((ok) => (release = ok)),
    );
    render(() => <Desk api={api} />);
    fireEvent.click((await screen.findAllByTestId("session-item"))[0]);
    expect(await screen.findByTestId("conversation-title")).toHaveTextContent("Ana Lima");
    fireEvent.click(screen.getAllByTestId("session-item")[1]);
    // While Tom's history loads, Ana's conversation stays and Tom is not yet marked read.
    await Promise.resolve();
    expect(screen.getByTestId("conversation-title")).toHaveTextContent("Ana Lima");
    expect(api.sessionRead).not.toHaveBeenCalledWith(8);
    expect(document.querySelector("main")).toHaveAttribute("inert");
    emit("message_changed", { message: message({ id: 3, session_id: 8, body: "one more thing" }) });
    release([message({ id: 2, session_id: 8, body: "Tom's question" })]);
    await waitFor(() => expect(screen.getByTestId("conversation-title")).toHaveTextContent("Tom Reyes"));
    expect(document.querySelector("main")).not.toHaveAttribute("inert");
    expect(screen.getAllByTestId("message").map((m) => m.querySelector(".body")?.textContent)).toEqual([
      "Tom's question",
      "one more thing",
    ]);
    await waitFor(() => expect(api.sessionRead).toHaveBeenCalledWith(8));
  });
});
