"""Which site is a URL from?  Registrable domains from a bundled Public Suffix List, offline.

>>> from newscred.sources import registrable_domain, parse_source
>>> registrable_domain("https://user:pw@News.BBC.co.uk:8080/x?y=1")
'bbc.co.uk'
>>> registrable_domain("http://web.archive.org/web/2019/https://www.infowars.com/a")
'infowars.com'
>>> parse_source("https://bit.ly/3abc").shortener
True

The Public Suffix List (PSL, Mozilla Public License 2.0) is vendored verbatim in
``sources/data/public_suffix_list.dat`` (version and commit in its header; licence text beside it;
see ``sources/data/SOURCES.md``). Nothing here touches the network or writes a cache.

Why vendored rather than ``tldextract``: tldextract is not a dependency of newscred, its default
configuration fetches the list over HTTP and caches it under the user's home directory, and a
pinned snapshot in the repository makes every lookup reproducible and reviewable in a diff.
The matching algorithm (normal, wildcard and exception rules; the implicit ``*`` rule for
unlisted TLDs) is the one described at publicsuffix.org and is checked against the PSL's own
test cases in ``tests/test_sources.py``.

Conventions (all documented behaviour, all tested):

* input may be a bare host, a host with a path, or a full URL with scheme, userinfo and port;
  case, a trailing dot and a leading ``www.`` never matter;
* internationalised names are returned in punycode (``xn--…``), using Python's built-in IDNA
  codec (IDNA 2003 mapping: it differs from IDNA 2008 for a handful of characters such as ß);
* the PSL's *private* section is used by default, so ``someone.blogspot.com`` and
  ``someone.github.io`` are sites of their own and ``blogspot.com`` by itself is a public suffix
  (``registrable_domain("blogspot.com")`` is ``None``); pass ``private=False`` to ignore it;
* an IP address is returned as is (it has no registrable domain, but a rating list may name one);
* ``web.archive.org/web/<timestamp>/<url>``, ``archive.today``-style ``/<timestamp>/<url>`` or
  ``/newest/<url>`` links and Google AMP ``google.com/amp/s/<url>`` links resolve to the wrapped
  URL's domain (``ParsedSource.wrapper`` says which wrapper was removed);
* link shorteners (bit.ly, t.co, ...) keep the shortener's own domain but are marked
  (``ParsedSource.shortener``), because the real publisher is unknown until the link is expanded;
* anything that is not a host or URL gives ``None``; these functions never raise on bad input.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

__all__ = [
    "ParsedSource",
    "PublicSuffixList",
    "SHORTENERS",
    "UGC_PLATFORMS",
    "NEWS_AGGREGATORS",
    "AGENCY_SITES",
    "on_agency_site",
    "is_shortener",
    "normalise_host",
    "parse_source",
    "psl_version",
    "registrable_domain",
    "site_host",
]

PSL_FILE = "public_suffix_list.dat"
DATA_DIR = Path(__file__).resolve().parent / "data"

#: Generic link shorteners: the link says nothing about who published the page behind it.
#: A value names the publisher of a *branded* shortener (nyti.ms is The New York Times's own).
SHORTENERS: dict[str, str | None] = {
    "bit.ly": None,
    "bitly.com": None,
    "j.mp": None,
    "t.co": None,
    "tinyurl.com": None,
    "goo.gl": None,
    "ow.ly": None,
    "buff.ly": None,
    "dlvr.it": None,
    "is.gd": None,
    "v.gd": None,
    "tiny.cc": None,
    "lnkd.in": None,
    "fb.me": None,
    "trib.al": None,
    "ift.tt": None,
    "rebrand.ly": None,
    "cutt.ly": None,
    "shorturl.at": None,
    "rb.gy": None,
    "t.ly": None,
    "bl.ink": None,
    "s.id": None,
    "shorte.st": None,
    "adf.ly": None,
    "soo.gd": None,
    "qr.ae": None,
    "po.st": None,
    "wp.me": None,
    "nyti.ms": "nytimes.com",
    "wapo.st": "washingtonpost.com",
    "reut.rs": "reuters.com",
    "cnn.it": "cnn.com",
    "bbc.in": "bbc.co.uk",
    "fxn.ws": "foxnews.com",
    "n.pr": "npr.org",
    "politi.co": "politico.com",
    "bloom.bg": "bloomberg.com",
    "econ.st": "economist.com",
    "apne.ws": "apnews.com",
}

#: Platforms where anyone can publish: a list's rating of the platform says nothing about the
#: account or blog that posted a given page, and a blog's subdomain never inherits it.
UGC_PLATFORMS: frozenset[str] = frozenset(
    {
        "facebook.com", "youtube.com", "youtu.be", "twitter.com", "x.com", "instagram.com", "tiktok.com",
        "reddit.com", "medium.com", "substack.com", "wordpress.com", "blogspot.com", "blogger.com",
        "tumblr.com", "t.me", "telegram.me", "rumble.com", "bitchute.com", "vk.com", "livejournal.com",
        "weebly.com", "wixsite.com", "github.io", "quora.com", "linkedin.com", "wikia.com", "fandom.com",
    }
)

#: News aggregators: a page there shows or links to another publisher's story, so a list's rating
#: of the aggregator (Lin et al. rate news.google.com 0.79) says nothing about that story's publisher.
NEWS_AGGREGATORS: frozenset[str] = frozenset(
    {"news.google.com", "flipboard.com", "newsbreak.com", "smartnews.com", "apple.news", "feedly.com", "ground.news"}
)

#: Each news agency's own sites: wire copy found there is the original, not a republication.
AGENCY_SITES: dict[str, tuple[str, ...]] = {
    "AP": ("apnews.com", "ap.org"), "Reuters": ("reuters.com",), "AFP": ("afp.com",), "UPI": ("upi.com",),
    "Xinhua": ("xinhuanet.com", "news.cn"), "Bloomberg": ("bloomberg.com",), "dpa": ("dpa.com",), "PTI": ("ptinews.com",),
}


def on_agency_site(agency: str, host: str) -> bool:
    """Whether ``host`` (a normalised host name) is one of ``agency``'s own sites or under one."""
    return any(host == site or host.endswith("." + site) for site in AGENCY_SITES.get(agency, ()))


