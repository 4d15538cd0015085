// What a user does to messages: write (with a reply), edit, delete, pin and forward. Messages
// written while the socket reconnects wait in an outbox and go out once it is live again; their
// client_id makes a repeat harmless (the server stores one message per client_id).
import { element, say } from "../dom.js";
import { chatName, knownChats } from "./chats.js";
import { state } from "./state.js";

const $ = (id) => document.getElementById(id);
const outbox = new Map(); // client_id -> frame, until its message comes back
let draft = null; // {kind: "reply" | "edit", message}
let typingSentAt = 0;

function clientId() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

function showDraft() {
  $("draft").hidden = !draft;
  if (!draft) return;
  const { kind, message } = draft;
  $("draft-text").textContent = kind === "edit" ? "Editing your message" : `Replying to ${message.sender}: ${message.text}`;
}

export function cancelDraft() {
  if (draft && draft.kind === "edit") $("text").value = "";
  draft = null;
  showDraft();
}

function showWaiting() {
  const count = outbox.size;
  $("send").textContent = count ? `Send (${count} waiting)` : "Send";
}

/** A message came back with `id`: it is stored, so it no longer waits. */
export function sent(id) {
  if (id && outbox.delete(id)) showWaiting();
}

/** Send again what waits (after a reconnect). */
export function resendWaiting() {
  for (const frame of outbox.values()) if (frame.chat === state.chatId) state.socket.send(frame.body);
}

/** Send one frame of a user's action now; false (and the user told) when the socket is not live. */
function act(frame) {
  if (state.socket && state.socket.send(frame)) return true;
  say("Not connected: try again in a moment.");
  return false;
}

function submit(event) {
  event.preventDefault();
  const text = $("text").value.trim();
  if (!text || !state.socket) return;
  say("");
  if (draft && draft.kind === "edit") {
    if (!act({ type: "edit", message_id: draft.message.message_id, text })) return;
  } else {
    const body = { type: "message", text, client_id: clientId() };
    if (draft && draft.kind === "reply") body.reply_to = draft.message.message_id;
    outbox.set(body.client_id, { chat: state.chatId, body });
    state.socket.send(body); // when not live, it goes out on reconnect
    showWaiting();
  }
  $("text").value = "";
  draft = null;
  showDraft();
  typingSentAt = 0;
}

function typed() {
  const now = Date.now();
  if (state.socket && now - typingSentAt > 2000 && $("text").value) {
    typingSentAt = now;
    state.socket.send({ type: "typing", is_typing: true });
  }
}

function forward(message) {
  const dialog = $("forward-dialog");
  const targets = knownChats().filter((chat) => chat.id !== state.chatId);
  const list = $("forward-targets");
  list.replaceChildren();
  for (const chat of targets) {
    const button = element("button", { type: "button", className: "secondary", textContent: chatName(chat) });
    button.addEventListener("click", () => {
      act({ type: "forward", message_id: message.message_id, target_chat_id: chat.id });
      dialog.close();
    });
    list.append(element("li", {}, button));
  }
  if (!targets.length) list.append(element("li", { className: "muted", textContent: "No other chat to forward to." }));
  dialog.showModal();
}

/** Run one message action (a button of a message's toolbar). */
export function onAction(name, message, button) {
  say("");
  switch (name) {
    case "reply":
    case "edit":
      draft = { kind: name, message };
      if (name === "edit") $("text").value = message.text;
      showDraft();
      $("text").focus();
      break;
    case "delete":
      if (button.dataset.armed !== "yes") {
        button.dataset.armed = "yes"; // a second press within 4 s deletes: no blocking confirm()
        button.textContent = "Really delete?";
        button.classList.add("danger");
        setTimeout(() => {
          button.dataset.armed = "";
          button.textContent = "Delete";
          button.classList.remove("danger");
        }, 4000);
        break;
      }
      act({ type: "delete", message_id: message.message_id });
      break;
    case "pin":
      act({ type: "pin", message_id: message.message_id, pinned: !message.is_pinned });
      break;
    case "forward":
      forward(message);
      break;
    default:
      break;
  }
}

export function initComposer() {
  $("composer").addEventListener("submit", submit);
  $("draft-cancel").addEventListener("click", cancelDraft);
  $("text").addEventListener("input", typed);
  $("text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("composer").requestSubmit();
    } else if (event.key === "Escape" && draft) cancelDraft();
  });
}
