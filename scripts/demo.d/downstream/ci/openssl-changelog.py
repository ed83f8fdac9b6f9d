"""Adds the checklist's changelog line for a new OpenSSL under the next release's heading.

Reads OSSLWATCH_VERSION (the OpenSSL target) and OSSLWATCH_NEXT_RELEASE from the
environment, writes the `.. _v46-0-2:` anchor and a `46.0.2 - (unreleased)` heading
underlined with `~` when it is not there yet, adds the line, and commits. Running it twice
changes nothing.
"""

import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
target = os.environ["OSSLWATCH_VERSION"]
release = os.environ["OSSLWATCH_NEXT_RELEASE"]
if not re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", release) or not re.fullmatch(r"[0-9][0-9a-z.-]*", target):
    sys.exit("openssl-changelog.py: unexpected OSSLWATCH_VERSION or OSSLWATCH_NEXT_RELEASE")

line = f"* Updated Windows, macOS, and Linux wheels to be compiled with OpenSSL {target}."
path = ROOT / "CHANGELOG.rst"
text = path.read_text()
if line in text:
    print("changelog already has the line")
    sys.exit(0)
heading = f"{release} - (unreleased)"
anchor = ".. _v" + release.replace(".", "-") + ":"
title, separator, rest = text.partition("=========\n\n")
if anchor in rest and heading not in rest:
    sys.exit(f"openssl-changelog.py: {release} already has a dated heading")
if anchor in rest:
    start = rest.index(heading) + 2 * len(heading) + 2
    rest = rest[:start] + f"\n{line}" + rest[start:]
else:
    rest = f"{anchor}\n\n{heading}\n{'~' * len(heading)}\n\n{line}\n\n" + rest
path.write_text(title + separator + rest)
subprocess.run(["git", "commit", "--quiet", "--all", "--message", f"Changelog: OpenSSL {target}"],
               cwd=ROOT, check=True)
print(f"changelog: {line}")
