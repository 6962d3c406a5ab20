// Building elements and formatting values. Text always goes in as text nodes (never as HTML), so
// whatever a tool returned or a file contains is shown, not run.

const SVG_NS = "http://www.w3.org/2000/svg";

function build(el, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.setAttribute("class", Array.isArray(value) ? value.filter(Boolean).join(" ") : value);
    else if (key === "text") el.textContent = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key in el && !(el instanceof SVGElement)) el[key] = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** h("div", {class: "x", onclick: f}, "text", child, [more]) */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

export function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

/** JSON text pretty-printed; a string that is not JSON is returned as it is. */
export function pretty(value) {
  if (typeof value === "string") {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2);
}

export function fmtTime(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toLocaleString(undefined, {
    month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit",
  });
}

export function fmtNum(value, digits = 3) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e5 || abs < 1e-3)) return value.toExponential(2);
  return String(Number(value.toFixed(digits)));
}

export function fmtBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

/** A reward in [0, 1] as a small bar with its value, coloured from red to green. */
export function rewardBar(value, label) {
  if (value === null || value === undefined) return h("span", { class: "muted" }, "–");
  const clamped = Math.max(0, Math.min(1, value));
  return h(
    "span",
    { class: "reward", title: label ? `${label}: ${value}` : String(value) },
    h("span", { class: "reward-track" },
      h("span", { class: "reward-fill", style: `width:${clamped * 100}%;background:${rewardColor(clamped)}` })),
    h("span", { class: "reward-value" }, fmtNum(value)),
  );
}

export function rewardColor(value) {
  const hue = Math.round(Math.max(0, Math.min(1, value)) * 120);
  return `hsl(${hue} 65% 42%)`;
}

export function badge(text, kind) {
  return h("span", { class: ["badge", kind && `badge-${kind}`] }, text);
}

export function shortId(id) {
  return id && id.length > 14 ? `${id.slice(0, 10)}…${id.slice(-4)}` : id;
}

/** A message element for a failed load: what went wrong, in the server's own words. */
export function errorBox(error) {
  return h("div", { class: "error-box", role: "alert" }, error && error.message ? error.message : String(error));
}

/** Text longer than `limit` characters, shortened with a button that shows the rest. */
export function longText(text, limit = 1500, cls = "") {
  const pre = h("pre", { class: cls }, text.length > limit ? text.slice(0, limit) + "…" : text);
  if (text.length <= limit) return pre;
  const more = h("button", {
    class: "link",
    text: `show all ${text.length.toLocaleString()} characters`,
    onclick: () => {
      pre.textContent = text;
      more.remove();
    },
  });
  return h("div", {}, pre, more);
}
