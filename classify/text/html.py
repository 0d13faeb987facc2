"""The article text of an HTML page: site chrome removed by markup, the rest left to text preparation.

What the markup says for sure is removed here: scripts and styles, form controls, page-level
``<header>``/``<footer>``/``<nav>``/``<aside>`` (an ``<article>``'s own header, which holds its
headline and date, is kept), and the boxes portals name by their class or id: related and
"other" news, comments, polls, sidebars, share and tag bars, menus and footers. Everything else
becomes lines, and :func:`classify.text.prepare` judges them by their shape.

trafilatura was measured against these rules on portal-like pages (``scripts/bench_html.py``,
``docs/html-extraction.md``) and not adopted: it dropped the lead paragraph on 5 of 14 pages.
"""

from __future__ import annotations

import re

__all__ = ["html_to_text"]

_BLOCK_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd tr table thead tbody section article main blockquote pre "
    "figure figcaption hr address center".split()
)
_BLOCK_BREAK = "\u2029"  # the paragraph separator marks block boundaries until lines are split
_INLINE_SPACE = re.compile(r"[^\S\u2029]+")

_NEVER_TEXT = ["script", "style", "noscript", "template", "iframe", "nav", "aside", "input", "select", "textarea"]
_NEVER_TEXT += ["button"]
_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search"})
# Class or id names of the boxes around an article, as Vietnamese portals (often in unaccented
# Vietnamese) and CMS themes name them. Searched in each class token and the id.
_CHROME_NAME = re.compile(
    r"related|lien-?quan|tin-?khac|other-?news|othernews|cung-?chuyen-?muc|da-?dua|read-?more|doc-?tiep|"
    r"doc-?them|xem-?them|most-?(?:read|view)|xem-?nhieu|doc-?nhieu|comment|binh-?luan|y-?kien|poll|tham-?do|"
    r"footer|sidebar|(?:^|[-_])side(?:$|[-_])|(?:^|[-_])(?:menu|nav)|(?:^|[-_])(?:share|social|tags?|breadcrumbs?)(?:$|[-_])",
    re.IGNORECASE,
)
# A box named like chrome is kept if it holds this share of the page's text: it wraps the article.
_CHROME_MAX_SHARE = 0.5
_TITLE_MIN_WORDS = 4


def html_to_text(html: str) -> tuple[str, str | None]:
    """Visible article text of an HTML page, site chrome removed, and its headline.

    Block elements (paragraphs, headings, list items, ``<br>``...) become line
    breaks; inline elements (links, bold, spans) stay inside their sentence,
    and the source's own line wrapping is only whitespace, as a browser shows it.

    Parameters
    ----------
    html : str

    Returns
    -------
    (str, str or None)
        Text with one block per line, and the headline: the ``<h1>``, else the
        part of ``<title>`` that is a line of the page (a title that is only the
        site's name gives None, and text preparation finds the headline).
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(_NEVER_TEXT):
        tag.decompose()
    page_title = soup.title.get_text() if soup.title else ""
    if soup.title:
        soup.title.decompose()
    root = soup.body or soup
    _remove_chrome(root)
    heading = root.find("h1")
    title = " ".join(heading.get_text().split()) if heading else None

    for tag in root.find_all(True):
        if tag.name == "br":
            tag.replace_with(_BLOCK_BREAK)
        elif tag.name in _BLOCK_TAGS:
            tag.insert_before(_BLOCK_BREAK)
            tag.append(_BLOCK_BREAK)
        elif tag.name in ("td", "th"):
            tag.append(" ")
    text = _INLINE_SPACE.sub(" ", root.get_text())
    lines = [line.strip() for line in text.split(_BLOCK_BREAK)]
    lines = [line for line in lines if line]
    return "\n".join(lines), title or _headline_in_title(page_title, lines)


def _remove_chrome(root) -> None:
    """Decompose page-level header/footer, forms and the boxes named like chrome, unless one holds the article.

    A candidate is kept when it holds the article's ``<h1>`` (the first one outside every
    candidate, else the first one) or more than half the page's text: ASP.NET pages wrap the
    whole page in one ``<form>``, and themes give their content column names like ``left-col``.
    """
    tags = root.find_all(True)  # document order: a tag comes before its descendants
    candidates = []
    for k, tag in enumerate(tags):
        if tag.name in ("header", "footer"):
            if tag.find_parent("article") is None:
                candidates.append(k)
        elif tag.name == "form" or tag.get("role") in _CHROME_ROLES:
            candidates.append(k)
        elif tag.name not in ("html", "body", "article") and _named_like_chrome(tag):
            candidates.append(k)
    if not candidates:
        return
    ids = {id(tags[k]) for k in candidates}
    headings = [tag for tag in tags if tag.name == "h1"]
    outside = [h for h in headings if not any(id(parent) in ids for parent in h.parents)]
    article_heading = (outside or headings or [None])[0]
    holds_heading = {id(article_heading), *(id(p) for p in article_heading.parents)} if article_heading else set()
    sizes, ends = _subtree_facts(root, tags)
    limit = _CHROME_MAX_SHARE * sizes[id(root)]
    removed_until = -1  # tags up to this index lie inside a removed box
    for k in candidates:
        tag = tags[k]
        if k <= removed_until or id(tag) in holds_heading or sizes[id(tag)] > limit:
            continue
        removed_until = ends[k]
        tag.decompose()


def _subtree_facts(root, tags: list) -> tuple[dict[int, int], list[int]]:
    """Visible characters under every tag (by ``id``) and the index of each tag's last descendant in ``tags``.

    One pass over the tags in reverse document order, which visits every tag after all of its
    descendants: linear however deep the tree (``Tag.decomposed`` and ``get_text`` per box are not).
    """
    from bs4 import NavigableString

    index = {id(tag): k for k, tag in enumerate(tags)}
    sizes: dict[int, int] = {}
    ends = list(range(len(tags)))
    for k in range(len(tags) - 1, -2, -1):
        tag = tags[k] if k >= 0 else root
        size = 0
        for child in tag.children:
            if child.name is not None:
                size += sizes[id(child)]
                if k >= 0:
                    ends[k] = max(ends[k], ends[index[id(child)]])
            elif type(child) is NavigableString:
                size += len(child.strip())
        sizes[id(tag)] = size
    return sizes, ends


def _named_like_chrome(tag) -> bool:
    names = tag.get("class") or []
    if tag.get("id"):
        names = [*names, tag["id"]]
    return any(_CHROME_NAME.search(name) for name in names)


def _headline_in_title(page_title: str, lines: list[str]) -> str | None:
    """The longest line of the page that the ``<title>`` starts or ends with (the site's name cut)."""
    page_title = " ".join(page_title.split())
    best = None
    for line in lines:
        if len(line.split()) < _TITLE_MIN_WORDS or (best is not None and len(line) <= len(best)):
            continue
        if line == page_title or (
            len(line) < len(page_title)
            and (
                (page_title.startswith(line) and not page_title[len(line)].isalnum())
                or (page_title.endswith(line) and not page_title[-len(line) - 1].isalnum())
            )
        ):
            best = line
    return best
