import { For, Match, Show, Switch } from "solid-js";
import { shownAddress, splitLinks } from "./links";

/** A message's text with its links clickable; customer text is always text, never HTML. */
export function MessageText(props: { text: string; onOpen: (href: string) => void }) {
  const pieces = () => splitLinks(props.text);
  // Most messages have no link: one text node, as cheap as before links existed.
  const plain = () => pieces().length === 1 && pieces()[0].kind === "text";
  return (
    <Show when={!plain()} fallback={<p class="body">{props.text}</p>}>
    <p class="body">
      <For each={pieces()}>
        {(piece) => (
          <Switch>
            <Match when={piece.kind === "text"}>{piece.text}</Match>
            <Match when={piece.kind === "link" && piece}>
              {(link) => (
                <a
                  href={link().href}
                  title={shownAddress(link().href)}
                  data-testid="message-link"
                  rel="noreferrer noopener"
                  // The webview never navigates: the system opens the link, once the core agrees.
                  onClick={(event) => {
                    event.preventDefault();
                    props.onOpen(link().href);
                  }}
                  onAuxClick={(event) => event.preventDefault()}
                >
                  {link().text}
                </a>
              )}
            </Match>
          </Switch>
        )}
      </For>
    </p>
    </Show>
  );
}
