"""The crawler's error vocabulary. Every error names the file, agency or URL it is about.

Fetch failures (timeouts, 404s, robots.txt refusals, …) are not exceptions: they are recorded as
captures with their reason and the crawl goes on. These errors stop a crawl before or after it ran.
"""


class CrawlError(Exception):
    """Base of the crawler's errors: the crawl could not be started or did not finish."""


class RegistryError(CrawlError):
    """The registry file is unreadable or an entry is invalid (names the file, entry and field)."""


class CrawlAborted(CrawlError):
    """The crawl process failed as a whole (archive unreachable, crash); names the cause."""
