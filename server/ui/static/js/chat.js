// A conversation (OpenAI chat messages) drawn as a chat: the system policy folded away, user and
// assistant turns, and each tool call as a card holding its arguments and, under them, its result.
// Failed calls are marked: from the server's record of the call when there is one, otherwise from
// the result itself ("Error: …" text, or a JSON object with an "error" key as BFCL tools answer).

import { badge, h, longText, pretty } from "./dom.js";

/** True when a tool result reads as a failure. */
export function looksLikeError(content) {
  if (typeof content !== "string") return false;
  if (content.startsWith("Error:")) return true;
  if (!content.startsWith("{")) return false;
  try {
    const value = JSON.parse(content);
    return value !== null && typeof value === "object" && "error" in value;
  } catch {
    return false;
  }
}

function textOf(content) {
  if (content === null || content === undefined) return "";
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part) => part.text ?? JSON.stringify(part)).join("\n");
  return JSON.stringify(content);
}

function parsedArguments(raw) {
  if (typeof raw !== "string") return { text: JSON.stringify(raw ?? {}, null, 2), malformed: false };
  try {
    return { text: JSON.stringify(JSON.parse(raw), null, 2), malformed: false };
  } catch {
    return { text: raw, malformed: true };
  }
}

function toolCallCard(call, result, outcome) {
  const fn = call.function || {};
  const args = parsedArguments(fn.arguments);
  const content = result ? textOf(result.content) : null;
  const failed = outcome ? !outcome.ok : content !== null && looksLikeError(content);
  const status = outcome && !outcome.ok ? outcome.error_kind || "error" : failed ? "error" : content === null ? "no result" : "ok";
  return h(
    "div",
    { class: ["tool-call", failed && "failed", args.malformed && "malformed"], dataset: { callId: call.id || "" } },
    h("div", { class: "tool-call-head" },
      h("span", { class: "tool-name" }, fn.name || "(no name)"),
      badge(status, failed || args.malformed ? "error" : content === null ? "muted" : "ok"),
      args.malformed ? badge("arguments are not JSON", "error") : null,
      h("span", { class: "call-id muted" }, call.id || "")),
    h("div", { class: "tool-call-args" }, h("div", { class: "label" }, "arguments"), longText(args.text, 3000, "json")),
    content === null
      ? null
      : h("div", { class: "tool-call-result" }, h("div", { class: "label" }, "result"), longText(pretty(content), 3000, "json")),
  );
}

function turn(role, ...body) {
  return h("div", { class: ["msg", `msg-${role}`] }, h("div", { class: "msg-role" }, role), ...body);
}

/**
 * messages: OpenAI chat messages; outcomes: optional {call_id: {ok, error_kind}} from the server.
 */
export function conversation(messages, outcomes = {}) {
  const results = new Map();
  for (const message of messages) {
    if (message.role === "tool" && message.tool_call_id) results.set(message.tool_call_id, message);
  }
  const shown = new Set();
  const out = h("div", { class: "chat" });
  for (const message of messages) {
    const text = textOf(message.content);
    if (message.role === "system") {
      const lines = text.split("\n").length;
      out.append(h("details", { class: "msg msg-system" }, h("summary", {}, `system · ${lines} lines`), longText(text, 20000)));
    } else if (message.role === "assistant") {
      const calls = message.tool_calls || [];
      calls.forEach((call) => shown.add(call.id));
      out.append(
        turn(
          "assistant",
          text ? h("div", { class: "msg-text" }, text) : null,
          calls.map((call) => toolCallCard(call, results.get(call.id), outcomes[call.id])),
        ),
      );
    } else if (message.role === "tool") {
      if (shown.has(message.tool_call_id)) continue;
      const failed = looksLikeError(text);
      out.append(turn("tool", h("div", { class: ["tool-call", failed && "failed"] }, longText(pretty(text), 3000, "json"))));
    } else {
      out.append(turn(message.role || "unknown", h("div", { class: "msg-text" }, text)));
    }
  }
  if (!messages.length) out.append(h("p", { class: "muted" }, "No messages."));
  return out;
}

/** Counts for summaries: tool calls and how many of them failed. */
export function callStats(messages, outcomes = {}) {
  const results = new Map(messages.filter((m) => m.role === "tool").map((m) => [m.tool_call_id, textOf(m.content)]));
  let calls = 0;
  let errors = 0;
  for (const message of messages) {
    for (const call of message.tool_calls || []) {
      calls += 1;
      const outcome = outcomes[call.id];
      if (outcome ? !outcome.ok : looksLikeError(results.get(call.id))) errors += 1;
    }
  }
  return { calls, errors };
}
