"""The suite's traffic never leaves 127.0.0.0/8: no host name is looked up (the sample portals and
real pages link to www.gdzwfw.gov.cn, beian.miit.gov.cn …; their outside-link checks must not ask
DNS). Set before anything imports zwgk.crawler.settings, and inherited by every zwgk subprocess."""
import os

os.environ["ZWGK_NETGUARD_RESOLVE_NAMES"] = "0"
