// One event's page on the desk: its details and actions (edit, publish, cancel, cover), its live
// figures, its reservations and the check-in at its door.
import { api, upload } from "../api.js";
import { checkInPanel } from "./checkin.js";
import { field, h, localDateTime, say } from "./dom.js";
import { eventForm } from "./events.js";
import { metricsPanel } from "./metrics.js";
import { sentence } from "./reasons.js";
import { reservationsPanel } from "./reservations.js";

function summary(event) {
  return h("dl", { class: "summary" },
    h("dt", { text: "Status" }), h("dd", {}, h("span", { class: `status status-${event.status}`, "data-event-status": "", text: event.status })),
    h("dt", { text: "Starts" }), h("dd", {}, h("time", { dateTime: event.starts_at, text: localDateTime(event.starts_at) })),
    h("dt", { text: "Location" }), h("dd", { text: event.location || "—" }),
    h("dt", { text: "Capacity" }), h("dd", { text: String(event.capacity) }),
    h("dt", { text: "Approval" }), h("dd", { text: event.requires_approval ? "each reservation needs my approval" : "automatic" }));
}

function coverForm(event, notice, reload) {
  const file = h("input", { type: "file", accept: "image/jpeg,image/png,image/gif,image/webp", required: true });
  const picture = event.thumbnail_url
    ? h("img", { src: event.thumbnail_url, alt: `Cover of ${event.title}`, class: "cover" })
    : h("p", { class: "muted", text: "No cover yet." });
  return h("form", {
    class: "cover-form",
    onsubmit: async (submitted) => {
      submitted.preventDefault();
      try {
        await upload(`/api/events/${event.id}/image/`, file.files[0]);
        say(notice, "The cover is uploaded.", "ok");
        await reload();
      } catch (error) {
        say(notice, sentence(error), "error");
      }
    },
  }, picture, field("Cover image", file), h("button", { type: "submit", class: "secondary", text: "Upload the cover" }));
}

export async function eventPage(eventId, _me) {
  const notice = h("p", { role: "status", "aria-live": "polite", "data-event-notice": "" });
  const details = h("section", { "aria-labelledby": "event-title" });
  const reservations = reservationsPanel(eventId);
  const metrics = metricsPanel(eventId, { onChange: () => reservations.load().catch(() => null) });
  let event = await api("GET", `/api/events/${eventId}/`);
  const checkIn = checkInPanel(event.title);

  const act = async (action, done) => {
    try {
      event = await api("POST", `/api/events/${eventId}/${action}/`);
      say(notice, done, "ok");
      render();
    } catch (error) {
      say(notice, sentence(error), "error");
    }
  };
  const reload = async () => {
    event = await api("GET", `/api/events/${eventId}/`);
    render();
  };
  function render() {
    checkIn.named(event.title);
    const editable = event.status === "draft" || event.status === "published";
    const editor = h("details", { class: "editor" }, h("summary", { text: "Edit the event" }),
      eventForm(event, (saved) => { event = saved; say(notice, "The changes are saved.", "ok"); render(); }));
    details.replaceChildren(
      h("h1", { id: "event-title", text: event.title }),
      summary(event),
      h("div", { class: "actions" },
        event.status === "draft" ? h("button", { type: "button", text: "Publish", onclick: () => act("publish", "The event is published.") }) : null,
        editable ? h("button", { type: "button", class: "danger", text: "Cancel the event", onclick: () => {
          if (window.confirm("Cancel this event? Every reservation is cancelled and the holders are told.")) {
            act("cancel", "The event is cancelled.");
          }
        } }) : null),
      notice,
      editable ? editor : null,
      editable ? coverForm(event, notice, reload) : null);
  }
  render();
  await reservations.load();
  const node = h("div", { class: "event-page" },
    h("p", {}, h("a", { href: "#/", text: "← My events" })),
    h("div", { class: "event-grid" }, h("div", {}, details, reservations.node), h("div", {}, metrics.node, checkIn.node)));
  return {
    node,
    leave() {
      metrics.close();
      checkIn.close();
    },
  };
}
