#!/usr/bin/env bash
# Makes this machine ready for the test suite: Debian packages the tests need, PostgreSQL and Redis running.
# Idempotent and quiet when everything is already there.
set -euo pipefail

need_packages=()
command -v bwrap >/dev/null 2>&1 || need_packages+=(bubblewrap)
command -v chromium >/dev/null 2>&1 || need_packages+=(chromium)
command -v git >/dev/null 2>&1 || need_packages+=(git)
command -v promtool >/dev/null 2>&1 || need_packages+=(prometheus)
command -v amtool >/dev/null 2>&1 || need_packages+=(prometheus-alertmanager)
command -v unzip >/dev/null 2>&1 || need_packages+=(unzip)
command -v prlimit >/dev/null 2>&1 || need_packages+=(util-linux)

if [ ${#need_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages: ${need_packages[*]} (run as root or install them: apt-get install ${need_packages[*]})" >&2
    exit 1
  fi
  echo "setup: installing ${need_packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # --no-install-recommends keeps prometheus from pulling its whole stack of exporters.
  apt-get install -y -qq --no-install-recommends "${need_packages[@]}" >/dev/null
  # Debian starts services on install; the tests start their own instances.
  for svc in prometheus prometheus-alertmanager; do
    pkill -x "$svc" 2>/dev/null || true
  done
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "setup: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  for _ in $(seq 1 60); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 0.5; done
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "setup: starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 60); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi
