// The chief's invite form: find a person by e-mail or username through the people search
// (GET /api/users/?search=), then invite the one picked; a user id is taken as it is.
import { api, latestOnly, OVERTAKEN } from "../api.js";
import { clear, field, h, say } from "./dom.js";
import { sentence } from "./reasons.js";

async function find(term) {
  try {
    const found = await api("GET", `/api/users/?search=${encodeURIComponent(term)}`);
    return Array.isArray(found) ? found : found.results;
  } catch (error) {
    if (error.status === 404 || error.status === 405) return null; // a server without the people search
    throw error;
  }
}

export function inviteForm(expeditionId, notice, onInvited) {
  const who = h("input", { required: true, autocomplete: "off" });
  const candidates = h("ul", { class: "candidates", "aria-label": "People found" });
  const search = latestOnly(find); // an earlier search's answer that comes late is not shown
  const invite = async (userId, name) => {
    try {
      const membership = await api("POST", `/api/expeditions/${expeditionId}/invite/`, { user_id: userId });
      say(notice, `${membership.user.name || name} is invited.`, "ok");
      who.value = "";
      clear(candidates);
      await onInvited();
    } catch (error) {
      say(notice, sentence(error), "error");
    }
  };
  const submit = async (event) => {
    event.preventDefault();
    const term = who.value.trim();
    clear(candidates);
    if (/^\d+$/.test(term)) return invite(Number(term), `User ${term}`);
    try {
      const people = await search(term);
      if (people === OVERTAKEN) return;
      if (people === null) return say(notice, "This server cannot search people yet: enter the person's user id.", "error");
      if (!people.length) return say(notice, `Nobody found for “${term}”.`, "error");
      say(notice, `${people.length} found: pick whom to invite.`);
      candidates.append(...people.map((person) => {
        const label = person.username ? `${person.name} (@${person.username})` : person.name;
        return h("li", {}, h("button", { type: "button", class: "secondary", text: `Invite ${label}`, onclick: () => invite(person.id, person.name) }));
      }));
      candidates.querySelector("button").focus();
    } catch (error) {
      say(notice, sentence(error), "error");
    }
  };
  return h("form", { class: "invite", onsubmit: submit },
    h("h2", { text: "Invite" }),
    field("E-mail, username or user id", who, "The people search finds an exact e-mail or the start of a username."),
    h("div", { class: "actions" }, h("button", { type: "submit", text: "Find and invite" })),
    candidates);
}
