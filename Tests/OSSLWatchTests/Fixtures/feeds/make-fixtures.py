#!/usr/bin/env python3
"""Writes the real-format feed fixtures from one release history, so that the Atom, REST
JSON and HTML fixtures always agree. Run from this directory: python3 make-fixtures.py

Sizes and digests are illustrative (derived from the file name), not OpenSSL's real ones.
See README.md for the history and where each date comes from.
"""

import hashlib
import html
import json
import os

REPO_ID = 7634677
GITHUB = "https://github.com/openssl/openssl"

# (date, time UTC, version); newest last. Pre-releases are marked by their version only.
HISTORY = [
    ("2025-02-11", "14:02:11", "3.4.1"),
    ("2025-02-11", "14:04:37", "3.3.3"),
    ("2025-02-11", "14:06:52", "3.2.4"),
    ("2025-02-11", "14:09:05", "3.1.8"),
    ("2025-02-11", "14:11:40", "3.0.16"),
    ("2025-03-04", "13:21:09", "3.5.0-alpha1"),
    ("2025-03-18", "13:40:55", "3.5.0-beta1"),
    ("2025-04-08", "13:05:17", "3.5.0"),
    ("2025-07-01", "13:12:03", "3.5.1"),
    ("2025-07-01", "13:14:48", "3.4.2"),
    ("2025-07-01", "13:17:26", "3.3.4"),
    ("2025-07-01", "13:19:59", "3.2.5"),
    ("2025-07-01", "13:22:31", "3.0.17"),
    ("2025-08-05", "12:58:44", "3.5.2"),
    ("2025-09-02", "13:30:12", "3.6.0-alpha1"),
    ("2025-09-16", "12:47:33", "3.5.3"),
    ("2025-09-16", "13:52:08", "3.6.0-beta1"),
    ("2025-09-30", "13:35:38", "3.5.4"),
    ("2025-09-30", "13:38:02", "3.4.3"),
    ("2025-09-30", "13:40:29", "3.3.5"),
    ("2025-09-30", "13:42:51", "3.2.6"),
    ("2025-09-30", "13:45:16", "3.0.18"),
    ("2025-10-01", "12:31:47", "3.6.0"),
    ("2026-01-27", "13:08:20", "3.6.1"),
    ("2026-01-27", "13:10:45", "3.5.5"),
    ("2026-01-27", "13:13:09", "3.4.4"),
    ("2026-01-27", "13:15:37", "3.3.6"),
    ("2026-01-27", "13:18:02", "3.0.19"),
    ("2026-02-17", "13:24:50", "4.0.0-alpha1"),
    ("2026-03-17", "13:33:14", "4.0.0-beta1"),
    ("2026-04-07", "13:02:26", "3.6.2"),
    ("2026-04-07", "13:04:58", "3.5.6"),
    ("2026-04-07", "13:07:21", "3.4.5"),
    ("2026-04-07", "13:09:43", "3.0.20"),
    ("2026-04-14", "12:55:03", "4.0.0"),
    ("2026-06-09", "14:10:21", "4.0.1"),
    ("2026-06-09", "14:12:47", "3.6.3"),
    ("2026-06-09", "14:15:12", "3.5.7"),
    ("2026-06-09", "14:17:40", "3.4.6"),
    ("2026-06-09", "14:20:03", "3.0.21"),
]

# Series end-of-life dates from openssl-release-metadata/data.json: the source page lists
# the newest release of each series still supported on the snapshot date.
EOL = {
    "3.0": "2026-09-07", "3.1": "2025-03-14", "3.2": "2025-11-23", "3.3": "2026-04-09",
    "3.4": "2026-10-22", "3.5": "2030-04-08", "3.6": "2026-11-01", "4.0": "2027-05-14",
}

# Security releases: (date) -> advisory file and highest severity, from the secadv fixtures.
ADVISORIES = {
    "2025-02-11": ("20250211.txt", "High"),
    "2025-09-30": ("20250930.txt", "Moderate"),
    "2026-06-09": ("20260609.txt", "High"),
}

SNAPSHOTS = {
    ".": "2026-06-09",
    "snapshot-2025-09-30": "2025-09-30",
}


def is_pre(version):
    return "-" in version


def series(version):
    return ".".join(version.split("-")[0].split(".")[:2])


def key(version):
    base, _, pre = version.partition("-")
    numbers = tuple(int(part) for part in base.split("."))
    stage = (2, 0) if not pre else ((0 if pre.startswith("alpha") else 1), int(pre.replace("alpha", "").replace("beta", "")))
    return numbers + stage


