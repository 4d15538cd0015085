// Calls to Muster's HTTP API: JSON in and out, the Bearer token, one refresh on an expired token.
import { session } from "./session.js";

/** A non-2xx answer: the contract's error body (status, code, detail, errors). */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.detail) || `The server answered ${status}.`);
    this.name = "ApiError";
    this.status = status;
    this.code = (body && body.code) || "http_error";
    this.detail = (body && body.detail) || this.message;
    this.errors = (body && body.errors) || [];
  }
}

let refreshing = null; // one refresh at a time: the refresh token rotates, so a second one would be spent

/** Trade the refresh token for a new pair; false (and the session cleared) when it no longer works. */
export function refreshTokens() {
  const tokens = session.tokens;
  if (!tokens) return Promise.resolve(false);
  if (!refreshing) {
    refreshing = fetch("/api/token/refresh/", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh: tokens.refresh }),
    })
      .then(async (response) => {
        if (!response.ok) {
          if (session.tokens && session.tokens.refresh === tokens.refresh) session.clear();
          return false;
        }
        session.save(await response.json());
        return true;
      })
      .catch(() => false)
      .finally(() => {
        refreshing = null;
      });
  }
  return refreshing;
}

async function send(method, path, body, headers, retried) {
  const options = { method, headers: { Accept: "application/json", ...headers } };
  if (body instanceof FormData) options.body = body;
  else if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  if (session.tokens) options.headers.Authorization = `Bearer ${session.tokens.access}`;
  const response = await fetch(path, options);
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.status === 401 && !retried && data && data.code === "token_expired" && (await refreshTokens())) {
    return send(method, path, body, headers, true);
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** Call the API: the parsed JSON answer, or null for 204; throws ApiError for anything not 2xx. */
export async function api(method, path, body = undefined, { headers } = {}) {
  return send(method, path, body, headers || {}, false);
}

/** Upload one file as multipart form data (PUT, as the image endpoints take it). */
export function upload(path, file, field = "image") {
  const form = new FormData();
  form.append(field, file);
  return send("PUT", path, form, {}, false);
}
