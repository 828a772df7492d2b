#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: no system service, nothing outside DIR except a
# cached initdb template under .build/.
#
#   cluster.sh start DIR [OWNER_PID]   initdb (or copy the cached template) into DIR/data, start the
#                                      server on a Unix socket in DIR and a free port on 127.0.0.1,
#                                      wait until it answers, print the connection env (also kept in
#                                      DIR/env). With OWNER_PID, a watcher stops the cluster and
#                                      removes DIR once that process is gone (a killed test run).
#   cluster.sh stop DIR                stop the server (fast shutdown) and remove DIR
#   cluster.sh restart DIR             restart the server as after a crash (immediate shutdown: no
#                                      checkpoint, every connection cut, crash recovery on start);
#                                      same socket and port
#   cluster.sh env DIR                 print the connection env again
#
# Printed env: PGHOST (the socket folder), PGPORT, PGUSER (a trusted superuser), PGDATABASE, and
# ETL_PG_PASSWORD_USER / ETL_PG_PASSWORD: a role that must log in with its (random) password, over
# the socket and over 127.0.0.1, so the tests can check password handling. ETL_PG_BINDIR names
# the server's binaries (psql, pg_ctl).
#
# initdb refuses to run as root: as root the cluster belongs to the `postgres` user the Debian
# package creates (or `nobody`), and every server command runs through runuser.
set -euo pipefail

# Descriptors a caller left open beyond 0-2 (e.g. the pipes of a test that reads this script's
# output to its end) would be inherited by the server and the watcher, which outlive the script:
# the caller would wait for an end of file that never comes. (255 is bash's own script file.)
for fd in /proc/$$/fd/*; do
  n=${fd##*/}
  case $n in 0|1|2|255) ;; *) eval "exec $n>&-" 2>/dev/null || true ;; esac
done

command=${1:-}
dir=${2:-}
[ -n "$command" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop|restart|env DIR [OWNER_PID]" >&2; exit 64; }

script=$(readlink -f "$0")
package_root=$(cd "$(dirname "$script")/../.." && pwd)

# Debian keeps initdb and pg_ctl in /usr/lib/postgresql/<major>/bin, off the PATH; take the newest.
find_bindir() {
  if [ -n "${ETL_PG_BINDIR:-}" ] && [ -x "$ETL_PG_BINDIR/initdb" ]; then echo "$ETL_PG_BINDIR"; return; fi
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$found" ] && [ -x "$found/initdb" ]; then echo "$found"; return; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
  echo "cluster.sh: no PostgreSQL server binaries (initdb, pg_ctl): install the Debian package postgresql (make deps does)" >&2
  exit 69
}

# The account that owns the cluster, and how to run a command as it.
if [ "$(id -u)" = 0 ]; then
  if id postgres >/dev/null 2>&1; then owner=postgres; else owner=nobody; fi
  # From /: the caller's folder (a checkout in a private temporary folder) may be closed to it.
  as_owner() { (cd / && runuser -u "$owner" -- "$@"); }
else
  owner=$(id -un)
  as_owner() { "$@"; }
fi

stop_cluster() {
  [ -d "$dir" ] || return 0
  if [ -f "$dir/data/postmaster.pid" ] && [ -f "$dir/env" ]; then
    local bindir
    bindir=$(sed -n 's/^ETL_PG_BINDIR=//p' "$dir/env")
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "$command" in
  env)
    cat "$dir/env"
    exit 0
    ;;
  stop)
    stop_cluster
    exit 0
    ;;
  restart)
    bindir=$(sed -n 's/^ETL_PG_BINDIR=//p' "$dir/env")
    # pg_ctl restart reuses the options of the start (postmaster.opts): port and socket stay.
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m immediate -w -t 60 restart </dev/null >/dev/null 2>&1 \
      || { echo "cluster.sh: the restart failed; the server's log:" >&2; tail -n 30 "$dir/server.log" >&2; exit 1; }
    exit 0
    ;;
  start) ;;
  *) echo "usage: $0 start|stop|restart|env DIR [OWNER_PID]" >&2; exit 64 ;;
esac

