# Generates errors/*.yaml from good.yaml: one mistake each. Kept for regeneration.
import re
base = open('good.yaml').read()
def sub(old, new, count=1):
    assert old in base, old
    return base.replace(old, new, count)
cases = {
 'unknown-key': sub('  max_redirects: 3', '  max_redirect: 3'),
 'unknown-top-key': sub('backoff:\n', 'backof:\n'),
 'wrong-type-list': sub('  connect_timeout: 5', '  connect_timeout: [5]'),
 'wrong-type-bool': sub('allow_http_loopback: true', 'allow_http_loopback: "yes please"'),
 'wrong-type-feeds': re.sub(r'feeds:\n(  .*\n|    .*\n)+', 'feeds:\n  github-releases: https://github.com/openssl/openssl/releases.atom\n', base),
 'url-scheme': sub('url: https://github.com/openssl/openssl/tags.atom', 'url: ftp://github.com/openssl/openssl/tags.atom'),
 'url-http-remote': sub('url: https://openssl-library.org/source/', 'url: http://openssl-library.org/source/'),
 'url-userinfo': sub('url: https://github.com/openssl/openssl/releases.atom', 'url: https://user:secret@github.com/openssl/openssl/releases.atom'),
 'url-loopback-not-allowed': sub('  allow_http_loopback: true', '  allow_http_loopback: false'),
 'url-not-a-url': sub('url: https://openssl-library.org/source/', 'url: "https://exa mple.org/<source>"'),
 'regex-does-not-compile': sub('(?<version>[0-9a-z.-]+)', '(?<version>[0-9a-z.-+)'),
 'regex-no-version-group': sub('(?<version>[0-9a-z.-]+)', '([0-9a-z.-]+)'),
 'regex-no-sha256-group': sub('(?<sha256>[0-9a-f]{64})', '(?<digest>[0-9a-f]{64})'),
 'duplicate-feed': sub('  - name: source\n', '  - name: github-tags\n'),
 'duplicate-project': sub('  - name: curl_for-win\n', '  - name: node.js\n'),
 'missing-pin-file': sub('        path: pin.sh', '        path: no-such-pin.sh'),
 'missing-ca-file': sub('  ca_file: ca-bundle.pem', '  ca_file: /nonexistent/ca.pem'),
 'missing-binary': sub('      binary: pin.sh', '      binary: bin/absent'),
 'interval-too-short': sub('    interval: 1h', '    interval: 10s'),
 'interval-too-long': sub('    interval: 1h', '    interval: 8d'),
 'interval-not-duration': sub('    interval: 1h', '    interval: 1 hour'),
 'max-body-too-small': sub('max_body_bytes: 1048576', 'max_body_bytes: 512'),
 'max-body-too-large': sub('max_body_bytes: 1048576', 'max_body_bytes: 134217728'),
 'max-redirects-too-many': sub('max_redirects: 3', 'max_redirects: 6'),
 'backoff-max-below-initial': sub('  max: 2d', '  max: 30s'),
 'feeds-empty': re.sub(r'feeds:\n(  .*\n|    .*\n)+', 'feeds: []\n', base),
 'projects-empty': base[:base.index('projects:')] + 'projects: []\n',
 'projects-missing': base[:base.index('projects:')],
 'syntax-error': sub('  max_redirects: 3', '  max_redirects: [3'),
 'syntax-bad-indent': sub('  timeout: 2m', ' timeout: 2m'),
 'duplicate-key': sub('  timeout: 2m', '  timeout: 2m\n  timeout: 3m'),
 'feed-kind-unknown': sub('kind: github-tags-atom', 'kind: github-tag-atom'),
 'feed-name-invalid': sub('  - name: source\n', '  - name: "Source Page"\n'),
 'feed-name-missing': sub('  - name: source\n    kind', '  - kind'),
 'project-name-invalid': sub('  - name: node.js\n', '  - name: -nodejs\n'),
 'linked-two-sources': sub('      literal: "3.0.16"', '      literal: "3.0.16"\n      binary: pin.sh'),
 'linked-none': sub('    linked:\n      literal: "3.0.16"', '    linked: {}'),
 'literal-not-a-version': sub('literal: "3.0.16"', 'literal: "3.0.16; touch /tmp/x"'),
 'tarball-url-no-version': sub('openssl-{version}.tar.gz', 'openssl.tar.gz'),
 'min-feeds-unreachable': sub('min_feeds: 3', 'min_feeds: 5'),
 'eol-warning-negative': sub('eol_warning_days: 30', 'eol_warning_days: -1'),
 'timeout-below-connect': sub('  timeout: 2m', '  timeout: 2'),
}
for name, text in cases.items():
    assert text != base, name
    # The errors live one directory down: keep the relative file names pointing at the shared files.
    text = text.replace(': pin.sh', ': ../pin.sh').replace(': ca-bundle.pem', ': ../ca-bundle.pem')
    open(f'errors/{name}.yaml', 'w').write(text)
