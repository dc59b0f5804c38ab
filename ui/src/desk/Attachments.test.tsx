import { fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import type { AttachmentRecord, MessageRecord } from "../lib/api";
import { message as baseMessage, fakeApi, summary } from "../lib/fakeApi";
import { Desk } from "./Desk";

const file = (overrides: Partial<AttachmentRecord> = {}): AttachmentRecord => ({
  id: 40,
  kind: "image",
  file_name: "bike.png",
  media_type: "image/png",
  size_bytes: 9337,
  inline: true,
  state: { kind: "ready" },
  ...overrides,
});

const message = (overrides: Partial<MessageRecord> = {}) =>
  baseMessage({ created_at: new Date(Date.now() - 3_600_000).toISOString(), ...overrides });

async function openFirst() {
  fireEvent.click((await screen.findAllByTestId("session-item"))[0]);
  return screen.findByTestId("composer");
}

describe("files in the conversation", () => {
  it("shows images inline from the cache, other files as chips, and saves them to Downloads", async () => {
    const messages = [
      message({ id: 1, body: "the pedal", attachments: [file()] }),
      message({
        id: 2,
        body: "",
        attachments: [
          file({ id: 41, kind: "file", file_name: "<img src=x onerror=alert(1)>.pdf", media_type: "application/pdf", inline: false, size_bytes: 2_400_000 }),
        ],
      }),
      message({ id: 3, attachments: [file({ id: 42, inline: false, state: { kind: "fetching" } })] }),
      message({ id: 4, attachments: [file({ id: 43, inline: false, state: { kind: "unavailable", reason: "Cannot be downloaded: gone" } })] }),
    ];
    const { api } = fakeApi([summary({ preview: "" })], messages);
    const { container } = render(() => <Desk api={api} />);
    expect(await screen.findByTestId("session-item")).toHaveTextContent("📎 File");
    await openFirst();
    const images = await screen.findAllByTestId("attachment-image");
    expect(images).toHaveLength(1);
    expect(images[0]).toHaveAttribute("src", "media://localhost/40");
    expect(images[0]).toHaveAttribute("alt", "bike.png");
    const chips = screen.getAllByTestId("attachment");
    expect(chips[1]).toHaveTextContent("<img src=x onerror=alert(1)>.pdf");
    expect(chips[1]).toHaveTextContent("2.3 MB");
    expect(chips[2]).toHaveTextContent("Downloading…");
    expect(chips[3]).toHaveTextContent("Cannot be downloaded: gone");
    expect(container.querySelectorAll("img")).toHaveLength(1);
    // An attachment-only message has no empty text bubble.
    expect(screen.getAllByTestId("message")[1].querySelector(".body")).toBeNull();
    fireEvent.click(screen.getAllByTestId("attachment-save")[1]);
    expect(await screen.findByTestId("attachment-saved")).toHaveTextContent("Saved to /home/agent/Downloads/file-41");
    expect(api.attachmentSave).toHaveBeenCalledWith(41);
  });

  it("replaces a downloading file when the core announces it ready", async () => {
    const { api, emit } = fakeApi([summary()], [message({ id: 5, attachments: [file({ inline: false, state: { kind: "fetching" } })] })]);
    render(() => <Desk api={api} />);
    await openFirst();
    expect(await screen.findByTestId("attachment")).toHaveTextContent("Downloading…");
    emit("message_changed", { message: message({ id: 5, session_id: 7, attachments: [file()] }) });
    expect(await screen.findByTestId("attachment-image")).toBeInTheDocument();
  });
});

describe("attaching files", () => {
  const pdf = () => new File(["%PDF-1.4"], "invoice.pdf", { type: "application/pdf" });
  const exe = () => new File(["MZ"], "setup.exe", { type: "application/octet-stream" });

  it("checks each picked file with the core, refuses with the reason, and sends the rest after the text", async () => {
    const { api } = fakeApi([summary()], [message({ id: 1, body: "Send the invoice?" })]);
    render(() => <Desk api={api} />);
    await openFirst();
    const input = screen.getByTestId("attach-input") as HTMLInputElement;
    fireEvent.change(input, { target: { files: [pdf(), exe()] } });
    expect(await screen.findByRole("alert")).toHaveTextContent('"setup.exe" cannot be sent.');
    expect(api.attachmentCheck).toHaveBeenCalledWith(7, "setup.exe", 2);
    const staged = await screen.findAllByTestId("staged-file");
    expect(staged).toHaveLength(1);
    expect(staged[0]).toHaveTextContent("invoice.pdf");
    fireEvent.input(screen.getByTestId("composer-input"), { target: { value: "Here it is" } });
    expect(screen.getByTestId("composer-send")).toHaveTextContent("Send + 1 file");
    fireEvent.click(screen.getByTestId("composer-send"));
    await waitFor(() => expect(api.attachmentSend).toHaveBeenCalledTimes(1));
    expect(api.sessionSend).toHaveBeenCalledWith(7, ["Here it is"], null);
    expect((api.attachmentSend as unknown as { mock: { calls: [number, File][] } }).mock.calls[0][1].name).toBe("invoice.pdf");
    await waitFor(() => expect(screen.queryByTestId("staged-file")).toBeNull());
  });

  it("takes files dropped on the reply box, and a file can be removed before sending", async () => {
    const { api } = fakeApi([summary()], [message({ id: 1, body: "hi" })]);
    render(() => <Desk api={api} />);
    const composer = await openFirst();
    const dataTransfer = { files: [pdf()], types: ["Files"], dropEffect: "none" };
    fireEvent.dragOver(composer, { dataTransfer });
    expect(composer).toHaveClass("dragging");
    fireEvent.drop(composer, { dataTransfer });
    const staged = await screen.findByTestId("staged-file");
    expect(composer).not.toHaveClass("dragging");
    expect(screen.getByTestId("composer-send")).toHaveTextContent("Send 1 file");
    fireEvent.click(screen.getByRole("button", { name: "Remove invoice.pdf" }));
    expect(staged).not.toBeInTheDocument();
    expect(screen.getByTestId("composer-send")).toBeDisabled();
  });
});
