// Finding someone to talk to (people search), making groups, rooms (with passwords) and searching
// one's messages.
import { api, latestOnly, OVERTAKEN } from "../api.js";
import { arrowKeys, element, say, timeOf } from "../dom.js";
import { chatName, knownChats, loadChats } from "./chats.js";
import { chatHref } from "./state.js";

const $ = (id) => document.getElementById(id);
const chosen = new Map(); // user id -> name, for the next group
let joining = null; // the password room whose join form is open: it stays open when the list is drawn again
// Each search draws only the answer to its latest query: an earlier, slower answer is dropped.
const people = latestOnly((query) => api("GET", `/api/users/?search=${encodeURIComponent(query)}&limit=20`));
const rooms = latestOnly((query) => api("GET", `/api/rooms/?limit=50&search=${encodeURIComponent(query)}`));
const messages = latestOnly((query) => api("GET", `/api/messages/search/?q=${encodeURIComponent(query)}&limit=20`));

function onSubmit(id, handler) {
  $(id).addEventListener("submit", async (event) => {
    event.preventDefault();
    say("");
    try {
      await handler();
    } catch (error) {
      say(error.message);
    }
  });
}

async function open(chat) {
  await loadChats();
  location.hash = chatHref(chat.id);
}

function showChosen() {
  const names = [...chosen.values()];
  $("group-members").textContent = names.length ? `Members: ${names.join(", ")}` : "Tick people above to add them.";
}

function personRow(person) {
  const label = person.username ? `${person.name} (@${person.username})` : person.name;
  const message = element("button", { type: "button", textContent: "Message", ariaLabel: `Message ${label}` });
  message.addEventListener("click", async () => {
    say("");
    try {
      await open(await api("POST", "/api/chats/", { type: "private", user_id: person.id }));
    } catch (error) {
      say(error.message);
    }
  });
  const box = element("input", { type: "checkbox", id: `pick-${person.id}`, checked: chosen.has(person.id) });
  box.addEventListener("change", () => {
    if (box.checked) chosen.set(person.id, person.name);
    else chosen.delete(person.id);
    showChosen();
  });
  const pick = element("label", { for: `pick-${person.id}`, className: "muted" }, box, " add to group");
  return element("li", {}, element("span", { className: "grow", textContent: label }), pick, message);
}

async function findPeople() {
  const page = await people($("people-query").value.trim());
  if (page === OVERTAKEN) return;
  const list = $("people");
  list.replaceChildren(...page.results.map(personRow));
  if (!page.results.length) list.append(element("li", { className: "muted", textContent: "Nobody found: try a whole e-mail address or the start of a username." }));
}

async function createGroup() {
  const title = $("group-title").value.trim();
  if (!title) return say("Give the group a name.");
  const group = await api("POST", "/api/chats/", { type: "group", title, member_ids: [...chosen.keys()] });
  chosen.clear();
  $("group-title").value = "";
  $("people").replaceChildren();
  showChosen();
  await open(group);
}

function joinForm(room) {
  const id = `room-password-${room.id}`;
  const input = element("input", { id, type: "password", autocomplete: "off", maxLength: 128, required: true });
  const form = element(
    "form",
    { className: "row" },
    element("div", { className: "grow" }, element("label", { for: id, textContent: `Password for ${room.name}` }), input),
    element("button", { type: "submit", textContent: "Join" }),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    say("");
    try {
      await api("POST", `/api/chats/${room.id}/join/`, { password: input.value });
      joining = null;
      await open(room);
      await findRooms();
    } catch (error) {
      say(error.code === "wrong_password" ? "That password is wrong." : error.message);
      input.select();
    }
  });
  return form;
}

function roomRow(room) {
  const label = `${room.name}${room.has_password ? " 🔒" : ""} · ${room.member_count} member${room.member_count === 1 ? "" : "s"}`;
  const action = element("button", { type: "button", className: "secondary", textContent: room.is_member ? "Open" : "Join", ariaLabel: `${room.is_member ? "Open" : "Join"} ${room.name}` });
  const row = element("li", {}, element("span", { className: "grow", textContent: label }), action);
  if (joining === room.id && !room.is_member) row.append(joinForm(room));
  action.addEventListener("click", async () => {
    say("");
    if (room.is_member) return open(room);
    if (room.has_password) {
      joining = room.id;
      if (!row.querySelector("form")) row.append(joinForm(room));
      return row.querySelector("input").focus();
    }
    try {
      await api("POST", `/api/chats/${room.id}/join/`, {});
      await open(room);
      await findRooms();
    } catch (error) {
      say(error.message);
    }
  });
  return row;
}

async function findRooms() {
  const page = await rooms($("room-query").value.trim());
  if (page === OVERTAKEN) return;
  const typed = document.activeElement && document.activeElement.closest("#rooms form") ? document.activeElement.value : "";
  $("rooms").replaceChildren(...page.results.map(roomRow));
  const reopened = joining && $("rooms").querySelector("form input");
  if (reopened && typed) reopened.value = typed;
  if (!page.results.length) $("rooms").append(element("li", { className: "muted", textContent: "No rooms found." }));
}

async function createRoom() {
  const body = { type: "room", name: $("room-name").value.trim() };
  if ($("room-password").value) body.password = $("room-password").value;
  const room = await api("POST", "/api/chats/", body);
  $("room-name").value = $("room-password").value = "";
  await findRooms();
  await open(room);
}

async function searchMessages() {
  const page = await messages($("message-query").value.trim());
  if (page === OVERTAKEN) return;
  const names = new Map(knownChats().map((chat) => [chat.id, chatName(chat)]));
  const rows = page.results.map((m) => {
    const button = element("button", { type: "button", className: "link" }, `${m.sender} in ${names.get(m.chat_id) || "a chat"}: ${m.text}`);
    button.addEventListener("click", () => {
      location.hash = chatHref(m.chat_id);
    });
    return element("li", {}, element("span", { className: "grow" }, button), timeOf(m.created_at));
  });
  $("search-results").replaceChildren(...rows);
  if (!rows.length) $("search-results").append(element("li", { className: "muted", textContent: "No message found." }));
}

export function initFinder() {
  onSubmit("people-form", findPeople);
  onSubmit("group-form", createGroup);
  onSubmit("room-search", findRooms);
  onSubmit("room-create", createRoom);
  onSubmit("message-search", searchMessages);
  $("rooms-box").addEventListener("toggle", () => $("rooms-box").open && findRooms().catch((error) => say(error.message)));
  arrowKeys($("search-results"), "button");
}
