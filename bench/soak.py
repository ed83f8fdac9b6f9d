#!/usr/bin/env python3
"""Soak benchmark: `osslwatch run` polling the local nginx every 100 ms, then its figures.

The daemon polls one feed (the GitHub releases Atom fixture, 60 entries) served by the test
nginx over TLS. The config's minimum interval for a loopback feed is 1 s, so the 100 ms
cadence is driven with SIGUSR1 ("poll every feed now", the path `osslwatch trigger` uses):
the driver signals, waits until the poll appears in nginx's access log, and keeps a 100 ms
period. The feed's own interval is one hour, so only signals cause polls.

Two phases of POLLS polls each (default 3000, about 5 minutes each, 10 minutes in all):
  200: before each signal the served file's mtime moves on one second, so its ETag and
       Last-Modified change and every poll gets a 200 whose body is parsed and stored;
  304: the file stays as it is, so every poll is a conditional request answered 304.
Per phase: RSS (VmRSS of /proc/<pid>/status) after a warm-up, every TRAIL polls and at the end, and CPU
time (utime + stime of /proc/<pid>/stat) per poll. The daemon also writes its metrics file
after every round, as it would in production (METRICS=0 leaves it out).
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from services import read_env

POLLS = int(os.environ.get("POLLS", "3000"))
WARMUP = int(os.environ.get("WARMUP", "50"))
PERIOD = float(os.environ.get("PERIOD", "0.1"))
LIMIT = float(os.environ.get("LIMIT", "600"))
TRAIL = int(os.environ.get("TRAIL", "250"))
METRICS = os.environ.get("METRICS", "1") != "0"
REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "Tests/OSSLWatchTests/Fixtures/feeds"
TICKS = os.sysconf("SC_CLK_TCK")


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid):
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()
    # fields[0] is field 3 (state): utime is field 14, stime field 15.
    return (int(fields[11]) + int(fields[12])) / TICKS


class AccessLog:
    """Counts nginx access-log lines for one path, reading only what was appended."""

    def __init__(self, path, needle):
        self.file = open(path, "rb")
        self.file.seek(0, os.SEEK_END)
        self.needle = needle.encode()
        self.statuses = []
        self.pending = b""

    def poll(self):
        # nginx may be caught mid-line: keep an unfinished last line for the next read.
        self.pending += self.file.read()
        lines = self.pending.split(b"\n")
        self.pending = lines.pop()
        for line in lines:
            if self.needle in line:
                parts = line.split(b'"')
                status = parts[2].split()[0].decode() if len(parts) > 2 else "?"
                self.statuses.append(status)
        return len(self.statuses)


def phase(name, daemon, log, feed_file, polls, change):
    """Drives `polls` polls at PERIOD; returns the phase's figures."""
    mtime = int(time.time()) - 10**6 + (0 if name == "200" else 10**5)
    base = log.poll()
    done = 0
    rss_start = cpu_start = t_start = None
    deadline = time.monotonic() + LIMIT / 2
    timeouts = 0
    trail = []
    while done < WARMUP + polls and time.monotonic() < deadline:
        if done == WARMUP:
            rss_start, cpu_start, t_start = rss_kib(daemon.pid), cpu_seconds(daemon.pid), time.monotonic()
            first_status = len(log.statuses)
        tick = time.monotonic()
        if change:
            mtime += 1
            os.utime(feed_file, (mtime, mtime))
        before = log.poll()
        daemon.send_signal(signal.SIGUSR1)
        wait_until = time.monotonic() + 5
        while log.poll() == before and time.monotonic() < wait_until:
            time.sleep(0.002)
        if log.poll() == before:
            timeouts += 1
        done = log.poll() - base
        if done > WARMUP and (done - WARMUP) % TRAIL == 0 and len(trail) < (done - WARMUP) // TRAIL:
            trail.append(rss_kib(daemon.pid) / 1024)
        rest = PERIOD - (time.monotonic() - tick)
        if rest > 0:
            time.sleep(rest)
    if daemon.poll() is not None:
        sys.exit(f"soak: the daemon exited with {daemon.returncode} during phase {name}")
    time.sleep(0.3)  # the round's store write and metrics file follow the HTTP answer
    log.poll()
    rss_end, cpu_end, t_end = rss_kib(daemon.pid), cpu_seconds(daemon.pid), time.monotonic()
    counted = log.statuses[first_status:]
    measured = len(counted)
    return {
        "phase": name,
        "polls": measured,
        "statuses": {status: counted.count(status) for status in sorted(set(counted))},
        "seconds": t_end - t_start,
        "rss_start_mib": rss_start / 1024,
        "rss_end_mib": rss_end / 1024,
        "cpu_ms_per_poll": (cpu_end - cpu_start) * 1000 / max(1, measured),
        "timeouts": timeouts,
        "trail": trail,
    }