def tarball_size(version):
    base = {"3.0": 15_300_000, "3.1": 15_900_000, "3.2": 17_700_000, "3.3": 18_000_000,
            "3.4": 18_300_000, "3.5": 53_100_000, "3.6": 53_400_000, "4.0": 53_900_000}[series(version)]
    return base + int(hashlib.sha256(version.encode()).hexdigest()[:5], 16)


def fake_digest(name):
    return hashlib.sha256(("osslwatch fixture " + name).encode()).hexdigest()


def stamp(date, time):
    return f"{date}T{time}Z"


def release_notes(version, date):
    if is_pre(version):
        stage = "alpha" if "alpha" in version else "beta"
        return (f"<p>OpenSSL {version} is a {stage} pre-release of the {series(version)} series, "
                "published for testing. It is not meant for production use.</p>")
    if version.endswith(".0"):
        return (f"<p>OpenSSL {version} is the first release of the {series(version)} series. "
                "See the CHANGES.md and NEWS.md files for the new features.</p>")
    if date in ADVISORIES:
        advisory, severity = ADVISORIES[date]
        return (f"<p>OpenSSL {version} is a security patch release. The most severe CVE fixed "
                f"in this release is {severity}.</p><p>See the advisory at "
                f"<a href=\"https://openssl-library.org/news/secadv/{advisory}\">secadv/{advisory}</a>.</p>")
    return f"<p>OpenSSL {version} is a bug fix release.</p>"


def entries_until(date):
    chosen = [item for item in HISTORY if item[0] <= date]
    return list(reversed(chosen))


def atom(kind, date):
    items = entries_until(date)
    newest = stamp(*items[0][:2])
    if kind == "releases":
        title, path = "Release notes from openssl", "releases"
    else:
        title, path = "Tags from openssl", "tags"
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/" xml:lang="en-US">',
        f"  <id>tag:github.com,2008:{GITHUB}/{path}</id>",
        f'  <link type="text/html" rel="alternate" href="{GITHUB}/{path}"/>',
        f'  <link type="application/atom+xml" rel="self" href="{GITHUB}/{path}.atom"/>',
        f"  <title>{title}</title>",
        f"  <updated>{newest}</updated>",
    ]
    for day, time, version in items:
        tag = f"openssl-{version}"
        lines += [
            "  <entry>",
            f"    <id>tag:github.com,2008:Repository/{REPO_ID}/{tag}</id>",
            f"    <updated>{stamp(day, time)}</updated>",
            f'    <link rel="alternate" type="text/html" href="{GITHUB}/releases/tag/{tag}"/>',
        ]
        if kind == "releases":
            lines += [
                f"    <title>OpenSSL {version}</title>",
                f'    <content type="html">{html.escape(release_notes(version, day), quote=False)}</content>',
                "    <author>",
                "      <name>openssl-machine</name>",
                "    </author>",
                '    <media:thumbnail height="30" width="30" '
                'url="https://avatars.githubusercontent.com/u/64869218?s=60&amp;v=4"/>',
            ]
        else:
            lines += [
                f"    <title>{tag}</title>",
                '    <content type="html">&lt;p&gt;Release tag for OpenSSL '
                + version + ", signed by the OpenSSL release key.&lt;/p&gt;</content>",
                "    <author>",
                "      <name>openssl-machine</name>",
                "    </author>",
            ]
        lines.append("  </entry>")
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def rest_json(date):
    releases = []
    for index, (day, time, version) in enumerate(entries_until(date)):
        tag = f"openssl-{version}"
        release_id = 200_000_000 + int(hashlib.sha256(tag.encode()).hexdigest()[:6], 16)
        assets = []
        tarball = f"{tag}.tar.gz"
        for offset, (suffix, content_type, size) in enumerate([
            ("", "application/x-gzip", tarball_size(version)),
            (".asc", "application/pgp-signature", 833),
            (".sha1", "text/plain", 63),
            (".sha256", "text/plain", 87),
        ]):
            name = tarball + suffix
            assets.append({
                "url": f"https://api.github.com/repos/openssl/openssl/releases/assets/{release_id + offset + 1}",
                "id": release_id + offset + 1,
                "name": name,
                "label": "",
                "content_type": content_type,
                "state": "uploaded",
                "size": size,
                "download_count": 1000 + (release_id + offset) % 9000,
                "created_at": stamp(day, time),
                "updated_at": stamp(day, time),
                "browser_download_url": f"{GITHUB}/releases/download/{tag}/{name}",
            })
        releases.append({
            "url": f"https://api.github.com/repos/openssl/openssl/releases/{release_id}",
            "html_url": f"{GITHUB}/releases/tag/{tag}",
            "id": release_id,
            "tag_name": tag,
            "target_commitish": f"openssl-{series(version)}" if not is_pre(version) else "master",
            "name": f"OpenSSL {version}",
            "draft": False,
            "prerelease": is_pre(version),
            "created_at": stamp(day, time),
            "published_at": stamp(day, time),
            "assets": assets,
            "tarball_url": f"https://api.github.com/repos/openssl/openssl/tarball/{tag}",
            "zipball_url": f"https://api.github.com/repos/openssl/openssl/zipball/{tag}",
            "body": release_notes(version, day),
        })
    return json.dumps(releases, indent=2) + "\n"


