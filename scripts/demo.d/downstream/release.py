"""The demo project's release script, in the shape of pyca's: `bump-version [VERSION]`.

Without VERSION it takes $OSSLWATCH_NEXT_RELEASE (osslwatch passes run facts only as
environment variables). It writes the version into pyproject.toml, dates the changelog
heading of that version, and commits both.
"""

import datetime
import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent


def bump_version(version):
    if not re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", version):
        sys.exit(f"release.py: {version!r} is not a release number")
    pyproject = ROOT / "pyproject.toml"
    pyproject.write_text(
        re.sub(r'(?m)^version = "[^"]*"$', f'version = "{version}"', pyproject.read_text())
    )
    changelog = ROOT / "CHANGELOG.rst"
    text = changelog.read_text()
    old = f"{version} - (unreleased)"
    new = f"{version} - {datetime.date.today().isoformat()}"
    if old in text:
        text = text.replace(f"{old}\n{'~' * len(old)}", f"{new}\n{'~' * len(new)}")
        changelog.write_text(text)
    subprocess.run(["git", "commit", "--quiet", "--all", "--message", f"Bump version to {version}"],
                   cwd=ROOT, check=True)
    print(f"version {version}")


if __name__ == "__main__":
    if len(sys.argv) in (2, 3) and sys.argv[1] == "bump-version":
        bump_version(sys.argv[2] if len(sys.argv) == 3 else os.environ["OSSLWATCH_NEXT_RELEASE"])
    else:
        sys.exit("usage: release.py bump-version [VERSION]")
