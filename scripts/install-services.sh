#!/usr/bin/env bash
# Installs the services Eddy runs against, from Debian packages:
#   mosquitto (MQTT broker), influxdb (InfluxDB 1.x server, influxd), influxdb-client (the influx CLI);
#   with --test also mosquitto-clients (mosquitto_pub/_sub), chromium and fonts-liberation (browser tests).
#
# Idempotent: installs only what is missing, running `apt-get update` once, and only then.
# Not root and something missing: prints the one command to run and exits 1.
# Eddy and its tests start their own mosquitto and influxd on ports of their choosing, so the
# daemons the packages would start on 1883, 8086 and 8088 are kept from starting (or stopped).
#
# Usage: bash scripts/install-services.sh [--test]
set -euo pipefail

with_test=false
for arg in "$@"; do
  case "$arg" in
    --test) with_test=true ;;
    -h | --help)
      sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "install-services: unknown option '$arg' (use --test to add the test tools)" >&2
      exit 2
      ;;
  esac
done

# package:how-to-tell-it-is-installed (a command name, or dpkg: for packages without one)
wanted=(mosquitto:mosquitto influxdb:influxd influxdb-client:influx)
if $with_test; then
  wanted+=(mosquitto-clients:mosquitto_sub chromium:chromium fonts-liberation:dpkg:fonts-liberation openssl:openssl)
fi

has_command() {
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]
}

has_package() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

missing=()
for entry in "${wanted[@]}"; do
  package="${entry%%:*}"
  check="${entry#*:}"
  if [[ "$check" == dpkg:* ]]; then
    has_package "${check#dpkg:}" && continue
  else
    has_command "$check" && continue
  fi
  missing+=("$package")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-services: all present (${wanted[*]%%:*})"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-services: missing ${missing[*]}; install them with:" >&2
  echo "sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive

# Keep maintainer scripts from starting daemons while we install (invoke-rc.d and deb-systemd-invoke
# ask /usr/sbin/policy-rc.d; 101 means "not allowed"). Only when the machine has no policy of its own.
policy=/usr/sbin/policy-rc.d
own_policy=false
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# Temporary, from Eddy scripts/install-services.sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  own_policy=true
fi
remove_policy() {
  if $own_policy; then rm -f "$policy"; fi
}
trap remove_policy EXIT

echo "install-services: installing ${missing[*]}"
apt-get update -qq
apt-get install -y -q --no-install-recommends "${missing[@]}"

# A machine whose policy allowed it may still have started them: stop what we just installed.
for package in "${missing[@]}"; do
  case "$package" in
    mosquitto | influxdb)
      if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
        systemctl stop "$package" >/dev/null 2>&1 || true
      elif command -v service >/dev/null 2>&1; then
        service "$package" stop >/dev/null 2>&1 || true
      fi
      ;;
  esac
done

echo "install-services: done"
