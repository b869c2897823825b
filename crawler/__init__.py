"""Scrapy spiders that find and fetch the annual reports of the agencies in a registry."""
