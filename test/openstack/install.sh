#!/bin/bash
# Installs what the test launcher (test/openstack/launcher.ts) needs on Debian 12, as root.
#
#   test/openstack/install.sh keystone   # Keystone alone: enough for *.keystone.test.ts
#   test/openstack/install.sh full       # + nova, neutron, cinder, glance, placement,
#                                        #   rabbitmq, PostgreSQL 15: for *.full.test.ts
#
# Idempotent: packages already installed are skipped, `apt-get update` runs once and only
# when something is missing. The python3-* library packages ship no api-paste.ini, so `full`
# also extracts those from the *-common packages into a cache folder (never installing the
# service packages, whose postinst would start system daemons and write /etc).
set -euo pipefail

KIND=${1:-keystone}
CACHE=${KEYFORM_OPENSTACK_CACHE:-/var/cache/keyform-openstack}
APT_OPTS=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)
UPDATED=0

case "$KIND" in
  keystone | full) ;;
  *) echo "usage: $0 keystone|full" >&2; exit 64 ;;
esac
if [ "$(id -u)" -ne 0 ]; then
  echo "install.sh installs Debian packages: run it as root (sudo $0 $KIND)" >&2
  exit 1
fi

PACKAGES=(python3-keystone python3-gunicorn python3-openstackclient curl)
if [ "$KIND" = full ]; then
  PACKAGES+=(python3-nova python3-neutron python3-cinder python3-glance python3-placement
             python3-octavia rabbitmq-server postgresql-15 python3-psycopg2 bc
             chromium)  # chromium: the metering HTML report screenshot test
fi
# The *-common package whose files we need, paired with the library it must match.
PASTE_SOURCES=(nova-common:python3-nova neutron-common:python3-neutron
               cinder-common:python3-cinder glance-common:python3-glance)
PASTE_FILES=(usr/share/nova-common/api-paste.ini usr/share/neutron-common/api-paste.ini
             usr/share/cinder-common/api-paste.ini usr/share/glance-common/glance-api-paste.ini)

installed() { dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null | grep -qx installed; }

apt_update_once() {
  if [ "$UPDATED" = 0 ]; then
    apt-get "${APT_OPTS[@]}" update -qq
    UPDATED=1
  fi
}

# rabbitmq-server and postgresql start their system daemons from postinst unless
# policy-rc.d says no; the launcher runs its own instances on its own ports instead.
POLICY=/usr/sbin/policy-rc.d
POLICY_BACKUP=$POLICY.keyform-backup
forbid_service_starts() {
  if [ -e "$POLICY" ]; then mv "$POLICY" "$POLICY_BACKUP"; fi
  printf '#!/bin/sh\n# written by keyform test/openstack/install.sh while it installs\nexit 101\n' >"$POLICY"
  chmod 755 "$POLICY"
  trap restore_policy EXIT
}
restore_policy() {
  rm -f "$POLICY"
  if [ -e "$POLICY_BACKUP" ]; then mv "$POLICY_BACKUP" "$POLICY"; fi
}

install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do installed "$p" || missing+=("$p"); done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "packages: all ${#PACKAGES[@]} present"
    return
  fi
  echo "packages: installing ${missing[*]}"
  forbid_service_starts
  apt_update_once
  DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" install -y -q \
    --no-install-recommends "${missing[@]}"
}

paste_files_present() {
  local f
  for f in "${PASTE_FILES[@]}"; do [ -f "$CACHE/ext/$f" ] || return 1; done
}

extract_paste_files() {
  if paste_files_present; then
    echo "api-paste files: present in $CACHE/ext"
    return
  fi
  apt_update_once
  local work pair pkg lib version
  work=$(mktemp -d)
  # apt downloads as its sandbox user, which must be able to write there
  if id -u _apt >/dev/null 2>&1; then chown _apt "$work"; fi
  for pair in "${PASTE_SOURCES[@]}"; do
    pkg=${pair%%:*}; lib=${pair##*:}
    version=$(dpkg-query -W -f='${Version}' "$lib")
    (cd "$work" && apt-get "${APT_OPTS[@]}" download -q "$pkg=$version")
  done
  mkdir -p "$CACHE/ext"
  for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$CACHE/ext"; done
  rm -rf "$work"
  paste_files_present || { echo "api-paste files missing after extraction in $CACHE/ext" >&2; exit 1; }
  echo "api-paste files: extracted into $CACHE/ext"
}

install_packages
if [ "$KIND" = full ]; then extract_paste_files; fi
echo "ready for the '$KIND' test stack"
