import { fireEvent, render, screen, waitFor, within } from "@solidjs/testing-library";
import { describe, expect, it, vi } from "vitest";
import { Monitor, duration, percent } from "./Monitor";
import type { MonitorApi, ReportQuery, ReportTable, Wallboard } from "./api";

const now = new Date("2026-11-30T14:40:00Z");
const HIT = {
  interaction_id: 12,
  session_id: 4,
  contact_name: "Marta <b>Ruiz</b>",
  platform: "messenger" as const,
  channel_name: "Velo Bikes",
  queue_name: "Sales",
  agent: "ana",
  started_at: "2026-11-30T14:30:00Z",
  queued_at: "2026-11-30T14:30:00Z",
  ended_at: "2026-11-30T14:50:00Z",
  end_reason: "agent_ended",
  disposition: "Sold",
};

function board(): Wallboard {
  const figures = {
    offered: 10,
    answered: 6,
    abandoned: 3,
    answered_in_target: 4,
    average_wait_seconds: 210,
    abandon_rate: 30,
    service_level: 44.44,
  };
  return {
    at: now.toISOString(),
    time_zone: "Europe/Madrid",
    day_start: "2026-11-29T23:00:00Z",
    interval_start: "2026-11-30T14:30:00Z",
    queues: [
      {
        id: 1,
        name: "Sales",
        channel_name: "Velo Bikes",
        platform: "messenger",
        service_level_percent: 80,
        service_level_seconds: 120,
        target_response_seconds: 60,
        today: figures,
        interval: { ...figures, offered: 1, answered: 1, abandoned: 0, answered_in_target: 1, service_level: 100 },
        waiting: { count: 1, longest_seconds: 180 },
      },
      {
        id: 2,
        name: "Repairs",
        channel_name: "Velo Bikes",
        platform: "messenger",
        service_level_percent: 80,
        service_level_seconds: 60,
        target_response_seconds: 60,
        today: { ...figures, offered: 0, answered: 0, abandoned: 0, answered_in_target: 0, service_level: null, abandon_rate: null, average_wait_seconds: null },
        interval: { ...figures, service_level: null },
        waiting: { count: 0, longest_seconds: null },
      },
    ],
    agents: [
      {
        name: "ana",
        presence: "available",
        presence_since: "2026-11-30T14:00:00Z",
        queues: [1],
        load: [
          { platform: "messenger", in_hand: 1, capacity: 3 },
          { platform: "sms", in_hand: 0, capacity: 3 },
          { platform: "whatsapp", in_hand: 0, capacity: 3 },
        ],
        total_capacity: 5,
        completed: 5,
        average_handle_seconds: 948,
        average_first_response_seconds: 60,
        sessions: [
          {
            interaction_id: 9,
            session_id: 4,
            contact_name: "Marta <b>Ruiz</b>",
            platform: "messenger",
            queue_id: 1,
            agent: "ana",
            state: "assigned",
            queued_at: "2026-11-30T14:30:00Z",
            assigned_at: "2026-11-30T14:35:00Z",
          },
        ],
      },
      {
        name: "ben",
        presence: "break",
        presence_since: "2026-11-30T14:39:00Z",
        queues: [2],
        load: [{ platform: "messenger", in_hand: 0, capacity: 3 }],
        total_capacity: 5,
        completed: 9,
        average_handle_seconds: 300,
        average_first_response_seconds: null,
        sessions: [],
      },
    ],
    waiting: [
      {
        interaction_id: 10,
        session_id: 5,
        contact_name: "Luis",
        platform: "sms",
        queue_id: 1,
        agent: null,
        state: "queued",
        queued_at: "2026-11-30T14:37:00Z",
        assigned_at: null,
      },
    ],
    intervals: [
      { start: "2026-11-30T14:00:00Z", ...figures, waiting: 0 },
      { start: "2026-11-30T14:30:00Z", ...figures, offered: 1, waiting: 1 },
    ],
    alerts: [],
    definitions: {
      service_level: "Answered within the queue's target time ÷ (answered + abandoned).",
      offered: "Interactions that entered the queue.",
    },
  };
}

