"""The page model: the nouns the crawler produces and the checks read — PageSnapshot and Link,
URL normalisation and scope, HTML helpers, text normalisation and dates, breadcrumbs, platform
formats (gkmlpt), browser evidence. No Scrapy, SQLAlchemy or Playwright below this line."""
