"""The panel's views, one module per bounded context."""
