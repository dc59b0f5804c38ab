// Splits message text into plain text and links (web addresses, e-mail addresses, phone
// numbers), for display only: the result is rendered as text nodes and <a> elements, never as
// HTML, and what a link opens is checked again by the core before the system opens it.
import { find } from "linkifyjs";

export type Piece = { kind: "text"; text: string } | { kind: "link"; text: string; href: string };

/** The only schemes a message link may have; anything else stays text. */
const OPENABLE = /^(https?:|mailto:|tel:)/i;

// An international number (+ and 8–15 digits, spaces, dots or dashes between groups), or a
// national one written with separators, e.g. "(555) 123-4567".
const PHONE = /(?<![\w+])(\+\d[\d .-]{6,18}\d|\(\d{2,4}\) ?\d{3}[ .-]?\d{4})(?![\w])/g;

interface Found {
  start: number;
  end: number;
  text: string;
  href: string;
}

function phones(text: string): Found[] {
  const found: Found[] = [];
  for (const match of text.matchAll(PHONE)) {
    const digits = match[0].replace(/[^\d+]/g, "");
    const count = digits.replace("+", "").length;
    if (count < 7 || count > 15) continue;
    found.push({ start: match.index, end: match.index + match[0].length, text: match[0], href: `tel:${digits}` });
  }
  return found;
}

// Nothing that could be a link: a host with a dot before letters, an @, or the start of a phone
// number. Most messages have none, and skip the scanner.
const MAYBE_LINK = /[a-z0-9-]\.[a-z]{2,}|@|\+\d|\(\d|\d{3}[ .-]\d{3}/i;

export function splitLinks(text: string): Piece[] {
  if (!MAYBE_LINK.test(text)) return [{ kind: "text", text }];
  const links: Found[] = find(text)
    .filter((l) => (l.type === "url" || l.type === "email") && OPENABLE.test(l.href))
    .map((l) => ({ start: l.start, end: l.end, text: l.value, href: l.href }));
  for (const phone of phones(text)) {
    if (!links.some((l) => phone.start < l.end && l.start < phone.end)) links.push(phone);
  }
  links.sort((a, b) => a.start - b.start);
  const pieces: Piece[] = [];
  let at = 0;
  for (const link of links) {
    if (link.start > at) pieces.push({ kind: "text", text: text.slice(at, link.start) });
    pieces.push({ kind: "link", text: link.text, href: link.href });
    at = link.end;
  }
  if (at < text.length) pieces.push({ kind: "text", text: text.slice(at) });
  return pieces;
}

/** The address as the system will be given it: a look-alike host shows as its punycode. */
export function shownAddress(href: string): string {
  try {
    return new URL(href).href;
  } catch {
    return href;
  }
}
