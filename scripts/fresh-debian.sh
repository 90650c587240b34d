#!/usr/bin/env bash
# A fresh Debian machine, made on the spot, to try the README's commands where nothing of
# ours was ever installed: Debian's minbase (no X, no Python, no make) bootstrapped into a
# folder, the repository cloned into it, and a command run there as root or as a normal user
# who has sudo, the two ways the README's quick start describes.
#   scripts/fresh-debian.sh SUITE AS [COMMAND]      (as root: it needs chroot and mounts)
#     SUITE    bookworm (Debian 12) or trixie (Debian 13)
#     AS       root: COMMAND runs as root, so `make` installs the Debian packages itself
#              user: COMMAND runs as `rep`, a member of sudo; where make prints the one
#                    `sudo apt-get install ...` command, rep runs exactly that, then COMMAND
#                    again, as the README says
#     COMMAND  default `make test`
# The only thing kept between runs is Debian itself: the packages debootstrap downloaded and
# the bootstrapped minbase (a day at most), in $FRESH_CACHE (default /var/cache/resilience-
# fresh-debian). Nothing of the project's steps is cached: every run starts from minbase and
# a clone of this repository's committed HEAD (plus the working tree's uncommitted changes,
# so a change can be tried before it is committed). The command runs in its own PID and
# mount namespace: whatever it leaves running ends with it, and no mount outlives it.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
suite=${1:?usage: scripts/fresh-debian.sh bookworm|trixie root|user [COMMAND]}
as=${2:?usage: scripts/fresh-debian.sh bookworm|trixie root|user [COMMAND]}
shift 2
command=${*:-make test}
case "$suite" in bookworm | trixie) ;; *) echo "fresh-debian: SUITE is bookworm or trixie" >&2; exit 2 ;; esac
case "$as" in root | user) ;; *) echo "fresh-debian: AS is root or user" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "fresh-debian: run it as root (it bootstraps a system)" >&2; exit 2; }
for tool in debootstrap unshare chroot; do
  command -v "$tool" >/dev/null || PATH=$PATH:/usr/sbin:/sbin
  command -v "$tool" >/dev/null || {
    echo "fresh-debian: $tool is missing (scripts/system-deps.sh package installs it)" >&2
    exit 2
  }
done
say() { echo "fresh-debian[$suite/$as]: $*"; }

