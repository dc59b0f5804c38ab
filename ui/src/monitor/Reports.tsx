// Standard reports over whole days in the team's zone; the CSV holds exactly these cells.
import { createSignal, For, Show } from "solid-js";
import type { Cell, MonitorApi, ReportKind, ReportQuery, ReportTable } from "./api";
import { errorMessage } from "../lib/api";
import { duration, percent } from "./Monitor";

export const REPORTS: [ReportKind, string][] = [
  ["queues", "Interactions by queue"],
  ["agents", "Interactions by agent"],
  ["intervals", "Service level and abandon by half-hour"],
  ["dispositions", "Dispositions"],
  ["busiest_hours", "Busiest hours"],
];

export function cellText(cell: Cell): string {
  switch (cell.type) {
    case "text":
      return cell.value;
    case "count":
      return String(cell.value);
    case "percent":
      return percent(cell.value);
    case "seconds":
      return duration(cell.value);
    case "time":
      // ISO 8601 with the team's offset: shown as its local date and time.
      return cell.value.slice(0, 16).replace("T", " ");
  }
}

function localDay(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function Reports(props: { api: MonitorApi }) {
  const [query, setQuery] = createSignal<ReportQuery>({ kind: "queues", from: localDay(), to: localDay(), business_hours: false });
  const [table, setTable] = createSignal<ReportTable | null>(null);
  const [status, setStatus] = createSignal<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = createSignal(false);
  const update = (change: Partial<ReportQuery>) => {
    setQuery((q) => ({ ...q, ...change }));
    setTable(null);
  };
  const run = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setStatus(null);
    try {
      setTable(await props.api.report(query()));
    } catch (error) {
      setStatus({ ok: false, text: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  };
  const exportCsv = async () => {
    try {
      const path = await props.api.reportCsv(query());
      setStatus({ ok: true, text: `Saved as ${path}` });
    } catch (error) {
      setStatus({ ok: false, text: errorMessage(error) });
    }
  };
  return (
    <section aria-labelledby="reports-title" class="reports">
      <h2 id="reports-title">Reports</h2>
      <form class="report-form" onSubmit={(e) => void run(e)}>
        <label>
          Report{" "}
          <select data-testid="report-kind" value={query().kind} onChange={(e) => update({ kind: e.currentTarget.value as ReportKind })}>
            <For each={REPORTS}>{([kind, label]) => <option value={kind}>{label}</option>}</For>
          </select>
        </label>
        <label>
          From <input type="date" data-testid="report-from" value={query().from} onChange={(e) => update({ from: e.currentTarget.value })} />
        </label>
        <label>
          To <input type="date" data-testid="report-to" value={query().to} onChange={(e) => update({ to: e.currentTarget.value })} />
        </label>
        <label class="check">
          <input type="checkbox" checked={query().business_hours} onChange={(e) => update({ business_hours: e.currentTarget.checked })} /> Business hours only
        </label>
        <button type="submit" data-testid="report-run" disabled={busy()}>
          Show
        </button>
        <button type="button" data-testid="report-csv" disabled={!table()} onClick={() => void exportCsv()}>
          Export CSV
        </button>
      </form>
      <Show when={status()}>
        {(s) => (
          <p role={s().ok ? "status" : "alert"} class={s().ok ? "ok" : "error"} data-testid="report-status">
            {s().text}
          </p>
        )}
      </Show>
      <Show when={table()}>
        {(t) => (
          <table class="board" data-testid="report-table" aria-labelledby="reports-title">
            <thead>
              <tr>
                <For each={t().columns}>{(c) => <th scope="col">{c}</th>}</For>
              </tr>
            </thead>
            <tbody>
              <For each={t().rows} fallback={<tr><td colSpan={t().columns.length} class="muted">Nothing in this range.</td></tr>}>
                {(row) => (
                  <tr>
                    <For each={row}>{(cell, i) => (i() === 0 ? <th scope="row">{cellText(cell)}</th> : <td>{cellText(cell)}</td>)}</For>
                  </tr>
                )}
              </For>
            </tbody>
            <Show when={t().totals}>
              {(totals) => (
                <tfoot>
                  <tr class="totals" data-testid="report-totals">
                    <For each={totals()}>{(cell, i) => (i() === 0 ? <th scope="row">{cellText(cell)}</th> : <td>{cellText(cell)}</td>)}</For>
                  </tr>
                </tfoot>
              )}
            </Show>
          </table>
        )}
      </Show>
    </section>
  );
}
