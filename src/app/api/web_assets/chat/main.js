// The chat page: log in or register, then the chat list beside the open chat (/#/chat/<id>).
import { api, sessionIsOver } from "../api.js";
import { say } from "../dom.js";
import { renderNav } from "../nav.js";
import { logIn, register, session } from "../session.js";
import { initComposer } from "./actions.js";
import { followChats, loadChats } from "./chats.js";
import { initFinder } from "./finder.js";
import { chatInAddress, state } from "./state.js";
import { initThread, openChat } from "./thread.js";

const $ = (id) => document.getElementById(id);
let chatList = null;

function formError(form, error) {
  const fields = (error.errors || []).map((e) => `${e.field}: ${e.message}`).join("; ");
  form.querySelector(".form-error").textContent = fields ? `${error.message} (${fields})` : error.message;
}

function showAuth(which) {
  $("auth").hidden = false;
  $("app").hidden = true;
  $("login-box").hidden = which !== "login";
  $("register-box").hidden = which !== "register";
  $(which === "login" ? "login-email" : "register-name").focus();
}

function onAuthForm(id, action) {
  const form = $(id);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    form.querySelector(".form-error").textContent = "";
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await action();
      form.reset();
      await start();
    } catch (error) {
      formError(form, error);
    } finally {
      button.disabled = false;
    }
  });
}

// The signed-in user, or null once the server says the session is over. While the server cannot
// be reached (offline, restarting, failing, or an expired token it cannot refresh yet), the session
// is kept and the question asked again, 1 s later doubling to 30 s.
async function signedInUser() {
  for (let delay = 1000; ; delay = Math.min(delay * 2, 30_000)) {
    try {
      return await api("GET", "/api/users/me/");
    } catch (error) {
      if (sessionIsOver(error)) return null;
      say("The server cannot be reached; trying again…");
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (!session.tokens) return null; // logged out meanwhile (another tab)
    }
  }
}

async function start() {
  renderNav("chat");
  if (!session.tokens) return showAuth("login");
  state.me = await signedInUser();
  if (!state.me) {
    session.clear();
    return showAuth("login");
  }
  say("");
  $("auth").hidden = true;
  $("app").hidden = false;
  await loadChats();
  chatList = chatList || followChats();
  await openChat(chatInAddress());
}

function init() {
  onAuthForm("login-form", () => logIn($("login-email").value.trim(), $("login-password").value));
  onAuthForm("register-form", () =>
    register({
      name: $("register-name").value.trim(),
      username: $("register-username").value.trim() || undefined,
      email: $("register-email").value.trim(),
      password: $("register-password").value,
    }),
  );
  $("show-register").addEventListener("click", () => showAuth("register"));
  $("show-login").addEventListener("click", () => showAuth("login"));
  initThread();
  initComposer();
  initFinder();
  window.addEventListener("hashchange", () => {
    if (state.me) openChat(chatInAddress()).catch((error) => say(error.message));
  });
  session.onChange((tokens) => {
    if (tokens || !state.me) return;
    state.me = null; // logged out here or in another tab
    if (chatList) chatList.close();
    chatList = null;
    openChat(null);
    showAuth("login");
  });
  start();
}

init();
