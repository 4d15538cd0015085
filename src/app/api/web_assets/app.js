// Muster's web client: plain browser JavaScript over the public API (no build step).
// Every text from the server is rendered with textContent, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const state = {
  access: sessionStorage.getItem("access"),
  refresh: sessionStorage.getItem("refresh"),
  me: null,
  chatId: null,
  names: new Map(), // user id -> name, for the open chat
  online: new Set(),
  chatSocket: null,
  metricsSocket: null,
  typingSentAt: 0,
  typingTimers: new Map(),
};

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.detail) || `HTTP ${status}`);
    this.status = status;
    this.code = body && body.code;
  }
}

function say(text) {
  $("status").textContent = text || "";
}

function keepTokens(tokens) {
  state.access = tokens ? tokens.access : null;
  state.refresh = tokens ? tokens.refresh : null;
  for (const key of ["access", "refresh"]) {
    if (tokens) sessionStorage.setItem(key, tokens[key]);
    else sessionStorage.removeItem(key);
  }
}

async function call(method, path, body, retried = false) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  if (state.access) options.headers.Authorization = `Bearer ${state.access}`;
  const response = await fetch(path, options);
  if (response.status === 401 && state.refresh && !retried) {
    if (await refreshTokens()) return call(method, path, body, true);
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

async function refreshTokens() {
  const response = await fetch("/api/token/refresh/", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refresh: state.refresh }),
  });
  if (!response.ok) {
    keepTokens(null);
    return false;
  }
  keepTokens(await response.json());
  return true;
}

