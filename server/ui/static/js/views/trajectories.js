// Trajectory files: a JSONL of trajectories or RL tasks, opened from disk (parsed here, in the
// browser; nothing is uploaded) or from a training run on the server, browsed with filters on
// environment, reward, length and tool errors. Routes: #/trajectories, #/trajectories/<row>

import { request } from "../api.js";
import { conversation } from "../chat.js";
import { histogram } from "../chart.js";
import { badge, clear, errorBox, fmtNum, h, pretty, rewardBar } from "../dom.js";
import { readDataset } from "../jsonl.js";
import { diffCard, rewardCard } from "./sessions.js";
import { taskCard } from "./environments.js";

const PAGE = 100;
// The open file survives navigation between the list and a row (and a reload does not: the file
// was never uploaded anywhere).
let dataset = null;
const filters = { env: "", kind: "", rewardMin: "", rewardMax: "", lengthMin: "", lengthMax: "", errorsOnly: false, text: "", page: 0 };

/** Show `text` (the contents of `name`) in this view. */
export function openDataset(name, text) {
  dataset = { name, ...readDataset(text) };
  Object.assign(filters, { env: "", kind: "", page: 0 });
}

let root = null; // the element this view draws in, redrawn when the file or the page changes

export async function render(main, [row]) {
  root = main;
  if (dataset && row !== undefined && dataset.items[Number(row)]) {
    main.append(rowPage(dataset.items[Number(row)]));
    return;
  }
  main.append(h("h1", {}, "Trajectories"), openers());
  if (dataset) main.append(browser());
}

function openers() {
  const input = h("input", { type: "file", accept: ".jsonl,.ndjson,.json,application/x-ndjson", "aria-label": "Trajectory file" });
  const open = async (file) => {
    openDataset(file.name, await file.text());
    rerender();
  };
  input.addEventListener("change", () => input.files[0] && open(input.files[0]));
  const zone = h("label", { class: "drop-zone" }, input,
    h("span", {}, "Open a JSONL of trajectories (", h("code", {}, "{messages, tools, reward?, metadata?}"),
      ") or RL tasks: choose a file or drop it here. It is read in this browser only."));
  zone.addEventListener("dragover", (event) => event.preventDefault());
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    if (event.dataTransfer.files[0]) open(event.dataTransfer.files[0]);
  });
  return zone;
}

function rerender() {
  const main = clear(root);
  render(main, []).catch((error) => main.append(errorBox(error)));
}

function matches(item) {
  const num = (v) => (v === "" ? null : Number(v));
  const [rMin, rMax, lMin, lMax] = [filters.rewardMin, filters.rewardMax, filters.lengthMin, filters.lengthMax].map(num);
  if (filters.env && item.env !== filters.env) return false;
  if (filters.kind && item.kind !== filters.kind) return false;
  if ((rMin !== null || rMax !== null) && item.reward === null) return false;
  if (rMin !== null && item.reward < rMin) return false;
  if (rMax !== null && item.reward > rMax) return false;
  if (lMin !== null && item.length < lMin) return false;
  if (lMax !== null && item.length > lMax) return false;
  if (filters.errorsOnly && !item.errors) return false;
  const q = filters.text.toLowerCase();
  return !q || `${item.taskId} ${item.text}`.toLowerCase().includes(q);
}

function browser() {
  const { items, errors, name } = dataset;
  const counts = {};
  for (const item of items) counts[item.env] = (counts[item.env] || 0) + 1;
  const kinds = [...new Set(items.map((i) => i.kind))];
  const results = h("div", { class: "results" });
  const control = (key, el, event = "input") => {
    el.addEventListener(event, () => {
      filters[key] = el.type === "checkbox" ? el.checked : el.value;
      filters.page = 0;
      fill();
    });
    return el;
  };
  const numberBox = (key, label, step) => control(key, h("input", { type: "number", step, value: filters[key], placeholder: label, "aria-label": label, class: "narrow" }));
  const fill = () => clear(results).append(...summary(items.filter(matches)));
  const panel = h("div", {},
    h("p", {}, h("strong", {}, name), ` · ${items.length} rows`, errors.length ? h("span", { class: "has-errors" }, ` · ${errors.length} lines skipped`) : ""),
    errors.length ? h("details", { class: "skipped" }, h("summary", {}, "Skipped lines"),
      h("ul", {}, errors.slice(0, 50).map((e) => h("li", {}, `line ${e.line}: ${e.message}`)))) : null,
    h("div", { class: "filters" },
      control("env", h("select", { "aria-label": "Environment", name: "env" }, h("option", { value: "" }, "all environments"),
        Object.entries(counts).sort().map(([env, n]) => h("option", { value: env, selected: env === filters.env }, `${env} (${n})`))), "change"),
      kinds.length > 1 ? control("kind", h("select", { "aria-label": "Kind" }, h("option", { value: "" }, "trajectories and tasks"),
        kinds.map((k) => h("option", { value: k }, k))), "change") : null,
      h("span", { class: "filter-group" }, "reward ", numberBox("rewardMin", "min reward", "0.05"), "–", numberBox("rewardMax", "max reward", "0.05")),
      h("span", { class: "filter-group" }, "messages ", numberBox("lengthMin", "min length", "1"), "–", numberBox("lengthMax", "max length", "1")),
      h("label", {}, control("errorsOnly", h("input", { type: "checkbox", checked: filters.errorsOnly }), "change"), " with tool errors"),
      control("text", h("input", { type: "search", placeholder: "task or request text", value: filters.text, "aria-label": "Search" }))),
    results);
  fill();
  return panel;
}

