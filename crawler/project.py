"""The Scrapy project's settings module (scrapy.cfg names it), so that Scrapy's own command line works:

    scrapy crawl annual_reports -a registry=registry.yaml -a archive=file:///data/archive
    scrapy crawl annual_reports -a registry=registry.yaml -a archive=s3://nianbao/archive -a years=2024

The settings themselves are crawler/settings.py `DEFAULTS` (one list, also used by `nianbao crawl`).
"""

from nianbao.crawler.settings import DEFAULTS

globals().update(DEFAULTS)  # Scrapy reads a settings module's upper-case names

SPIDER_MODULES = ["nianbao.crawler.spider"]
NEWSPIDER_MODULE = "nianbao.crawler.spider"
