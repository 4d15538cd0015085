// The signed-in session: the token pair, kept in localStorage so every page and tab shares it.
const KEY = "muster.tokens";
const listeners = new Set();

function stored() {
  try {
    const tokens = JSON.parse(localStorage.getItem(KEY) || "null");
    return tokens && tokens.access && tokens.refresh ? tokens : null;
  } catch {
    return null;
  }
}

export const session = {
  tokens: stored(),
  save(tokens) {
    this.tokens = tokens ? { access: tokens.access, refresh: tokens.refresh } : null;
    if (this.tokens) localStorage.setItem(KEY, JSON.stringify(this.tokens));
    else localStorage.removeItem(KEY);
    for (const fn of listeners) fn(this.tokens);
  },
  clear() {
    this.save(null);
  },
  onChange(fn) {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
};

// Another tab logging in or out changes this one too.
window.addEventListener("storage", (event) => {
  if (event.key !== KEY) return;
  session.tokens = stored();
  for (const fn of listeners) fn(session.tokens);
});

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const { ApiError } = await import("./api.js");
    throw new ApiError(response.status, data);
  }
  return data;
}

export async function logIn(email, password) {
  const tokens = await post("/api/token/", { email, password });
  session.save(tokens);
  return tokens;
}

export async function register({ email, password, name, username, role }) {
  const body = { email, password, name };
  if (username) body.username = username;
  if (role) body.role = role;
  await post("/api/users/", body);
  return logIn(email, password);
}

export async function logOut() {
  const tokens = session.tokens;
  session.clear();
  if (tokens) await post("/api/token/revoke/", { refresh: tokens.refresh }).catch(() => null);
}
