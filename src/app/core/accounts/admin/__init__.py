"""Account administration (``UserAdminService`` in ``app.core.accounts.admin.service``)."""
