// One message of the open chat as an <article>: who, when, a quoted reply, the text with safe
// links, and its actions. Arrow keys move between messages; Tab reaches the focused one's actions.
import { element, richText, timeOf } from "../dom.js";
import { memberName, state } from "./state.js";

const ACTIONS = [
  ["reply", "Reply", () => true],
  ["edit", "Edit", (m) => m.sender_id === state.me.id],
  ["delete", "Delete", (m) => m.sender_id === state.me.id || Boolean(state.detail && state.detail.is_admin)],
  ["pin", "Pin", () => true],
  ["forward", "Forward", () => true],
];

function quote(message) {
  if (!message.reply_to) return null;
  const original = state.messages.get(message.reply_to);
  const text = !original ? "an earlier message" : original.deleted ? "a deleted message" : `${original.sender}: ${original.text}`;
  return element("p", { className: "quote" }, `↪ Reply to ${text}`);
}

function flags(message) {
  const words = [];
  if (message.forwarded_from) words.push("forwarded");
  if (message.edited_at && !message.deleted) words.push("edited");
  if (message.is_pinned) words.push("📌 pinned");
  return words.join(" · ");
}

function actions(message, onAction) {
  if (message.deleted) return element("div", { className: "actions" });
  const bar = element("div", { className: "actions", role: "toolbar", ariaLabel: `Actions on ${message.sender}'s message` });
  for (const [name, label, allowed] of ACTIONS) {
    if (!allowed(message)) continue;
    const text = name === "pin" && message.is_pinned ? "Unpin" : label;
    const button = element("button", { type: "button", className: "secondary", textContent: text, tabIndex: -1, "data-action": name });
    button.addEventListener("click", () => onAction(name, message, button));
    bar.append(button);
  }
  return bar;
}

/** Fill (or refill) `article` with `message`. */
export function fillMessage(article, message, onAction) {
  article.className = message.sender_id === state.me.id ? "msg mine" : "msg";
  const when = timeOf(message.created_at);
  article.setAttribute("aria-label", `${message.sender || memberName(message.sender_id)}, ${when.textContent}`);
  const text = message.deleted
    ? element("p", { className: "text deleted", textContent: "message deleted" })
    : element("p", { className: "text" }, richText(message.text || ""));
  const focused = article.contains(document.activeElement);
  article.replaceChildren(
    element("div", { className: "meta" }, element("span", { className: "who", textContent: message.sender }), when, element("span", { className: "flags", textContent: flags(message) })),
    quote(message) || "",
    text,
    actions(message, onAction),
  );
  if (focused) article.focus();
  rove(article, article.tabIndex === 0);
}

export function messageArticle(message, onAction) {
  const article = element("article", { id: `message-${message.message_id}`, tabIndex: -1, "data-id": String(message.message_id) });
  fillMessage(article, message, onAction);
  return article;
}

/** Make `article` the one tab stop of the list (and its actions reachable), or not. */
export function rove(article, current) {
  article.tabIndex = current ? 0 : -1;
  for (const button of article.querySelectorAll(".actions button")) button.tabIndex = current ? 0 : -1;
}

/** Arrow keys, Home and End move between the messages of `box`; the last one starts as the tab stop. */
export function messageKeys(box) {
  box.addEventListener("focusin", (event) => {
    const article = event.target.closest("article");
    if (!article) return;
    for (const other of box.querySelectorAll("article[tabindex='0']")) if (other !== article) rove(other, false);
    rove(article, true);
  });
  box.addEventListener("keydown", (event) => {
    if (!["ArrowDown", "ArrowUp", "Home", "End"].includes(event.key) || event.target.tagName !== "ARTICLE") return;
    const items = [...box.querySelectorAll("article")];
    const index = items.indexOf(event.target);
    const next = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: items.length - 1 }[event.key];
    event.preventDefault();
    items[Math.max(0, Math.min(items.length - 1, next))].focus();
  });
}

/** Keep exactly one tab stop in `box`: the focused article, else the newest. */
export function ensureTabStop(box) {
  if (box.querySelector("article[tabindex='0']")) return;
  const last = box.querySelector("article:last-of-type");
  if (last) rove(last, true);
}
