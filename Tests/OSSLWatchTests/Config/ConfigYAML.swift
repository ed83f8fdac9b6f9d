/// The smallest valid configuration the config suites build on, so each suite writes only the
/// part it is about: the GitHub releases feed, one feed enough to confirm, and project `p`
/// linking `literal`. The project comes last: a suite may append keys of `p` (indented four
/// spaces), more projects, or new top-level sections.
enum ConfigYAML {
    static func minimal(literal: String = "3.5.3") -> String {
        """
        feeds:
          - name: releases
            kind: github-releases-atom
            url: https://github.com/openssl/openssl/releases.atom
        confirmation:
          min_feeds: 1
        projects:
          - name: p
            linked:
              literal: \(literal)

        """
    }
}
