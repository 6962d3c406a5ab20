// Charts drawn as SVG by hand: line charts (metrics against the step) with a crosshair that reads
// the values under the pointer, and a histogram. Sized by the viewBox, so they scale with the page.

import { fmtNum, h, svg } from "./dom.js";

export const PALETTE = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"];

const PAD = { left: 52, right: 14, top: 12, bottom: 30 };

/** About `count` round numbers spanning [lo, hi]. */
export function niceTicks(lo, hi, count = 5) {
  if (lo === hi) {
    const pad = Math.abs(lo) * 0.1 || 1;
    return niceTicks(lo - pad, hi + pad, count);
  }
  const rough = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough);
  const ticks = [];
  for (let t = Math.floor(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  if (ticks[ticks.length - 1] < hi) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

/** Exponential moving average (the smoothing training dashboards use), debiased at the start. */
export function smooth(points, weight) {
  if (!weight) return points;
  let average = 0;
  return points.map(([x, y], i) => {
    average = average * weight + (1 - weight) * y;
    return [x, average / (1 - weight ** (i + 1))];
  });
}

/**
 * series: [{label, color, points: [[x, y], ...]}] (points sorted by x).
 * Returns a <figure> holding the SVG, its legend and a readout of the values under the pointer.
 */
export function lineChart({ title, series, xLabel = "step", width = 560, height = 230 }) {
  const all = series.flatMap((s) => s.points);
  const xs = niceTicks(Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0])), 6);
  const ys = niceTicks(Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1])), 4);
  const [x0, x1, y0, y1] = [xs[0], xs[xs.length - 1], ys[0], ys[ys.length - 1]];
  const sx = (x) => PAD.left + ((x - x0) / (x1 - x0 || 1)) * (width - PAD.left - PAD.right);
  const sy = (y) => height - PAD.bottom - ((y - y0) / (y1 - y0 || 1)) * (height - PAD.top - PAD.bottom);

  const plot = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": title });
  for (const y of ys) {
    plot.append(svg("line", { x1: PAD.left, x2: width - PAD.right, y1: sy(y), y2: sy(y), class: "grid" }));
    plot.append(svg("text", { x: PAD.left - 6, y: sy(y) + 4, class: "tick", "text-anchor": "end" }, fmtNum(y)));
  }
  for (const x of xs) {
    plot.append(svg("line", { x1: sx(x), x2: sx(x), y1: PAD.top, y2: height - PAD.bottom, class: "grid" }));
    plot.append(svg("text", { x: sx(x), y: height - PAD.bottom + 16, class: "tick", "text-anchor": "middle" }, fmtNum(x)));
  }
  plot.append(svg("text", { x: width - PAD.right, y: height - 2, class: "axis-label", "text-anchor": "end" }, xLabel));
  for (const s of series) {
    const d = s.points.map(([x, y], i) => `${i ? "L" : "M"}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join("");
    plot.append(svg("path", { d, class: "series", stroke: s.color, dataset: { label: s.label } }));
    if (s.points.length <= 40) {
      for (const [x, y] of s.points) plot.append(svg("circle", { cx: sx(x), cy: sy(y), r: 2.5, fill: s.color }));
    }
  }
  const readout = h("div", { class: "chart-readout muted" }, "\u00a0");
  const cursor = svg("line", { y1: PAD.top, y2: height - PAD.bottom, class: "cursor", visibility: "hidden" });
  plot.append(cursor);
  plot.addEventListener("mousemove", (event) => {
    const box = plot.getBoundingClientRect();
    const x = x0 + (((event.clientX - box.left) * (width / box.width) - PAD.left) / (width - PAD.left - PAD.right)) * (x1 - x0);
    const near = series.map((s) => [s, nearest(s.points, x)]).filter(([, p]) => p);
    if (!near.length) return;
    const at = near[0][1][0];
    cursor.setAttribute("x1", sx(at));
    cursor.setAttribute("x2", sx(at));
    cursor.setAttribute("visibility", "visible");
    readout.textContent = `${xLabel} ${fmtNum(at)} · ` + near.map(([s, p]) => `${s.label}: ${fmtNum(p[1], 4)}`).join(" · ");
  });
  plot.addEventListener("mouseleave", () => cursor.setAttribute("visibility", "hidden"));
  const legend = h("div", { class: "legend" },
    series.map((s) => h("span", {}, h("i", { style: `background:${s.color}` }), s.label)));
  return h("figure", { class: "chart-box" }, h("figcaption", {}, title), legend, plot, readout);
}

function nearest(points, x) {
  let best = null;
  for (const p of points) if (!best || Math.abs(p[0] - x) < Math.abs(best[0] - x)) best = p;
  return best;
}

/** Bars of how many values fall in each of `bins` equal ranges over [lo, hi]. */
export function histogram({ title, values, lo = 0, hi = 1, bins = 10, width = 320, height = 140 }) {
  const counts = new Array(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo || 1)) * bins)))] += 1;
  const top = Math.max(1, ...counts);
  const inner = width - PAD.left - PAD.right;
  const plotHeight = height - PAD.top - PAD.bottom;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": title });
  counts.forEach((count, i) => {
    const barHeight = (count / top) * plotHeight;
    const x = PAD.left + (i * inner) / bins;
    chart.append(
      svg("rect", { x: x + 1, y: height - PAD.bottom - barHeight, width: inner / bins - 2, height: barHeight, class: "bar" },
        svg("title", {}, `${fmtNum(lo + ((hi - lo) * i) / bins)}–${fmtNum(lo + ((hi - lo) * (i + 1)) / bins)}: ${count}`)),
    );
  });
  for (const t of [lo, (lo + hi) / 2, hi]) {
    const x = PAD.left + ((t - lo) / (hi - lo || 1)) * inner;
    chart.append(svg("text", { x, y: height - PAD.bottom + 16, class: "tick", "text-anchor": "middle" }, fmtNum(t)));
  }
  chart.append(svg("text", { x: PAD.left - 6, y: PAD.top + 8, class: "tick", "text-anchor": "end" }, String(top)));
  chart.append(svg("line", { x1: PAD.left, x2: width - PAD.right, y1: height - PAD.bottom, y2: height - PAD.bottom, class: "grid" }));
  return h("figure", { class: "chart-box small" }, h("figcaption", {}, title), chart);
}
