# envfactory/worker: runs untrusted or synthesized environment code for the server's `docker`
# host (DESIGN §3). One container per environment image, started by the server with
# network_mode="none", CPU/memory limits, a read-only root and a bind-mounted directory that holds
# the Unix socket the server talks to (never a container IP address).
#
# Built by docker/build-images.sh from a context that holds only this file and wheels/ (envfactory
# and its dependencies, built on the host), so the build needs neither PyPI nor a registry:
#   docker build --network none -f worker.Dockerfile -t envfactory/worker:latest <context>
ARG BASE_IMAGE=envfactory/base:bookworm

FROM ${BASE_IMAGE} AS build
# build-images.sh prunes this stage's image (dangling after each build) by this label.
LABEL org.envfactory.stage=build
COPY wheels/ /wheels/
# A venv without pip; the base's pip installs into it from the local wheels only.
RUN python3 -m venv --without-pip /opt/venv \
 && python3 -m pip --python /opt/venv/bin/python install \
        --no-index --no-cache-dir --find-links /wheels --disable-pip-version-check \
        "envfactory[envs]" \
 && /opt/venv/bin/python -c "import envfactory.environments, sqlalchemy"

FROM ${BASE_IMAGE}
ARG UID=10001
RUN useradd --uid "${UID}" --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin envfactory \
 && install -d -o "${UID}" -g "${UID}" -m 0770 /run/envfactory
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    VIRTUAL_ENV=/opt/venv \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
USER ${UID}:${UID}
WORKDIR /run/envfactory
ENTRYPOINT ["/opt/venv/bin/python", "-m", "envfactory.server.worker"]
CMD ["--listen", "unix:/run/envfactory/worker.sock"]