function socketUrl(path) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}${path}?token=${encodeURIComponent(state.access)}`;
}

function item(text, extra) {
  const li = document.createElement("li");
  const label = document.createElement("span");
  label.textContent = text;
  li.append(label);
  if (extra) li.append(extra);
  return li;
}

function badge(count) {
  if (!count) return null;
  const span = document.createElement("span");
  span.className = "badge";
  span.textContent = String(count);
  return span;
}

// -- session ---------------------------------------------------------------------------------------

async function logIn(register) {
  const email = $("email").value.trim();
  const password = $("password").value;
  try {
    if (register) await call("POST", "/api/users/", { email, password, name: $("name").value.trim() || email });
    keepTokens(await call("POST", "/api/token/", { email, password }));
    await start();
  } catch (error) {
    say(error.message);
  }
}

async function logOut() {
  if (state.refresh) await call("POST", "/api/token/revoke/", { refresh: state.refresh }).catch(() => null);
  keepTokens(null);
  for (const socket of [state.chatSocket, state.metricsSocket]) if (socket) socket.close();
  location.reload();
}

async function start() {
  try {
    state.me = await call("GET", "/api/users/me/");
  } catch (error) {
    keepTokens(null);
    $("login").hidden = false;
    return;
  }
  $("me").textContent = state.me.name || state.me.email;
  $("logout").hidden = false;
  $("login").hidden = true;
  $("app").hidden = false;
  say("");
  await Promise.all([loadChats(), loadRooms()]);
}

// -- chats and rooms -------------------------------------------------------------------------------

function chatLabel(chat) {
  if (chat.title) return chat.title;
  const last = chat.last_message;
  return chat.type === "private" ? `Private chat ${chat.id}${last ? ` (${last.sender})` : ""}` : `Chat ${chat.id}`;
}

async function loadChats() {
  const page = await call("GET", "/api/chats/?limit=100");
  const list = $("chats");
  list.replaceChildren();
  for (const chat of page.results) {
    const li = item(chatLabel(chat), badge(chat.unread_count));
    li.className = "chat" + (chat.id === state.chatId ? " active" : "");
    li.dataset.chatId = String(chat.id);
    li.addEventListener("click", () => openChat(chat.id));
    list.append(li);
  }
  if (!page.results.length) list.append(item("No chats yet: join or create a room."));
}

async function loadRooms(query = "") {
  const page = await call("GET", `/api/rooms/?limit=50&search=${encodeURIComponent(query)}`);
  const list = $("rooms");
  list.replaceChildren();
  for (const room of page.results) {
    const button = document.createElement("button");
    button.textContent = room.is_member ? "Open" : room.has_password ? "Join 🔒" : "Join";
    button.addEventListener("click", () => joinRoom(room));
    list.append(item(`${room.name} · ${room.member_count}`, button));
  }
}

async function joinRoom(room) {
  try {
    if (!room.is_member) {
      const body = room.has_password ? { password: prompt(`Password for ${room.name}`) || "" } : {};
      await call("POST", `/api/chats/${room.id}/join/`, body);
    }
    await Promise.all([loadChats(), loadRooms($("room-query").value)]);
    await openChat(room.id);
  } catch (error) {
    say(error.message);
  }
}

async function createRoom() {
  const body = { type: "room", name: $("room-name").value.trim() };
  if ($("room-password").value) body.password = $("room-password").value;
  try {
    const room = await call("POST", "/api/chats/", body);
    $("room-name").value = $("room-password").value = "";
    await Promise.all([loadChats(), loadRooms()]);
    await openChat(room.id);
  } catch (error) {
    say(error.message);
  }
}

// -- the open chat ---------------------------------------------------------------------------------

async function openChat(chatId) {
  if (state.chatSocket) state.chatSocket.close();
  state.chatId = chatId;
  state.online.clear();
  $("messages").replaceChildren();
  $("typing").textContent = "";
  const detail = await loadMembers();
  const others = detail.members.filter((m) => m.user_id !== state.me.id).map((m) => m.name);
  $("chat-title").textContent = detail.name || detail.title || others.join(", ") || `Chat ${chatId}`;
  showPresence();
  const socket = new WebSocket(socketUrl(`/ws/chat/${chatId}/`));
  state.chatSocket = socket;
  socket.addEventListener("message", (event) => onChatFrame(JSON.parse(event.data)));
  socket.addEventListener("open", () => setComposer(true));
  socket.addEventListener("close", (event) => {
    if (state.chatSocket !== socket) return;
    setComposer(false);
    say(event.code === 1000 ? "" : `The chat socket closed (${event.code} ${event.reason}).`);
  });
  await loadChats();
}

async function loadMembers() {
  const detail = await call("GET", `/api/chats/${state.chatId}/`);
  state.names = new Map(detail.members.map((m) => [m.user_id, m.name]));
  return detail;
}

function setComposer(enabled) {
  $("text").disabled = $("send").disabled = !enabled;
  if (enabled) $("text").focus();
}

function showPresence() {
  const names = [...state.online].map((id) => state.names.get(id) || `user ${id}`);
  $("presence").textContent = names.length ? `Online: ${names.join(", ")}` : "";
}

function messageRow(message) {
  const row = document.createElement("div");
  row.className = "msg";
  row.id = `message-${message.message_id}`;
  const who = document.createElement("span");
  who.className = "who";
  who.textContent = message.sender;
  const text = document.createElement("span");
  const when = document.createElement("span");
  when.className = "when";
  row.append(who, text, when);
  fillMessage(row, message);
  return row;
}

function fillMessage(row, message) {
  const [, text, when] = row.children;
  text.textContent = message.deleted ? "message deleted" : message.text;
  text.className = message.deleted ? "deleted" : "";
  const time = message.created_at ? new Date(message.created_at).toLocaleTimeString() : "";
  when.textContent = time + (message.edited_at && !message.deleted ? " · edited" : "");
}

function addMessages(messages) {
  const box = $("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  for (const message of messages) {
    if (!document.getElementById(`message-${message.message_id}`)) box.append(messageRow(message));
  }
  if (atBottom || messages.length > 1) box.scrollTop = box.scrollHeight;
  const last = messages[messages.length - 1];
  if (last && state.chatSocket && state.chatSocket.readyState === WebSocket.OPEN) {
    state.chatSocket.send(JSON.stringify({ type: "read", last_read_message_id: last.message_id }));
  }
}

function onChatFrame(frame) {
  switch (frame.type) {
    case "history":
      addMessages(frame.messages);
      break;
    case "message":
      addMessages([frame]);
      showTyping(frame.sender_id, false);
      break;
    case "message_edited":
    case "message_deleted": {
      const row = document.getElementById(`message-${frame.message_id}`);
      if (row) fillMessage(row, { ...frame, deleted: frame.type === "message_deleted", created_at: null });
      break;
    }
    case "typing":
      if (frame.user_id !== state.me.id) showTyping(frame.user_id, frame.is_typing);
      break;
    case "user_status":
      notePresence([frame.user_id], frame.is_online);
      break;
    case "presence":
      state.online.clear();
      notePresence(frame.online, true);
      break;
    case "presence_changed":
      notePresence(frame.offline, false);
      notePresence(frame.online, true);
      break;
    case "member_joined":
      loadMembers().then(showPresence);
      break;
    case "unread": {
      const entry = document.querySelector(`#chats li[data-chat-id="${frame.chat_id}"] .badge`);
      if (entry && !frame.unread_count) entry.remove();
      else if (entry) entry.textContent = String(frame.unread_count);
      break;
    }
    case "error":
      say(frame.detail || frame.code);
      break;
    default:
      break; // read, delivered, pins, members leaving: nothing to show in this page
  }
}

