"""The AsyncAPI 3 document of the sockets, generated from their frame types, and its readable page."""

from app.asyncapi.document import build
from app.asyncapi.page import asyncapi_pages

__all__ = ["asyncapi_pages", "build"]
