"""Message boxes (区长信箱, 市长信箱; plan item 32) of the sample portals: letters with their
留言时间, 办理状态 and reply, built relative to as_of like every other date.

A box is a Column of style "messages": its list shows each letter's 留言时间, 办理状态 and
回复时间 (a table on the table-layout county portal, a list with a status span on the city
portal), and each letter's page its fields (label/value cells, or label and value spans). A box
may also list an ordinary article (its 办理须知): no message, and no check should take it for one.
"""
from __future__ import annotations

import datetime as dt

from .content import ago
from .model import Article, Column, Message, Site


def letter(as_of, days, title, asker, content, status, reply_after=None, replier="", reply="",
           source="") -> Article:
    """A letter asked `days` before as_of; answered `reply_after` days later when given."""
    asked = ago(as_of, days)
    replied = asked + dt.timedelta(days=reply_after, hours=2) if reply_after is not None else None
    return Article(title=title, published=asked, source=source or replier, kind="message",
                   message=Message(asker=asker, content=content, status=status, replied=replied,
                                   replier=replier, reply=reply))


def add_box(site: Site, path: str, name: str, parent: str, promise: str, articles, page_size: int = 8) -> Column:
    """A message box column under `parent`, its published reply time limit as its intro line."""
    return site.add_column(Column(path, name, parent=parent, style="messages", intro=promise,
                                  page_size=page_size), articles)
