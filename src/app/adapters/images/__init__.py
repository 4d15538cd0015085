"""Image decoding adapters."""
