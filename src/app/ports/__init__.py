"""Interfaces the core needs from the outside world; adapters implement them. Import each port
from its module (``app.ports.<context>``)."""
