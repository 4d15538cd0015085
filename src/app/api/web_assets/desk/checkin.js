// Check-in: a typed or pasted ticket secret everywhere, and the camera's QR scanner where the
// browser has one (BarcodeDetector with getUserMedia). The verdict is spoken and shown in words.
import { api } from "../api.js";
import { field, h, localTime, say } from "./dom.js";
import { sentence } from "./reasons.js";

const SCAN_EVERY_MS = 250;
const SAME_CODE_PAUSE_MS = 3000;

function verdictOf(result) {
  const who = `${result.holder.name} (${result.holder.email})`;
  return [`Admitted: ${who}, ${result.event.title}.`, "admitted"];
}

async function admit(secret) {
  try {
    return verdictOf(await api("POST", "/api/check-in/", { secret }));
  } catch (error) {
    if (error.code === "already_checked_in") {
      return [`Already checked in at ${localTime(error.body.checked_in_at)}.`, "repeat"];
    }
    if (error.code === "invalid_ticket") return ["Invalid ticket.", "invalid"];
    if (error.code === "not_confirmed") {
      return [`Not admitted: the reservation is ${error.body.reservation_status}.`, "invalid"];
    }
    if (error.code === "validation_error") return ["Invalid ticket.", "invalid"];
    return [sentence(error), "invalid"];
  }
}

async function cameraSupported() {
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return false;
  try {
    return (await window.BarcodeDetector.getSupportedFormats()).includes("qr_code");
  } catch {
    return false;
  }
}

function camera(onCode) {
  const video = h("video", { muted: true, playsInline: true, class: "scanner", "aria-label": "Camera view" });
  const toggle = h("button", { type: "button", class: "secondary", text: "Scan with the camera", hidden: true });
  let stream = null;
  let timer = null;
  let lastCode = "";
  let lastAt = 0;
  const stop = () => {
    clearInterval(timer);
    if (stream) for (const track of stream.getTracks()) track.stop();
    stream = null;
    video.hidden = true;
    toggle.textContent = "Scan with the camera";
  };
  const start = async () => {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    toggle.textContent = "Stop the camera";
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    timer = setInterval(async () => {
      const codes = await detector.detect(video).catch(() => []);
      const code = codes.length ? codes[0].rawValue : "";
      const now = Date.now();
      if (!code || (code === lastCode && now - lastAt < SAME_CODE_PAUSE_MS)) return;
      lastCode = code;
      lastAt = now;
      onCode(code);
    }, SCAN_EVERY_MS);
  };
  toggle.addEventListener("click", () => (stream ? stop() : start().catch(() => stop())));
  video.hidden = true;
  cameraSupported().then((supported) => {
    toggle.hidden = !supported;
  });
  return { nodes: [toggle, video], stop };
}

// The check-in panel; `eventTitle` names the event when it sits on an event's page.
export function checkInPanel(eventTitle = null) {
  const secret = h("input", { autocomplete: "off", spellcheck: false, required: true, "data-ticket-secret": "" });
  const verdict = h("p", { class: "verdict", role: "status", "aria-live": "assertive", "aria-atomic": "true" });
  const check = async (value) => {
    const text = value.trim();
    if (!text) return;
    say(verdict, "Checking…");
    const [sentenceText, kind] = await admit(text);
    say(verdict, sentenceText, `verdict ${kind}`);
    verdict.dataset.verdict = kind;
    secret.value = "";
    secret.focus();
  };
  const scanner = camera(check);
  const heading = h("h2", { id: "checkin-title" });
  const named = (title) => {
    heading.textContent = title ? `Check-in: ${title}` : "Check-in";
  };
  named(eventTitle);
  const node = h("section", { class: "checkin", "aria-labelledby": "checkin-title" },
    heading,
    h("form", { onsubmit: (event) => { event.preventDefault(); check(secret.value); } },
      field("Ticket secret", secret, "Scan the QR code, or type or paste the secret printed under it."),
      h("div", { class: "actions" }, h("button", { type: "submit", text: "Check in" }), ...scanner.nodes)),
    verdict);
  return { node, close: scanner.stop, named };
}

export function checkInScreen() {
  const panel = checkInPanel();
  return {
    node: h("div", {}, h("h1", { text: "Check-in" }), h("p", {}, h("a", { href: "#/", text: "← My events" })), panel.node),
    leave: panel.close,
  };
}
