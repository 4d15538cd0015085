// Sockets that stay live: the token, reconnects with backoff, and resuming from the last position.
import { refreshTokens } from "./api.js";
import { session } from "./session.js";

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10000;
const FINAL_CLOSES = new Set([4403, 4404]); // not a member, no such thing: trying again cannot help

function urlOf(path, since) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const url = new URL(`${scheme}://${location.host}${path}`);
  url.searchParams.set("token", session.tokens ? session.tokens.access : "");
  if (since !== null) url.searchParams.set("since", String(since));
  return url.toString();
}

/**
 * Open `path` (e.g. `/ws/chat/${id}/`) and keep it open: on a drop it reconnects after 0.5 s, doubling
 * up to 10 s (with jitter), and with `resume` it asks for what it missed after the last `seq` seen.
 * With `contiguous` (streams numbered without gaps, as a chat's), a gap reconnects from the last
 * position held. onState gets "connecting", "live", "reconnecting" or "closed". A socket is live once
 * the server has let it in (its first frame, each socket's welcome, has come), not when it opens: the
 * server may still refuse it then (4401, 4403, 4404), and frames sent meanwhile would be lost.
 */
export function liveSocket(path, { onFrame, onState = () => {}, resume = true, contiguous = false }) {
  let socket = null;
  let admitted = false; // the server's first frame on `socket` has come
  let expired = false; // the access token was refused and no new pair came yet
  let last = null;
  let attempt = 0;
  let timer = null;
  let stopped = false;

  function state(name) {
    if (!stopped || name === "closed") onState(name);
  }

  function retry() {
    if (stopped) return;
    state("reconnecting");
    const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt);
    attempt += 1;
    timer = setTimeout(expired ? renew : connect, delay / 2 + Math.random() * (delay / 2));
  }

  // The access token ran out (4401): after the backoff, a new pair, then connect with it at once.
  // When none comes only because the server cannot be reached or failed, try again after the next
  // delay; only a refused refresh token (the session ended) stops the socket.
  async function renew() {
    timer = null;
    const outcome = await refreshTokens();
    if (stopped) return;
    if (outcome === "ended") return stop();
    if (outcome === "later") return retry();
    expired = false;
    connect();
  }

  function onMessage(event) {
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      return;
    }
    if (!admitted && frame.type !== "error") {
      // An error frame may come before a refusal (4404); anything else is the welcome.
      admitted = true;
      attempt = 0;
      state("live");
    }
    if (typeof frame.seq === "number") {
      if (contiguous && last !== null && frame.seq > last + 1 && frame.type !== "history" && frame.type !== "resume") {
        socket.close(4000, "gap"); // reconnect from `last`: the server replays what is missing
        return;
      }
      if (last === null || frame.seq > last || frame.type === "history") last = frame.seq;
      else if (frame.type !== "resume") return; // already seen
    }
    onFrame(frame);
  }

  function connect() {
    timer = null;
    if (stopped) return;
    if (!session.tokens) {
      stop();
      return;
    }
    state(attempt ? "reconnecting" : "connecting");
    const current = new WebSocket(urlOf(path, resume ? last : null));
    socket = current;
    admitted = false;
    current.addEventListener("message", (event) => {
      if (socket === current) onMessage(event);
    });
    current.addEventListener("close", (event) => {
      if (socket !== current || stopped) return;
      socket = null;
      if (FINAL_CLOSES.has(event.code)) return stop();
      if (event.code === 4401) expired = true;
      retry();
    });
  }

  function stop() {
    stopped = true;
    clearTimeout(timer);
    if (socket) socket.close(1000);
    socket = null;
    onState("closed");
  }

  connect();
  return {
    /** Send one frame; false when the socket is not live right now (not open, or not let in yet). */
    send(frame) {
      if (!socket || !admitted || socket.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(frame));
      return true;
    },
    close: stop,
  };
}
