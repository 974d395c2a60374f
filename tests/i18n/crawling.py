"""Walk the pages a kind of reader can reach, as that reader: every link on every page
(same site, GET only), breadth first, bounded."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urljoin, urlsplit

HREF = re.compile(r"""href=["']([^"'#]+)["']""")
# Links that change state or leave the reader's view of the site even as GETs.
SKIP = re.compile(
    r"^/(auth/(logout|language)|static/)|/(export|download|pdf|ics|calendar|photo|feed)\b|\.(pdf|ics|csv|xlsx|png|jpg|svg|zip)(\?|$)"
)


def shape(path: str) -> str:
    """A page's kind: its path with numbers and tokens blanked ('/members/3371' and
    '/members/3372' are one kind of page)."""
    path = re.sub(r"/\d+(?=/|$|\?)", "/N", path)
    path = re.sub(r"/[A-Za-z0-9_-]{20,}(?=/|$|\?)", "/T", path)
    return re.sub(r"=[^&]*", "=V", path)


def crawl(
    client, starts: list[str], *, limit: int = 400, per_kind: int = 2, within: str = "/"
) -> dict[str, int]:
    """Status of each page reached from `starts` (paths), following links breadth first:
    at most `per_kind` pages of one kind, only paths under `within`."""
    seen: dict[str, int] = {}
    kinds: dict[str, int] = {}
    queue = deque(starts)
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen or not path.startswith(within):
            continue
        kind = shape(path)
        if kinds.get(kind, 0) >= per_kind:
            continue
        kinds[kind] = kinds.get(kind, 0) + 1
        response = client.get(path)
        seen[path] = response.status_code
        if response.status_code in (301, 302, 303, 307, 308):
            location = urlsplit(response.headers["Location"])
            target = location.path + (f"?{location.query}" if location.query else "")
            if not location.netloc or location.netloc == "localhost":
                queue.append(target)
            continue
        if "text/html" not in response.content_type:
            continue
        for href in HREF.findall(response.get_data(as_text=True)):
            href = urldefrag(urljoin(path, href.replace("&amp;", "&")))[0]
            parts = urlsplit(href)
            if parts.netloc and parts.netloc != "localhost":
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target.startswith("/") and not SKIP.search(target) and target not in seen:
                queue.append(target)
    return seen
