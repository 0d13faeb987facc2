"""The visible text of an HTML page, one block per line, and its headline."""

from __future__ import annotations

import re

__all__ = ["html_to_text"]

_BLOCK_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd tr table thead tbody section article main blockquote pre "
    "figure figcaption hr address center".split()
)
_BLOCK_BREAK = "\u2029"  # the paragraph separator marks block boundaries until lines are split
_INLINE_SPACE = re.compile(r"[^\S\u2029]+")


def html_to_text(html: str) -> tuple[str, str | None]:
    """Visible text of an HTML page (scripts, styles, navigation removed) and its headline.

    Block elements (paragraphs, headings, list items, ``<br>``...) become line
    breaks; inline elements (links, bold, spans) stay inside their sentence,
    and the source's own line wrapping is only whitespace, as a browser shows it.

    Parameters
    ----------
    html : str

    Returns
    -------
    (str, str or None)
        Text with one block per line, and the ``<h1>`` (else ``<title>``) text.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "iframe"]):
        tag.decompose()
    heading = soup.find("h1") or soup.find("title")
    title = " ".join(heading.get_text().split()) if heading else None
    if heading is not None and heading.name == "title":
        heading.decompose()
    root = soup.body or soup
    for tag in root.find_all(True):
        if tag.name == "br":
            tag.replace_with(_BLOCK_BREAK)
        elif tag.name in _BLOCK_TAGS:
            tag.insert_before(_BLOCK_BREAK)
            tag.append(_BLOCK_BREAK)
        elif tag.name in ("td", "th"):
            tag.append(" ")
    text = _INLINE_SPACE.sub(" ", root.get_text())
    lines = (line.strip() for line in text.split(_BLOCK_BREAK))
    return "\n".join(line for line in lines if line), title or None