function summary(shown) {
  const rewards = shown.map((i) => i.reward).filter((r) => r !== null);
  const mean = (values) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);
  const pages = Math.max(1, Math.ceil(shown.length / PAGE));
  filters.page = Math.min(filters.page, pages - 1);
  const page = shown.slice(filters.page * PAGE, (filters.page + 1) * PAGE);
  const pager = pages > 1 ? h("div", { class: "pager" },
    h("button", { text: "← previous", disabled: filters.page === 0, onclick: () => turnPage(-1) }),
    ` page ${filters.page + 1} of ${pages} `,
    h("button", { text: "next →", disabled: filters.page >= pages - 1, onclick: () => turnPage(1) })) : null;
  return [
    h("div", { class: "stats" },
      h("div", { class: "stat" }, h("span", { class: "stat-value", id: "shown-count" }, String(shown.length)), h("span", {}, "rows shown")),
      h("div", { class: "stat" }, h("span", { class: "stat-value" }, fmtNum(mean(rewards))), h("span", {}, "mean reward")),
      h("div", { class: "stat" }, h("span", { class: "stat-value" }, fmtNum(mean(shown.map((i) => i.length)), 1)), h("span", {}, "mean messages")),
      rewards.length ? histogram({ title: "reward", values: rewards }) : null),
    h("table", { class: "grid-table rows" },
      h("thead", {}, h("tr", {}, ["#", "env", "task", "request", "messages", "calls", "errors", "reward"].map((c) => h("th", {}, c)))),
      h("tbody", {}, page.map((item) =>
        h("tr", { class: "clickable", dataset: { row: item.index }, onclick: () => (location.hash = `#/trajectories/${item.index}`) },
          h("td", { class: "num" }, item.index + 1), h("td", {}, item.env), h("td", {}, h("code", {}, item.taskId)),
          h("td", { class: "ellipsis", title: item.text }, item.text),
          h("td", { class: "num" }, item.length), h("td", { class: "num" }, item.calls),
          h("td", { class: ["num", item.errors && "has-errors"] }, item.errors),
          h("td", {}, item.kind === "task" ? badge("task", "muted") : rewardBar(item.reward)))))),
    ...(pager ? [pager] : []),
  ];
}

function turnPage(delta) {
  filters.page += delta;
  rerender();
}

function rowPage(item) {
  const { row } = item;
  const back = h("p", {}, h("a", { href: "#/trajectories" }, `← ${dataset.name}`),
    item.index > 0 ? [" · ", h("a", { href: `#/trajectories/${item.index - 1}` }, "previous")] : null,
    item.index < dataset.items.length - 1 ? [" · ", h("a", { href: `#/trajectories/${item.index + 1}` }, "next")] : null);
  const title = h("h1", {}, `Row ${item.index + 1} `, h("span", { class: "muted small" }, `line ${item.line} · ${item.env}${item.taskId ? ` · ${item.taskId}` : ""}`));
  if (item.kind === "task") return h("div", {}, back, title, h("div", { class: "pane" }, taskCard({ ...row, solution: row.solution || [] })),
    row.initial_state ? h("details", { class: "card" }, h("summary", {}, "initial state"), h("pre", { class: "json" }, pretty(row.initial_state))) : null);
  const evaluation = item.reward === null ? null : { reward: item.reward, components: item.components || {}, details: row.reward?.details, diff: row.reward?.diff };
  const tools = row.tools || [];
  return h("div", {}, back, title,
    h("div", { class: "split wide-left" },
      h("section", { class: "pane" }, h("h2", {}, "Conversation"), conversation(row.messages)),
      h("aside", { class: "pane side" },
        rewardCard(evaluation, { task_id: item.taskId }),
        evaluation?.diff ? diffCard(evaluation) : null,
        h("div", { class: "card" }, h("h2", {}, `Tools (${tools.length})`),
          h("p", { class: "small" }, tools.map((t) => h("code", { class: "chip" }, t.function?.name ?? t.name ?? "?")))),
        h("details", { class: "card", open: true }, h("summary", {}, "metadata"), h("pre", { class: "json" }, pretty(row.metadata ?? {}))))));
}

/** Rows of a JSONL file stored with a training run on the server (admin only). */
export async function openRunFile(path) {
  const response = await request(`/ui/api/runs/file?path=${encodeURIComponent(path)}`, { raw: true });
  openDataset(path, await response.text());
  location.hash = "#/trajectories";
}
