#!/usr/bin/env python3
"""Times `osslwatch check` against nvchecker 2.22 (its `regex` source) on the same feeds.

Both tools read the same files from the local nginx started by scripts/test-services, over
HTTPS with the test CA. Every command runs RUNS times, alternating the tools so machine
noise hits both alike; the figures are wall time (median and 90th percentile) and peak
resident memory of the process tree (ru_maxrss of the child), then the ratios.

osslwatch is measured twice: "cold" (a fresh state directory, so every feed answers 200
and is parsed) and "warm" (the state from the previous run, so feeds answer 304). nvchecker
has no conditional requests, so it always fetches and matches every body.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from services import read_env

RUNS = int(os.environ.get("RUNS", "15"))
REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "Tests/OSSLWatchTests/Fixtures/feeds"
METADATA = REPO / "Tests/OSSLWatchTests/Fixtures/openssl-release-metadata/data.json"


def run(argv, env):
    """Runs argv, returns (seconds, peak RSS in KiB, exit status)."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.stderr.close()
    return elapsed, usage.ru_maxrss, os.waitstatus_to_exitcode(status)


def summary(samples):
    walls = sorted(s[0] for s in samples)
    rss = max(s[1] for s in samples)
    p90 = walls[min(len(walls) - 1, int(round(0.9 * (len(walls) - 1))))]
    return statistics.median(walls), p90, rss


def main():
    services = read_env("bench")
    port = services["NGINX_HTTPS_PORT"]
    ca_file = services["CA_FILE"]
    docroot = Path(services["DOCROOT"])
    osslwatch = Path(sys.argv[1] if len(sys.argv) > 1 else REPO / ".build/release/osslwatch")
    nvchecker = Path(sys.argv[2] if len(sys.argv) > 2 else REPO / "var/bench-venv/bin/nvchecker")

    served = docroot / "bench"
    served.mkdir(parents=True, exist_ok=True)
    feeds = {
        "releases": ("github-releases-atom", "releases.atom", r"openssl-(3\.5\.\d+)"),
        "tags": ("github-tags-atom", "tags.atom", r"openssl-(3\.5\.\d+)"),
        "api": ("github-releases-json", "releases.json", r"openssl-(3\.5\.\d+)"),
        "source": ("source-listing", "source.html", r"openssl-(3\.5\.\d+)\.tar\.gz"),
    }
    for _, name, _ in feeds.values():
        shutil.copy(FIXTURES / name, served / name)
    shutil.copy(METADATA, served / "data.json")
    base = f"https://localhost:{port}/bench"

    work = Path(tempfile.mkdtemp(prefix="osslwatch-bench-"))
    config = work / "osslwatch.yaml"
    lines = [
        f"state_directory: {work / 'state'}",
        "http:",
        f"  ca_file: {ca_file}",
        "feeds:",
    ]
    for feed, (kind, name, _) in feeds.items():
        lines += [f"  - name: {feed}", f"    kind: {kind}", f"    url: {base}/{name}"]
    lines += [
        "  - name: metadata",
        "    kind: release-metadata",
        f"    url: {base}/data.json",
        "projects:",
        "  - name: demo",
        "    linked:",
        "      literal: 3.5.3",
    ]
    config.write_text("\n".join(lines) + "\n")

    toml = [
        "[__config__]",
        f'oldver = "{work / "old.json"}"',
        f'newver = "{work / "new.json"}"',
        'httplib = "tornado"',
        "",
    ]
    for feed, (_, name, regex) in feeds.items():
        toml += [f"[{feed}]", 'source = "regex"', f'url = "{base}/{name}"', f"regex = '{regex}'", ""]
    (work / "nvchecker.toml").write_text("\n".join(toml))

    env = dict(os.environ, SSL_CERT_FILE=ca_file)
    osslwatch_argv = [str(osslwatch), "check", "--config", str(config), "--log-level", "error"]
    nvchecker_argv = [str(nvchecker), "-c", str(work / "nvchecker.toml"), "-l", "error"]

    # One untimed round each so that page cache and nginx are warm for both.
    run(osslwatch_argv, env)
    run(nvchecker_argv, env)

    samples = {"osslwatch cold (200s)": [], "osslwatch warm (304s)": [], "nvchecker 2.22 regex": []}
    for _ in range(RUNS):
        shutil.rmtree(work / "state", ignore_errors=True)
        cold = run(osslwatch_argv, env)
        warm = run(osslwatch_argv, env)
        nv = run(nvchecker_argv, env)
        for label, sample in zip(samples, (cold, warm, nv)):
            if sample[2] not in (0, 10):
                sys.exit(f"bench: {label} exited {sample[2]}; run it by hand to see why")
            samples[label].append(sample)

    print(f"osslwatch check vs nvchecker, {RUNS} runs each, 5 feeds vs 4 regex entries, local nginx over TLS")
    print(f"{'command':<24} {'median ms':>10} {'p90 ms':>8} {'peak RSS MiB':>13}")
    figures = {}
    for label, values in samples.items():
        median, p90, rss = summary(values)
        figures[label] = (median, rss)
        print(f"{label:<24} {median * 1000:>10.1f} {p90 * 1000:>8.1f} {rss / 1024:>13.1f}")
    nv_median, nv_rss = figures["nvchecker 2.22 regex"]
    for label in ("osslwatch cold (200s)", "osslwatch warm (304s)"):
        median, rss = figures[label]
        print(f"ratio {label} / nvchecker: time {median / nv_median:.2f}x, memory {rss / nv_rss:.2f}x")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
