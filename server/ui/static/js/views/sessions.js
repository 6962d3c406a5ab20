// Sessions: the list (live and closed, refreshed every few seconds), and one session as a chat
// beside its reward components, the state diff against the task's expected state, and the task.
// Routes: #/sessions, #/sessions/<id>

import { request } from "../api.js";
import { callStats, conversation } from "../chat.js";
import { badge, clear, errorBox, fmtNum, fmtTime, h, pretty, rewardBar, shortId } from "../dom.js";

const REFRESH_MS = 3000;

export async function render(main, [id]) {
  return id ? showSession(main, id) : showList(main);
}

/** Calls `tick` now and every REFRESH_MS while `enabled()`; returns the stop function. */
function poll(tick, enabled = () => true) {
  let timer = null;
  let stopped = false;
  const loop = async () => {
    if (stopped) return;
    if (enabled()) await tick().catch(() => {});
    if (!stopped) timer = setTimeout(loop, REFRESH_MS);
  };
  timer = setTimeout(loop, REFRESH_MS);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

async function showList(main) {
  const envs = await request("/v1/environments");
  const status = h("select", { "aria-label": "Status" }, ["all", "active", "closed"].map((s) => h("option", { value: s }, s)));
  const env = h("select", { "aria-label": "Environment" }, h("option", { value: "" }, "all environments"),
    envs.map((e) => h("option", { value: e.name }, e.name)));
  const live = h("input", { type: "checkbox", checked: true });
  const table = h("div", { class: "table-holder" });
  const load = async () => {
    const query = new URLSearchParams({ status: status.value, limit: "500" });
    if (env.value) query.set("env", env.value);
    const rows = await request(`/ui/api/sessions?${query}`);
    clear(table).append(rows.length ? sessionTable(rows) : h("p", { class: "muted" }, "No sessions yet."));
  };
  status.addEventListener("change", load);
  env.addEventListener("change", load);
  main.append(
    h("h1", {}, "Sessions"),
    h("div", { class: "filters" }, status, env, h("label", {}, live, " refresh every 3 s")),
    table,
  );
  await load();
  return poll(load, () => live.checked);
}

function sessionTable(rows) {
  const active = rows.filter((r) => r.status === "active").length;
  return h("div", {},
    h("p", { class: "muted" }, `${rows.length} sessions · ${active} active · ${rows.length - active} closed`),
    h("table", { class: "grid-table sessions" },
      h("thead", {}, h("tr", {}, ["session", "environment", "task", "created", "status", "calls", "errors", "reward"].map((c) => h("th", {}, c)))),
      h("tbody", {}, rows.map((r) =>
        h("tr", { class: "clickable", dataset: { session: r.id }, onclick: () => (location.hash = `#/sessions/${r.id}`) },
          h("td", {}, h("a", { href: `#/sessions/${r.id}` }, h("code", {}, shortId(r.id)))),
          h("td", {}, r.env),
          h("td", {}, r.task_id ? h("code", {}, r.task_id) : h("span", { class: "muted" }, "–")),
          h("td", {}, fmtTime(r.created_at)),
          h("td", {}, badge(r.status === "active" ? "active" : r.closed_reason || "closed", r.status === "active" ? "ok" : "muted")),
          h("td", { class: "num" }, r.calls),
          h("td", { class: ["num", r.errors && "has-errors"] }, r.errors),
          h("td", {}, rewardBar(r.reward)))))));
}

async function showSession(main, id) {
  const holder = h("div", {});
  main.append(holder);
  let last = "";
  const load = async () => {
    const data = await request(`/ui/api/sessions/${encodeURIComponent(id)}`);
    const signature = JSON.stringify([data.messages.length, data.session.status, data.evaluation]);
    if (signature === last) return data;
    last = signature;
    const scroll = window.scrollY;
    clear(holder).append(sessionPage(data));
    window.scrollTo(0, scroll);
    return data;
  };
  const data = await load();
  if (data.session.status !== "active") return null;
  return poll(load);
}

function sessionPage({ session, messages, calls, evaluation, task }) {
  const stats = callStats(messages, calls);
  return h("div", {},
    h("p", {}, h("a", { href: "#/sessions" }, "← all sessions")),
    h("h1", {}, "Session ", h("code", {}, session.id), " ",
      badge(session.status === "active" ? "active" : session.closed_reason || "closed", session.status === "active" ? "ok" : "muted")),
    h("p", { class: "muted" },
      h("a", { href: `#/environments/${encodeURIComponent(session.env)}` }, session.env),
      session.task_id ? ` · task ${session.task_id}` : " · no task",
      ` · created ${fmtTime(session.created_at)}`,
      session.closed_at ? ` · closed ${fmtTime(session.closed_at)}` : "",
      session.parent_id ? [" · forked from ", h("a", { href: `#/sessions/${session.parent_id}` }, shortId(session.parent_id))] : "",
      ` · ${stats.calls} tool calls, ${stats.errors} failed`),
    h("div", { class: "split wide-left" },
      h("section", { class: "pane" }, h("h2", {}, "Conversation"), conversation(messages, calls)),
      h("aside", { class: "pane side" }, rewardCard(evaluation, session), diffCard(evaluation), taskPanel(task, evaluation))));
}

export function rewardCard(evaluation, session = {}) {
  const card = h("div", { class: "card reward-card" }, h("h2", {}, "Reward"));
  if (!evaluation) {
    card.append(h("p", { class: "muted" }, session.task_id
      ? "Not evaluated. The agent's evaluate call (POST /v1/sessions/{id}/evaluate) records the reward."
      : "This session was not started from a task, so there is nothing to grade it against."));
    return card;
  }
  card.append(
    h("div", { class: "reward-total" }, rewardBar(evaluation.reward, "reward"),
      evaluation.preview ? h("p", { class: "note" }, "Preview: graded now without a final answer; not saved.") : null),
    h("table", { class: "components" }, h("tbody", {},
      Object.entries(evaluation.components || {}).map(([name, value]) =>
        h("tr", { dataset: { component: name } }, h("th", {}, name),
          h("td", {}, name === "penalties" ? h("span", { class: value ? "has-errors" : "" }, `−${fmtNum(value)}`) : rewardBar(value, name)))))),
  );
  const details = evaluation.details || {};
  if (details.missing_outputs?.length) card.append(h("p", {}, h("strong", {}, "Missing from the answer: "), details.missing_outputs.join(" · ")));
  if (session.final_response) card.append(h("p", {}, h("strong", {}, "Final answer: "), session.final_response));
  return card;
}

export function diffCard(evaluation) {
  const card = h("div", { class: "card diff-card" }, h("h2", {}, "State vs expected"));
  if (!evaluation) {
    card.append(h("p", { class: "muted" }, "Shown once the session is evaluated."));
    return card;
  }
  const tables = Object.entries(evaluation.diff || {});
  if (!tables.length) {
    card.append(h("p", { class: "ok-text" }, "The final state equals the expected state."));
    return card;
  }
  for (const [table, diff] of tables) {
    const section = h("div", { class: "diff-table", dataset: { table } }, h("h3", {}, h("code", {}, table)));
    if (diff.changed?.length) {
      section.append(h("table", { class: "grid-table diff" },
        h("thead", {}, h("tr", {}, ["row", "field", "expected", "actual"].map((c) => h("th", {}, c)))),
        h("tbody", {}, diff.changed.flatMap((change) => Object.entries(change.fields).map(([field, v]) =>
          h("tr", {}, h("td", {}, h("code", {}, Object.values(change.key).join(", "))), h("td", {}, field),
            h("td", { class: "expected" }, JSON.stringify(v.expected)), h("td", { class: "actual" }, JSON.stringify(v.actual))))))));
    }
    for (const [kind, label] of [["missing", "expected but missing"], ["unexpected", "present but not expected"]]) {
      if (diff[kind]?.length) {
        section.append(h("details", { class: `rows ${kind}`, open: diff[kind].length <= 3 },
          h("summary", {}, `${diff[kind].length} row(s) ${label}`), h("pre", { class: "json" }, pretty(diff[kind]))));
      }
    }
    card.append(section);
  }
  return card;
}

function taskPanel(task, evaluation) {
  const card = h("div", { class: "card" }, h("h2", {}, "Task"));
  if (!task) {
    card.append(h("p", { class: "muted" }, "No task."));
    return card;
  }
  card.append(h("p", {}, task.instruction));
  if (task.required_outputs?.length) card.append(h("p", {}, h("strong", {}, "Must state: "), task.required_outputs.join(" · ")));
  if (task.solution) {
    const unmatched = new Set(evaluation?.details?.unmatched_solution_calls || []);
    card.append(h("h3", {}, "Solution"), h("ol", { class: "solution" }, task.solution.map((call, i) =>
      h("li", { class: evaluation && (unmatched.has(i) ? "unmatched" : "matched") },
        h("code", {}, call.name), " ", h("code", { class: "muted" }, JSON.stringify(call.arguments)),
        evaluation ? badge(unmatched.has(i) ? "not made" : "made", unmatched.has(i) ? "error" : "ok") : null))));
  }
  return card;
}
