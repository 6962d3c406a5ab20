// Training runs: reward, loss and every other numeric series of the trainer's metrics JSONL
// ({"step", "phase": "sft"|"grpo", "loss", "reward", …} per line) drawn against the step, one chart
// per metric and one line per run and phase. Runs come from files opened here or, for admin keys,
// from the server's ENVFACTORY_RUNS_DIR (watched while they are written). Route: #/runs

import { imageUrl, request } from "../api.js";
import { PALETTE, lineChart, smooth } from "../chart.js";
import { badge, clear, errorBox, fmtBytes, fmtNum, fmtTime, h, pretty } from "../dom.js";
import { readMetrics } from "../jsonl.js";
import { openRunFile } from "./trajectories.js";

const WATCH_MS = 5000;
const DEFAULT_METRICS = ["reward", "loss"];
// Loaded runs by name ({source, text, metrics, files?}) and chart settings; kept across navigation.
const loaded = new Map();
const settings = { phase: "", smoothing: 0, metrics: null };

export async function render(main, _args, context) {
  const charts = h("section", { class: "pane detail" });
  const redraw = () => drawCharts(charts);
  const side = h("aside", { class: "pane list-pane" }, h("h2", {}, "Runs"), await serverRuns(context, redraw), fileOpener(redraw));
  main.append(h("h1", {}, "Training runs"), h("div", { class: "split" }, side, charts));
  redraw();
  const timer = setInterval(() => refreshServerRuns().then((changed) => changed && redraw()).catch(() => {}), WATCH_MS);
  return () => clearInterval(timer);
}

async function serverRuns(context, redraw) {
  const box = h("div", { class: "server-runs" });
  if (context.who.role !== "admin") {
    box.append(h("p", { class: "muted" }, "Runs stored on the server are listed for admin keys. Open a metrics file below."));
    return box;
  }
  if (!context.who.runs_dir) {
    box.append(h("p", { class: "muted" }, "Set ENVFACTORY_RUNS_DIR on the server to list its training runs here."));
    return box;
  }
  try {
    const { root, runs } = await request("/ui/api/runs");
    box.append(h("p", { class: "muted small" }, `in ${root}`));
    if (!runs.length) box.append(h("p", { class: "muted" }, "No run folders with a metrics.jsonl yet."));
    box.append(h("ul", { class: "run-list" }, runs.map((run) => runItem(run, redraw))));
  } catch (error) {
    box.append(errorBox(error));
  }
  return box;
}

function runItem(run, redraw) {
  const check = h("input", { type: "checkbox", checked: loaded.has(run.name), dataset: { run: run.name } });
  check.addEventListener("change", async () => {
    if (check.checked) await loadServerRun(run).catch((error) => check.parentElement.append(errorBox(error)));
    else loaded.delete(run.name);
    redraw();
  });
  const last = run.last ? `${run.last.phase ?? ""} step ${run.last.step ?? "?"}` : "";
  return h("li", {}, h("label", {}, check, " ", h("strong", {}, run.name)),
    h("div", { class: "muted small" }, [last, fmtTime(run.modified), fmtBytes(run.size)].filter(Boolean).join(" · ")));
}

async function loadServerRun(run) {
  const response = await request(`/ui/api/runs/file?path=${encodeURIComponent(run.metrics)}`, { raw: true });
  const text = await response.text();
  loaded.set(run.name, { source: "server", run, text, metrics: readMetrics(text) });
}

/** Re-read the server runs on show; true when one of them grew. */
async function refreshServerRuns() {
  let changed = false;
  for (const [name, entry] of loaded) {
    if (entry.source !== "server") continue;
    const response = await request(`/ui/api/runs/file?path=${encodeURIComponent(entry.run.metrics)}`, { raw: true });
    const text = await response.text();
    if (text !== entry.text) {
      loaded.set(name, { ...entry, text, metrics: readMetrics(text) });
      changed = true;
    }
  }
  return changed;
}

function fileOpener(redraw) {
  const input = h("input", { type: "file", multiple: true, accept: ".jsonl,.ndjson,application/x-ndjson", "aria-label": "Metrics files" });
  input.addEventListener("change", async () => {
    for (const file of input.files) {
      const text = await file.text();
      loaded.set(file.name, { source: "file", text, metrics: readMetrics(text) });
    }
    redraw();
  });
  return h("div", { class: "card" }, h("h3", {}, "Open metrics files"),
    h("label", { class: "drop-zone small" }, input, h("span", {}, "metrics.jsonl from a training output folder (several to compare)")));
}

