// Small DOM helpers shared by the pages. Text from the server only ever becomes text nodes.

/** An element with properties (className, textContent, type...) and children (nodes or strings). */
export function element(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key.startsWith("aria") || key.startsWith("data-") || key === "for" || key === "role") {
      node.setAttribute(key.startsWith("aria") && !key.includes("-") ? `aria-${key.slice(4).toLowerCase()}` : key, value);
    } else node[key] = value;
  }
  node.append(...children.filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

const URLS = /\bhttps?:\/\/[^\s<>"']+/gi;
const TRAILING = /[.,;:!?)\]}'"]+$/;

function link(raw) {
  let url;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  return element("a", { href: url.href, textContent: raw, rel: "noopener noreferrer nofollow", target: "_blank" });
}

/** `text` as text nodes, with every http(s) address in it made a link (its text stays text). */
export function richText(text) {
  const fragment = document.createDocumentFragment();
  let at = 0;
  for (const match of text.matchAll(URLS)) {
    const raw = match[0].replace(TRAILING, "");
    const anchor = link(raw);
    if (!anchor) continue;
    fragment.append(text.slice(at, match.index), anchor);
    at = match.index + raw.length;
  }
  fragment.append(text.slice(at));
  return fragment;
}

const TIME = { hour: "2-digit", minute: "2-digit" };

/** A <time> in the reader's own zone: the time today, "Yesterday 18:02", a date otherwise. */
export function timeOf(iso) {
  if (!iso) return element("time");
  const moment = new Date(iso);
  const today = new Date();
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  const clock = moment.toLocaleTimeString([], TIME);
  let label;
  if (moment.toDateString() === today.toDateString()) label = clock;
  else if (moment.toDateString() === yesterday.toDateString()) label = `Yesterday ${clock}`;
  else if (moment.getFullYear() === today.getFullYear()) {
    label = `${moment.toLocaleDateString([], { month: "short", day: "numeric" })} ${clock}`;
  } else label = `${moment.toLocaleDateString([], { year: "numeric", month: "short", day: "numeric" })} ${clock}`;
  return element("time", { dateTime: iso, title: moment.toLocaleString(), textContent: label });
}

/** Show a message in the page's banner (#banner); an empty text hides it. */
export function say(text, { error = true } = {}) {
  const banner = document.getElementById("banner");
  if (!banner) return;
  banner.textContent = text || "";
  banner.classList.toggle("error", Boolean(text) && error);
}

/** Move focus between `items` with the arrow keys, Home and End (one tab stop for the whole list). */
export function arrowKeys(container, selector) {
  container.addEventListener("keydown", (event) => {
    if (!["ArrowDown", "ArrowUp", "Home", "End"].includes(event.key)) return;
    const items = [...container.querySelectorAll(selector)];
    const index = items.indexOf(document.activeElement);
    if (index < 0 || !items.length) return;
    event.preventDefault();
    const next = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: items.length - 1 }[event.key];
    items[Math.max(0, Math.min(items.length - 1, next))].focus();
  });
}
