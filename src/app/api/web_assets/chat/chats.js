// The chat list: each chat named after the other person, the group or the room, with live unread
// badges and new chats appearing as they are made (the /ws/chats/ socket).
import { api } from "../api.js";
import { arrowKeys, element, say, timeOf } from "../dom.js";
import { liveSocket } from "../live.js";
import { chatHref, state } from "./state.js";

const byId = new Map();
let order = [];
let reloading = null; // the list fetch on the way
let again = null; // the fetch that follows it, for calls made meanwhile

/** A chat's name: the group's or room's title, or the other person of a private chat. */
export function chatName(chat) {
  if (!chat) return "Chat";
  if (chat.title) return chat.title;
  if (chat.name) return chat.name;
  if (chat.peer) return chat.peer.name;
  if (chat.members && state.me) {
    const others = chat.members.filter((m) => m.user_id !== state.me.id).map((m) => m.name);
    if (others.length) return others.join(", ");
  }
  return "Private chat";
}

/** The chat list's entry of a chat, if listed. */
export function listedChat(chatId) {
  return byId.get(chatId) || null;
}

export function knownChats() {
  return order.map((id) => byId.get(id));
}

function preview(message) {
  if (!message) return "No messages yet";
  const text = message.deleted ? "message deleted" : message.text;
  return `${message.sender_id === state.me.id ? "You" : message.sender}: ${text}`;
}

function render() {
  const list = document.getElementById("chats");
  const focused = document.activeElement && document.activeElement.dataset.chatId;
  list.replaceChildren();
  for (const chat of knownChats()) {
    const unread = chat.unread_count;
    const button = element(
      "button",
      { type: "button", className: "chat-item", "data-chat-id": String(chat.id) },
      element("span", { className: "name" }, chatName(chat), " ", element("span", { className: "kind", textContent: chat.type === "private" ? "" : chat.type })),
      unread ? element("span", { className: "badge", ariaLabel: `${unread} unread`, textContent: String(unread) }) : null,
      element("span", { className: "preview" }, preview(chat.last_message)),
    );
    if (chat.last_message) button.querySelector(".preview").append(" · ", timeOf(chat.last_message.created_at));
    if (chat.id === state.chatId) button.setAttribute("aria-current", "true");
    button.addEventListener("click", () => {
      location.hash = chatHref(chat.id);
    });
    list.append(element("li", {}, button));
    if (focused === String(chat.id)) button.focus();
  }
  if (!order.length) list.append(element("li", { className: "muted", textContent: "No chats yet: find a person or join a room below." }));
  const total = knownChats().reduce((sum, chat) => sum + chat.unread_count, 0);
  document.title = total ? `(${total}) Muster chat` : "Muster chat";
}

/**
 * Fetch the list again (it holds the counters). The fetch on the way may have been answered before
 * the change that called for this one, so calls made meanwhile share one more fetch, made after it.
 */
export function loadChats() {
  if (reloading) {
    again = again || reloading.then(() => {
      again = null;
      return loadChats();
    });
    return again;
  }
  reloading = api("GET", "/api/chats/?limit=100")
    .then((page) => {
      byId.clear();
      for (const chat of page.results) byId.set(chat.id, chat);
      order = page.results.map((chat) => chat.id);
      render();
    })
    .catch((error) => say(error.message))
    .finally(() => {
      reloading = null;
    });
  return reloading;
}

/** The open chat's unread count, as its socket answers a read. */
export function setUnread(chatId, count) {
  const chat = byId.get(chatId);
  if (!chat || chat.unread_count === count) return;
  chat.unread_count = count;
  render();
}

export function highlightOpen() {
  render();
}

function onMessage(frame) {
  const chat = byId.get(frame.chat_id);
  if (!chat) return loadChats();
  chat.last_message = frame;
  const seen = frame.chat_id === state.chatId && document.visibilityState === "visible";
  if (frame.sender_id !== state.me.id && !seen) chat.unread_count += 1;
  order = [chat.id, ...order.filter((id) => id !== chat.id)];
  render();
}

function onFrame(frame) {
  switch (frame.type) {
    case "chats": // (re)connected: the list may have changed meanwhile
    case "chat_added":
    case "member_joined":
    case "message_deleted":
      loadChats();
      break;
    case "member_left":
      loadChats();
      if (frame.chat_id === state.chatId) location.hash = "#/";
      break;
    case "message":
      onMessage(frame);
      break;
    case "read": {
      const chat = byId.get(frame.chat_id);
      if (chat && chat.last_message && frame.last_read_message_id >= chat.last_message.message_id) setUnread(chat.id, 0);
      else loadChats();
      break;
    }
    default:
      break;
  }
}

/** Follow the chat list live; its state shows in #list-state. */
export function followChats() {
  const badge = document.getElementById("list-state");
  arrowKeys(document.getElementById("chats"), ".chat-item");
  return liveSocket("/ws/chats/", {
    resume: false,
    onFrame,
    onState(name) {
      badge.dataset.state = name;
      badge.textContent = name === "live" ? "" : name === "reconnecting" ? "reconnecting…" : name;
    },
  });
}
