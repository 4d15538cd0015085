"""Finding people to talk to."""
