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
    this.body = body || {}; // the whole error answer: some codes carry more (checked_in_at, member_id)
  }
}

// One refresh at a time, across tabs too: a refresh token works once, and presenting a spent one
// ends the whole session, so a tab first takes up a pair another tab refreshed meanwhile.
let refreshing = null;

const ENDED = new Set([401, 403]); // the refresh token is refused: the session is over

async function refreshOnce(spent) {
  session.reload();
  if (!session.tokens || session.tokens.access !== spent.access) return session.tokens ? "renewed" : "ended"; // done elsewhere
  const response = await fetch("/api/token/refresh/", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refresh: spent.refresh }),
  }).catch(() => null);
  if (response && ENDED.has(response.status)) {
    if (session.tokens && session.tokens.refresh === spent.refresh) session.clear();
    return "ended";
  }
  const tokens = response && response.ok ? await response.json().catch(() => null) : null;
  if (!tokens) return "later"; // offline, or the server failed (5xx, 429): keep the pair and try later
  session.save(tokens);
  return "renewed";
}

/**
 * Trade the refresh token for a new pair. Resolves to "renewed"; "ended" when the server refuses the
 * refresh token (the session is over, and cleared here); or "later" when no new pair came for another
 * reason (offline, the server failing): the pair is kept, and a later try may work.
 */
export function refreshTokens() {
  const spent = session.tokens;
  if (!spent) return Promise.resolve("ended");
  if (!refreshing) {
    const run = () => refreshOnce(spent);
    refreshing = (navigator.locks ? navigator.locks.request("muster.tokens", run) : run()).finally(() => {
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
  if (response.status === 401 && !retried && data && data.code === "token_expired" && (await refreshTokens()) === "renewed") {
    return send(method, path, body, headers, true);
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/**
 * Whether `error` says the session is over: a 401 other than an expired access token, or an expired
 * one whose refresh the server refused (the pair is gone). An expired token that could not be
 * refreshed yet (offline, the server failing) is not: the pair is kept for a later try.
 */
export function sessionIsOver(error) {
  return error instanceof ApiError && error.status === 401 && (error.code !== "token_expired" || !session.tokens);
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

/** What a call wrapped by latestOnly resolves to once a later call has overtaken it. */
export const OVERTAKEN = Symbol("overtaken");

/**
 * For a search drawn from what the user typed: the returned function calls `ask` with its arguments,
 * but once a later call has been made, an earlier call's answer (or error) resolves to OVERTAKEN, so a
 * slow answer never replaces the answer to a newer query.
 */
export function latestOnly(ask) {
  let calls = 0;
  return async (...args) => {
    const call = ++calls;
    try {
      const answer = await ask(...args);
      return call === calls ? answer : OVERTAKEN;
    } catch (error) {
      if (call === calls) throw error;
      return OVERTAKEN;
    }
  };
}
