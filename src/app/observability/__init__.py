"""Metrics and logs: what the process tells its operators (Prometheus series, one log format)."""

from importlib.metadata import PackageNotFoundError, version


def muster_version() -> str:
    """The installed package's version (``--version``, Sentry's release)."""
    try:
        return version("muster")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"


__all__ = ["muster_version"]
