// One expedition: its members, the chief's invitations and status changes (refusals in words),
// and the invited person's answer.
import { api } from "../api.js";
import { h, localDateTime, say } from "./dom.js";
import { inviteForm } from "./invite.js";
import { sentence } from "./reasons.js";

const NEXT = {
  draft: [["ready", "Mark as ready"], ["cancelled", "Cancel"]],
  ready: [["active", "Start (make active)"], ["cancelled", "Cancel"]],
  active: [["finished", "Finish"]],
};

export function answerButtons(expedition, notice, done) {
  const answer = async (action) => {
    try {
      await api("POST", `/api/expeditions/${expedition.id}/${action}/`);
      say(notice, action === "confirm" ? `You are in: ${expedition.title}.` : `You declined ${expedition.title}.`, "ok");
    } catch (error) {
      say(notice, sentence(error), "error");
    }
    await done(action);
  };
  return [
    h("button", { type: "button", text: "Confirm", "aria-label": `Confirm ${expedition.title}`, onclick: () => answer("confirm") }),
    h("button", { type: "button", class: "secondary", text: "Decline", "aria-label": `Decline ${expedition.title}`, onclick: () => answer("decline") }),
  ];
}

export function myPart(expedition, me) {
  if (expedition.chief_id === me.id) return "chief";
  const mine = expedition.members.find((m) => m.user.id === me.id);
  return mine ? mine.status : "";
}

export async function expeditionPage(expeditionId, me) {
  const notice = h("p", { role: "status", "aria-live": "polite", tabindex: "-1", "data-expedition-notice": "" });
  const body = h("div");
  let expedition = null;
  let invite = null; // made once, so a live refresh keeps what the chief is typing

  async function refresh() {
    try {
      expedition = await api("GET", `/api/expeditions/${expeditionId}/`);
    } catch (error) {
      if (error.status !== 404) throw error;
      body.replaceChildren(h("h1", { text: "Expedition" }), h("p", { text: sentence(error) }));
      return;
    }
    render();
  }

  const move = async (status) => {
    try {
      expedition = await api("POST", `/api/expeditions/${expeditionId}/status/`, { status });
      say(notice, `The expedition is now ${expedition.status}.`, "ok");
    } catch (error) {
      const names = new Map(expedition.members.map((m) => [m.user.id, m.user.name]));
      say(notice, sentence(error, { names, confirmed: expedition.confirmed_count }), "error");
    }
    await refresh();
    notice.focus(); // the pressed button is redrawn: keep the keyboard where the outcome is told
  };

  function render() {
    const part = myPart(expedition, me);
    const chief = part === "chief";
    const open = expedition.status === "draft" || expedition.status === "ready";
    const members = expedition.members.map((m) =>
      h("li", { "data-member": m.user.id },
        h("span", { text: `${m.user.name} · ${m.user.email}` }),
        h("span", { class: `status status-${m.status}`, text: m.status })));
    body.replaceChildren(
      h("h1", { text: expedition.title }),
      h("dl", { class: "summary" },
        h("dt", { text: "Status" }), h("dd", {}, h("span", { class: `status status-${expedition.status}`, "data-expedition-status": "", text: expedition.status })),
        h("dt", { text: "Starts" }), h("dd", {}, h("time", { dateTime: expedition.start_at, text: localDateTime(expedition.start_at) })),
        h("dt", { text: "Confirmed" }), h("dd", { "data-confirmed": "", text: `${expedition.confirmed_count} of ${expedition.capacity} places` }),
        h("dt", { text: "You" }), h("dd", { text: part || "—" })),
      expedition.description ? h("p", { text: expedition.description }) : null,
      chief && NEXT[expedition.status]
        ? h("div", { class: "actions", role: "group", "aria-label": "Change the status" },
            ...NEXT[expedition.status].map(([status, label]) =>
              h("button", { type: "button", class: status === "cancelled" ? "danger" : "", text: label, onclick: () => move(status) })))
        : null,
      part === "invited" && open ? h("div", { class: "actions" }, ...answerButtons(expedition, notice, refresh)) : null,
      notice,
      h("section", { "aria-labelledby": "members-title" },
        h("h2", { id: "members-title", text: "Members" }),
        members.length ? h("ul", { class: "members" }, ...members) : h("p", { class: "muted", text: "Nobody is invited yet." })),
      chief && open ? (invite ??= inviteForm(expeditionId, notice, refresh)) : null);
  }

  await refresh();
  return { node: h("div", {}, h("p", {}, h("a", { href: "#/", text: "← My expeditions" })), body), refresh };
}
