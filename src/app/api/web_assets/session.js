// The signed-in session: the token pair, kept in localStorage so every tab and a reload share it.
import { ApiError } from "./api.js";

const KEY = "muster.tokens";
const listeners = new Set();

function read() {
  try {
    const tokens = JSON.parse(localStorage.getItem(KEY) || "null");
    return tokens && typeof tokens.access === "string" && typeof tokens.refresh === "string" ? tokens : null;
  } catch {
    return null;
  }
}

function notify() {
  for (const fn of listeners) fn(session.tokens);
}

export const session = {
  tokens: read(),
  /** Keep a new pair (after login or refresh) and tell every listener. */
  save(tokens) {
    this.tokens = { access: tokens.access, refresh: tokens.refresh };
    localStorage.setItem(KEY, JSON.stringify(this.tokens));
    notify();
  },
  /** Forget the pair (logged out, or the session ended on the server). */
  clear() {
    this.tokens = null;
    localStorage.removeItem(KEY);
    notify();
  },
  /** Take up what another tab stored meanwhile (true when the pair changed). */
  reload() {
    const stored = read();
    const changed = (stored && stored.access) !== (this.tokens && this.tokens.access);
    this.tokens = stored;
    if (changed) notify();
    return changed;
  },
  /** Call fn(tokens | null) on every change, also one made in another tab; returns an unsubscribe. */
  onChange(fn) {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
};

window.addEventListener("storage", (event) => {
  if (event.key !== KEY) return;
  session.tokens = read();
  notify();
});

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** Log in with e-mail and password; keeps and returns the token pair. */
export async function logIn(email, password) {
  const tokens = await post("/api/token/", { email, password });
  session.save(tokens);
  return tokens;
}

/** Register an account, then log in with it. */
export async function register({ email, password, name, username, role }) {
  const body = { email, password, name };
  if (username) body.username = username;
  if (role) body.role = role;
  await post("/api/users/", body);
  return logIn(email, password);
}

/** End the session on the server (every token of it stops working) and forget it here. */
export async function logOut() {
  const tokens = session.tokens;
  session.clear();
  if (!tokens) return;
  await fetch("/api/token/revoke/", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${tokens.access}` },
    body: JSON.stringify({ refresh: tokens.refresh }),
  }).catch(() => null);
}