function notePresence(userIds, isOnline) {
  for (const id of userIds) {
    if (isOnline) state.online.add(id);
    else state.online.delete(id);
  }
  if (userIds.every((id) => state.names.has(id))) showPresence();
  else loadMembers().then(showPresence);
}

function showTyping(userId, isTyping) {
  clearTimeout(state.typingTimers.get(userId));
  state.typingTimers.delete(userId);
  if (isTyping) state.typingTimers.set(userId, setTimeout(() => showTyping(userId, false), 4000));
  const names = [...state.typingTimers.keys()].map((id) => state.names.get(id) || `user ${id}`);
  $("typing").textContent = names.length ? `${names.join(", ")} typing…` : "";
}

function sendMessage() {
  const text = $("text").value.trim();
  if (!text || !state.chatSocket) return;
  state.chatSocket.send(JSON.stringify({ type: "message", text }));
  $("text").value = "";
  state.typingSentAt = 0;
}

function typing() {
  const now = Date.now();
  if (state.chatSocket && state.chatSocket.readyState === WebSocket.OPEN && now - state.typingSentAt > 2000) {
    state.typingSentAt = now;
    state.chatSocket.send(JSON.stringify({ type: "typing", is_typing: true }));
  }
}

// -- an event's live metrics -----------------------------------------------------------------------

const METRICS = ["capacity", "confirmed_count", "pending_count", "waitlist_count", "checked_in_count", "spots_left"];

function watchMetrics(eventId) {
  if (state.metricsSocket) state.metricsSocket.close();
  const socket = new WebSocket(socketUrl(`/ws/events/${eventId}/`));
  state.metricsSocket = socket;
  $("metrics").replaceChildren();
  socket.addEventListener("message", (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === "error") return say(frame.detail || frame.code);
    if (frame.type !== "metrics") return;
    const list = $("metrics");
    list.replaceChildren();
    for (const key of METRICS) {
      const term = document.createElement("dt");
      term.textContent = key.replace(/_/g, " ");
      const value = document.createElement("dd");
      value.textContent = frame[key] === null || frame[key] === undefined ? "—" : String(frame[key]);
      list.append(term, value);
    }
  });
}

// -- wiring ----------------------------------------------------------------------------------------

function onSubmit(id, handler) {
  $(id).addEventListener("submit", (event) => {
    event.preventDefault();
    handler();
  });
}

onSubmit("login-form", () => logIn(false));
$("register").addEventListener("click", () => logIn(true));
$("logout").addEventListener("click", logOut);
onSubmit("room-search", () => loadRooms($("room-query").value).catch((error) => say(error.message)));
onSubmit("room-create", createRoom);
onSubmit("send-form", sendMessage);
onSubmit("metrics-form", () => watchMetrics(Number($("event-id").value)));
$("text").addEventListener("input", typing);

if (state.access) start();
else $("login").hidden = false;
