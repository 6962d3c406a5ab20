// Environments: the catalog on the left (filter by name or domain), one environment on the right
// with its tools (derived schemas as parameter tables), tasks, tool graph and policy.
// Route: #/environments/<name>/<tools|tasks|graph|policy>

import { imageUrl, request } from "../api.js";
import { badge, clear, errorBox, h, pretty } from "../dom.js";

const TABS = ["tools", "tasks", "graph", "policy"];
let catalog = null; // loaded once per page load: the catalog does not change while the server runs

export async function render(main, [name, tab = "tools"], context) {
  catalog ??= await request("/v1/environments");
  if (!catalog.length) {
    main.append(h("p", { class: "muted" }, "No environments are installed."));
    return;
  }
  const current = catalog.find((env) => env.name === name) || catalog[0];
  const detail = h("section", { class: "pane detail" });
  main.append(h("div", { class: "split" }, catalogList(current.name), detail));
  await showEnvironment(detail, current, TABS.includes(tab) ? tab : "tools", context);
}

function catalogList(selected) {
  const domains = [...new Set(catalog.map((env) => env.domain))].sort();
  const search = h("input", { type: "search", placeholder: "Filter environments", "aria-label": "Filter environments" });
  const domain = h("select", { "aria-label": "Domain" }, h("option", { value: "" }, "all domains"),
    domains.map((d) => h("option", { value: d }, d)));
  const list = h("ul", { class: "env-list" });
  const fill = () => {
    const q = search.value.toLowerCase();
    clear(list).append(
      ...catalog
        .filter((env) => (!domain.value || env.domain === domain.value) && `${env.name} ${env.description}`.toLowerCase().includes(q))
        .map((env) =>
          h("li", { class: env.name === selected && "selected" },
            h("a", { href: `#/environments/${encodeURIComponent(env.name)}` },
              h("strong", {}, env.name), " ", badge(env.domain, "muted"),
              h("div", { class: "muted small" }, `${env.tools.length} tools · ${env.tasks} tasks`)))),
    );
  };
  search.addEventListener("input", fill);
  domain.addEventListener("change", fill);
  fill();
  return h("aside", { class: "pane list-pane" }, h("div", { class: "filters" }, search, domain), list);
}

async function showEnvironment(detail, env, tab, context) {
  const extras = await request(`/ui/api/environments/${encodeURIComponent(env.name)}`);
  const writes = new Set(extras.write_tools);
  const base = `#/environments/${encodeURIComponent(env.name)}`;
  detail.append(
    h("h1", {}, env.name, " ", badge(env.domain, "muted"), " ", h("span", { class: "muted small" }, `v${env.version} · ${env.kind}`)),
    h("p", {}, env.description),
    h("div", { class: "tabs", role: "tablist" },
      TABS.map((t) => h("a", { href: `${base}/${t}`, role: "tab", class: t === tab && "active", "aria-selected": String(t === tab) },
        t === "tools" ? `Tools (${env.tools.length})` : t === "tasks" ? `Tasks (${env.tasks})` : t === "graph" ? "Tool graph" : "Policy"))),
  );
  const body = h("div", { class: "tab-body", dataset: { tab } });
  detail.append(body);
  if (tab === "tools") body.append(...env.tools.map((t) => toolCard(t.function, writes.has(t.function.name))));
  else if (tab === "tasks") await showTasks(body, env, context);
  else if (tab === "graph") await showGraph(body, env);
  else body.append(h("pre", { class: "policy" }, extras.policy));
}

function typeOf(schema) {
  if (!schema) return "any";
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(" | ");
  if (schema.$ref) return schema.$ref.split("/").pop();
  if (schema.type === "array") return `${typeOf(schema.items)}[]`;
  return schema.type || "object";
}

function toolCard(fn, write) {
  const params = fn.parameters || {};
  const required = new Set(params.required || []);
  const rows = Object.entries(params.properties || {}).map(([name, schema]) =>
    h("tr", {},
      h("td", {}, h("code", {}, name), required.has(name) ? h("span", { class: "req", title: "required" }, "*") : null),
      h("td", {}, h("code", {}, typeOf(schema))),
      h("td", {}, schema.description || "", schema.default !== undefined ? h("span", { class: "muted" }, ` (default ${JSON.stringify(schema.default)})`) : null)));
  return h("details", { class: "tool", dataset: { tool: fn.name } },
    h("summary", {}, h("code", { class: "tool-name" }, fn.name), " ", badge(write ? "write" : "read", write ? "write" : "read"),
      h("span", { class: "muted summary-text" }, (fn.description || "").split("\n")[0])),
    h("p", { class: "tool-description" }, fn.description || ""),
    rows.length
      ? h("table", { class: "params" }, h("thead", {}, h("tr", {}, h("th", {}, "parameter"), h("th", {}, "type"), h("th", {}, "description"))), h("tbody", {}, rows))
      : h("p", { class: "muted" }, "No parameters."),
    h("details", { class: "raw" }, h("summary", {}, "JSON schema"), h("pre", { class: "json" }, pretty(params))));
}

async function showTasks(body, env, context) {
  const admin = context.who.role === "admin";
  const tasks = await request(`/v1/environments/${encodeURIComponent(env.name)}/tasks${admin ? "?include_solutions=true" : ""}`);
  const search = h("input", { type: "search", placeholder: "Filter tasks", "aria-label": "Filter tasks" });
  const list = h("div", { class: "task-list" });
  const fill = () => {
    const q = search.value.toLowerCase();
    clear(list).append(...tasks.filter((t) => `${t.id} ${t.instruction}`.toLowerCase().includes(q)).map(taskCard));
  };
  search.addEventListener("input", fill);
  fill();
  body.append(
    h("div", { class: "filters" }, search, admin ? null : h("span", { class: "muted" }, "Solutions are shown to admin keys only.")),
    list);
}

export function taskCard(task) {
  const solution = task.solution || [];
  return h("details", { class: "task", dataset: { task: task.id } },
    h("summary", {}, h("code", {}, task.id), " ", task.instruction,
      task.metadata?.category ? badge(task.metadata.category, "muted") : null),
    task.user ? h("p", {}, h("strong", {}, "User: "), task.user.persona || "", task.user.instructions ? ` — ${task.user.instructions}` : "") : null,
    solution.length
      ? h("ol", { class: "solution" }, solution.map((call) => h("li", {}, h("code", {}, call.name), " ", h("code", { class: "muted" }, JSON.stringify(call.arguments)))))
      : task.solution ? h("p", { class: "muted" }, "Solution: no writes (the right answer is to refuse or only look up).") : null,
    task.required_outputs?.length ? h("p", {}, h("strong", {}, "Must state: "), task.required_outputs.join(" · ")) : null,
    task.ignore_fields?.length ? h("p", { class: "muted" }, `Ignored in the state comparison: ${task.ignore_fields.join(", ")}`) : null);
}

async function showGraph(body, env) {
  body.append(h("p", { class: "muted" }, "Tools and their parameters; edges from outputs to the inputs they can feed, and the tables tools read and write."));
  const holder = h("div", { class: "graph" }, h("p", { class: "muted" }, "Drawing the graph…"));
  body.append(holder);
  try {
    const url = await imageUrl(`/ui/api/environments/${encodeURIComponent(env.name)}/graph.png`);
    clear(holder).append(h("a", { href: url, target: "_blank" }, h("img", { src: url, alt: `Tool graph of ${env.name}` })));
  } catch (error) {
    clear(holder).append(errorBox(error));
  }
}
