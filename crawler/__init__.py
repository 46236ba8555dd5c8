"""zwgk crawler: Scrapy only — spiders, middlewares, downloader, throttle, HTTP cache, decoding,
attachments, settings, and the browser pass. It fetches and never judges; it imports the page
model (zwgk.page) and nothing above it."""
