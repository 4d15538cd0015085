// An event's live figures over its metrics socket. While the socket is not live the panel says
// "reconnecting…" and marks the numbers as the last known ones, never as current.
import { liveSocket } from "../live.js";
import { h, say } from "./dom.js";

const FIGURES = [
  ["confirmed_count", "Confirmed"],
  ["pending_count", "Pending"],
  ["waitlist_count", "Waiting list"],
  ["checked_in_count", "Checked in"],
  ["spots_left", "Spots left"],
];

const STATES = {
  connecting: ["Connecting…", "warn"],
  live: ["Live", "ok"],
  reconnecting: ["Reconnecting… the figures below are the last known ones.", "warn"],
  closed: ["Not live: reload the page to see current figures.", "error"],
};

export function metricsPanel(eventId, { onChange } = {}) {
  const values = new Map(FIGURES.map(([key]) => [key, h("dd", { "data-metric": key, text: "–" })]));
  const state = h("p", { class: "notice warn", role: "status", "aria-live": "polite", "data-live-state": "connecting" });
  const list = h("dl", { class: "metrics" }, ...FIGURES.flatMap(([key, label]) => [h("dt", { text: label }), values.get(key)]));
  const node = h("section", { class: "metrics-panel", "aria-labelledby": "metrics-title", "aria-busy": "true" },
    h("h2", { id: "metrics-title", text: "Live figures" }), state, list);
  let live = false;
  let fresh = false;
  const mark = () => {
    const current = live && fresh;
    node.classList.toggle("stale", !current);
    node.setAttribute("aria-busy", String(!current));
  };
  const socket = liveSocket(`/ws/events/${eventId}/`, {
    onState(name) {
      live = name === "live";
      // A reopened socket replays what it missed; until a snapshot arrives the old ones stay marked.
      if (!live) fresh = false;
      const [text, tone] = STATES[name];
      say(state, text, tone);
      state.dataset.liveState = name;
      mark();
    },
    onFrame(frame) {
      if (frame.type === "resume" && frame.recovered) fresh = true;
      if (frame.type !== "metrics") return mark();
      for (const [key] of FIGURES) values.get(key).textContent = String(frame[key]);
      fresh = true;
      mark();
      if (onChange) onChange(frame);
    },
  });
  return { node, close: () => socket.close() };
}
