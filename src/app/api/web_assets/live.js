// A socket that stays connected: it reconnects with backoff (0.5 s doubling to 10 s, with jitter)
// and resumes from the last `seq` it saw (`?since=`), so no event is missed across a reconnect.
import { api } from "./api.js";
import { session } from "./session.js";

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10000;

function urlFor(path, since) {
  const url = new URL(path, location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  if (session.tokens) url.searchParams.set("token", session.tokens.access);
  if (since !== null) url.searchParams.set("since", String(since));
  return url.toString();
}

export function liveSocket(path, { onFrame, onState, resume = true } = {}) {
  let socket = null;
  let last = null;
  let attempt = 0;
  let timer = null;
  let closed = false;
  let opened = false;
  const state = (name) => onState && onState(name);

  function retry() {
    const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt);
    attempt += 1;
    state("reconnecting");
    timer = setTimeout(connect, delay / 2 + Math.random() * (delay / 2));
  }

  async function unauthorized() {
    // The access token ran out: a request through api() refreshes it, then the socket retries.
    try {
      await api("GET", "/api/users/me/");
      retry();
    } catch {
      closed = true;
      state("closed");
    }
  }

  function connect() {
    if (closed) return;
    state(opened ? "reconnecting" : "connecting");
    socket = new WebSocket(urlFor(path, resume ? last : null));
    socket.onopen = () => {
      attempt = 0;
      opened = true;
      state("live");
    };
    socket.onmessage = (message) => {
      let frame;
      try {
        frame = JSON.parse(message.data);
      } catch {
        return;
      }
      if (typeof frame.seq === "number") last = frame.seq;
      if (onFrame) onFrame(frame);
    };
    socket.onclose = (event) => {
      socket = null;
      if (closed) return;
      if (event.code === 4401) unauthorized();
      else if (event.code >= 4400 && event.code < 4500) {
        closed = true;
        state("closed");
      } else retry();
    };
  }

  connect();
  return {
    send(frame) {
      if (socket && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify(frame));
        return true;
      }
      return false;
    },
    close() {
      closed = true;
      clearTimeout(timer);
      if (socket) socket.close(1000);
      state("closed");
    },
  };
}