_WAYBACK_HOSTS = frozenset({"web.archive.org", "wayback.archive.org"})
_ARCHIVE_TODAY = frozenset(
    {"archive.today", "archive.ph", "archive.is", "archive.li", "archive.vn", "archive.fo", "archive.md"}
)
_WAYBACK_PATH = re.compile(r"^/web/([^/]*)/(.+)$", re.S)
_ARCHIVE_TODAY_PATH = re.compile(r"^/(?:newest|oldest|\d{4}\.\d{2}\.\d{2}-\d{6}|\d{8,14})/(.+)$", re.S)
_AMP_PATH = re.compile(r"^/amp/(s/)?(.+)$", re.S)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):/*")
_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
_WWW = re.compile(r"^www\d{0,3}\.")
_MAX_INPUT = 8192
_MAX_DEPTH = 4


class PublicSuffixList:
    """The Public Suffix List's rules and the algorithm of publicsuffix.org, nothing more."""

    def __init__(self, text: str, private: bool = True) -> None:
        self.version: str | None = None
        self.commit: str | None = None
        self.private = private
        self._normal: set[str] = set()
        self._wildcard: set[str] = set()  # "*.ck" stored as "ck"
        self._exception: set[str] = set()  # "!www.ck" stored as "www.ck"
        in_private = False
        for raw in text.splitlines():
            line = raw.strip()
            if line.startswith("//"):
                if line.startswith("// VERSION:"):
                    self.version = line.split(":", 1)[1].strip()
                elif line.startswith("// COMMIT:"):
                    self.commit = line.split(":", 1)[1].strip()
                elif "===BEGIN PRIVATE DOMAINS===" in line:
                    in_private = True
                elif "===END PRIVATE DOMAINS===" in line:
                    in_private = False
                continue
            if not line or (in_private and not private):
                continue
            rule = line.split()[0]
            target = self._normal
            if rule.startswith("!"):
                target, rule = self._exception, rule[1:]
            elif rule.startswith("*."):
                target, rule = self._wildcard, rule[2:]
            encoded = _to_ascii(rule)
            if encoded:
                target.add(encoded)

    def __len__(self) -> int:
        return len(self._normal) + len(self._wildcard) + len(self._exception)

    def suffix_length(self, labels: list[str]) -> int:
        """How many trailing labels of ``labels`` form the public suffix (at least 1)."""
        n = len(labels)
        for i in range(n):  # an exception rule beats every other rule
            if ".".join(labels[i:]) in self._exception:
                return n - i - 1
        for i in range(n):  # otherwise the longest matching rule (longest candidate first)
            if ".".join(labels[i:]) in self._normal:
                return n - i
            if i + 1 < n and ".".join(labels[i + 1 :]) in self._wildcard:
                return n - i
        return 1  # the implicit "*" rule: an unlisted TLD is a public suffix

    def public_suffix(self, host: str) -> str | None:
        labels = host.split(".")
        if not host or not all(labels):
            return None
        return ".".join(labels[-self.suffix_length(labels) :])

    def registrable(self, host: str) -> str | None:
        """The public suffix plus one label, or None when ``host`` is itself a public suffix."""
        labels = host.split(".")
        if not host or not all(labels):
            return None
        k = self.suffix_length(labels)
        if len(labels) <= k:
            return None
        return ".".join(labels[-(k + 1) :])


@functools.lru_cache(maxsize=2)
def _psl(private: bool = True) -> PublicSuffixList:
    text = (DATA_DIR / PSL_FILE).read_text(encoding="utf-8")
    return PublicSuffixList(text, private=private)


def psl_version() -> dict[str, str | int | None]:
    """Version, commit and rule count of the bundled Public Suffix List."""
    psl = _psl(True)
    return {"file": PSL_FILE, "version": psl.version, "commit": psl.commit, "rules": len(psl)}


def _to_ascii(host: str) -> str | None:
    """Lower-case, punycode each non-ASCII label; None if that is impossible."""
    host = host.strip().lower()
    if host.isascii():
        return host
    host = re.sub("[\u3002\uff0e\uff61]", ".", host)  # ideographic / full-width dots
    # Letters, marks and digits only: punctuation such as an en dash ("wvec–13newsnow.com" in one
    # list) would otherwise be punycoded into a different, real-looking domain.
    if any(ord(c) > 127 and unicodedata.category(c)[0] not in "LMN" for c in host):
        return None
    try:
        return host.encode("idna").decode("ascii").lower()
    except (UnicodeError, ValueError):
        return None


def normalise_host(host: str) -> str | None:
    """A host name as compared everywhere: lower case, punycode, no trailing dot, valid labels.

    IP addresses come back in their canonical text form. Returns None for anything else.
    """
    if not isinstance(host, str):
        return None
    host = host.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    host = host.rstrip(".")
    if not host or len(host) > 1000:
        return None
    ascii_host = _to_ascii(host)
    if not ascii_host or len(ascii_host) > 253:
        return None
    labels = ascii_host.split(".")
    if not all(_LABEL.match(label) for label in labels):
        return None
    return ascii_host


def site_host(host: str) -> str:
    """``host`` without a leading ``www.``/``www2.``: the form rating lists use."""
    stripped = _WWW.sub("", host)
    return stripped if "." in stripped else host


def is_shortener(url_or_host: str) -> bool:
    """Whether the link is on a known URL shortener (see ``SHORTENERS``)."""
    parsed = parse_source(url_or_host)
    return parsed.shortener


@dataclass(frozen=True)
class ParsedSource:
    """What a URL or host says about its site.

    ``host`` is the normalised host of the page actually named (after unwrapping archive and AMP
    links), ``site`` the same without ``www.``, ``domain`` its registrable domain (or the IP, or
    None when the host is itself a public suffix), ``path`` the lower-cased path without a
    trailing slash.  ``wrapper`` names the archive/AMP service that was unwrapped;
    ``wrapped_target`` is False when a wrapper link does not contain the original URL.
    """

    input: str
    host: str | None = None
    site: str | None = None
    domain: str | None = None
    path: str = ""
    is_ip: bool = False
    wrapper: str | None = None
    wrapped_target: bool = True
    shortener: bool = False
    shortener_of: str | None = None

    @property
    def valid(self) -> bool:
        return self.host is not None


def _split(text: str) -> tuple[str | None, str, str]:
    """(raw host, raw path, raw query) of a URL or bare host, or (None, '', '')."""
    text = text.strip()
    if not text or len(text) > _MAX_INPUT or any(c in text for c in "\x00\r\n\t"):
        return None, "", ""
    m = _SCHEME.match(text)
    if m and not re.match(r"^[^:/]+:\d+(/|$)", text):  # "example.com:8080" is a port, not a scheme
        text = f"{m.group(1).lower()}://{text[m.end():]}"
    elif text.startswith("//"):
        text = "http:" + text
    else:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        host = parts.hostname  # drops userinfo and port, lower-cases
    except ValueError:
        return None, "", ""
    if parts.scheme not in ("http", "https", "ftp", "hxxp", "hxxps"):
        return None, "", ""
    if host is None or " " in host:
        return None, "", ""
    return host, parts.path, parts.query


def _clean_path(path: str) -> str:
    path = re.sub(r"/{2,}", "/", path).rstrip("/")
    return path.lower()


def parse_source(url_or_host: str, private: bool = True, _depth: int = 0) -> ParsedSource:
    """Parse a URL or host into its site; never raises (invalid input gives ``valid == False``)."""
    if not isinstance(url_or_host, str):
        return ParsedSource(input=repr(url_or_host))
    raw_host, raw_path, raw_query = _split(url_or_host)
    host = normalise_host(raw_host) if raw_host is not None else None
    if host is None:
        return ParsedSource(input=url_or_host)

    wrapper: str | None = None
    target: str | None = None
    if host in _WAYBACK_HOSTS:
        wrapper = "web.archive.org"
        m = _WAYBACK_PATH.match(raw_path)
        target = m.group(2) if m else None
    elif host in _ARCHIVE_TODAY or site_host(host) in _ARCHIVE_TODAY:
        wrapper = "archive.today"
        m = _ARCHIVE_TODAY_PATH.match(raw_path)
        target = m.group(1) if m else None
    elif re.fullmatch(r"(www\.)?google\.[a-z.]+", host) and _AMP_PATH.match(raw_path):
        wrapper = "google-amp"
        m = _AMP_PATH.match(raw_path)
        assert m is not None
        target = ("https://" if m.group(1) else "http://") + m.group(2)
    if wrapper is not None:
        if target:
            target = target.rstrip("*")
            if raw_query:
                target += "?" + raw_query
        if target and _depth < _MAX_DEPTH:
            inner = parse_source(target, private=private, _depth=_depth + 1)
            if inner.valid:
                return ParsedSource(
                    input=url_or_host,
                    host=inner.host,
                    site=inner.site,
                    domain=inner.domain,
                    path=inner.path,
                    is_ip=inner.is_ip,
                    wrapper=wrapper if inner.wrapper is None else f"{wrapper}+{inner.wrapper}",
                    wrapped_target=inner.wrapped_target,
                    shortener=inner.shortener,
                    shortener_of=inner.shortener_of,
                )
        # A wrapper without a usable original URL: the wrapper's own domain, marked.
        site = site_host(host)
        return ParsedSource(
            input=url_or_host,
            host=host,
            site=site,
            domain=_psl(private).registrable(host),
            path=_clean_path(raw_path),
            wrapper=wrapper,
            wrapped_target=False,
        )

    try:
        ipaddress.ip_address(host)
        is_ip = True
    except ValueError:
        is_ip = False
    if is_ip:
        return ParsedSource(input=url_or_host, host=host, site=host, domain=host, path=_clean_path(raw_path), is_ip=True)
    labels = host.split(".")
    if len(labels) < 2 or labels[-1].isdigit():
        return ParsedSource(input=url_or_host)  # "localhost", "1.2", single words
    site = site_host(host)
    domain = _psl(private).registrable(host)
    short_key = domain if domain in SHORTENERS else (site if site in SHORTENERS else None)
    return ParsedSource(
        input=url_or_host,
        host=host,
        site=site,
        domain=domain,
        path=_clean_path(raw_path),
        shortener=short_key is not None,
        shortener_of=SHORTENERS.get(short_key) if short_key else None,
    )


def registrable_domain(url_or_host: str, private: bool = True) -> str | None:
    """The registrable domain ("site") of a URL or host, or None; never raises.

    ``"https://www.bbc.co.uk/news"`` → ``"bbc.co.uk"``; ``"http://[::1]:80"`` → ``"::1"``;
    ``"web.archive.org/web/2020/https://x.example.com/"`` → ``"example.com"``;
    ``"co.uk"``, ``"localhost"``, ``"not a url"`` → ``None``. Shorteners keep their own domain
    (use :func:`parse_source` to see that they are shorteners).
    """
    try:
        return parse_source(url_or_host, private=private).domain
    except Exception:  # pragma: no cover - defensive: the contract is "never raises"
        return None
