"""Scrapy settings for zwgk. Polite defaults; every value can be overridden from the environment
as ZWGK_<SETTING> (e.g. ZWGK_DOWNLOAD_DELAY=1), so cron jobs need no code change."""
import os

BOT_NAME = "zwgk"
SPIDER_MODULES = ["zwgk.crawler.spiders"]
NEWSPIDER_MODULE = "zwgk.crawler.spiders"

USER_AGENT = "zwgk/0.1 (政务公开合规巡检 compliance audit; +zwgk)"
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 16
# Scrapy starts CONCURRENT_ITEMS worker tasks for every callback's output (even an empty errback),
# so the default 100 made each page refused for budget cost 100 asyncio tasks — a 100,000-link
# page took minutes to drain. A callback yields at most a few snapshots: one is all we need.
CONCURRENT_ITEMS = 1
# Pages leave the spider as items (PageSnapshot); the pipeline hands them to the crawl's sink.
ITEM_PIPELINES = {"zwgk.crawler.pipelines.SnapshotPipeline": 100}
# Scrapy re-reads a callback's source with `ast` to warn about generators that return a value, for
# every request whose bound callback falls out of its small cache: ~11% of an audit's time, for a
# warning meant for spider authors at development time.
WARN_ON_GENERATOR_RETURN_VALUE = False
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Scrapy 2.19's own downloader lets a host get more than that at once (see crawler/downloader.py).
DOWNLOADER = "zwgk.crawler.downloader.PoliteDownloader"
DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.25
AUTOTHROTTLE_MAX_DELAY = 10
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

DOWNLOAD_TIMEOUT = 20
RETRY_ENABLED = True
RETRY_TIMES = 2
# Scrapy's codes without 429: a 429 is asked again only after the pause Retry-After asks for
# (crawler/backoff.py), never at once.
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408]
REDIRECT_MAX_TIMES = 10
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024     # a page or attachment larger than this is not read
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
DNS_TIMEOUT = 10     # only Scrapy's own resolvers honour it, and CrawlerRunner (crawler/runner.py)
                     # installs none: Twisted's resolver is used (NETGUARD_INNER_RESOLVER can change that)
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19's RemoteControl runs a local HTTP server per crawler that executes Python sent to
# it, and writes its port and token to the user's profile: not on a machine that audits every
# night unattended (also left out of EXTENSIONS_BASE below)
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "WARNING"
HTTPERROR_ALLOW_ALL = True              # record 4xx/5xx; the spider decides what they mean
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# HTTP cache between audits (conditional requests; see crawler/httpcache.py). The CLI turns it
# on for `zwgk audit` with a directory beside the database; off for one-off checks.
HTTPCACHE_ENABLED = False
HTTPCACHE_POLICY = "zwgk.crawler.httpcache.RevalidateAlwaysPolicy"
HTTPCACHE_STORAGE = "zwgk.crawler.httpcache.UnitDbmCacheStorage"   # one DBM file per unit
HTTPCACHE_DIR = "zwgk-httpcache"
HTTPCACHE_IGNORE_HTTP_CODES = []

# Re-audits (storage/snapshot_cache.py), with the HTTP cache on: reuse the last audit's parsed
# page on a 304 instead of parsing the same body again, and reuse an article or attachment the
# last audit fetched less than ARTICLE_REVALIDATE_DAYS days ago without any request (0: always
# revalidate). Home, navigation, column and list pages are always revalidated. SNAPSHOT_CACHE_DB
# (the results database) is set by the audit (zwgk/audit.py).
SNAPSHOT_REUSE = True
ARTICLE_REVALIDATE_DAYS = 7
SNAPSHOT_CACHE_DB = ""

