import { fireEvent, render, screen, waitFor, within } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import type { ChannelRecord, MessageRecord } from "../lib/api";
import { message as baseMessage, fakeApi, summary } from "../lib/fakeApi";
import { Desk } from "./Desk";

const message = (overrides: Partial<MessageRecord> = {}) =>
  baseMessage({ body: "Hello", created_at: new Date(Date.now() - 3_600_000).toISOString(), ...overrides });

const sms: ChannelRecord = { id: 2, platform: "sms", external_id: "+14155550100", name: "Velo SMS", state: "connected" };

async function openFirst() {
  fireEvent.click((await screen.findAllByTestId("session-item"))[0]);
  return (await screen.findByTestId("composer-input")) as HTMLTextAreaElement;
}

describe("hostile customer text", () => {
  const payloads = [
    `<script>window.__pwned=1</script>`,
    `<img src=x onerror="window.__pwned=2">`,
    `<svg onload="window.__pwned=3"></svg>`,
    `<a href="javascript:window.__pwned=4">click me</a>`,
    "a".repeat(3000),
    "\u202Egnp.exe",
    "zero\u200Bwidth\u200Djoin\uFEFF",
  ];

  it("is shown literally in the list, the conversation, search results and notes, and nothing runs", async () => {
    const messages = payloads.map((body, i) => message({ id: i + 1, body }));
    const { api } = fakeApi([summary({ preview: payloads[2], contact_name: payloads[3] })], messages);
    api.search = async () => [
      { session: summary({ contact_name: payloads[1] }), message_id: 1, snippet: `\u0002<script>\u0003 ${payloads[0]}` },
    ];
    const { container } = render(() => <Desk api={api} />);
    const item = await screen.findByTestId("session-item");
    expect(item).toHaveTextContent(payloads[2]);
    fireEvent.click(item);
    const bodies = await screen.findAllByTestId("message");
    expect(bodies.map((b) => b.querySelector(".body")?.textContent)).toEqual(payloads);
    fireEvent.click(screen.getByTestId("search-open"));
    fireEvent.input(await screen.findByTestId("search-text"), { target: { value: "script" } });
    fireEvent.click(screen.getByTestId("search-run"));
    const hit = await screen.findByTestId("search-hit");
    expect(hit.querySelector("mark")?.textContent).toBe("<script>");
    expect(container.querySelector("script, img, svg, a[href], iframe")).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });
});

describe("the list", () => {
  it("shows unread counts and drafts, and asks the core for the filters chosen", async () => {
    const { api } = fakeApi([summary({ unread: 3, draft: ["Half a thought"] })], []);
    render(() => <Desk api={api} />);
    expect(await screen.findByTestId("unread-count")).toHaveTextContent("3");
    expect(screen.getByTestId("session-item")).toHaveTextContent("Draft: Half a thought");
    fireEvent.input(screen.getByTestId("list-filter"), { target: { value: "ana" } });
    await waitFor(() => expect(api.sessionList).toHaveBeenLastCalledWith({ text: "ana" }, null, 200));
    fireEvent.change(screen.getByTestId("filter-scope"), { target: { value: "mine" } });
    fireEvent.change(screen.getByTestId("filter-state"), { target: { value: "stored" } });
    await waitFor(() =>
      expect(api.sessionList).toHaveBeenLastCalledWith({ text: "ana", scope: "mine", state: "stored" }, null, 200),
    );
  });

  it("moves with j and k, opens the shortcuts sheet with ?, and marks what is opened as read", async () => {
    const { api } = fakeApi([summary({ id: 1, contact_name: "First" }), summary({ id: 2, contact_name: "Second", last_activity_at: new Date(Date.now() - 7_200_000).toISOString() })], []);
    render(() => <Desk api={api} />);
    await screen.findAllByTestId("session-item");
    fireEvent.keyDown(document.body, { key: "j" });
    await waitFor(() => expect(screen.getByTestId("conversation-title")).toHaveTextContent("First"));
    fireEvent.keyDown(document.body, { key: "j" });
    await waitFor(() => expect(screen.getByTestId("conversation-title")).toHaveTextContent("Second"));
    expect(api.sessionRead).toHaveBeenCalledWith(2);
    fireEvent.keyDown(document.body, { key: "?" });
    expect(await screen.findByTestId("shortcuts")).toHaveTextContent("Search all sessions");
    fireEvent.keyDown(screen.getByTestId("shortcuts"), { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("shortcuts")).toBeNull());
  });
});

