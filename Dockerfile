# syntax=docker/dockerfile:1
# Two stages: "build" installs the locked dependencies and the project's wheel into a virtualenv;
# the runtime image gets only that virtualenv (no compiler, no pip cache, no source tree) and runs
# as an unprivileged user. Refresh the lock with the command at the top of requirements.lock.
ARG PYTHON_IMAGE=python:3.11.13-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PATH=/opt/venv/bin:$PATH
WORKDIR /build
RUN python -m venv /opt/venv
# Dependencies first (their own layer, rebuilt only when the lock changes), each checked by hash.
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock
# Then the project itself, a normal (non-editable) install of its wheel, migrations and font inside.
COPY pyproject.toml README.md alembic.ini ./
COPY alembic ./alembic
COPY src ./src
RUN pip wheel --no-deps --wheel-dir /wheels . \
    && pip install --no-deps --no-index /wheels/muster-*.whl

FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH \
    HOST=0.0.0.0 PORT=8000 MEDIA_ROOT=/srv/muster/media
RUN useradd --system --uid 10001 --user-group --home-dir /srv/muster --create-home muster \
    && install -d -o muster -g muster /srv/muster/media
COPY --from=build /opt/venv /opt/venv
WORKDIR /srv/muster
USER 10001:10001
EXPOSE 8000
# /ready/ fails while the database, Redis or this process's channel subscription is down.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8000')}/ready/\", timeout=4)"]
CMD ["python", "-m", "app", "serve"]
