// Expeditions at /expeditions/: my expeditions (#/), one expedition (#/<id>), kept current by the
// expeditions socket: every invitation, answer and status change re-reads the screen.
import { api } from "../api.js";
import { liveSocket } from "../live.js";
import { renderNav } from "../nav.js";
import { field, fromLocalInput, h, localDateTime, say } from "./dom.js";
import { answerButtons, expeditionPage, myPart } from "./expedition.js";
import { sentence } from "./reasons.js";
import { followSession, sessionEnded, signedIn } from "./signin.js";

const main = document.getElementById("main");
const LIVE = {
  connecting: ["Connecting to live updates…", "warn"],
  live: ["Live: changes appear as they happen.", "ok"],
  reconnecting: ["Reconnecting… what you see may be out of date.", "warn"],
  closed: ["Live updates stopped: reload the page.", "error"],
};
const liveState = h("p", { class: "notice", role: "status", "aria-live": "polite", "data-live-state": "" });
let screen = null;
let me = null;

function createForm(notice) {
  const title = h("input", { required: true, maxLength: 200 });
  const startAt = h("input", { type: "datetime-local", required: true });
  const capacity = h("input", { type: "number", min: 1, required: true, value: 5 });
  const description = h("textarea", { rows: 3 });
  return h("form", {
    class: "card grid-form",
    onsubmit: async (event) => {
      event.preventDefault();
      try {
        const created = await api("POST", "/api/expeditions/", {
          title: title.value, start_at: fromLocalInput(startAt.value), capacity: Number(capacity.value), description: description.value,
        });
        location.hash = `#/${created.id}`;
      } catch (error) {
        say(notice, sentence(error), "error");
      }
    },
  }, h("h2", { text: "New expedition" }), field("Title", title), field("Starts at (your local time)", startAt),
  field("Capacity (places)", capacity), field("Description", description),
  h("div", { class: "actions" }, h("button", { type: "submit", text: "Create expedition" })));
}

async function listPage() {
  const notice = h("p", { role: "status", "aria-live": "polite" });
  const body = h("tbody");
  const empty = h("p", { class: "muted", text: "No expeditions yet." });
  async function refresh() {
    const page = await api("GET", "/api/expeditions/?limit=100");
    empty.hidden = page.results.length > 0;
    body.replaceChildren(...page.results.map((expedition) => {
      const part = myPart(expedition, me);
      return h("tr", { "data-expedition": expedition.id },
        h("th", { scope: "row" }, h("a", { href: `#/${expedition.id}`, text: expedition.title })),
        h("td", {}, h("time", { dateTime: expedition.start_at, text: localDateTime(expedition.start_at) })),
        h("td", {}, h("span", { class: `status status-${expedition.status}`, text: expedition.status })),
        h("td", { class: "num", text: `${expedition.confirmed_count} / ${expedition.capacity}` }),
        h("td", { text: part }),
        h("td", {}, h("div", { class: "row-actions" }, ...(part === "invited" ? answerButtons(expedition, notice, refresh) : []))));
    }));
  }
  await refresh();
  const chief = me.roles.includes("chief") || me.roles.includes("admin");
  const node = h("div", {},
    h("h1", { text: "My expeditions" }),
    notice,
    h("div", { class: "table-wrap" }, h("table", {},
      h("caption", { class: "visually-hidden", text: "Expeditions I lead or am invited to" }),
      h("thead", {}, h("tr", {}, ...["Expedition", "Starts", "Status", "Confirmed", "My part", "Invitation"].map((t) => h("th", { scope: "col", text: t })))),
      body)),
    empty,
    chief ? createForm(notice) : h("p", { class: "muted", text: "Chiefs plan expeditions; you see the ones you are invited to." }));
  return { node, refresh };
}

async function show() {
  const hash = location.hash.replace(/^#\/?/, "");
  screen = /^\d+$/.test(hash) ? await expeditionPage(Number(hash), me) : await listPage();
  main.replaceChildren(liveState, screen.node);
  const heading = main.querySelector("h1");
  if (heading) document.title = `${heading.textContent} · Expeditions · Muster`;
  main.focus({ preventScroll: true });
}

function failed(error) {
  if (sessionEnded(error)) return;
  main.replaceChildren(h("p", { role: "alert", class: "error", text: sentence(error) }));
}

async function start() {
  renderNav("expeditions");
  await signedIn(main);
  renderNav("expeditions");
  me = await api("GET", "/api/users/me/");
  liveSocket("/ws/expeditions/", {
    onState(name) {
      const [text, tone] = LIVE[name];
      say(liveState, text, tone);
      liveState.dataset.liveState = name;
      // After a gap the screen is re-read, so nothing that happened meanwhile is missing.
      if (name === "live" && screen) screen.refresh().catch(failed);
    },
    onFrame(frame) {
      if (["hello", "pong", "subscribed", "unsubscribed", "error"].includes(frame.type)) return;
      if (screen) screen.refresh().catch(failed);
    },
  });
  window.addEventListener("hashchange", () => show().catch(failed));
  followSession();
  await show();
}

start().catch(failed);
