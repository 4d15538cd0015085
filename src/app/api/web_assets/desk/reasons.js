// The API's refusals (their stable `code`) in words a person acts on.
const REASONS = {
  // expeditions
  too_early: "It cannot start yet: its start time has not come.",
  not_enough_members: (e, c) =>
    `At least 2 members must have confirmed before it can start${typeof c.confirmed === "number" ? ` (${c.confirmed} so far)` : ""}.`,
  over_capacity: "More members would be confirmed than the capacity allows.",
  member_busy: (e, c) =>
    `${(c.names && c.names.get(e.body.member_id)) || "A confirmed member"} is already on another active expedition.`,
  invalid_transition: (e) => e.detail || "That status change is not possible from here.",
  already_invited: "This person is invited already.",
  chief_not_invitable: "The chief leads the expedition and cannot be invited to it.",
  user_not_found: "Nobody with that account was found.",
  expedition_closed: "The expedition no longer takes invitations or answers.",
  not_chief: "Only the expedition's chief may do that.",
  not_invited: "You are not invited to this expedition.",
  already_responded: "You have already answered this invitation.",
  chief_role_required: "Only chiefs may plan expeditions; ask an admin for the chief role.",
  expedition_not_found: "This expedition does not exist or is not yours to see.",
  // events and tickets
  organizer_only: "Only organizers may do that; ask an admin for the organizer role.",
  not_event_owner: "This event belongs to another organizer.",
  event_not_found: "This event does not exist or is not yours to see.",
  event_not_editable: "A cancelled event can no longer be changed.",
  capacity_below_confirmed: "The capacity cannot go below the confirmed reservations.",
  event_not_open: "The event is not open for reservations.",
  already_reserved: "You already hold a reservation for this event.",
  event_full: "The event is full.",
  not_pending: "Only a pending reservation can be confirmed or rejected.",
  reservation_not_found: "This reservation does not exist.",
  invalid_image: "That file is not an image (JPEG, PNG, GIF or WebP).",
  image_too_large: "That image is too large.",
  invalid_ticket: "Invalid ticket.",
  // anywhere
  invalid_credentials: "The e-mail or password is wrong.",
  inactive_account: "This account is not active yet: open the link in the activation e-mail.",
  email_taken: "An account with this e-mail exists already: log in instead.",
  rate_limited: "Too many attempts: wait a moment and try again.",
  not_authenticated: "Please log in again.",
  token_expired: "Please log in again.",
};

// `context` may name people (`names`: id -> name) and counts (`confirmed`) the page knows.
export function sentence(error, context = {}) {
  if (!error || !error.code) return String((error && error.message) || error || "Something went wrong.");
  if (error.code === "validation_error" && error.errors.length) {
    return `Check the form: ${error.errors.map((e) => `${e.field}: ${e.message}`).join("; ")}.`;
  }
  const reason = REASONS[error.code];
  if (typeof reason === "function") return reason(error, context);
  return reason || error.detail || `The request was refused (${error.code}).`;
}
