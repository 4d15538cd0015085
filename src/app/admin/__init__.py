"""The admin panel at ``/admin/``: an HTML delivery layer, like ``api`` and ``ws``.

Built on sqladmin. Its list and detail pages read the ORM models (read-only); every change with a
rule behind it is an action form that calls the same core service as the API, with the admin as
the actor. ``create_panel`` builds it; the composition root mounts it.
"""

from app.admin.panel import create_panel
from app.admin.services import PanelServices

__all__ = ["PanelServices", "create_panel"]
