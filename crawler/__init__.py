"""zwgk crawler: the Scrapy project and the application around it (CLI, storage, scheduling)."""
