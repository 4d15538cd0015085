"""The tags operations are grouped by, each with what it covers (a test checks every used tag is here)."""

from __future__ import annotations

from litestar.openapi.spec import Tag

TAGS: tuple[Tag, ...] = (
    Tag(name="health", description="Liveness and readiness probes for load balancers and orchestrators."),
    Tag(name="accounts", description="Registration, activation and the caller's own profile."),
    Tag(name="auth", description="Access and refresh tokens: log in, rotate, log out."),
    Tag(name="admin", description="User management for admins: search, roles, deactivation, deletion."),
    Tag(
        name="expeditions",
        description="Expeditions led by a chief: invitations, answers and the draft → ready → active → "
        "finished state machine. Live: `/ws/expeditions/`.",
    ),
    Tag(
        name="events",
        description="Ticketed events: the public directory, drafting, publishing, covers. Live metrics: "
        "`/ws/events/{id}/`.",
    ),
    Tag(name="organizer", description="An organizer's own events of every status, with their counts."),
    Tag(name="reservations", description="Reserving spots, the waitlist, approvals and PDF tickets."),
    Tag(name="check-in", description="Scanning signed tickets at the door, once each."),
    Tag(name="organizations", description="Organizations that organize events, and their members."),
    Tag(name="jobs", description="Deferred work started with `Prefer: respond-async`, polled until done."),
    Tag(
        name="chat",
        description="Private chats, groups and rooms: messages, pins, read markers and search. Live: "
        "`/ws/chat/{chat_id}/`.",
    ),
)
