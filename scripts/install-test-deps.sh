#!/usr/bin/env bash
# Installs what the test suite can use beyond cargo: Debian's chromium, for the
# test that renders a report in a headless browser (tests/all/report.rs; it is
# skipped when /usr/bin/chromium is missing). Idempotent and quiet: does nothing
# when chromium is there. Needs root (CI machines run it as root) and apt-get.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-test-deps: no apt-get; install chromium yourself to run the browser test" >&2
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-test-deps: not root; run as root to install chromium (the browser test is skipped meanwhile)" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends chromium >/dev/null
