import { fireEvent, render } from "@solidjs/testing-library";
import { describe, expect, it, vi } from "vitest";
import { splitLinks } from "./links";
import { MessageText } from "./MessageText";

describe("links in message text", () => {
  it("finds web addresses, e-mail addresses and phone numbers", () => {
    const pieces = splitLinks("See https://velo.example/track?id=1, mail help@velobikes.com or call +1 555 123 4567.");
    expect(pieces.filter((p) => p.kind === "link").map((p) => p.kind === "link" && p.href)).toEqual([
      "https://velo.example/track?id=1",
      "mailto:help@velobikes.com",
      "tel:+15551234567",
    ]);
    expect(pieces.map((p) => p.text).join("")).toBe(
      "See https://velo.example/track?id=1, mail help@velobikes.com or call +1 555 123 4567.",
    );
  });

  it("never makes a link of a dangerous scheme", () => {
    for (const hostile of [
      "javascript:alert(1)",
      "JAVASCRIPT:alert(document.cookie)",
      "file:///etc/passwd",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox",
      "slack://open?team=1",
    ]) {
      expect(splitLinks(hostile).some((p) => p.kind === "link"), hostile).toBe(false);
    }
  });

  it("renders text and links as nodes, not HTML, and shows the full address on hover", () => {
    const onOpen = vi.fn();
    const text = '<img src=x onerror=alert(1)> https://p\u0430ypal.com/login "quoted"';
    const { container } = render(() => <MessageText text={text} onOpen={onOpen} />);
    expect(container.querySelector("img")).toBeNull();
    expect(container.textContent).toBe(text);
    const link = container.querySelector("a")!;
    expect(link.title).toContain("xn--");
    fireEvent.click(link);
    expect(onOpen).toHaveBeenCalledWith("https://p\u0430ypal.com/login");
  });

  it("keeps a 5,000-character address whole", () => {
    const long = `https://velo.example/${"a".repeat(5_000)}`;
    const pieces = splitLinks(`before ${long} after`);
    const link = pieces.find((p) => p.kind === "link");
    expect(link?.text.length).toBe(long.length);
  });
});
