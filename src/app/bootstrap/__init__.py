"""The composition root: the one place that knows every concrete class and wires them.

``build_services`` chooses the adapters and wires the services into a container (``Services``)
with ``start()`` and ``aclose()``; ``create_app`` assembles the Litestar app around it, with the
routes each ``app.api`` module declares. ``python -m app`` uses the same container."""

from app.bootstrap.app import app_from_env, create_app
from app.bootstrap.build import build_services
from app.bootstrap.container import Services
from app.bootstrap.limits import request_limits

__all__ = ["Services", "app_from_env", "build_services", "create_app", "request_limits"]
