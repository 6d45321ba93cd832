#!/usr/bin/env bash
# Prints the address QR codes, posters, slips and notices should point at when serving on
# HOST:PORT: $PUBLIC_BASE_URL when set, else the served address (a server on every interface
# is reached at this machine's first address, not at 0.0.0.0). Usage: public-base-url.sh HOST:PORT
set -euo pipefail
if [[ -n "${PUBLIC_BASE_URL:-}" ]]; then echo "${PUBLIC_BASE_URL%/}"; exit 0; fi
address=${1:-127.0.0.1:8000}
host=${address%:*}
port=${address##*:}
if [[ "$host" == "0.0.0.0" ]]; then host=$(hostname -I 2>/dev/null | awk '{print $1}'); fi
echo "http://${host:-127.0.0.1}:$port"