function fakeMonitor(wallboard = board()) {
  let changed: () => void = () => {};
  let opened: (focus: string) => void = () => {};
  const api: MonitorApi = {
    wallboard: vi.fn(async () => wallboard),
    alertHistory: vi.fn(async () => []),
    report: vi.fn(async (query: ReportQuery): Promise<ReportTable> => ({
      kind: query.kind,
      columns: ["Queue", "Offered", "Service level (%)", "Median handle time (s)"],
      rows: [
        [{ type: "text", value: "Sales" }, { type: "count", value: 10 }, { type: "percent", value: 44.444 }, { type: "seconds", value: 948 }],
        [{ type: "text", value: "Repairs" }, { type: "count", value: 0 }, { type: "percent", value: null }, { type: "seconds", value: null }],
      ],
      totals: [{ type: "text", value: "All queues" }, { type: "count", value: 10 }, { type: "percent", value: 44.444 }, { type: "seconds", value: 948 }],
    })),
    reportCsv: vi.fn(async () => "/home/sue/Downloads/switchboard-queues-2026-11-30-to-2026-11-30.csv"),
    transcripts: vi.fn(async () => [HIT]),
    transcript: vi.fn(async () => ({
      ...HIT,
      messages: [
        { id: 1, session_id: 4, direction: "inbound" as const, author: "customer" as const, body: "<img src=x onerror=alert(1)> red bike?", delivery: "delivered" as const, failure: null, tag: null, created_at: "2026-11-30T14:30:00Z", attachments: [] },
        { id: 2, session_id: 4, direction: "outbound" as const, author: "agent" as const, body: "In stock!", delivery: "sent" as const, failure: null, tag: null, created_at: "2026-11-30T14:31:00Z", attachments: [] },
      ],
      timeline: [
        { at: "2026-11-30T14:30:00Z", kind: "queued", actor: null, detail: null },
        { at: "2026-11-30T14:31:00Z", kind: "assigned", actor: "ana", detail: null },
      ],
    })),
    transcriptsExport: vi.fn(async () => "/home/sue/Downloads/transcripts-1.html"),
    onChanged: vi.fn((handler) => {
      changed = handler;
      return () => {};
    }),
    onOpen: vi.fn((handler) => {
      opened = handler;
      return () => {};
    }),
  };
  return { api, change: () => changed(), open: (focus: string) => opened(focus) };
}

