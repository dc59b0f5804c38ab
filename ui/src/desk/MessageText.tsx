import { For, Match, Switch } from "solid-js";
import { shownAddress, splitLinks } from "./links";

/** A message's text with its links clickable; customer text is always text, never HTML. */
export function MessageText(props: { text: string; onOpen: (href: string) => void }) {
  const pieces = () => splitLinks(props.text);
  return (
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
  );
}
