// The top bar of every page: where to go, who is signed in, and Log out.
import { api } from "./api.js";
import { logOut, session } from "./session.js";

const LINKS = [
  ["chat", "Chat", "/"],
  ["desk", "Desk", "/desk/"],
  ["expeditions", "Expeditions", "/expeditions/"],
];

function element(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

export function renderNav(active) {
  const header = document.getElementById("nav");
  if (!header) return;
  const links = LINKS.map(([key, label, href]) => {
    const link = element("a", { href, textContent: label });
    if (key === active) link.setAttribute("aria-current", "page");
    return element("li", {}, link);
  });
  const who = element("span", { className: "nav-user" });
  const out = element("button", { type: "button", textContent: "Log out", hidden: !session.tokens });
  out.addEventListener("click", async () => {
    await logOut();
    location.reload();
  });
  header.replaceChildren(
    element("strong", { className: "nav-brand", textContent: "Muster" }),
    element("nav", { ariaLabel: "Main" }, element("ul", {}, ...links)),
    element("span", { className: "nav-me" }, who, out),
  );
  if (session.tokens) {
    api("GET", "/api/users/me/")
      .then((me) => {
        who.textContent = me.name || me.email;
      })
      .catch(() => null);
  }
}