function allKeys() {
  const keys = new Set();
  for (const entry of loaded.values()) entry.metrics.keys.forEach((k) => keys.add(k));
  return [...keys];
}

function drawCharts(box) {
  clear(box);
  if (!loaded.size) {
    box.append(h("p", { class: "muted" }, "Choose a run or open a metrics file to see its curves."));
    return;
  }
  const keys = allKeys();
  settings.metrics ??= new Set(DEFAULT_METRICS.filter((k) => keys.includes(k)));
  if (![...settings.metrics].some((k) => keys.includes(k))) keys.slice(0, 2).forEach((k) => settings.metrics.add(k));
  const phases = [...new Set([...loaded.values()].flatMap((e) => Object.keys(e.metrics.phases)))];
  box.append(controls(keys, phases, () => drawCharts(box)));
  const grid = h("div", { class: "chart-grid" });
  for (const key of keys.filter((k) => settings.metrics.has(k))) {
    const series = seriesFor(key);
    grid.append(series.length ? lineChart({ title: key, series })
      : h("div", { class: "chart-box empty muted" }, `${key}: no values in the selected phase`));
  }
  box.append(grid);
  for (const [name, entry] of loaded) {
    if (entry.metrics.errors.length) box.append(h("p", { class: "has-errors" }, `${name}: ${entry.metrics.errors.length} lines skipped (first: line ${entry.metrics.errors[0].line}, ${entry.metrics.errors[0].message})`));
    if (entry.source === "server") box.append(runFiles(entry.run));
  }
}

function controls(keys, phases, redraw) {
  const phase = h("select", { "aria-label": "Phase" }, h("option", { value: "" }, "all phases"),
    phases.map((p) => h("option", { value: p, selected: p === settings.phase }, p)));
  phase.addEventListener("change", () => { settings.phase = phase.value; redraw(); });
  const smoothing = h("input", { type: "range", min: 0, max: 0.95, step: 0.05, value: settings.smoothing, "aria-label": "Smoothing" });
  smoothing.addEventListener("change", () => { settings.smoothing = Number(smoothing.value); redraw(); });
  const chips = keys.map((key) => {
    const box = h("input", { type: "checkbox", checked: settings.metrics.has(key), dataset: { metric: key } });
    box.addEventListener("change", () => { box.checked ? settings.metrics.add(key) : settings.metrics.delete(key); redraw(); });
    return h("label", { class: "chip" }, box, " ", key);
  });
  return h("div", { class: "chart-controls" },
    h("div", { class: "filters" }, phase, h("label", {}, "smoothing ", smoothing, ` ${fmtNum(settings.smoothing, 2)}`)),
    h("div", { class: "chips" }, chips));
}

function seriesFor(key) {
  const series = [];
  let color = 0;
  for (const [name, entry] of loaded) {
    for (const [phase, lines] of Object.entries(entry.metrics.phases)) {
      if (settings.phase && phase !== settings.phase) continue;
      const points = lines.filter((l) => typeof l[key] === "number").map((l) => [l.step, l[key]]);
      const label = loaded.size > 1 ? `${name} · ${phase}` : phase;
      if (points.length) series.push({ label, color: PALETTE[color % PALETTE.length], points: smooth(points, settings.smoothing) });
      color += 1;
    }
  }
  return series;
}

function runFiles(run) {
  const viewer = h("div", { class: "file-viewer" });
  const show = async (file) => {
    clear(viewer).append(h("p", { class: "muted" }, `Loading ${file.path}…`));
    try {
      if (file.path.endsWith(".png")) {
        clear(viewer).append(h("img", { src: await imageUrl(`/ui/api/runs/file?path=${encodeURIComponent(file.path)}`), alt: file.path }));
      } else {
        clear(viewer).append(h("pre", { class: "json" }, pretty(await request(`/ui/api/runs/file?path=${encodeURIComponent(file.path)}`))));
      }
    } catch (error) {
      clear(viewer).append(errorBox(error));
    }
  };
  const actions = run.files.filter((f) => f.path !== run.metrics).map((file) =>
    h("li", {}, h("code", {}, file.path.split("/").pop()), " ", h("span", { class: "muted" }, fmtBytes(file.size)), " ",
      file.path.endsWith(".jsonl")
        ? h("button", { class: "link", text: "open in Trajectories", onclick: () => openRunFile(file.path).catch((e) => viewer.append(errorBox(e))) })
        : h("button", { class: "link", text: "show", onclick: () => show(file) })));
  return h("div", { class: "card" }, h("h3", {}, `Files of ${run.name} `, badge("server", "muted")),
    actions.length ? h("ul", {}, actions) : h("p", { class: "muted" }, "No other files."), viewer);
}
