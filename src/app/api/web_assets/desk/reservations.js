// The reservations of one event, filtered by status, with confirm and reject for pending ones.
import { api } from "../api.js";
import { h, localDateTime, say } from "./dom.js";
import { sentence } from "./reasons.js";

const STATUSES = ["", "pending", "confirmed", "waitlisted", "cancelled", "rejected"];

export function reservationsPanel(eventId) {
  const filter = h("select", { id: `reservation-filter-${eventId}` },
    ...STATUSES.map((status) => h("option", { value: status, text: status || "every status" })));
  const body = h("tbody");
  const notice = h("p", { role: "status", "aria-live": "polite" });
  const empty = h("p", { class: "muted", text: "No reservations yet.", hidden: true });

  const decide = async (reservation, action) => {
    try {
      await api("POST", `/api/reservations/${reservation.id}/${action}/`);
      const who = reservation.holder ? reservation.holder.name : `#${reservation.id}`;
      say(notice, `${who}: ${action === "confirm" ? "confirmed" : "rejected"}.`, "ok");
    } catch (error) {
      say(notice, sentence(error), "error");
    }
    await load();
  };

  const row = (reservation) => {
    const holder = reservation.holder || { name: `user ${reservation.user_id}`, email: "" };
    const actions = reservation.status === "pending"
      ? [
          h("button", { type: "button", text: "Confirm", "aria-label": `Confirm ${holder.name}`, onclick: () => decide(reservation, "confirm") }),
          h("button", { type: "button", class: "danger", text: "Reject", "aria-label": `Reject ${holder.name}`, onclick: () => decide(reservation, "reject") }),
        ]
      : [];
    let state = reservation.status;
    if (reservation.position) state += ` (#${reservation.position})`;
    if (reservation.checked_in_at) state += `, checked in ${localDateTime(reservation.checked_in_at)}`;
    return h("tr", { "data-reservation": reservation.id },
      h("th", { scope: "row", text: holder.name }),
      h("td", { text: holder.email }),
      h("td", { text: state }),
      h("td", {}, h("time", { dateTime: reservation.created_at, text: localDateTime(reservation.created_at) })),
      h("td", {}, h("div", { class: "row-actions" }, ...actions)));
  };

  // One read at a time; a change announced meanwhile asks for one more read after it.
  let loading = null;
  let again = false;
  async function read() {
    const query = filter.value ? `&status=${filter.value}` : "";
    const page = await api("GET", `/api/events/${eventId}/reservations/?limit=100${query}`);
    body.replaceChildren(...page.results.map(row));
    empty.hidden = page.results.length > 0;
  }
  function load() {
    if (loading) {
      again = true;
      return loading;
    }
    loading = (async () => {
      do {
        again = false;
        await read();
      } while (again);
    })().finally(() => {
      loading = null;
    });
    return loading;
  }
  filter.addEventListener("change", () => load());

  const node = h("section", { "aria-labelledby": `reservations-title-${eventId}` },
    h("h2", { id: `reservations-title-${eventId}`, text: "Reservations" }),
    h("div", { class: "inline-field" }, h("label", { for: filter.id, text: "Show" }), filter),
    h("div", { class: "table-wrap" }, h("table", {},
      h("thead", {}, h("tr", {}, ...["Name", "E-mail", "Status", "Reserved", "Decision"].map((t) => h("th", { scope: "col", text: t })))),
      body)),
    empty, notice);
  return { node, load };
}
