// The day's chart in 30-minute intervals: offered, answered, abandoned and waiting as lines,
// service level on its own 0–100 % scale. uPlot (about 22 KB gzipped, canvas, no dependencies)
// draws 50 points × 5 series in well under a millisecond, which a live wallboard needs; the same
// figures are in a table beneath it for screen readers and for copying.
import { createEffect, For, onCleanup, onMount } from "solid-js";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { IntervalFigures } from "./api";
import { percent } from "./Monitor";

function css(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#888";
}

export function DayChart(props: { intervals: IntervalFigures[]; dayStart: string; timeZone: string }) {
  let host!: HTMLDivElement;
  let plot: uPlot | undefined;

  const data = (): uPlot.AlignedData => {
    const xs = props.intervals.map((i) => Date.parse(i.start) / 1000);
    return [
      xs,
      props.intervals.map((i) => i.offered),
      props.intervals.map((i) => i.answered),
      props.intervals.map((i) => i.abandoned),
      props.intervals.map((i) => i.waiting),
      props.intervals.map((i) => i.service_level),
    ];
  };

  onMount(() => {
    // No canvas (a test's DOM): the table below says the same.
    if (!document.createElement("canvas").getContext("2d")) return;
    const opts: uPlot.Options = {
      width: Math.max(320, host.clientWidth || 900),
      // The axis reads the team's clock, as "today" does, not this computer's.
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), props.timeZone),
      height: 220,
      // The whole day on the axis, so that the morning reads as the morning.
      scales: {
        x: { time: true, range: () => [Date.parse(props.dayStart) / 1000, Date.parse(props.dayStart) / 1000 + 86_400] },
        n: { auto: true },
        pct: { range: [0, 100] },
      },
      axes: [
        { stroke: css("--muted") },
        { scale: "n", stroke: css("--muted") },
        { scale: "pct", side: 1, stroke: css("--muted"), values: (_, ticks) => ticks.map((t) => `${t} %`) },
      ],
      series: [
        {},
        { label: "Offered", scale: "n", points: { show: true }, stroke: css("--accent"), width: 2 },
        { label: "Answered", scale: "n", points: { show: true }, stroke: css("--ok"), width: 2 },
        { label: "Abandoned", scale: "n", points: { show: true }, stroke: css("--danger"), width: 2 },
        { label: "Waiting", scale: "n", stroke: css("--amber"), width: 2, dash: [4, 4] },
        { label: "Service level", scale: "pct", stroke: css("--muted"), width: 2 },
      ],
    };
    try {
      plot = new uPlot(opts, data(), host);
    } catch (error) {
      console.error("the day's chart cannot be drawn", error);
      host.dataset.error = String(error);
      plot = undefined;
    }
    const resize = new ResizeObserver(() => plot?.setSize({ width: Math.max(320, host.clientWidth), height: 220 }));
    resize.observe(host);
    onCleanup(() => {
      resize.disconnect();
      plot?.destroy();
    });
  });
  createEffect(() => plot?.setData(data()));

  const time = (at: string) => new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return (
    <figure class="day-chart">
      <div ref={host} class="chart-host" aria-hidden="true" />
      <details>
        <summary>The figures by half-hour</summary>
        <table class="board">
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">Offered</th>
              <th scope="col">Answered</th>
              <th scope="col">Abandoned</th>
              <th scope="col">Service level</th>
              <th scope="col">Waiting at end</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.intervals.filter((i) => i.offered > 0 || i.waiting > 0)}>
              {(i) => (
                <tr>
                  <th scope="row">{time(i.start)}</th>
                  <td>{i.offered}</td>
                  <td>{i.answered}</td>
                  <td>{i.abandoned}</td>
                  <td>{percent(i.service_level)}</td>
                  <td>{i.waiting}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </details>
    </figure>
  );
}
