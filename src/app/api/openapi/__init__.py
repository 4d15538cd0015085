"""The OpenAPI document and its offline pages: errors, summaries, security and names that tell the truth."""

from app.api.openapi.config import ApiDocs, asset_routes, openapi_config

__all__ = ["ApiDocs", "asset_routes", "openapi_config"]
