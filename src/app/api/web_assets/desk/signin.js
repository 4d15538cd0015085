// Log in or register, for a page opened without a session; resolves once signed in.
import { sessionIsOver } from "../api.js";
import { logIn, register, session } from "../session.js";
import { field, h, say } from "./dom.js";
import { sentence } from "./reasons.js";

export function signedIn(root) {
  if (session.tokens) return Promise.resolve();
  return new Promise((resolve) => {
    const email = h("input", { type: "email", autocomplete: "username", required: true });
    const password = h("input", { type: "password", autocomplete: "current-password", required: true, minLength: 8 });
    const name = h("input", { autocomplete: "name" });
    const notice = h("p", { role: "status", "aria-live": "polite" });
    const done = () => {
      root.replaceChildren();
      resolve();
    };
    const attempt = async (action) => {
      say(notice, "Signing in…");
      try {
        await action();
        done();
      } catch (error) {
        say(notice, sentence(error), "error");
      }
    };
    const form = h(
      "form",
      {
        class: "card signin",
        "aria-labelledby": "signin-title",
        onsubmit: (event) => {
          event.preventDefault();
          attempt(() => logIn(email.value, password.value));
        },
      },
      h("h1", { id: "signin-title", text: "Log in" }),
      field("E-mail", email),
      field("Password", password),
      field("Name", name, "Only to register a new account."),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "submit", text: "Log in" }),
        h("button", {
          type: "button",
          class: "secondary",
          text: "Register and log in",
          onclick: () => {
            if (!form.reportValidity()) return;
            attempt(() => register({ email: email.value, password: password.value, name: name.value || email.value }));
          },
        }),
      ),
      notice,
    );
    root.replaceChildren(form);
    email.focus();
  });
}

// A refusal for want of a session (it ended elsewhere, or the account was deactivated): sign in again.
export function sessionEnded(error) {
  if (!sessionIsOver(error)) return false;
  session.clear();
  location.reload();
  return true;
}

// Logging out in another tab (or here) shows the sign-in form again.
export function followSession() {
  session.onChange((tokens) => tokens || location.reload());
}
