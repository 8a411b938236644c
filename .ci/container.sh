#!/usr/bin/env bash
# CI: build the service image with the repo's Dockerfile and run it for real.
#
# No container registry is reachable from CI, so the Dockerfile's BASE_IMAGE (node:24-bookworm-
# slim on Cloud Build) is replaced by a base made here: a minimal Debian bookworm from
# deb.debian.org (debootstrap) plus this machine's own Node and npm, imported into podman as
# localhost/tasuki-base. The machine's CA bundle goes into the base too, because the npm registry
# is reached through a TLS-intercepting egress proxy whose CA only the host trusts.
#
# Then: lint the Dockerfile, `podman build --isolation chroot` (no daemon, no nested namespaces
# needed for RUN steps), inspect the image (non-root user, no local state inside), run it with a
# complete production configuration made of fake but well-formed values (test/support/
# productionEnv.ts), and require GET /healthz to answer 200. Everything is removed at the end.
#
# Runs as root (CI does). Measured on the 2-core development machine under load: 5–6 minutes
# (debootstrap 2–3, image build 2–3 of which two `npm ci` runs ~1, the rest seconds).
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
need=()
for tool in podman buildah debootstrap runc; do command -v "$tool" >/dev/null || need+=("$tool"); done
if ((${#need[@]})); then
  apt-get update -q
  # uidmap/fuse-overlayfs/slirp4netns: what podman wants around it; we build with chroot isolation
  # and run with host networking, so they are insurance rather than the path taken.
  apt-get install -y -q --no-install-recommends podman buildah debootstrap runc uidmap fuse-overlayfs slirp4netns ca-certificates >/dev/null
fi
# Running containers on the CI VM (measured on the development machine, Debian 12, podman 4.3):
# - crun (podman's default runtime) refuses the VM's hybrid cgroup layout ("cgroups in hybrid mode
#   not supported, drop all controllers from cgroupv2": hugetlb sits on the v2 hierarchy while
#   the rest are v1), with or without --cgroups=disabled. runc accepts it.
# - root there lacks CAP_SYS_RESOURCE, so podman's default rlimits (nofile 1048576, a high nproc)
#   cannot be applied ("setrlimit RLIMIT_NOFILE/NPROC: operation not permitted"); the container
#   gets the shell's own nofile limit and a modest nproc instead.
# `podman build --isolation chroot` needs neither, so only `podman run` carries these options.
# --no-healthcheck: podman would schedule the image's HEALTHCHECK with systemd timers, and CI
# has no systemd; this script checks /healthz itself.
limit() { local v; v="$(ulimit "$1")"; [[ "$v" == unlimited ]] && echo -1 || echo "$v"; }
run=(podman --runtime runc run --network host --no-healthcheck
  --ulimit "nofile=$(limit -Sn):$(limit -Hn)" --ulimit "nproc=4096:4096")

started=$SECONDS
phase() { echo "== [$((SECONDS - started))s] $*"; }
phase "lint Dockerfile"
npx --no-install dockerfilelint Dockerfile

work="$(mktemp -d /tmp/tasuki-container.XXXXXX)"
tag="ci-$$"
base="localhost/tasuki-base:$tag"
image="localhost/tasuki:$tag"
container=""
cleanup() {
  set +e
  [[ -n "$container" ]] && podman rm -f "$container" >/dev/null 2>&1
  podman rmi -f "$image" "$base" >/dev/null 2>&1
  podman image prune -f >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

phase "bootstrap base image (Debian bookworm + this machine's Node $(node --version))"
debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log"; exit 1; }
node_bin="$(readlink -f "$(command -v node)")"
npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"   # …/node_modules/npm
install -D -m 0755 "$node_bin" "$work/rootfs/usr/local/bin/node"
mkdir -p "$work/rootfs/usr/local/lib/node_modules"
cp -a "$npm_dir" "$work/rootfs/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$work/rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$work/rootfs/usr/local/bin/npx"
install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$work/rootfs/etc/ssl/certs/ca-certificates.crt"
rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
tar -C "$work/rootfs" -c . | podman import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'CMD ["node"]' \
  - "$base" >/dev/null
"${run[@]}" --rm "$base" node -e 'console.log("base node", process.version)'

phase "build image"
podman build --isolation chroot --network host --format docker \
  --build-arg BASE_IMAGE="$base" -t "$image" .

phase "inspect image"
user="$(podman image inspect --format '{{.Config.User}}' "$image")"
echo "image size: $(( $(podman image inspect --format '{{.Size}}' "$image") / 1000000 )) MB (base: $(( $(podman image inspect --format '{{.Size}}' "$base") / 1000000 )) MB)"
[[ -n "$user" && "$user" != root && "$user" != 0* ]] || { echo "image runs as root (User=$user)"; exit 1; }
"${run[@]}" --rm --entrypoint sh "$image" -c '
  set -e
  for p in .tasuki dist test test-output .git deploy.config.json .env node_modules/typescript; do
    if [ -e "/app/$p" ]; then echo "image must not contain /app/$p"; exit 1; fi
  done
  test -f /app/build/service/server.js
  [ "$(id -u)" != 0 ] || { echo "runs as root"; exit 1; }
  echo "image contents ok; node $(node --version); NODE_ENV=$NODE_ENV TASUKI_MODE=$TASUKI_MODE"'

phase "run with a complete production configuration"
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
npx --no-install tsx test/support/productionEnv.ts >"$work/production.env"
container="$("${run[@]}" -d --env-file "$work/production.env" -e PORT="$port" "$image")"
status=""
for _ in $(seq 1 60); do
  status="$(node -e "fetch('http://127.0.0.1:$port/healthz').then(r=>console.log(r.status),()=>console.log('down'))")"
  [[ "$status" == 200 ]] && break
  [[ "$(podman inspect --format '{{.State.Running}}' "$container")" == true ]] || break
  sleep 1
done
if [[ "$status" != 200 ]]; then
  echo "GET /healthz did not answer 200 (last: ${status:-none}); container log:"
  podman logs "$container" | tail -50
  exit 1
fi
echo "GET /healthz -> 200 from the running container"
podman stop -t 10 "$container" >/dev/null
code="$(podman inspect --format '{{.State.ExitCode}}' "$container")"
[[ "$code" == 0 ]] || { echo "the service exited with $code on SIGTERM"; podman logs "$container" | tail -20; exit 1; }
phase "done: image built, ran in production mode, /healthz 200, clean exit on SIGTERM"
