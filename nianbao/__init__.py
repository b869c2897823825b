"""nianbao (年报): collect, keep and count China's government information-disclosure annual reports.

The distribution installs one package, `nianbao`, whose subpackages live at the repository's top level:
`nianbao.parsers` (parsers/), `nianbao.archive` (archive/), `nianbao.crawler` (crawler/),
`nianbao.flows` (flows/) and `nianbao.simweb` (simweb/). pyproject.toml maps them with `package-dir`.
"""

__version__ = "0.1.0"