def main():
    services = read_env("soak")
    osslwatch = Path(sys.argv[1] if len(sys.argv) > 1 else REPO / ".build/release/osslwatch")
    port = services["NGINX_HTTPS_PORT"]
    docroot = Path(services["DOCROOT"])
    name = f"soak-{os.getpid()}"
    served = docroot / name
    served.mkdir(parents=True, exist_ok=True)
    feed_file = served / "releases.atom"
    shutil.copy(FIXTURES / "releases.atom", feed_file)
    work = Path(tempfile.mkdtemp(prefix="osslwatch-soak-"))
    config = work / "osslwatch.yaml"
    metrics_line = f"  metrics_file: {work / 'osslwatch.prom'}\n" if METRICS else "  stop_timeout: 20\n"
    config.write_text(
        f"""state_directory: {work / "state"}
http:
  ca_file: {services["CA_FILE"]}
  connect_timeout: 2
  timeout: 5
confirmation:
  min_feeds: 1
  checksum: false
daemon:
{metrics_line}feeds:
  - name: github-releases
    kind: github-releases-atom
    url: https://localhost:{port}/{name}/releases.atom
    interval: 1h
projects:
  - name: cryptography
    linked:
      literal: 3.5.3
"""
    )
    log = AccessLog(services["ACCESS_LOG"], f"/{name}/releases.atom ")
    env = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "RUNTIME_DIRECTORY")}
    daemon_log = open(work / "daemon.log", "wb")
    daemon = subprocess.Popen(
        [str(osslwatch), "run", "--config", str(config), "--pid-file", str(work / "osslwatch.pid")],
        env=env, stdout=daemon_log, stderr=daemon_log, stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while log.poll() < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        if log.poll() < 1:
            sys.exit(f"soak: the daemon made no first poll; log in {work / 'daemon.log'}")
        time.sleep(0.5)
        results = [phase("200", daemon, log, feed_file, POLLS, change=True)]
        results.append(phase("304", daemon, log, feed_file, POLLS, change=False))
        metrics_ok = (work / "osslwatch.prom").exists()
    finally:
        daemon.send_signal(signal.SIGTERM)
        try:
            status = daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            daemon.kill()
            status = "killed after 30 s"
        daemon_log.close()
    print(f"osslwatch run, 1 feed (releases.atom, {feed_file.stat().st_size} bytes), period {PERIOD * 1000:.0f} ms,"
          f" {WARMUP} warm-up polls per phase; metrics file written: {metrics_ok}; exit on SIGTERM: {status}")
    print("| phase | polls | answers | seconds | RSS start MiB | RSS end MiB | CPU ms/poll |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: |")
    for r in results:
        answers = " ".join(f"{k}x{v}" for k, v in r["statuses"].items())
        print(f"| {r['phase']} | {r['polls']} | {answers} | {r['seconds']:.0f} | {r['rss_start_mib']:.1f} |"
              f" {r['rss_end_mib']:.1f} | {r['cpu_ms_per_poll']:.2f} |")
    print()
    for r in results:
        print(f"phase {r['phase']}: RSS MiB every {TRAIL} polls: " + " ".join(f"{m:.1f}" for m in r["trail"]))
        if r["timeouts"]:
            print(f"  ({r['timeouts']} signals saw no poll within 5 s)")
    shutil.rmtree(served, ignore_errors=True)
    if status == 0:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"soak: daemon log kept in {work / 'daemon.log'}")
    return 0 if status == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
