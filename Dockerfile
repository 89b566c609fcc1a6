# The Quorate image: the statically linked `quorate` binary and the compose demo's configuration
# files, on no base image at all (no registry can be reached, so nothing may be pulled).
#
# Build and stage the binary first (README, "QuorumVM services with Docker Compose"):
#   RUSTFLAGS='-C target-feature=+crt-static' cargo build --release --target x86_64-unknown-linux-gnu -p quorate
#   mkdir -p target/docker && cp "${CARGO_TARGET_DIR:-target}/x86_64-unknown-linux-gnu/release/quorate" target/docker/
# .dockerignore keeps the build context to the staged binary and compose/.
FROM scratch
COPY target/docker/quorate /quorate
COPY compose/config/ /etc/quorate/
COPY --chown=65534:65534 compose/data/ /data/
USER 65534:65534
WORKDIR /data
ENTRYPOINT ["/quorate"]
CMD ["--help"]