describe("the monitor", () => {
  it("formats waits and rates as a supervisor reads them", () => {
    expect(duration(210)).toBe("3:30");
    expect(duration(3725)).toBe("1:02:05");
    expect(duration(null)).toBe("—");
    expect(percent(44.444)).toBe("44.4 %");
    expect(percent(null)).toBe("—");
  });

  it("shows each queue's figures with their definitions, and flags a service level below its goal", async () => {
    vi.useFakeTimers({ now, toFake: ["Date"] });
    const { api } = fakeMonitor();
    render(() => <Monitor api={api} />);
    const queues = await screen.findByRole("table", { name: "Queues" });
    const sales = within(queues).getByRole("row", { name: /Sales/ });
    const cells = within(sales).getAllByRole("cell").map((c) => c.textContent);
    // Waiting, longest (3:00 since 14:37), average wait, offered, answered, abandoned, rate, SL today, SL now.
    expect(cells).toEqual(["1", "3:00", "3:30", "10", "6", "3", "30.0 %", "44.4 %", "100.0 %"]);
    expect(within(sales).getAllByRole("cell")[7]).toHaveClass("breach");
    expect(within(sales).getAllByRole("cell")[8]).not.toHaveClass("breach");
    expect(within(queues).getByRole("columnheader", { name: "Service level today" })).toHaveAttribute(
      "title",
      "Answered within the queue's target time ÷ (answered + abandoned).",
    );
    const repairs = within(queues).getByRole("row", { name: /Repairs/ });
    expect(within(repairs).getAllByRole("cell")[7].textContent).toBe("—");
    vi.useRealTimers();
  });

  it("lists agents sortable and filterable by queue, customer names as text", async () => {
    const { api } = fakeMonitor();
    render(() => <Monitor api={api} />);
    const agents = await screen.findByRole("table", { name: "Agents" });
    const names = () => within(agents).getAllByRole("rowheader").map((h) => h.textContent);
    expect(names()).toEqual(["ana", "ben"]);
    fireEvent.click(within(agents).getByRole("button", { name: /Completed/ }));
    expect(names()).toEqual(["ben", "ana"]);
    const ana = within(agents).getByRole("row", { name: /ana/ });
    expect(ana.textContent).toContain("Messenger 1/3");
    expect(ana.textContent).toContain("Marta <b>Ruiz</b>");
    expect(ana.querySelector("b")).toBeNull();
    fireEvent.change(screen.getByRole("combobox", { name: /Queue/ }), { target: { value: "2" } });
    expect(names()).toEqual(["ben"]);
  });

  it("reads the wallboard again when the engine says it changed, and shows who waits oldest first", async () => {
    const { api, change } = fakeMonitor();
    render(() => <Monitor api={api} />);
    const waiting = await screen.findByRole("list", { name: "Waiting now" });
    expect(within(waiting).getByText("Luis")).toBeInTheDocument();
    expect(api.wallboard).toHaveBeenCalledTimes(1);
    change();
    await waitFor(() => expect(api.wallboard).toHaveBeenCalledTimes(2));
  });

  it("highlights the queue or agent an alert opened it at", async () => {
    const { api } = fakeMonitor();
    render(() => <Monitor api={api} focus="ben" />);
    const agents = await screen.findByRole("table", { name: "Agents" });
    expect(within(agents).getByRole("row", { name: /ben/ })).toHaveClass("focused");
    expect(within(agents).getByRole("row", { name: /ana/ })).not.toHaveClass("focused");
  });

  it("says what went wrong when the wallboard cannot be read", async () => {
    const api: MonitorApi = {
      wallboard: vi.fn(async () => {
        throw { code: "forbidden", message: "Your role in the team does not allow this (only a member with the supervisor role may watch the monitor)." };
      }),
      alertHistory: vi.fn(async () => []),
      report: vi.fn(),
      reportCsv: vi.fn(),
      transcripts: vi.fn(),
      transcript: vi.fn(),
      transcriptsExport: vi.fn(),
      onChanged: () => () => {},
      onOpen: () => () => {},
    };
    render(() => <Monitor api={api} />);
    expect(await screen.findByRole("alert")).toHaveTextContent("supervisor role");
  });

  it("shows the alerts open now in a banner, and a clicked alert moves the focus", async () => {
    const wallboard = board();
    wallboard.alerts = [
      {
        id: 1,
        key: "queue:1:longest_wait",
        kind: "longest_wait",
        queue_id: 1,
        agent: null,
        focus: "Sales",
        text: "Sales: a customer has waited 3:00 (limit 1:00)",
        started_at: "2026-11-30T14:39:00Z",
        cleared_at: null,
      },
    ];
    const { api, open } = fakeMonitor(wallboard);
    render(() => <Monitor api={api} />);
    const banner = await screen.findByTestId("alert-banner");
    expect(banner).toHaveTextContent("1 alert");
    expect(banner).toHaveTextContent("Sales: a customer has waited 3:00 (limit 1:00)");
    fireEvent.click(within(banner).getByRole("button"));
    const queues = screen.getByRole("table", { name: "Queues" });
    expect(within(queues).getByRole("row", { name: /Sales/ })).toHaveClass("focused");
    open("ben");
    const agents = screen.getByRole("table", { name: "Agents" });
    await waitFor(() => expect(within(agents).getByRole("row", { name: /ben/ })).toHaveClass("focused"));
  });

  it("shows a report with its totals row, and saves the same as CSV", async () => {
    const { api } = fakeMonitor();
    render(() => <Monitor api={api} />);
    fireEvent.click(await screen.findByRole("tab", { name: "Reports" }));
    fireEvent.change(screen.getByTestId("report-kind"), { target: { value: "queues" } });
    fireEvent.change(screen.getByTestId("report-from"), { target: { value: "2026-11-01" } });
    fireEvent.click(screen.getByTestId("report-run"));
    const totals = await screen.findByTestId("report-totals");
    expect(totals.textContent).toBe("All queues1044.4 %15:48");
    const repairs = within(screen.getByTestId("report-table")).getByRole("row", { name: /Repairs/ });
    expect(repairs.textContent).toBe("Repairs0——");
    expect(api.report).toHaveBeenCalledWith(expect.objectContaining({ kind: "queues", from: "2026-11-01", business_hours: false }));
    fireEvent.click(screen.getByTestId("report-csv"));
    expect(await screen.findByTestId("report-status")).toHaveTextContent("Saved as /home/sue/Downloads/switchboard-queues");
  });

  it("finds transcripts, reads one whole as text, and exports the chosen", async () => {
    const { api } = fakeMonitor();
    render(() => <Monitor api={api} />);
    fireEvent.click(await screen.findByRole("tab", { name: "Transcripts" }));
    fireEvent.input(screen.getByTestId("transcript-text"), { target: { value: "red bike" } });
    fireEvent.click(screen.getByTestId("transcript-search"));
    const list = await screen.findByTestId("transcript-list");
    expect(api.transcripts).toHaveBeenCalledWith(expect.objectContaining({ text: "red bike" }));
    expect(within(list).getByRole("rowheader").textContent).toBe("Marta <b>Ruiz</b>");
    fireEvent.click(within(list).getByTestId("transcript-open"));
    const transcript = await screen.findByTestId("transcript");
    expect(transcript.textContent).toContain("<img src=x onerror=alert(1)> red bike?");
    expect(transcript.querySelector("img")).toBeNull();
    expect(transcript.textContent).toContain("assigned by ana");
    fireEvent.click(within(list).getByRole("checkbox"));
    fireEvent.click(screen.getByTestId("transcript-export-html"));
    expect(await screen.findByTestId("transcript-status")).toHaveTextContent("Saved as /home/sue/Downloads/transcripts-1.html");
    expect(api.transcriptsExport).toHaveBeenCalledWith([12], "html");
  });
});
