#!/usr/bin/env bash
# Installs what the test suite can use beyond cargo, from Debian's packages:
#   browser  chromium, for the test that renders a report in a headless browser
#            (tests/all/report.rs; it is skipped when /usr/bin/chromium is missing);
#   slurm    slurmctld, slurmd, slurm-client and munge, for scripts/slurm-test.sh
#            (a sweep as a Slurm job array on a one-node cluster of this machine).
# With no argument, both; `install-test-deps.sh slurm` installs one group.
# Idempotent and quiet: installs only what is missing. Needs root (CI machines
# run it as root) and apt-get; without them it says so and exits 0.
set -euo pipefail
# Root shells without sbin on the PATH (su, sudo -E) still find the daemons.
export PATH="$PATH:/usr/sbin:/sbin"

groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(browser slurm)

packages=()
for g in "${groups[@]}"; do
    case "$g" in
    browser)
        [ -x /usr/bin/chromium ] || packages+=(chromium)
        ;;
    slurm)
        for c in slurmctld slurmd sbatch munged; do
            if ! command -v "$c" >/dev/null 2>&1; then
                packages+=(slurmctld slurmd slurm-client munge)
                break
            fi
        done
        ;;
    *)
        echo "install-test-deps: unknown group '$g' (browser, slurm)" >&2
        exit 2
        ;;
    esac
done

if [ ${#packages[@]} -eq 0 ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-test-deps: no apt-get; install ${packages[*]} yourself (their tests are skipped meanwhile)" >&2
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-test-deps: not root; run as root to install ${packages[*]} (their tests are skipped meanwhile)" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# Slurm's and munge's postinst scripts try to start their services; with no
# init system that is refused harmlessly (scripts/slurm-test.sh starts its own).
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
