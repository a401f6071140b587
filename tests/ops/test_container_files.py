"""Containerfile and compose.yaml agree with the app: the settings they name exist, the port,
the data dir and the health check path are the app's, and Valkey runs with the persistence that
docs/deploy.md asks of Redis. (tests/packaging/test_container.py runs the Containerfile's steps.)
"""

from __future__ import annotations

import ipaddress
import re
import shlex
import tomllib
from typing import Any

import pytest
import yaml
from starlette.routing import Route

from live.settings import SETTINGS
from live.web.routes import routes
from tests.support.deploy_files import COMPOSE_FILE, OPS_DIR, docs_block, read_containerfile
from tests.support.server import REPO_ROOT

SETTING_NAMES = {s.env for s in SETTINGS}
DEFAULTS = {s.env: s.default for s in SETTINGS}
APPS = ("app1", "app2")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _interpolated(value: str) -> str:
    """Compose's ${NAME:?message} and ${NAME:-default} as a bare name, for comparisons."""
    return re.sub(r"\$\{(\w+)(?::[?-][^}]*)?\}", r"<\1>", value)


def test_the_image_runs_the_app_as_set_up_by_its_settings() -> None:
    stage = read_containerfile().final
    env = stage.env
    assert {k for k in env if k.startswith("LIVE_")} <= SETTING_NAMES
    # The data lives in the volume, and the volume is where the app keeps it.
    assert stage.one("VOLUME").args == env["LIVE_DATA_DIR"] == stage.one("WORKDIR").args
    assert stage.one("EXPOSE").args == DEFAULTS["LIVE_PORT"]
    assert [*stage.one("ENTRYPOINT").exec_form(), *stage.one("CMD").exec_form()] == [
        "live",
        "serve",
        "--host",
        "0.0.0.0",
    ]
    user, _, group = stage.one("USER").args.partition(":")
    assert int(user) > 0 and int(group) > 0, "the image runs as an unprivileged user"
    # The venv the wheel goes into comes first on PATH, so `live` and `python` are its own.
    assert env["PATH"].startswith("/opt/live/bin:")
    (install,) = [r.args for r in stage.all("RUN") if "pip install" in r.args]
    assert "python -m venv /opt/live" in install and "/dist/live-*.whl" in install


def test_the_health_check_asks_the_apps_health_path_on_its_port() -> None:
    options, argv = read_containerfile().final.healthcheck()
    assert argv[:2] == ["python", "-c"], "the image has no curl: Python's stdlib asks"
    code = argv[2]
    health_paths = {r.path for r in routes() if isinstance(r, Route) and r.path == "/healthz"}
    assert health_paths == {"/healthz"}
    assert "'/healthz'" in code and "status != 200" in code
    # The port it asks is the server's: LIVE_PORT, else PORT, else the default.
    assert "'LIVE_PORT'" in code and "'PORT'" in code and f"or {DEFAULTS['LIVE_PORT']})" in code
    assert set(options) == {"interval", "timeout", "start-period", "retries"}


def test_both_stages_use_one_python_that_the_project_supports() -> None:
    containerfile = read_containerfile()
    bases = {stage.base for stage in containerfile.stages}
    assert bases == {"${PYTHON_IMAGE}"}, "the wheel is built and run on the same Python"
    version = re.search(r"python:(\d+)\.(\d+)", containerfile.args["PYTHON_IMAGE"])
    assert version, containerfile.args
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = re.fullmatch(r">=(\d+)\.(\d+)", project["project"]["requires-python"])
    assert wanted
    assert (int(version[1]), int(version[2])) >= (int(wanted[1]), int(wanted[2]))
    (build,) = [stage for stage in containerfile.stages if stage.name == "build"]
    assert any(r.args.startswith("python -m build ") for r in build.all("RUN"))


def test_the_build_context_leaves_out_environments_data_and_secrets() -> None:
    ignored = (REPO_ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".git", ".venv", "data", ".env", "dist", "build"} <= set(ignored)


def test_compose_runs_two_app_containers_of_the_image_on_valkey(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services[APPS[0]] == services[APPS[1]], "the two app containers differ"
    app = services[APPS[0]]
    assert app["build"] == {"context": ".", "dockerfile": "Containerfile"}
    env = {key: _interpolated(str(value)) for key, value in app["environment"].items()}
    assert set(env) <= SETTING_NAMES
    assert env["LIVE_REDIS_URL"] == "redis://valkey:6379/0" and "valkey" in services
    assert env["LIVE_PUBLIC_URL"] == "https://<LIVE_DOMAIN>"
    # Required: compose refuses to start without a token rather than run an open instance.
    assert app["environment"]["LIVE_ADMIN_TOKEN"].startswith("${LIVE_ADMIN_TOKEN:?")
    assert env["LIVE_SECURE_COOKIES"] == "1"
    assert app["depends_on"]["valkey"]["condition"] == "service_healthy"
    assert "ports" not in app, "only Caddy is reachable from outside"
    assert "healthcheck" not in app, "the image's HEALTHCHECK is the one health check"
    assert app["ulimits"]["nofile"] == {"soft": 65536, "hard": 65536}
    for name, service in services.items():
        assert service["restart"] == "unless-stopped", name
    example = (OPS_DIR / "compose.env.example").read_text(encoding="utf-8")
    interpolated = set(re.findall(r"\$\{(\w+)", COMPOSE_FILE.read_text(encoding="utf-8")))
    assert interpolated == set(re.findall(r"^(\w+)=", example, flags=re.MULTILINE))


def test_only_caddy_may_name_the_client_and_it_proxies_to_every_app(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    caddy = services["caddy"]
    address = caddy["networks"]["edge"]["ipv4_address"]
    trusted = services[APPS[0]]["environment"]["LIVE_FORWARDED_ALLOW_IPS"]
    assert trusted == address
    (subnet,) = [c["subnet"] for c in compose["networks"]["edge"]["ipam"]["config"]]
    assert ipaddress.ip_address(address) in ipaddress.ip_network(subnet)
    port = read_containerfile().final.one("EXPOSE").args
    assert caddy["environment"]["LIVE_UPSTREAMS"].split() == [f"{app}:{port}" for app in APPS]
    assert "./docs/ops/Caddyfile:/etc/caddy/Caddyfile:ro" in caddy["volumes"]
    assert {"80:80", "443:443"} <= set(caddy["ports"])
    assert compose["networks"]["store"]["internal"] is True
    assert services["valkey"]["networks"] == ["store"]


def test_valkey_keeps_what_docs_deploy_md_asks_of_redis(compose: dict[str, Any]) -> None:
    valkey = compose["services"]["valkey"]
    command = valkey["command"]
    assert command[0] == "valkey-server"
    flags = dict(zip(command[1::2], command[2::2], strict=True))
    wanted: dict[str, str] = {}
    for line in docs_block("conf").splitlines():
        words = shlex.split(line, comments=True)
        if words:
            wanted[words[0]] = " ".join(words[1:])
    # requirepass: not here, Valkey is only on the internal network of the apps (deploy.md).
    wanted.pop("requirepass")
    assert {f"--{key}": value for key, value in wanted.items()} == flags
    assert valkey["volumes"] == ["valkey-data:/data"]  # the AOF survives the container
    assert "valkey-cli ping" in " ".join(valkey["healthcheck"]["test"])
