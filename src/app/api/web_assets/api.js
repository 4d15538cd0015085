// JSON over the public API with the session's Bearer token; an expired token is refreshed once.
import { session } from "./session.js";

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.detail) || `HTTP ${status}`);
    this.status = status;
    this.code = (body && body.code) || "http_error";
    this.detail = (body && body.detail) || "";
    this.errors = (body && body.errors) || [];
    this.body = body || {};
  }
}

let refreshing = null;

async function refresh() {
  const tokens = session.tokens;
  if (!tokens) return false;
  refreshing ??= fetch("/api/token/refresh/", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refresh: tokens.refresh }),
  })
    .then(async (response) => {
      if (!response.ok) {
        session.clear();
        return false;
      }
      session.save(await response.json());
      return true;
    })
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

async function send(method, path, body, headers, retried) {
  const options = { method, headers: { ...(headers || {}) } };
  if (body instanceof FormData) options.body = body;
  else if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  if (session.tokens) options.headers.Authorization = `Bearer ${session.tokens.access}`;
  const response = await fetch(path, options);
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.status === 401 && !retried && data && data.code === "token_expired" && (await refresh())) {
    return send(method, path, body, headers, true);
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export async function api(method, path, body = undefined, { headers } = {}) {
  return send(method, path, body, headers, false);
}

export function upload(path, file, field = "image") {
  const form = new FormData();
  form.append(field, file);
  return send("PUT", path, form, {}, false);
}