# Hosts that push back (crawler/backoff.py). A block, captcha, challenge or empty page pauses the
# host BLOCK_BACKOFF_START seconds, doubling per block in a row up to BLOCK_BACKOFF_MAX; after
# BLOCK_MAX_CONSECUTIVE in a row the host is stopped. A 429 without Retry-After counts as
# RETRY_AFTER_DEFAULT seconds (doubling); a page is asked again RETRY_AFTER_TIMES times after
# the pause; a wait that leaves less than RETRY_AFTER_MARGIN of the unit's time budget (of
# RETRY_AFTER_MAX without one) stops the host.
BLOCK_BACKOFF_START = 5.0
BLOCK_BACKOFF_MAX = 60.0
BLOCK_MAX_CONSECUTIVE = 5
RETRY_AFTER_DEFAULT = 60.0
RETRY_AFTER_TIMES = 1
RETRY_AFTER_MAX = 900.0
RETRY_AFTER_MARGIN = 60.0

MAX_PARALLEL_HOSTS = 8       # hosts crawled at once in an audit; units on one host go in turn
UNIT_TIME_BUDGET = 3600      # seconds a unit may crawl before it is closed (its unseen pages: unknown)

MAX_DEPTH = 8                # clicks from the start page
MAX_QUERY_VARIANTS = 30      # distinct query strings followed per path (calendars, session ids)
MAX_LINKS_PER_PAGE = 5000    # links read from one page

# Crawl plan (zwgk/checks/needs.py: what each check declares it reads). Articles followed at once from each page of an ordinary
# list (one whose column no rule reads document by document): enough for the metadata and column
# samples, while dates come from the list rows. The other articles and the later pages of such
# lists wait until the rest of the site is crawled, and are fetched only if the whole site looks
# like it fits the page budget; otherwise they are skipped on purpose, and the checks know it.
# 0 follows every link at once (the crawl before the plan).
ARTICLES_PER_LIST = 5
# Names of the columns whose every list page and article a rule reads (规范性文件, 年报 …); the
# audit fills it from the rulebook. None: no plan, every rulebook keyword counts.
CRAWL_DOCUMENT_KEYWORDS = None

GKMLPT_PROBE = True          # look for Guangdong's 公开目录 platform under each unit's scope
GKMLPT_MAX_PAGES = 5         # API list pages read per gkmlpt category

# Attachments (crawler/attachments.py) are parsed in worker processes, never in the reactor: per
# document at most ATTACHMENT_CPU_SECONDS of CPU, ATTACHMENT_WALL_SECONDS of wall time (above the
# CPU limit: the workers run nice'd), ATTACHMENT_MEMORY_MB of memory, ATTACHMENT_MAX_PAGES PDF
# pages, and a DOCX whose parts would inflate past ATTACHMENT_MAX_INFLATED_MB (ATTACHMENT_MAX_PART_MB
# for word/document.xml) is not inflated at all (zip bombs). A parse over a limit is abandoned with
# its reason, and the unit's time budget ends every parse still pending. Once ATTACHMENT_STRIKES of
# a unit's documents ran out of time, its later ones get ATTACHMENT_STRIKE_CPU_SECONDS.
ATTACHMENT_WORKERS = 2
ATTACHMENT_CPU_SECONDS = 20
ATTACHMENT_WALL_SECONDS = 40
ATTACHMENT_MEMORY_MB = 512
ATTACHMENT_MAX_PAGES = 80
ATTACHMENT_MAX_INFLATED_MB = 256
ATTACHMENT_MAX_PART_MB = 32       # python-docx needs ~11 MB of memory per MB of document.xml
ATTACHMENT_STRIKES = 2
ATTACHMENT_STRIKE_CPU_SECONDS = 5
# Scrapy stops scheduling a unit's downloads while the bodies its callbacks still hold pass this
# (default 5 MB): one attachment waiting for its parse would otherwise hold up the unit's crawl.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 2 * DOWNLOAD_MAXSIZE

