// The server's API, with the key kept in localStorage and sent as a bearer token. A 401 opens the
// key dialog once (however many requests were refused) and the refused requests are sent again.

const STORAGE_KEY = "envfactory.apiKey";

// The page lives at <server>/ui/, so the server root is one level up (this keeps working behind
// a proxy that serves the whole server under a path prefix).
export const ROOT = new URL("../", document.baseURI);

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

export const apiKey = () => localStorage.getItem(STORAGE_KEY);

export function forgetKey() {
  localStorage.removeItem(STORAGE_KEY);
}

let pendingPrompt = null;

/** Resolves once the person has entered a key (`reason` says why one is needed). */
export function askForKey(reason) {
  if (!pendingPrompt) {
    pendingPrompt = new Promise((resolve) => {
      const dialog = document.getElementById("key-dialog");
      const form = document.getElementById("key-form");
      const input = document.getElementById("key-input");
      document.getElementById("key-reason").textContent = reason;
      input.value = "";
      const submitted = (event) => {
        event.preventDefault();
        const key = input.value.trim();
        if (!key) return;
        localStorage.setItem(STORAGE_KEY, key);
        form.removeEventListener("submit", submitted);
        dialog.close();
        pendingPrompt = null;
        resolve(key);
      };
      form.addEventListener("submit", submitted);
      dialog.addEventListener("cancel", (event) => event.preventDefault(), { once: true });
      dialog.showModal();
      input.focus();
    });
  }
  return pendingPrompt;
}

async function problemDetail(response) {
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    return body.detail || body.title || text;
  } catch {
    return text || `${response.status} ${response.statusText}`;
  }
}

/** fetch() against the server root: JSON by default, the Response itself with `{raw: true}`. */
export async function request(path, { raw = false, ...init } = {}) {
  for (;;) {
    const headers = { ...(init.headers || {}) };
    const key = apiKey();
    if (key) headers.Authorization = `Bearer ${key}`;
    const response = await fetch(new URL(path.replace(/^\//, ""), ROOT), { ...init, headers });
    if (response.status === 401) {
      const detail = await problemDetail(response);
      await askForKey(key ? `${detail} Enter another key.` : "This server needs an API key.");
      continue;
    }
    if (!response.ok) throw new ApiError(response.status, await problemDetail(response));
    return raw ? response : response.json();
  }
}

/** An image the server guards with the key, as an object URL for an <img>. */
export async function imageUrl(path) {
  const response = await request(path, { raw: true });
  return URL.createObjectURL(await response.blob());
}
