# roster in a container, for GitLab CI and other runners: a static musl binary on distroless.
#   docker build -t roster .
#   docker run --rm -v "$PWD:/work" -e BIOCOMMONS_TOWER_TOKEN roster plan .
# distroless/static carries the CA certificates roster needs for HTTPS, and nothing else (no
# shell); mount your own bundle and set SSL_CERT_FILE for a private CA.

FROM rust:1.95-alpine AS build
# ring (TLS) compiles C code; musl-dev gives the static C library.
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin roster \
 && install -D -m 0755 target/release/roster /out/roster \
 && /out/roster --version

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/roster /usr/local/bin/roster
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/roster"]
CMD ["--help"]
