"""compose.yaml resolves with Docker Compose, validates against the Compose Specification, and
runs what production needs: two app replicas behind the proxy, a one-shot migration, a checked
worker, persistent Redis and PostgreSQL, pinned images."""

from __future__ import annotations

import ipaddress
import os
import re
import subprocess
from typing import Any

import yaml

from tests.deploy.conftest import ROOT, compose, tool

ENV = {**os.environ, "SECRET_KEY": "x" * 48}


def _resolved() -> dict[str, Any]:
    """``docker compose config`` (or Debian's ``docker-compose config``): interpolated and merged."""
    command = [tool("docker-compose"), "-f", str(ROOT / "compose.yaml"), "config"]
    done = subprocess.run(command, env=ENV, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    resolved: dict[str, Any] = yaml.safe_load(done.stdout)
    return resolved


def _mounts(service: dict[str, Any]) -> dict[str, str]:
    """Target → source of a service's volumes, from the short (``src:dst[:ro]``) or the long form."""
    mounts = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
        else:
            source, target = volume["source"], volume["target"]
        mounts[target] = source
    return mounts


def test_docker_compose_resolves_the_file() -> None:
    services = _resolved()["services"]
    assert set(services) == {"migrate", "app", "worker", "proxy", "postgres", "redis", "mailpit"}
    assert services["app"]["environment"]["SECRET_KEY"] == "x" * 48


def test_a_missing_secret_key_is_refused_before_anything_starts() -> None:
    command = [tool("docker-compose"), "-f", str(ROOT / "compose.yaml"), "config", "-q"]
    env = {k: v for k, v in ENV.items() if k != "SECRET_KEY"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode != 0 and "set SECRET_KEY" in done.stderr


def test_the_file_validates_against_the_compose_specification() -> None:
    command = [tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(ROOT / "compose.yaml")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_two_app_replicas_behind_the_proxy_after_the_migration() -> None:
    services = _resolved()["services"]
    app, proxy, migrate = services["app"], services["proxy"], services["migrate"]
    assert app["deploy"]["replicas"] == 2
    assert "ports" not in app  # reached through the proxy only
    assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["worker"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert migrate["command"][-1] == "migrate" and migrate["restart"] == "no"
    assert app["environment"]["MIGRATE_ON_START"] == "false"
    assert str(proxy["ports"][0]).startswith("8000:") or str(proxy["ports"][0]["published"]) == "8000"
    assert _mounts(proxy)["/etc/nginx/nginx.conf"] == str(ROOT / "deploy" / "nginx.conf")
    assert proxy["depends_on"]["app"]["condition"] == "service_healthy"


def test_only_the_proxy_is_trusted_for_forwarded_addresses() -> None:
    resolved = _resolved()
    proxy_address = resolved["services"]["proxy"]["networks"]["backend"]["ipv4_address"]
    [subnet] = [c["subnet"] for c in resolved["networks"]["backend"]["ipam"]["config"]]
    assert ipaddress.ip_address(proxy_address) in ipaddress.ip_network(subnet)
    for name in ("app", "worker", "migrate"):
        assert resolved["services"][name]["environment"]["TRUSTED_PROXIES"] == proxy_address


def test_healthchecks_see_a_dead_subscription_and_a_dead_worker() -> None:
    services = compose()["services"]
    assert "/ready/" in " ".join(services["app"]["healthcheck"]["test"])
    assert services["worker"]["healthcheck"]["test"] == ["CMD", "python", "-m", "app.worker_health"]
    for name in ("proxy", "postgres", "redis"):
        assert services[name]["healthcheck"]["test"], name


def test_redis_persists_and_every_long_running_service_restarts() -> None:
    services = _resolved()["services"]
    redis = services["redis"]
    assert redis["command"][redis["command"].index("--appendonly") + 1] == "yes"
    volumes = set(_resolved()["volumes"])
    assert _mounts(redis)["/data"] in volumes
    assert _mounts(services["postgres"])["/var/lib/postgresql/data"] in volumes
    for name, service in services.items():
        if name != "migrate":
            assert service["restart"] == "unless-stopped", name


def test_every_image_is_pinned_to_a_version() -> None:
    for name, service in compose()["services"].items():
        image = service["image"]
        tag = image.rpartition(":")[2]
        assert ":" in image and tag != "latest" and re.search(r"\d+\.\d+", tag), (name, image)
