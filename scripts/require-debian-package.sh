#!/bin/sh
# Usage: scripts/require-debian-package.sh PROGRAM PACKAGE WHAT-NEEDS-IT
# `make test` and `make screenshots` call this for Chromium, nginx and git: nothing to do when
# PROGRAM is there; as root, install PACKAGE with apt-get; otherwise say exactly what to run.
set -u
program=$1
package=$2
needed_by=$3

[ -x "$program" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
    echo "$program is missing: installing Debian's $package for $needed_by"
    apt-get update -qq \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
    [ -x "$program" ] && exit 0
    echo "installing $package did not give $program: see the apt-get messages above" >&2
    exit 1
fi
echo "$program is missing, and $needed_by need it. Install it as root, then run make again:" >&2
echo "    sudo apt-get install $package" >&2
exit 1