# No request goes to loopback, private, link-local, CGNAT or reserved addresses, in any notation
# (127.0.0.2, 2130706434, 0x7f.0.0.2, [::ffff:127.0.0.2], localhost …), checked on the URL and
# again on the addresses DNS gives, after every redirect and <meta refresh> (crawler/netguard.py)
# — except the unit's own start URL's host and port (and its scope's): a webmaster may check a
# staging copy on 127.0.0.1:8080. A refused link is recorded as 链接指向内网地址 (a finding of
# checks/intranet_links.py). NETGUARD_ALLOW_INTERNAL (`--allow-internal`) is for audits run
# inside a closed network; NETGUARD_ALLOWED_HOSTS lists "host" or "host:port" every unit may reach.
NETGUARD_ENABLED = True
NETGUARD_ALLOW_INTERNAL = False
NETGUARD_ALLOWED_HOSTS: list = []
# False: no host name is looked up at all (IP literals and localhost only; a link to a named
# host is recorded as not resolved): an audit on a machine with no DNS, and the test suite,
# whose traffic must never leave 127.0.0.0/8 (ZWGK_NETGUARD_RESOLVE_NAMES=0)
NETGUARD_RESOLVE_NAMES = True

DOWNLOADER_MIDDLEWARES = {
    # before the budget (50), robots.txt (100) and every cache: a refused link costs nothing
    "zwgk.crawler.netguard.NetGuardMiddleware": 40,
    # just above RetryMiddleware (550): a DNS answer the guard emptied is refused, not retried
    "zwgk.crawler.netguard.NetGuardErrorMiddleware": 560,
    "zwgk.crawler.middlewares.PageBudgetMiddleware": 50,
    "zwgk.crawler.middlewares.FreshArticleMiddleware": 120,   # after robots.txt (100), before the cache
    "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware": None,
    "zwgk.crawler.httpcache.NoStaleCacheMiddleware": 900,      # never a cached copy for a failed request
    "zwgk.crawler.middlewares.RedirectLoopMiddleware": 650,   # sees a 3xx before RedirectMiddleware (600)
    # block pages and 429: after decompression (590), before MetaRefresh (580) and Retry (550)
    "zwgk.crawler.backoff.HostBackoffMiddleware": 585,
}
# Scrapy's default extensions without the two consoles (TelnetConsole, RemoteControl) and with
# our AutoThrottle. Named here rather than switched off in EXTENSIONS: Scrapy imports every module
# a component dict names, even one set to None, and RemoteControl's pulls in aiohttp (0.2 s).
EXTENSIONS_BASE = {
    "scrapy.extensions.corestats.CoreStats": 0,
    "scrapy.extensions.logcount.LogCount": 0,
    "scrapy.extensions.memusage.MemoryUsage": 0,
    "scrapy.extensions.memdebug.MemoryDebugger": 0,
    "scrapy.extensions.closespider.CloseSpider": 0,
    "scrapy.extensions.feedexport.FeedExporter": 0,
    "scrapy.extensions.logstats.LogStats": 0,
    "scrapy.extensions.spiderstate.SpiderState": 0,
    "zwgk.crawler.throttle.RevalidationAwareAutoThrottle": 0,   # a 304 tells the pace as a 200 does
}
EXTENSIONS: dict = {}


def _from_env():
    g = globals()
    for key, value in os.environ.items():
        if not key.startswith("ZWGK_"):
            continue
        name = key[5:]
        if name not in g or not name.isupper():
            continue
        current = g[name]
        try:
            if isinstance(current, bool):
                g[name] = value.lower() in ("1", "true", "yes", "on")
            elif isinstance(current, int):
                g[name] = int(value)
            elif isinstance(current, float):
                g[name] = float(value)
            elif isinstance(current, str):
                g[name] = value
            elif isinstance(current, list):       # comma-separated: ZWGK_NETGUARD_ALLOWED_HOSTS=a,b:8080
                g[name] = [v.strip() for v in value.split(",") if v.strip()]
        except ValueError:
            pass


_from_env()