def source_html(date):
    newest = {}
    for day, time, version in HISTORY:
        if day > date:
            continue
        s = series(version)
        if EOL[s] < date:
            continue
        if s not in newest or key(version) > key(newest[s][2]):
            newest[s] = (day, time, version)
    current = sorted(newest.values(), key=lambda item: key(item[2]), reverse=True)
    # A pre-release is listed only while its series has no final release yet.
    current = [item for item in current
               if not is_pre(item[2]) or not any(not is_pre(v) and series(v) == series(item[2])
                                                  for d, _, v in HISTORY if d <= date)]
    rows = []
    for day, time, version in current:
        name = f"openssl-{version}.tar.gz"
        kbytes = f"{tarball_size(version) // 1024:,}"
        rows.append(
            "        <tr>\n"
            f"          <td>{kbytes}</td>\n"
            f"          <td>{day} {time}</td>\n"
            f'          <td><a href="{name}">{name}</a>'
            f' (<a href="{name}.sha256">SHA256</a>)'
            f' (<a href="{name}.asc">PGP sign</a>)'
            f' (<a href="{name}.sha1">SHA1</a>)</td>\n'
            "        </tr>")
    old = sorted({series(v) for d, _, v in HISTORY if d <= date}, key=lambda s: tuple(map(int, s.split("."))),
                 reverse=True)
    old_links = "\n".join(f'        <li><a href="old/{s}/">{s}</a></li>' for s in old)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Downloads | OpenSSL Library</title>
  <link rel="stylesheet" href="/assets/css/site.css">
  <link rel="icon" href="/favicon.ico">
</head>
<body>
  <header>
    <nav class="top">
      <a href="/">Home</a>
      <a href="/news/">News</a>
      <a href="/source/">Downloads</a>
      <a href="/docs/">Docs</a>
      <a href="https://github.com/openssl/openssl">GitHub</a>
    </nav>
  </header>
  <main>
    <h1>Downloads</h1>
    <p>The tarballs below are the current releases of every supported series. Each has a
      SHA-256 digest and a detached PGP signature beside it; check them before building.
      The signing keys are listed on the <a href="https://openssl-library.org/community/otc/">team page</a>.</p>
    <p>Release notes: <a href="https://github.com/openssl/openssl/blob/master/NEWS.md">NEWS.md</a>.
      Mirrors: <a href="https://github.com/openssl/openssl/releases">GitHub releases</a>.</p>
    <table class="download">
      <thead>
        <tr><th>KBytes</th><th>Date</th><th>File</th></tr>
      </thead>
      <tbody>
{chr(10).join(rows)}
      </tbody>
    </table>
    <h2>Older releases</h2>
    <p>Releases of each series that are no longer current:</p>
    <ul class="old">
{old_links}
    </ul>
  </main>
  <footer>
    <p>Copyright 1999-{date[:4]} The OpenSSL Project Authors. <a href="/policies/">Policies</a> &middot; <a href="mailto:openssl-users@openssl.org">Mail</a></p>
  </footer>
</body>
</html>
"""


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for folder, date in SNAPSHOTS.items():
        target = os.path.join(here, folder)
        os.makedirs(target, exist_ok=True)
        files = {
            "releases.atom": atom("releases", date),
            "tags.atom": atom("tags", date),
            "releases.json": rest_json(date),
            "source.html": source_html(date),
        }
        for name, text in files.items():
            with open(os.path.join(target, name), "w", encoding="utf-8") as handle:
                handle.write(text)


if __name__ == "__main__":
    main()
