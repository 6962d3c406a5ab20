// Reading JSONL files in the browser: trajectory rows ({messages, tools, reward?, metadata?} from
// the factory, `envfactory eval`, `run_batch` or the server's export), RL task rows (the
// environments' task format) and trainer metrics lines. Bad lines are reported by number and
// skipped, so one broken line does not hide a whole file.

import { callStats } from "./chat.js";

/** {rows: [{line, value}], errors: [{line, message}]} */
export function parseJsonl(text) {
  const rows = [];
  const errors = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (!raw.trim()) return;
    try {
      const value = JSON.parse(raw);
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        errors.push({ line: i + 1, message: "not a JSON object" });
      } else {
        rows.push({ line: i + 1, value });
      }
    } catch (error) {
      errors.push({ line: i + 1, message: error.message });
    }
  });
  return { rows, errors };
}

function firstUserText(messages) {
  const user = messages.find((m) => m.role === "user");
  if (!user) return "";
  return typeof user.content === "string" ? user.content : JSON.stringify(user.content);
}

/** The reward of a row: a number, or the server export's {reward, components, …} object. */
function rewardOf(row) {
  const reward = row.reward ?? row.metadata?.reward;
  if (typeof reward === "number") return { total: reward, components: row.metadata?.components ?? null };
  if (reward && typeof reward.reward === "number") return { total: reward.reward, components: reward.components ?? null };
  return { total: null, components: row.metadata?.components ?? null };
}

/** One row described for browsing and filtering; null (with `why`) when it is neither kind. */
export function describeRow({ line, value }, index) {
  const meta = value.metadata && typeof value.metadata === "object" ? value.metadata : {};
  if (Array.isArray(value.messages)) {
    const { total, components } = rewardOf(value);
    const stats = callStats(value.messages);
    return {
      index, line, kind: "trajectory", row: value,
      env: meta.env ?? meta.environment ?? value.env ?? "(none)",
      taskId: meta.task_id ?? meta.task ?? value.task_id ?? "",
      reward: total, components,
      length: value.messages.length, calls: stats.calls, errors: stats.errors,
      text: firstUserText(value.messages),
    };
  }
  if (typeof value.instruction === "string" && typeof value.env === "string") {
    return {
      index, line, kind: "task", row: value, env: value.env, taskId: value.id ?? "",
      reward: null, components: null,
      length: (value.solution || []).length, calls: (value.solution || []).length, errors: 0,
      text: value.instruction,
    };
  }
  return null;
}

/** Parse a trajectory or task file: described rows plus the lines that could not be used. */
export function readDataset(text) {
  const { rows, errors } = parseJsonl(text);
  const items = [];
  for (const row of rows) {
    const item = describeRow(row, items.length);
    if (item) items.push(item);
    else errors.push({ line: row.line, message: 'neither a trajectory ("messages") nor a task ("env" and "instruction")' });
  }
  errors.sort((a, b) => a.line - b.line);
  return { items, errors };
}

/** Metrics lines grouped by phase: {phases: {phase: [line, …]}, keys: numeric keys in order}. */
export function readMetrics(text) {
  const { rows, errors } = parseJsonl(text);
  const phases = {};
  const keys = new Set();
  for (const { line, value } of rows) {
    if (typeof value.step !== "number") {
      errors.push({ line, message: 'no numeric "step"' });
      continue;
    }
    (phases[value.phase ?? "train"] ??= []).push(value);
    for (const [key, v] of Object.entries(value)) {
      if (typeof v === "number" && key !== "step" && key !== "time") keys.add(key);
    }
  }
  for (const lines of Object.values(phases)) lines.sort((a, b) => a.step - b.step);
  return { phases, keys: [...keys], errors };
}
