// The open chat: its socket (live, resumed after a drop), history, older messages on scroll,
// typing, presence and pins.
import { api } from "../api.js";
import { element, say } from "../dom.js";
import { liveSocket } from "../live.js";
import { onAction, resendWaiting, sent } from "./actions.js";
import { chatName, highlightOpen, listedChat, loadChats, setUnread } from "./chats.js";
import { ensureTabStop, fillMessage, messageArticle, messageKeys } from "./messages.js";
import { memberName, state } from "./state.js";

const PAGE = 30;
const $ = (id) => document.getElementById(id);
let oldest = null; // the oldest message shown, the cursor for older ones
let exhausted = false;
let loadingOlder = false;
let lastRead = 0;
const online = new Set();
const typing = new Map(); // user id -> timer

function showState(name) {
  state.live = name === "live";
  const badge = $("chat-state");
  badge.dataset.state = name;
  badge.textContent = { connecting: "connecting…", live: "live", reconnecting: "reconnecting…", closed: "offline" }[name];
  $("send").disabled = false; // messages written while reconnecting wait and go out once live
  if (!state.live) return;
  resendWaiting();
  markRead(); // a read marker the socket could not take meanwhile
}

function showPresence() {
  const others = [...online].filter((id) => id !== state.me.id).map(memberName);
  $("presence").textContent = others.length ? `Online: ${others.join(", ")}` : "";
}

function showTyping(userId, isTyping) {
  clearTimeout(typing.get(userId));
  typing.delete(userId);
  if (isTyping) typing.set(userId, setTimeout(() => showTyping(userId, false), 4000));
  const names = [...typing.keys()].map(memberName);
  $("typing").textContent = names.length ? `${names.join(", ")} ${names.length > 1 ? "are" : "is"} typing…` : "";
}

function atBottom(box) {
  return box.scrollHeight - box.scrollTop - box.clientHeight < 60;
}

/** Show `messages` (oldest first): new ones appended or prepended in id order, known ones refreshed. */
function show(messages, { older = false } = {}) {
  const box = $("messages");
  const stick = atBottom(box);
  const height = box.scrollHeight;
  const before = box.firstElementChild;
  for (const message of messages) {
    const known = state.messages.get(message.message_id);
    const merged = { ...known, ...message };
    state.messages.set(message.message_id, merged);
    const article = document.getElementById(`message-${message.message_id}`);
    if (article) {
      fillMessage(article, merged, onAction);
      continue;
    }
    const fresh = messageArticle(merged, onAction);
    if (older) box.insertBefore(fresh, before);
    else {
      const next = [...box.children].find((child) => Number(child.dataset.id) > message.message_id);
      box.insertBefore(fresh, next || null);
    }
    if (oldest === null || message.message_id < oldest) oldest = message.message_id;
  }
  if (older) box.scrollTop += box.scrollHeight - height;
  else if (stick || messages.length > 1) box.scrollTop = box.scrollHeight;
  ensureTabStop(box);
  markRead();
}

function markRead() {
  const newest = Math.max(0, ...[...state.messages.values()].filter((m) => m.sender_id !== state.me.id).map((m) => m.message_id));
  if (newest > lastRead && document.visibilityState === "visible" && state.socket) {
    if (state.socket.send({ type: "read", last_read_message_id: newest })) lastRead = newest;
  }
}

async function loadOlder(force = false) {
  const box = $("messages");
  if (loadingOlder || exhausted || oldest === null || (box.scrollTop > 80 && force !== true)) return;
  loadingOlder = true;
  const chatId = state.chatId;
  try {
    const page = await api("GET", `/api/chats/${chatId}/messages/?before=${oldest}&limit=${PAGE}`);
    if (chatId !== state.chatId) return;
    exhausted = page.next_before === null;
    show(page.results.slice().reverse(), { older: true });
  } catch (error) {
    say(error.message);
  } finally {
    loadingOlder = false;
  }
}

async function refreshDetail() {
  state.detail = await api("GET", `/api/chats/${state.chatId}/`);
  $("chat-title").textContent = chatName(listedChat(state.chatId) || state.detail);
  showPresence();
}

export async function showPins() {
  const list = $("pins");
  const pins = await api("GET", `/api/chats/${state.chatId}/pins/`);
  const items = Array.isArray(pins) ? pins : pins.results || [];
  list.replaceChildren(
    ...items.map((m) => element("li", {}, element("span", { className: "grow" }, element("strong", { textContent: m.sender }), " ", m.text || ""))),
  );
  if (!items.length) list.append(element("li", { className: "muted", textContent: "Nothing pinned yet." }));
}

