"""The event directory: events organized by several organizations, the searchable public list,
cover images and deferred creation. Events themselves belong to the ticketing context.

``EventDirectoryService`` lives in ``app.core.event_directory.service``.
"""
