#!/usr/bin/env bash
# Make sure the PostgreSQL and Redis the tests use are running (start them when they are not),
# and that Chromium is installed for the browser tests.
set -euo pipefail

PGHOST=${KOPPEL_TEST_PGHOST:-127.0.0.1}
PGPORT=${KOPPEL_TEST_PGPORT:-5432}
REDIS_PORT=${KOPPEL_TEST_REDIS_PORT:-6379}

pg_up() { pg_isready -h "$PGHOST" -p "$PGPORT" -q 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

if ! command -v pg_isready >/dev/null || ! command -v redis-server >/dev/null; then
  if command -v apt-get >/dev/null; then
    echo "installing PostgreSQL and Redis from Debian packages"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server >/dev/null
  fi
fi

if ! pg_up; then
  echo "starting PostgreSQL"
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi
pg_up || { echo "PostgreSQL is not reachable on $PGHOST:$PGPORT" >&2; exit 1; }

if ! redis_up; then
  echo "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no
  for _ in $(seq 1 30); do redis_up && break; sleep 0.5; done
fi
redis_up || { echo "Redis is not reachable on port $REDIS_PORT" >&2; exit 1; }
echo "PostgreSQL and Redis are up"

# The browser tests drive Debian's Chromium (Playwright's own download is not available).
if ! command -v chromium >/dev/null; then
  echo "installing Chromium for the browser tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
command -v chromium >/dev/null || { echo "Chromium is missing" >&2; exit 1; }
