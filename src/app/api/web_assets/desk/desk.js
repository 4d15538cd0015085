// The organizer desk at /desk/: one page, its screens chosen by the URL's hash so each has its
// own shareable address: #/ (my events), #/new, #/events/<id>, #/check-in.
import { api } from "../api.js";
import { renderNav } from "../nav.js";
import { checkInScreen } from "./checkin.js";
import { sentence } from "./reasons.js";
import { followSession, sessionEnded, signedIn } from "./signin.js";
import { eventForm, eventList } from "./events.js";
import { eventPage } from "./event.js";

const main = document.getElementById("main");
let leave = () => {};

async function show() {
  leave();
  leave = () => {};
  const hash = location.hash.replace(/^#/, "") || "/";
  const me = await api("GET", "/api/users/me/");
  const match = hash.match(/^\/events\/(\d+)\/?$/);
  let screen;
  if (match) screen = await eventPage(Number(match[1]), me);
  else if (hash === "/new") screen = eventForm(null);
  else if (hash === "/check-in") screen = checkInScreen(null);
  else screen = await eventList(me);
  main.replaceChildren(screen.node);
  leave = screen.leave || (() => {});
  const heading = main.querySelector("h1");
  if (heading) document.title = `${heading.textContent} · Desk · Muster`;
  main.focus({ preventScroll: true });
}

async function start() {
  renderNav("desk");
  await signedIn(main);
  renderNav("desk");
  window.addEventListener("hashchange", () => show().catch(failed));
  followSession();
  await show();
}

function failed(error) {
  if (sessionEnded(error)) return;
  main.replaceChildren();
  const notice = document.createElement("p");
  notice.setAttribute("role", "alert");
  notice.className = "error";
  notice.textContent = sentence(error);
  main.append(notice);
}

start().catch(failed);
