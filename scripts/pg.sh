# A throwaway PostgreSQL 15 cluster for tests and benchmarks. Source it:
#
#   source scripts/pg.sh
#   pg_start /tmp/lpg        # initdb (first time) + start; exports LIAISON_TEST_PG_URL
#   cargo test -p liaison-store
#   pg_stop /tmp/lpg
#
# The cluster listens on a unix socket in DIR/sock only (no TCP), trusts
# local connections, and runs as the `postgres` user (PostgreSQL refuses to
# run as root). By default it trades durability for speed (fsync=off,
# synchronous_commit=off): acceptable for a cluster that tests throw away,
# never for data anyone keeps. Set PG_DURABLE=1 before pg_start to keep
# fsync on, as the storage benchmarks need.
#
# DIR must not contain spaces; it is created if needed and handed to the
# postgres user, and its parents must be traversable by that user (/tmp is).

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

# Runs a command as the postgres user (directly if we already are it).
_pg_as_postgres() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

_pg_abs_dir() {
    mkdir -p "$1" && (cd "$1" && pwd)
}

pg_start() {
    local dir
    dir=$(_pg_abs_dir "${1:?usage: pg_start DIR}") || return 1
    case "$dir" in
        *' '*) echo "pg_start: DIR must not contain spaces: $dir" >&2; return 1 ;;
    esac
    mkdir -p "$dir/sock" || return 1
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$dir" "$dir/sock" || return 1
    fi
    chmod 0755 "$dir" || return 1
    chmod 0700 "$dir/sock" || return 1
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        _pg_as_postgres "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust \
            --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
            echo "pg_start: initdb failed, see $dir/initdb.log" >&2
            return 1
        }
    fi
    local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if [ "${PG_DURABLE:-0}" = 1 ]; then
        durability="-c fsync=on -c synchronous_commit=on"
    fi
    if ! _pg_as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        _pg_as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
            -o "-c listen_addresses='' -c unix_socket_directories='$dir/sock' -c max_connections=200 $durability" \
            start >/dev/null || {
            echo "pg_start: the server did not start, see $dir/postgres.log" >&2
            return 1
        }
    fi
    export LIAISON_TEST_PG_URL="postgresql://postgres@/postgres?host=$dir/sock"
}

pg_stop() {
    local dir
    dir=$(cd "${1:?usage: pg_stop DIR}" 2>/dev/null && pwd) || return 0
    if [ -f "$dir/data/postmaster.pid" ]; then
        _pg_as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    fi
}
