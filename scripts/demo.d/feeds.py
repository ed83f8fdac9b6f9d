#!/usr/bin/env python3
"""Writes OpenSSL's four release feeds as they stood at the end of one day, for the demo.

    feeds.py DATE DOCROOT

The bodies come from the test fixtures' own generator
(Tests/OSSLWatchTests/Fixtures/feeds/make-fixtures.py), so they are the same real formats
the parser tests read: GitHub's releases and tags Atom feeds, its REST releases JSON, and
the source listing. Each file is written to a temporary name and renamed, so nginx never
serves half a file.
"""

import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATOR = os.path.join(HERE, "..", "..", "Tests", "OSSLWatchTests", "Fixtures", "feeds", "make-fixtures.py")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: feeds.py YYYY-MM-DD DOCROOT")
    date, docroot = sys.argv[1], sys.argv[2]
    spec = importlib.util.spec_from_file_location("make_fixtures", GENERATOR)
    fixtures = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fixtures)
    files = {
        "openssl/openssl/releases.atom": fixtures.atom("releases", date),
        "openssl/openssl/tags.atom": fixtures.atom("tags", date),
        "repos/openssl/openssl/releases.json": fixtures.rest_json(date),
        "source/index.html": fixtures.source_html(date),
    }
    for name, text in files.items():
        path = os.path.join(docroot, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path + ".tmp", "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