owner_pid=${3:-}
bindir=$(find_bindir)
major=$("$bindir/pg_ctl" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)?.*/\1/')
mkdir -p "$dir"
chmod 700 "$dir"
if ! as_owner test -x "$(dirname "$dir")"; then
  echo "cluster.sh: $owner cannot reach $dir (a folder above it is closed to that user); use a folder it can traverse, e.g. under /tmp" >&2
  exit 1
fi
[ "$owner" = "$(id -un)" ] || chown "$owner" "$dir"

# initdb costs ~1.5 s; a copy of an initdb'd template ~0.1 s. The template is made once per
# server major version, into a temporary name renamed into place, so concurrent test processes
# never see half of one.
# It lives under .build unless the cluster's owner cannot reach the checkout (root running
# the tests in a private folder, e.g. one made by mktemp -d): then under the temporary folder.
template_root="$package_root/.build"
if ! as_owner test -x "$package_root"; then
  template_root="${TMPDIR:-/tmp}/etl-runtime-pg-$(printf %s "$package_root" | cksum | cut -d' ' -f1)"
  mkdir -p "$template_root"
  chmod 755 "$template_root"
fi
template="$template_root/postgres-template-$major"
make_template() {
  local staging="$template.$$"
  rm -rf "$staging"
  mkdir -p "$staging"
  [ "$owner" = "$(id -un)" ] || chown "$owner" "$staging"
  as_owner "$bindir/initdb" -D "$staging/data" -U etl --auth=trust -E UTF8 --locale=C.UTF-8 -N >"$staging.log" 2>&1 \
    || { cat "$staging.log" >&2; rm -rf "$staging" "$staging.log"; exit 1; }
  rm -f "$staging.log"
  # The password role must use its password (socket and TCP); everyone else is trusted.
  cat >"$staging/data/pg_hba.conf" <<'HBA'
local all etl_password scram-sha-256
host  all etl_password 127.0.0.1/32 scram-sha-256
local all all trust
host  all all 127.0.0.1/32 trust
HBA
  # A test server: durability against a machine crash is not needed (a killed server process
  # still recovers from its WAL), speed is.
  cat >>"$staging/data/postgresql.conf" <<'CONF'
listen_addresses = '127.0.0.1'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 32MB
CONF
  mv -T "$staging" "$template" 2>/dev/null || rm -rf "$staging"
}
if [ ! -f "$template/data/PG_VERSION" ] && [ -w "$template_root" -o ! -e "$template_root" ]; then
  mkdir -p "$template_root"
  make_template
fi
if [ -f "$template/data/PG_VERSION" ]; then
  as_owner cp -a "$template/data" "$dir/data"
else
  # No writable .build (a read-only checkout): initdb into DIR itself.
  saved_template=$template
  template="$dir/template"
  make_template
  as_owner mv "$template/data" "$dir/data"
  rm -rf "$template"
  template=$saved_template
fi

# A free port: try random ones until the server binds (it fails at once on a taken port).
started=""
for _ in $(seq 1 20); do
  port=$((20000 + RANDOM % 40000))
  if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir" start </dev/null >/dev/null 2>&1; then
    started=yes
    break
  fi
done
if [ -z "$started" ]; then
  echo "cluster.sh: the server did not start; its log:" >&2
  cat "$dir/server.log" >&2 || true
  exit 1
fi

password="etl-pw-$(od -An -tx8 -N8 /dev/urandom | tr -d ' ')"
PGHOST="$dir" PGPORT="$port" "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -U etl -d postgres \
  -c "CREATE ROLE etl_password LOGIN CREATEDB PASSWORD '$password'" >/dev/null

cat >"$dir/env" <<ENV
PGHOST=$dir
PGPORT=$port
PGUSER=etl
PGDATABASE=postgres
ETL_PG_PASSWORD_USER=etl_password
ETL_PG_PASSWORD=$password
ETL_PG_BINDIR=$bindir
ENV
chmod 644 "$dir/env"

if [ -n "$owner_pid" ]; then
  # Stops the cluster when the test process is gone, even after a SIGKILL (no atexit ran).
  setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; "$2" stop "$3"' \
    watcher "$owner_pid" "$script" "$dir" </dev/null >/dev/null 2>&1 &
fi
cat "$dir/env"
