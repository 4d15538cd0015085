// Small DOM functions for the desk pages: every server text goes in as text, never as HTML.
let ids = 0;

export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key in node && !key.includes("-")) node[key] = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

// A labelled input: the label names the control for screen readers and is clickable.
export function field(label, control, hint = "") {
  control.id ||= `f${++ids}`;
  const parts = [h("label", { for: control.id, text: label }), control];
  if (hint) {
    const hintId = `${control.id}-hint`;
    control.setAttribute("aria-describedby", hintId);
    parts.push(h("small", { id: hintId, class: "muted", text: hint }));
  }
  return h("div", { class: "field" }, ...parts);
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const time = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

export function localDateTime(iso) {
  return iso ? dateTime.format(new Date(iso)) : "";
}

export function localTime(iso) {
  return iso ? time.format(new Date(iso)) : "";
}

// <input type="datetime-local"> speaks local wall time without a zone; the API wants ISO with one.
export function toLocalInput(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

export function fromLocalInput(value) {
  return new Date(value).toISOString();
}

// A polite (or, for failures, assertive) live region's text and tone.
export function say(region, text, tone = "") {
  region.className = `notice ${tone}`.trim();
  region.textContent = text;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}
