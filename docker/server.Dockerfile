# envfactory/server: the EnvFactory server (`envfactory serve`), REST + MCP on port 8000.
#
# Built by docker/build-images.sh from a context that holds only this file and wheels/ (envfactory
# and its dependencies, built on the host), so the build needs neither PyPI nor a registry:
#   docker build --network none -f server.Dockerfile -t envfactory/server:latest <context>
#
# Configure with ENVFACTORY_* variables (`envfactory config` lists them). Without
# ENVFACTORY_API_KEYS (or ENVFACTORY_KEYS_FILE) auth is off and the server binds 127.0.0.1 only,
# i.e. it is unreachable from outside the container: set keys to publish it.
ARG BASE_IMAGE=envfactory/base:bookworm

FROM ${BASE_IMAGE} AS build
# build-images.sh prunes this stage's image (dangling after each build) by this label.
LABEL org.envfactory.stage=build
COPY wheels/ /wheels/
RUN python3 -m venv --without-pip /opt/venv \
 && python3 -m pip --python /opt/venv/bin/python install \
        --no-index --no-cache-dir --find-links /wheels --disable-pip-version-check \
        "envfactory[server,cli]" \
 && /opt/venv/bin/envfactory --help >/dev/null

FROM ${BASE_IMAGE}
ARG UID=10001
RUN useradd --uid "${UID}" --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin envfactory \
 && install -d -o "${UID}" -g "${UID}" -m 0750 /var/lib/envfactory
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    VIRTUAL_ENV=/opt/venv \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    ENVFACTORY_DATABASE_URL=sqlite:////var/lib/envfactory/envfactory.sqlite3
USER ${UID}:${UID}
WORKDIR /var/lib/envfactory
VOLUME ["/var/lib/envfactory"]
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('ENVFACTORY_PORT', '8000'), timeout=2)"]
ENTRYPOINT ["envfactory", "serve", "--host", "0.0.0.0"]
