"""The ports and paths of the services `scripts/test-services start` runs, for the benchmarks."""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def read_env(tool):
    """KEY=VALUE pairs of var/test-services/services.env; exits with a hint naming `tool` if missing."""
    env_file = REPO / "var/test-services/services.env"
    if not env_file.exists():
        sys.exit(f"{tool}: no var/test-services/services.env; run scripts/test-services start")
    values = {}
    for line in env_file.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip().strip('"')
    return values