function onFrame(frame) {
  switch (frame.type) {
    case "history":
      exhausted = frame.messages.length < PAGE;
      show(frame.messages);
      break;
    case "message":
      sent(frame.client_id);
      show([frame]);
      showTyping(frame.sender_id, false);
      break;
    case "message_edited":
    case "message_deleted":
    case "message_pinned": {
      const known = state.messages.get(frame.message_id);
      if (!known) break;
      const change = { ...frame, type: "message" };
      if (frame.type === "message_deleted") Object.assign(change, { deleted: true, text: null });
      if (frame.type === "message_pinned") change.is_pinned = frame.pinned;
      show([{ ...known, ...change, sender: known.sender, sender_id: known.sender_id, created_at: known.created_at }]);
      if (frame.type === "message_pinned" && !$("pins").hidden) showPins();
      break;
    }
    case "typing":
      if (frame.user_id !== state.me.id) showTyping(frame.user_id, frame.is_typing);
      break;
    case "user_status":
      if (frame.is_online) online.add(frame.user_id);
      else online.delete(frame.user_id);
      showPresence();
      break;
    case "presence": // the snapshot on connect
      online.clear();
      for (const id of frame.online) online.add(id);
      showPresence();
      break;
    case "presence_changed": // a room's changes, coalesced
      for (const id of frame.offline) online.delete(id);
      for (const id of frame.online) online.add(id);
      showPresence();
      break;
    case "member_joined":
    case "member_left":
      refreshDetail().catch(() => {});
      break;
    case "unread":
      setUnread(frame.chat_id, frame.unread_count);
      break;
    case "forwarded":
      say("Message forwarded.", { error: false });
      break;
    case "error":
      say(frame.detail || frame.code);
      break;
    default:
      break; // resume, read, delivered: nothing to show
  }
}

function reset() {
  if (state.socket) state.socket.close();
  state.socket = null;
  state.messages.clear();
  state.detail = null;
  oldest = null;
  exhausted = false;
  lastRead = 0;
  online.clear();
  for (const timer of typing.values()) clearTimeout(timer);
  typing.clear();
  $("messages").replaceChildren();
  $("typing").textContent = $("presence").textContent = "";
  $("pins").hidden = true;
  $("pins-toggle").setAttribute("aria-expanded", "false");
  $("room-join").hidden = true;
}

/** Open chat `chatId` (or, with null, none): its members, then its live socket. */
export async function openChat(chatId) {
  if (chatId === state.chatId && state.socket) return;
  reset();
  state.chatId = chatId;
  document.getElementById("app").dataset.view = chatId ? "thread" : "list";
  highlightOpen();
  $("composer").hidden = $("pins-toggle").hidden = !chatId;
  $("chat-title").textContent = chatId ? "Loading…" : "Pick a chat";
  $("chat-state").textContent = "";
  if (!chatId) return;
  try {
    await refreshDetail();
  } catch (error) {
    if (chatId !== state.chatId) return;
    $("composer").hidden = true;
    if (error.code === "not_a_member") {
      $("chat-title").textContent = "A room you have not joined";
      $("room-join").hidden = false;
      return;
    }
    $("chat-title").textContent = "This chat cannot be opened";
    return say(error.message);
  }
  if (chatId !== state.chatId) return;
  state.socket = liveSocket(`/ws/chat/${chatId}/`, { contiguous: true, onFrame, onState: showState });
}

async function joinRoom(event) {
  event.preventDefault();
  const chatId = state.chatId;
  const password = $("room-join-password").value;
  try {
    await api("POST", `/api/chats/${chatId}/join/`, password ? { password } : {});
    $("room-join-password").value = "";
    say("");
    await loadChats();
    reset();
    state.chatId = null;
    await openChat(chatId);
  } catch (error) {
    say(error.message);
  }
}

export function initThread() {
  const box = $("messages");
  messageKeys(box);
  box.addEventListener("scroll", () => loadOlder(), { passive: true });
  box.addEventListener("keydown", (event) => {
    const first = event.target === box.querySelector("article");
    if (first && (event.key === "ArrowUp" || event.key === "Home")) loadOlder(true); // keyboard reaches older ones too
  });
  $("room-join").addEventListener("submit", joinRoom);
  $("back").addEventListener("click", () => {
    location.hash = "#/";
  });
  $("pins-toggle").addEventListener("click", async () => {
    const list = $("pins");
    list.hidden = !list.hidden;
    $("pins-toggle").setAttribute("aria-expanded", String(!list.hidden));
    if (!list.hidden) await showPins().catch((error) => say(error.message));
  });
  document.addEventListener("visibilitychange", markRead);
}
