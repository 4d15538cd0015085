// The top bar of every page: the three screens, who is signed in, and Log out.
import { api } from "./api.js";
import { element } from "./dom.js";
import { logOut, session } from "./session.js";

const LINKS = [
  ["chat", "Chat", "/"],
  ["desk", "Desk", "/desk/"],
  ["expeditions", "Expeditions", "/expeditions/"],
];

/** Render the bar into <header id="nav">; `active` is "chat", "desk" or "expeditions". */
export function renderNav(active) {
  const header = document.getElementById("nav");
  if (!header) return;
  header.dataset.active = active;
  const list = element("ul");
  for (const [key, label, href] of LINKS) {
    const link = element("a", { href, textContent: label });
    if (key === active) link.setAttribute("aria-current", "page");
    list.append(element("li", {}, link));
  }
  const who = element("span", { className: "who" });
  const out = element("button", { type: "button", textContent: "Log out" });
  out.addEventListener("click", async () => {
    await logOut();
    location.reload(); // every page shows its own sign-in
  });
  header.replaceChildren(
    element("a", { className: "brand", href: "/", textContent: "Muster" }),
    element("nav", { ariaLabel: "Main" }, list),
    who,
    out,
  );
  const signedIn = Boolean(session.tokens);
  who.hidden = out.hidden = !signedIn;
  if (signedIn) {
    api("GET", "/api/users/me/")
      .then((me) => {
        who.textContent = me.username ? `${me.name} (@${me.username})` : me.name;
      })
      .catch(() => {});
  }
}

session.onChange(() => {
  const header = document.getElementById("nav");
  if (header && header.dataset.active) renderNav(header.dataset.active);
});