describe("the composer", () => {
  it("fills a canned response's bubbles and sends them in order", async () => {
    const canned = [{ id: 4, title: "Stock", bubbles: ["Hi Ana!", "It is in stock."] }];
    const recent = new Date(Date.now() - 1_800_000).toISOString();
    const { api } = fakeApi([summary({ last_inbound_at: recent })], [], [], canned);
    render(() => <Desk api={api} />);
    await openFirst();
    expect(screen.getByTestId("window-indicator")).toHaveTextContent("Reply window — 23 h left");
    fireEvent.click(screen.getByTestId("canned-open"));
    fireEvent.click(await screen.findByTestId("canned-option"));
    await waitFor(() => expect(screen.getAllByTestId("composer-input")).toHaveLength(2));
    expect(screen.getByTestId("composer-send")).toHaveTextContent("Send 2");
    fireEvent.click(screen.getByTestId("composer-send"));
    await waitFor(() => expect(api.sessionSend).toHaveBeenCalledWith(7, ["Hi Ana!", "It is in stock."], null));
  });

  it("inserts emoji at the caret and keeps the draft", async () => {
    const { api } = fakeApi([summary({ draft: ["Thanks "] })], []);
    render(() => <Desk api={api} />);
    const input = await openFirst();
    expect(input.value).toBe("Thanks ");
    input.setSelectionRange(7, 7);
    fireEvent.click(screen.getByTestId("emoji-open"));
    fireEvent.input(await screen.findByLabelText("Search emoji"), { target: { value: "thumbs up" } });
    fireEvent.click(await screen.findByLabelText("thumbs up"));
    await waitFor(() => expect(input.value).toMatch(/^Thanks 👍/u));
    await waitFor(() => expect(api.draftSave).toHaveBeenCalledWith(7, [input.value]));
  });

  it("counts SMS segments, and outside WhatsApp's window offers approved templates instead of a text box", async () => {
    const { api } = fakeApi(
      [
        summary({ id: 1, platform: "sms", contact_name: "+14155550123", last_inbound_at: null }),
        summary({ id: 2, platform: "whatsapp", contact_name: "Lukas", last_inbound_at: new Date(Date.now() - 30 * 3_600_000).toISOString(), last_activity_at: new Date(Date.now() - 30 * 3_600_000).toISOString() }),
      ],
      [],
    );
    render(() => <Desk api={api} />);
    const input = await openFirst();
    fireEvent.input(input, { target: { value: "a".repeat(161) } });
    expect(screen.getByTestId("composer-counter")).toHaveTextContent("161 / 1600 · 2 SMS segments (GSM-7)");
    fireEvent.keyDown(document.body, { key: "j" });
    await waitFor(() => expect(screen.getByTestId("window-indicator")).toHaveTextContent("Window closed — send a template"));
    expect(screen.queryByTestId("composer-input")).toBeNull();
    // The template picker: an approved template, its variables, a preview, then send.
    const select = (await screen.findByTestId("template-select")) as HTMLSelectElement;
    await waitFor(() => expect(select.options).toHaveLength(2));
    fireEvent.change(select, { target: { value: "HX01" } });
    const [first, second] = await screen.findAllByTestId("template-variable");
    fireEvent.input(first, { target: { value: "Lukas" } });
    expect(screen.getByTestId("template-send")).toBeDisabled();
    fireEvent.input(second, { target: { value: "<b>#4821</b>" } });
    expect(screen.getByTestId("template-preview")).toHaveTextContent("Hi Lukas, order <b>#4821</b> is ready.");
    fireEvent.click(screen.getByTestId("template-send"));
    await waitFor(() =>
      expect(api.sessionSendTemplate).toHaveBeenCalledWith(2, "HX01", { "1": "Lukas", "2": "<b>#4821</b>" }),
    );
  });
});

describe("session housekeeping", () => {
  it("stores, reopens and deletes only after confirmation", async () => {
    const { api } = fakeApi([summary()], [message()]);
    render(() => <Desk api={api} />);
    await openFirst();
    fireEvent.click(screen.getByTestId("session-store"));
    await waitFor(() => expect(api.sessionSetState).toHaveBeenCalledWith(7, "stored"));
    fireEvent.click(await screen.findByTestId("session-reopen"));
    await waitFor(() => expect(api.sessionSetState).toHaveBeenCalledWith(7, "active"));
    fireEvent.click(await screen.findByTestId("session-delete"));
    expect(api.sessionDelete).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId("session-delete-confirm"));
    await waitFor(() => expect(api.sessionDelete).toHaveBeenCalledWith(7));
    await waitFor(() => expect(screen.queryByTestId("session-item")).toBeNull());
  });

  it("saves names, reference, categories and notes in the details panel", async () => {
    const { api } = fakeApi([summary()], []);
    render(() => <Desk api={api} />);
    await openFirst();
    fireEvent.click(screen.getByTestId("details-toggle"));
    const details = await screen.findByTestId("details");
    expect(within(details).getByTestId("details-identity")).toHaveTextContent("7001");
    fireEvent.input(within(details).getByTestId("details-first"), { target: { value: "Ana" } });
    fireEvent.input(within(details).getByTestId("details-reference"), { target: { value: "ORD-7" } });
    fireEvent.click(within(details).getByTestId("details-save"));
    await waitFor(() => expect(api.sessionSetContact).toHaveBeenCalledWith(7, "Ana", null, "ORD-7"));
    fireEvent.click(await within(details).findByLabelText("Billing"));
    await waitFor(() => expect(api.sessionSetCategories).toHaveBeenCalledWith(7, [1]));
    await waitFor(() => expect(api.sessionDetails).toHaveBeenCalledTimes(2));
    fireEvent.input(within(details).getByTestId("note-input"), { target: { value: "<b>VIP</b>" } });
    fireEvent.click(within(details).getByTestId("note-add"));
    expect(await within(details).findByTestId("note")).toHaveTextContent("<b>VIP</b>");
  });

  it("writes first to a number and shows the core's refusal", async () => {
    const { api } = fakeApi([summary()], [], [sms]);
    api.outboundStart = async () => {
      throw { code: "invalid_input", message: "+1 555 is not a valid phone number." };
    };
    render(() => <Desk api={api} />);
    await screen.findByTestId("session-item");
    fireEvent.keyDown(document.body, { key: "n" });
    const dialog = await screen.findByTestId("new-message");
    fireEvent.input(within(dialog).getByTestId("new-number"), { target: { value: "+1 555" } });
    fireEvent.input(within(dialog).getByTestId("new-text"), { target: { value: "Your bike is ready" } });
    fireEvent.click(within(dialog).getByTestId("new-send"));
    expect(await within(dialog).findByTestId("new-error")).toHaveTextContent("not a valid phone number");
  });
});
