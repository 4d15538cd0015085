// My events with their counts, and the form that creates or edits one.
import { api } from "../api.js";
import { field, fromLocalInput, h, localDateTime, say, toLocalInput } from "./dom.js";
import { sentence } from "./reasons.js";

const PAGE = 50;

function row(event) {
  return h(
    "tr",
    {},
    h("th", { scope: "row" }, h("a", { href: `#/events/${event.id}`, text: event.title })),
    h("td", {}, h("time", { dateTime: event.starts_at, text: localDateTime(event.starts_at) })),
    h("td", {}, h("span", { class: `status status-${event.status}`, text: event.status })),
    h("td", { class: "num", text: `${event.confirmed_count} / ${event.capacity}` }),
    h("td", { class: "num", text: String(event.pending_count) }),
    h("td", { class: "num", text: String(event.waitlist_count) }),
    h("td", { class: "num", text: String(event.checked_in_count) }),
    h("td", { class: "num", text: String(event.spots_left) }),
  );
}

export async function eventList(me) {
  const organizer = me.roles.includes("organizer") || me.roles.includes("admin");
  const body = h("tbody");
  const more = h("button", { type: "button", class: "secondary", text: "Show more", hidden: true });
  let offset = 0;
  const load = async () => {
    const page = await api("GET", `/api/organizer/events/?limit=${PAGE}&offset=${offset}`);
    body.append(...page.results.map(row));
    offset += page.results.length;
    more.hidden = !page.next;
    empty.hidden = offset > 0;
  };
  more.addEventListener("click", () => load());
  const empty = h("p", { class: "muted", text: "No events yet: create the first one." });
  const node = h(
    "div",
    {},
    h(
      "div",
      { class: "toolbar" },
      h("h1", { text: "My events" }),
      h("a", { class: "button", href: "#/new", text: "New event" }),
      h("a", { class: "button secondary", href: "#/check-in", text: "Check-in" }),
    ),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        {},
        h("caption", { class: "visually-hidden", text: "My events with their reservation counts" }),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["Event", "Starts", "Status", "Confirmed", "Pending", "Waiting list", "Checked in", "Spots left"].map(
              (title) => h("th", { scope: "col", text: title }),
            ),
          ),
        ),
        body,
      ),
    ),
    empty,
    more,
  );
  if (!organizer) {
    return {
      node: h(
        "div",
        {},
        h("h1", { text: "My events" }),
        h("p", { text: "Only organizers run events here; an admin grants the organizer role." }),
      ),
    };
  }
  await load();
  return { node };
}

// Create (event = null) or edit an event; on success, its page opens.
export function eventForm(event, onSaved = null) {
  const title = h("input", { required: true, maxLength: 200, value: event ? event.title : "" });
  const startsAt = h("input", { type: "datetime-local", required: true, value: toLocalInput(event && event.starts_at) });
  const location = h("input", { maxLength: 300, value: event ? event.location : "" });
  const capacity = h("input", { type: "number", min: 1, required: true, value: event ? event.capacity : 20 });
  const description = h("textarea", { rows: 4, text: event ? event.description : "" });
  const approval = h("input", { type: "checkbox", checked: Boolean(event && event.requires_approval) });
  const notice = h("p", { role: "status", "aria-live": "polite" });
  const form = h(
    "form",
    {
      class: "card grid-form",
      onsubmit: async (submitted) => {
        submitted.preventDefault();
        const body = {
          title: title.value,
          starts_at: fromLocalInput(startsAt.value),
          location: location.value,
          capacity: Number(capacity.value),
          description: description.value,
          requires_approval: approval.checked,
        };
        try {
          const saved = event
            ? await api("PATCH", `/api/events/${event.id}/`, body)
            : await api("POST", "/api/events/", body);
          say(notice, "Saved.", "ok");
          if (onSaved) onSaved(saved);
          else window.location.hash = `#/events/${saved.id}`;
        } catch (error) {
          say(notice, sentence(error), "error");
        }
      },
    },
    field("Title", title),
    field("Starts at (your local time)", startsAt),
    field("Location", location),
    field("Capacity", capacity),
    field("Description", description),
    h("div", { class: "check" }, approval, h("label", { for: (approval.id = `approval-${event ? event.id : "new"}`), text: "Reservations need my approval" })),
    h("div", { class: "actions" }, h("button", { type: "submit", text: event ? "Save changes" : "Create event" })),
    notice,
  );
  if (event) return form;
  return { node: h("div", {}, h("h1", { text: "New event" }), h("p", {}, h("a", { href: "#/", text: "← My events" })), form) };
}