# This machine's own Debian mirrors (whatever its apt uses), so the fresh system reaches
# the same archive.
mirror_of() {
  local pattern=$1
  grep -hoE "(URIs:|deb)[[:space:]]+https?://[^[:space:]]+" /etc/apt/sources.list.d/*.sources \
    /etc/apt/sources.list.d/*.list /etc/apt/sources.list 2>/dev/null |
    awk '{ print $2 }' | grep -E "$pattern" | head -n 1 || true
}
mirror=$(mirror_of '/debian/?$')
security=$(mirror_of '/debian-security/?$')
[ -n "$mirror" ] || { echo "fresh-debian: found no Debian mirror in /etc/apt" >&2; exit 2; }

cache=${FRESH_CACHE:-/var/cache/resilience-fresh-debian}
mkdir -p "$cache/debs-$suite"
base=$cache/$suite-minbase.tar
if [ ! -f "$base" ] || [ -n "$(find "$base" -mmin +1440)" ]; then
  say "bootstrapping Debian $suite (minbase) from $mirror"
  tmp=$(mktemp -d "$cache/bootstrap.XXXXXX")
  debootstrap --variant=minbase --cache-dir="$cache/debs-$suite" "$suite" "$tmp/root" \
    "$mirror" >"$tmp/log" 2>&1 || { tail -n 30 "$tmp/log" >&2; rm -rf "$tmp"; exit 1; }
  {
    echo "deb $mirror $suite main"
    echo "deb $mirror $suite-updates main"
    [ -z "$security" ] || echo "deb $security $suite-security main"
  } >"$tmp/root/etc/apt/sources.list"
  tar -C "$tmp/root" -cf "$base.new" . && mv "$base.new" "$base"
  rm -rf "$tmp"
fi

work=${FRESH_WORK:-$here/build/fresh-debian}
mkdir -p "$work"
root=$(mktemp -d "$work/$suite-$as.XXXXXX")
cleanup() { rm -rf --one-file-system "$root"; }
[ -n "${FRESH_KEEP:-}" ] || trap cleanup EXIT
tar -C "$root" -xf "$base"
cp /etc/resolv.conf "$root/etc/resolv.conf"

# The repository as a new user would get it: a clone (so git, the history and .gitignore
# are as on any machine), then the working tree's uncommitted changes on top.
git clone -q --no-hardlinks "$here" "$root/tmp/resilience"
(cd "$here" && git ls-files -z -m -o --exclude-standard) |
  (cd "$here" && tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -C "$root/tmp/resilience" -xf -

# The fresh system trusts what this machine trusts: a network that inspects TLS adds its
# own authority to this machine's bundle, and pip and git reach PyPI only through it. Each
# certificate goes in as a local one, so update-ca-certificates keeps it.
mkdir -p "$root/usr/local/share/ca-certificates/this-machine"
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  awk -v dir="$root/usr/local/share/ca-certificates/this-machine" '
    /BEGIN CERTIFICATE/ { n++; file = sprintf("%s/%03d.crt", dir, n) }
    file { print > file }
    /END CERTIFICATE/ { close(file); file = "" }' /etc/ssl/certs/ca-certificates.crt
fi
# This machine's settings for reaching the registries (a proxy, the CA bundle pip and
# others are told to use), and nothing else of its environment.
passed=()
for name in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY PIP_CERT \
  PIP_DEFAULT_TIMEOUT SSL_CERT_FILE REQUESTS_CA_BUNDLE CURL_CA_BUNDLE GIT_SSL_CAINFO; do
  [ -n "${!name:-}" ] && passed+=("$name=${!name}")
done
# ... for a login shell too (`su - rep`), as a site would set them in /etc/profile.d.
printf 'export %q\n' "${passed[@]}" >"$root/etc/profile.d/this-machine.sh"

# What the README asks of the machine before its two commands: git and make (and, for a
# user, sudo: the way a desktop user installs packages).
setup="export DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes
apt-get update -qq
apt-get install -y -qq --no-install-recommends git make ca-certificates sudo >/dev/null
update-ca-certificates >/dev/null 2>&1"
if [ "$as" = root ]; then
  repo=/root/resilience
  setup+="
mv /tmp/resilience $repo"
  inner="cd $repo && $command"
else
  repo=/home/rep/resilience
  setup+="
useradd --create-home --shell /bin/bash --groups sudo rep
echo 'rep ALL=(ALL) NOPASSWD: ALL' >/etc/sudoers.d/rep
mv /tmp/resilience $repo && chown -R rep:rep $repo"
  # The command; if make stops to name the packages, the exact `sudo` line it printed,
  # then the command again.
  run="cd $repo
set +e
$command 2>&1 | tee /tmp/first-try.log
status=\${PIPESTATUS[0]}
set -e
[ \"\$status\" = 0 ] && exit 0
line=\$(sed -n 's/^  \\(sudo apt-get install .*\\)\$/\\1/p' /tmp/first-try.log | head -n 1)
[ -n \"\$line\" ] || exit \"\$status\"
echo \"fresh-debian: as the README says, running: \$line\"
eval \"\$line -y\" </dev/null
$command"
  inner="su - rep -c $(printf %q "$run")"
fi

say "running '$command' in $root"
start=$(date +%s)
set +e
unshare --mount --pid --fork --propagation private -- bash -c '
  set -e
  root=$1
  mount -t proc proc "$root/proc"
  mount --rbind /sys "$root/sys"
  mount --rbind /dev "$root/dev"
  mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"
  mount -t tmpfs -o mode=755 tmpfs "$root/run"
  exec chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "${@:4}" \
    bash -euc "$2
$3"
' fresh "$root" "$setup" "$inner" "${passed[@]}"
status=$?
set -e
say "'$command' ended with exit $status after $(($(date +%s) - start)) s"
exit "$status"
