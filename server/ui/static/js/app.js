// The console's shell: who is signed in, the navigation, and a hash router (#/view/arguments) that
// hands the page to one view at a time. A view may return a function that stops its timers.

import { apiKey, askForKey, forgetKey, request } from "./api.js";
import { badge, clear, errorBox, h } from "./dom.js";
import * as environments from "./views/environments.js";
import * as runs from "./views/runs.js";
import * as sessions from "./views/sessions.js";
import * as trajectories from "./views/trajectories.js";

const VIEWS = { environments, sessions, trajectories, runs };

/** What every view may read: the caller ({auth, id, role, runs_dir}). */
export const context = { who: null };

let stopView = null;

async function route() {
  if (stopView) stopView();
  stopView = null;
  const [name, ...args] = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  const view = VIEWS[name] ? name : "environments";
  for (const link of document.querySelectorAll("nav a")) link.classList.toggle("active", link.dataset.tab === view);
  // A fresh element per visit: a view still loading when the person moves on fills a detached
  // element instead of the page.
  const main = h("div", { dataset: { view } });
  clear(document.getElementById("view")).append(main);
  try {
    stopView = (await VIEWS[view].render(main, args.filter(Boolean), context)) || null;
  } catch (error) {
    main.append(errorBox(error));
  }
}

function showWho() {
  const { who } = context;
  const box = clear(document.getElementById("who"));
  if (!who.auth) {
    box.append(badge("auth off · local", "muted"));
    return;
  }
  box.append(
    badge(who.role, who.role === "admin" ? "admin" : "ok"),
    h("span", { class: "muted" }, `key …${(apiKey() || "").slice(-4)}`),
    h("button", {
      class: "link",
      text: "change key",
      onclick: async () => {
        await askForKey("Enter the API key to use from now on.");
        await start();
      },
    }),
    h("button", {
      class: "link",
      text: "forget key",
      onclick: () => {
        forgetKey();
        location.reload();
      },
    }),
  );
}

async function start() {
  context.who = await request("/ui/api/whoami");
  showWho();
  await route();
}

window.addEventListener("hashchange", route);
start().catch((error) => document.getElementById("view").append(errorBox(error)));
