"""Parsers of platform and document formats that live behind zwgk.checks.site.Site.

Checks ask them questions about a Site (the annual reports it publishes, their dates, their
tables); the parsers read snapshots through Site only (its cached lxml documents and texts) and
never fetch.
"""
