# tasuki service image for Cloud Run.
#
# Two stages, neither needs a compiler:
# - build: all dependencies; type-checks service/ and shared/ (tsc -p tsconfig.build.json, no
#   output) and bundles the service with esbuild (scripts/build-service.ts) into build/service/:
#   server.js plus lazy chunks. One bundle instead of hundreds of small modules halves the time
#   from process start to /healthz 200.
# - runtime: production dependencies only (the bundle loads just the packages it keeps external
#   from node_modules: native addons and packages that read their own files, see
#   SERVICE_EXTERNALS), the bundle, a non-root user.
#
# Both `npm ci` runs use --ignore-scripts. Of the production dependencies only two have install
# scripts: protobufjs (a version-scheme warning, nothing built) and better-sqlite3 (downloads or
# compiles a native addon). better-sqlite3 backs the local SQLite store only; production uses
# Firestore (config.ts refuses TASUKI_STORE=sqlite in production) and better-sqlite3 loads its
# addon lazily, when a database is opened, so the uncompiled package is never loaded here. This
# keeps python/make/g++ out of every stage and the build offline-friendly and fast.
#
# BASE_IMAGE: any Debian-based image with Node >= 20 and npm at the usual paths. Cloud Build pulls
# the default; CI (.ci/container.sh) passes a locally bootstrapped Debian + Node base because no
# container registry is reachable there.
ARG BASE_IMAGE=node:24-bookworm-slim

FROM ${BASE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY shared ./shared
COPY service ./service
# local/ is only built if service code imports it (e.g. the local-mode adapters chosen at start);
# tsc and esbuild follow those imports even though tsconfig.build.json does not include local/.
COPY local ./local
COPY scripts/build-service.ts ./scripts/build-service.ts
# The bundle build fails if a bundled module would look for files beside itself at run time
# (they would not be in build/), or would load a package that is not a production dependency.
RUN npx tsc -p tsconfig.build.json \
 && npx tsx scripts/build-service.ts \
 && test -f build/service/server.js

FROM ${BASE_IMAGE} AS runtime
ENV NODE_ENV=production \
    TASUKI_MODE=production \
    PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
# The summary chart draws with Noto Sans JP Regular from @embedpdf/fonts-jp (OFL-1.1, see
# service/summary/chartFont.ts); the package's six other weights (~27 MB) are never used.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force \
 && find node_modules/@embedpdf/fonts-jp/fonts -name '*.otf' ! -name 'NotoSansJP-Regular.otf' -delete \
 && test -f node_modules/@embedpdf/fonts-jp/fonts/NotoSansJP-Regular.otf
COPY --from=build /app/build ./build
# A numeric uid needs no /etc/passwd entry, so it works on any base; the app files stay owned by
# root and read-only to the service.
USER 10001:10001
EXPOSE 8080
# Source maps (build/service/**/*.map) are written but not enabled: --enable-source-maps costs
# ~50 ms of start and ~18 MB of RSS. Names stay readable in stack traces (no identifier
# minification); for source lines, set NODE_OPTIONS=--enable-source-maps on the service.
# Cloud Run ignores HEALTHCHECK (it probes the port); other runtimes use it.
# (--start-period is left out: dockerfilelint 1.8 misparses hyphenated options.)
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "build/service/server.js"]
