# Nexudus Board for Slack: a small image that runs `python -m bot` as a non-root user,
# with its SQLite database on the /data volume.
#   docker build -t nexudus-board-bot .
#   docker run --env-file .env -v nexudus-board-bot:/data -p 3000:3000 nexudus-board-bot

# Build stage: pip and setuptools build the wheel here and stay out of the final image.
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
# Only what the package needs (pyproject.toml names README.md as its readme).
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY store ./store
COPY emulators ./emulators
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir .

FROM python:3.11-slim-bookworm
# No secrets here: tokens and passwords come from the environment at run time (env_file).
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    BOT_DATABASE=/data/bot.db \
    PORT=3000
# A fixed uid, so a bind-mounted /data can be chowned to it (chown 10001 ./data).
RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin bot \
    && mkdir /data \
    && chown bot:bot /data \
    && chmod 0700 /data
COPY --from=build /opt/venv /opt/venv
USER bot
WORKDIR /data
# The database (and its -wal and -shm files) live here; a named volume keeps them.
VOLUME ["/data"]
# POST /slack/events in HTTP mode; GET /healthz and GET /metrics in both modes.
EXPOSE 3000
# serve finishes the message being sent and exits on SIGTERM.
STOPSIGNAL SIGTERM
# slim images have no curl. /healthz answers in both modes (Socket Mode through a small
# listener on PORT); its 503 (not ready: see bot/readiness.py) makes urlopen raise.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"]
CMD ["python", "-m", "bot"]
