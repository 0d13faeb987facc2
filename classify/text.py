"""Vietnamese text preparation: normalise, strip portal clutter, split, tokenise.

The functions here know nothing about models. :func:`prepare` turns the raw text
of a scraped article into a :class:`PreparedText` (title, date, byline, body
sentences) that both the classifier and the summarizer read.

Clutter is recognised by the shape of a line, not by a list of known strings:
portal pages surround the article with runs of short lines that carry no
sentence punctuation (menus, widgets, share buttons), image placeholders and
captions, and a byline after the last paragraph.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain

import numpy as np

__all__ = [
    "ArticleSyllables",
    "PreparedText",
    "SyllableEncoder",
    "encode_articles",
    "normalize",
    "prepare",
    "split_sentences",
    "syllable_tokenize",
    "word_tokenize",
    "extract_date",
]

# Zero-width characters, soft hyphens and control characters (one regex: str.translate is ~10x slower).
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0e-\x1f\x7f-\x9f]+")
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]+")
_WORD = re.compile(r"\w+", re.UNICODE)
_SYLLABLE = re.compile(r"[^\W_]+")
# Non-word characters often glued to the edges of a syllable; stripping them is exact
# (they separate tokens anyway) and much cheaper than a regex per token.
_EDGE_PUNCTUATION = ".,;:!?…\"'“”‘’()[]{}«»<>-–—/\\%*_+=#&|~`^@$"
_DIGIT = re.compile(r"\d")
_SENTENCE_END_MARKS = ".!?…:;"
_SENTENCE_END_SET = frozenset(_SENTENCE_END_MARKS)
_CLOSERS = '"”’)»]'
_MENU_SEPARATORS = re.compile(r"\s*(?:\||·|•|»|›|>>?|\s{3,})\s*")
_MENU_HINT_CHARS = ("|", "·", "•", "»", "›", ">", "   ")
_FIFTY_WORDS = re.compile(r"(?:\W*+\w++){50}")
_IMAGE_LINE_MAX = 130  # longest line _IMAGE_LINE can match: keyword, brackets, an 80-character tail

# A line that stands for a picture, or the share/print/font widgets around it.
_IMAGE_LINE = re.compile(
    r"^[\[(]?\s*(img|image|images|icon|banner|logo|photo|ảnh|hình|ảnh minh họa|ảnh minh hoạ|"
    r"hình minh họa|hình minh hoạ|video|clip)\s*[\])]?(\s*[:\-–].{0,80})?$",
    re.IGNORECASE,
)
_DATE = re.compile(r"(?<!\d)(?P<d>[0-3]?\d)\s*[/.\-]\s*(?P<m>[01]?\d)\s*[/.\-]\s*(?P<y>(?:19|20)\d\d)(?!\d)")
_TIME = re.compile(r"(?<!\d)([0-2]?\d)\s*[:hg]\s*([0-5]\d)(?!\d)")
_BYLINE_PREFIX = re.compile(r"^(tin|bài|ảnh|tin và ảnh|tin, ảnh|bài, ảnh|bài và ảnh|nguồn|theo)\b\s*[:,]?", re.I)
_CLOSING_MARK = re.compile(r"\s*\./\.\s*$")

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    """tp tx tt ths ts pgs gs bs ks cn ls ncs nxb ubnd hđnd đ q p st mr mrs dr th kts
    ng tr no vs sdt đt gđ pgđ""".split()
)
# The mark that ends a sentence, then either closers and a space before the next word, or
# (glued in scraped text: "tại VN.Dự án") the next word itself. Starting with the mark lets
# the regex engine skip ahead to candidate characters.
_SPLIT_POINT = re.compile(
    r"[.!?…](?:(?P<gap>[\"”’)]*\s+)(?=[\"“(]?\w)"
    r"|(?<=\w\w[.!?])(?=\w\w))"
)
_OPENERS = '"“('  # may stand before the first letter of a sentence


class SyllableEncoder:
    """Syllable ids of texts, equal to ``[ids.get(s, 0) for s in syllable_tokenize(text)]``.

    Encoding runs through a :class:`classify.syllable_scan.SyllableScanner`,
    built on first use (about 0.1 s for a 60,000-syllable table) and kept:
    a batch of texts is tokenised and looked up with numpy, several times
    faster than :func:`syllable_tokenize` and a dict, with identical ids.

    Parameters
    ----------
    ids : mapping of str to int
        Syllable ids; syllables not in it get id 0. Call :meth:`clear` after
        changing it.
    """

    def __init__(self, ids: Mapping[str, int]) -> None:
        self.ids = ids
        self._scanner = None

    def clear(self) -> None:
        """Forget the scanner built for the old ``ids`` (needed when ``ids`` changed)."""
        self._scanner = None

    def encode_parts(self, parts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Ids of the syllables of several texts, in order, and the number of syllables of each.

        Returns
        -------
        codes : ndarray of int64
            The ids of all parts, concatenated.
        lengths : ndarray of intp
            Syllables per part.
        """
        if self._scanner is None:
            from classify.syllable_scan import SyllableScanner

            self._scanner = SyllableScanner(self.ids)
        return self._scanner.scan(parts)


class _LookupEncoder:
    """:class:`SyllableEncoder` for a plain mapping: tokenise then look up (nothing to build)."""

    def __init__(self, ids: Mapping[str, int]) -> None:
        self.ids = ids

    def encode_parts(self, parts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        get = self.ids.get
        pieces = [[get(syllable, 0) for syllable in syllable_tokenize(part)] for part in parts]
        lengths = np.fromiter(map(len, pieces), dtype=np.intp, count=len(pieces))
        codes = np.fromiter(chain.from_iterable(pieces), dtype=np.int64, count=int(lengths.sum()))
        return codes, lengths


# Characters scanned together at most when encoding many articles (bounds the scan's arrays).
_SCAN_CHARACTERS = 1 << 22


def encode_articles(articles: Sequence[ArticleSyllables], ids: Mapping[str, int]) -> list[np.ndarray]:
    """:meth:`ArticleSyllables.codes` of many articles, encoding the uncached ones in few scans.

    Parameters
    ----------
    articles : sequence of ArticleSyllables
    ids : mapping of str to int

    Returns
    -------
    list of ndarray of int64
        One array per article, also cached in the article.
    """
    encoder = _encoder(ids)
    todo = [article for article in articles if not article.has_codes(ids)]
    group: list[ArticleSyllables] = []
    size = 0
    for k, article in enumerate(todo):
        group.append(article)
        size += article.text_size()
        if size >= _SCAN_CHARACTERS or k == len(todo) - 1:
            parts = [article.body_parts() for article in group]
            codes, lengths = encoder.encode_parts(list(chain.from_iterable(parts)))
            # Every article has at least its headline part, so no group is empty.
            counts = np.add.reduceat(lengths, np.cumsum([0, *map(len, parts[:-1])]))
            for article, piece in zip(group, np.split(codes, np.cumsum(counts)[:-1])):
                article.set_codes(ids, piece)
            group, size = [], 0
    return [article.codes(ids) for article in articles]


class ArticleSyllables:
    """Syllables (:func:`syllable_tokenize`) of the parts of a :class:`PreparedText`.

    The parts are the headline, each body sentence and each extra line. The
    syllable strings are only tokenised when asked for; classification and
    ranking read ids (:meth:`codes`, :meth:`encode`) through the cached
    :class:`SyllableEncoder` of the id table. :meth:`codes` encodes whole
    paragraphs, so classifying an article never splits it into sentences
    (the syllables are the same either way, tested).

    Parameters
    ----------
    doc : PreparedText
    """

    def __init__(self, doc: PreparedText) -> None:
        self._doc = doc
        self._codes: dict[int, tuple] = {}
        self._lengths: np.ndarray | None = None

    @cached_property
    def title(self) -> list[str]:
        """Syllables of the headline."""
        return syllable_tokenize(self._doc.title or "")

    @cached_property
    def sentences(self) -> list[list[str]]:
        """Syllables of each body sentence."""
        return [syllable_tokenize(s) for s in self._doc.sentences]

    @cached_property
    def extra_lines(self) -> list[list[str]]:
        """Syllables of each extra line."""
        return [syllable_tokenize(s) for s in self._doc.extra_lines]

    def codes(self, ids: Mapping[str, int]) -> np.ndarray:
        """Ids of :meth:`full` under the table ``ids`` (0 = unknown), computed once per table.

        A table with an ``encoder`` attribute (such as
        :class:`classify.ngram_index.SyllableIds`) shares its scanner across articles.
        """
        cached = self._codes.get(id(ids))
        if cached is None or cached[0] is not ids:
            codes, _ = _encoder(ids).encode_parts(self.body_parts())
            cached = self._codes[id(ids)] = (ids, codes)
        return cached[1]

    def has_codes(self, ids: Mapping[str, int]) -> bool:
        """Whether :meth:`codes` under ``ids`` is already computed."""
        cached = self._codes.get(id(ids))
        return cached is not None and cached[0] is ids

    def set_codes(self, ids: Mapping[str, int], codes: np.ndarray) -> None:
        """Store :meth:`codes` under ``ids`` computed elsewhere (see :func:`encode_articles`)."""
        self._codes[id(ids)] = (ids, codes)

    def body_parts(self) -> list[str]:
        """The texts :meth:`codes` encodes: headline, paragraphs, extra lines."""
        doc = self._doc
        return [doc.title or "", *doc.paragraphs, *doc.extra_lines]

    def text_size(self) -> int:
        """Characters in :meth:`body_parts`."""
        doc = self._doc
        return len(doc.title or "") + sum(map(len, doc.paragraphs)) + sum(map(len, doc.extra_lines))

    def encode(self, ids: Mapping[str, int]) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`codes` and :meth:`part_lengths` together, encoding the article once."""
        if self._lengths is None:
            doc = self._doc
            codes, self._lengths = _encoder(ids).encode_parts([doc.title or "", *doc.sentences, *doc.extra_lines])
            if id(ids) not in self._codes:
                self._codes[id(ids)] = (ids, codes)
        return self.codes(ids), self._lengths

    def part_lengths(self) -> np.ndarray:
        """Syllables in the headline, then in each sentence, then in each extra line."""
        if self._lengths is None:
            parts = [self.title, *self.sentences, *self.extra_lines]
            self._lengths = np.fromiter(map(len, parts), dtype=np.intp, count=len(parts))
        return self._lengths

    def full(self) -> list[str]:
        """Headline, sentences and extra lines in one list (the order of ``full_text``)."""
        out = list(self.title)
        for paragraph in self._doc.paragraphs:
            out.extend(syllable_tokenize(paragraph))
        for part in self.extra_lines:
            out.extend(part)
        return out

    def lead_length(self, sentences: int, ids: Mapping[str, int] | None = None) -> int:
        """Number of leading syllables that belong to the headline and the first ``sentences`` sentences.

        With ``ids``, counted through its encoder, splitting only the paragraphs the lead needs.
        """
        if self._lengths is not None:
            return int(self._lengths[: 1 + min(sentences, len(self._doc.sentences))].sum())
        parts = [self._doc.title or "", *self._doc.lead_sentences(sentences)]
        if ids is None:
            return sum(len(syllable_tokenize(part)) for part in parts)
        return int(_encoder(ids).encode_parts(parts)[1].sum())


def _encoder(ids: Mapping[str, int]) -> SyllableEncoder | _LookupEncoder:
    return getattr(ids, "encoder", None) or _LookupEncoder(ids)


@dataclass(frozen=True)
class PreparedText:
    """An article after cleaning.

    Attributes
    ----------
    title : str or None
        Headline detected in the text, or the one given by the caller.
    date : str or None
        Publication date as ISO ``YYYY-MM-DD`` (with `` HH:MM`` when a time is given).
    byline : str or None
        Author or source line found after the last paragraph.
    paragraphs : list of str
        Body paragraphs (prose lines), verbatim from the normalised text, in
        document order. Headline, date line, captions, bylines and clutter are
        never included.
    extra_lines : list of str
        Body lines that are not prose sentences (captions, sub-headings); useful
        as classification features, never summary candidates.
    sentences : list of str
        The paragraphs split by :func:`split_sentences`, on first use.
    """

    title: str | None
    date: str | None
    byline: str | None
    paragraphs: list[str] = field(default_factory=list)
    extra_lines: list[str] = field(default_factory=list)

    @cached_property
    def sentences(self) -> list[str]:
        """Body sentences in document order (split from the paragraphs once, when first asked)."""
        return [sentence for paragraph in self.paragraphs for sentence in split_sentences(paragraph)]

    def lead_sentences(self, count: int) -> list[str]:
        """The first ``count`` body sentences, splitting only the paragraphs they come from."""
        if "sentences" in self.__dict__:
            return self.sentences[:count]
        out: list[str] = []
        for paragraph in self.paragraphs:
            if len(out) >= count:
                break
            out.extend(split_sentences(paragraph))
        return out[:count]

    @property
    def body(self) -> str:
        """The body sentences joined by single spaces."""
        return " ".join(self.sentences)

    @cached_property
    def syllables(self) -> ArticleSyllables:
        """Syllables of the headline, each sentence and each extra line (computed once)."""
        return ArticleSyllables(self)

    @property
    def is_empty(self) -> bool:
        """True when neither a title nor any body text was found."""
        return not self.paragraphs and not self.title and not self.extra_lines


def normalize(text: str) -> str:
    """Return ``text`` in Unicode NFC with uniform spaces and line breaks.

    Non-breaking and other exotic spaces become plain spaces; zero-width
    characters, soft hyphens and control characters are removed; line endings
    become ``\\n``.

    Parameters
    ----------
    text : str
        Raw text, in NFC or NFD form.

    Returns
    -------
    str
        The normalised text.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    # Every character the two regexes replace is non-printable; most texts have none,
    # and checking is ten times cheaper than running the regexes.
    if not all(map(str.isprintable, text.split("\n"))):
        text = _INVISIBLE.sub("", text)
        text = _SPACES.sub(" ", text)
    return unicodedata.normalize("NFC", text)


def _words(line: str) -> int:
    return len(_WORD.findall(line))


def _words_up_to_50(line: str) -> int:
    """:func:`_words`, exact below 50 and 50 otherwise (what the line tests compare).

    Fifty words need at least 99 characters; a longer line is first matched
    against "50 words" (possessive, so runs are never split), which stops at
    the 50th word instead of listing every word of a long paragraph.
    """
    if len(line) >= 99 and _FIFTY_WORDS.match(line):
        return 50
    return _words(line)


def extract_date(line: str) -> str | None:
    """Find a publication date (and time) in one line.

    Parameters
    ----------
    line : str
        A line such as ``"Thứ tư, 28/01/2015 09:18"`` or ``"9:30, Thứ Sáu, 20-7-2018"``.

    Returns
    -------
    str or None
        ``"2015-01-28 09:18"``, ``"2018-07-20 09:30"``, ``"2020-01-12"`` ... or None
        when the line holds no valid date.
    """
    match = _DATE.search(line)
    if not match:
        return None
    day, month, year = int(match["d"]), int(match["m"]), int(match["y"])
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    iso = f"{year:04d}-{month:02d}-{day:02d}"
    rest = line[: match.start()] + " " + line[match.end() :]
    time = _TIME.search(rest)
    if time and int(time.group(1)) < 24:
        iso += f" {int(time.group(1)):02d}:{time.group(2)}"
    return iso


def _is_date_line(line: str, words: int | None = None) -> bool:
    if words is None:
        words = _words(line)
    return words <= 14 and extract_date(line) is not None and not _ends_sentence(line)


def _ends_sentence(line: str) -> bool:
    return line.rstrip().rstrip(_CLOSERS)[-1:] in _SENTENCE_END_SET


def _has_menu_hint(line: str) -> bool:
    """Whether ``line`` holds one of ``_MENU_HINT_CHARS`` (tested equal to ``any(...)``)."""
    # Unrolled: twice as fast as any() over the tuple, and faster than a regex search.
    return "|" in line or "·" in line or "•" in line or "»" in line or "›" in line or ">" in line or "   " in line


def _is_menu(line: str) -> bool:
    """A line of three or more short items separated by bars, bullets or wide gaps."""
    if not _has_menu_hint(line):
        return False
    items = [item for item in _MENU_SEPARATORS.split(line) if item.strip()]
    return len(items) >= 3 and max(_words(item) for item in items) <= 6


def _is_prose(line: str, words: int | None = None) -> bool:
    if words is None:
        words = _words(line)
    if words < 7 or _is_menu(line):
        return False
    return words >= 50 or _ends_sentence(line)


def _is_image(line: str) -> bool:
    if len(line) > _IMAGE_LINE_MAX:
        return False
    return bool(_IMAGE_LINE.match(line)) or line.lower() in {"img", "[img]", "<img>"}


def _looks_like_byline(line: str) -> bool:
    if _BYLINE_PREFIX.match(line):
        return _words(line) <= 15
    words = _WORD.findall(line)
    if not 1 <= len(words) <= 10 or _ends_sentence(line.rstrip("./")):
        return False
    capitalised = sum(w[:1].isupper() for w in words if w[:1].isalpha())
    return capitalised >= max(1, len(words) - 3)


def _title_candidate(line: str) -> bool:
    words = _words(line)
    if not 4 <= words <= 45 or line.rstrip().endswith((".", ":", ";")) or _is_image(line) or _is_menu(line):
        return False
    # Widgets such as "Xem với cỡ chữ: A- A A+" are mostly one-letter tokens;
    # a site header is set in capitals.
    short_tokens = sum(len(tok) == 1 for tok in _WORD.findall(line))
    return short_tokens * 3 < words and not line.isupper()


def prepare(text: str, *, title: str | None = None) -> PreparedText:
    """Clean a raw article and split it into title, date, byline and sentences.

    Parameters
    ----------
    text : str
        Raw article text (a scraped portal page, a press article, a brief).
    title : str, optional
        The headline when the caller knows it; otherwise it is detected from
        the first lines of ``text``. A line of the text equal to the given
        title is not repeated in the body.

    Returns
    -------
    PreparedText
        The cleaned article. Runs in time linear in the length of ``text``.
    """
    lines = [line.strip() for line in normalize(text).split("\n")]
    lines = [line for line in lines if line]
    given_title = normalize(title).strip() if title else None

    # Per-line facts, computed once: the loops below look at neighbours repeatedly.
    word_counts = [_words_up_to_50(line) for line in lines]  # every test below is < 50
    is_prose = [_is_prose(line, n) for line, n in zip(lines, word_counts)]
    prose_idx = [i for i, prose in enumerate(is_prose) if prose]
    first_prose = prose_idx[0] if prose_idx else len(lines)
    last_prose = prose_idx[-1] if prose_idx else -1

    date: str | None = None
    date_idx: set[int] = set()
    for i, line in enumerate(lines):
        if _is_date_line(line, word_counts[i]):
            date_idx.add(i)
            if date is None and (i <= first_prose + 1 or i > last_prose):
                date = extract_date(line)

    detected_title, title_idx = _find_title(lines, first_prose, date_idx)

    byline = None
    if last_prose >= 0:
        for j in range(last_prose + 1, min(last_prose + 3, len(lines))):
            if j not in date_idx and _looks_like_byline(lines[j]) and not _is_image(lines[j]):
                byline = lines[j]
                break

    paragraphs: list[str] = []
    extra: list[str] = []
    previous_is_image = first_prose > 0 and _is_image(lines[first_prose - 1])
    for i in range(first_prose, last_prose + 1):
        line = lines[i]
        after_image, previous_is_image = previous_is_image, _is_image(line)
        if i in date_idx or i == title_idx or previous_is_image or line == given_title:
            continue
        if is_prose[i] and not (after_image and word_counts[i] < 30):
            paragraphs.append(line)
        elif word_counts[i] >= 4 and not _in_menu_run(is_prose, word_counts, i):
            extra.append(line)
    return PreparedText(
        title=given_title or detected_title,
        date=date,
        byline=byline,
        paragraphs=paragraphs,
        extra_lines=extra,
    )


def _find_title(lines: list[str], first_prose: int, date_idx: set[int]) -> tuple[str | None, int | None]:
    """Locate the headline among the lines before the first paragraph.

    A candidate directly followed by the date line wins; otherwise the
    candidate nearest the first paragraph.
    """
    head = range(min(first_prose, len(lines)))
    candidates = [i for i in head if i not in date_idx and _title_candidate(lines[i])]
    for i in candidates:
        if i + 1 in date_idx:
            return lines[i], i
    # Otherwise the candidate nearest the lead: site headers and breadcrumbs
    # come first on portal pages, the headline last.
    if candidates:
        return lines[candidates[-1]], candidates[-1]
    return None, None


def _in_menu_run(is_prose: list[bool], word_counts: list[int], i: int, run: int = 3) -> bool:
    """True when line ``i`` belongs to a run of ``run`` or more short non-prose lines."""
    lo = i
    while lo > 0 and not is_prose[lo - 1] and word_counts[lo - 1] < 7:
        lo -= 1
    hi = i
    while hi + 1 < len(is_prose) and not is_prose[hi + 1] and word_counts[hi + 1] < 7:
        hi += 1
    return hi - lo + 1 >= run


def split_sentences(text: str) -> list[str]:
    """Split Vietnamese text into sentences.

    Line breaks always end a sentence, so a headline, a date line and the
    first sentence are never glued together. Inside a line, a sentence ends at
    ``. ! ? …`` followed by a capital letter or digit, except after common
    abbreviations (``TP.``, ``ThS.``, ``TS.``, ``PGS.``) and inside numbers
    (``104.033``, ``20.7.2018``). A full stop glued to the next capitalised word
    (``tại VN.Dự án``), frequent in scraped text, also ends a sentence.

    Parameters
    ----------
    text : str
        Normalised text.

    Returns
    -------
    list of str
        Sentences, stripped, in order; the closing mark ``./.`` is removed.
    """
    out: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if "./." in line:
            line = _CLOSING_MARK.sub(".", line)
        if not line:
            continue
        # Spans into ``line`` so that merged pieces stay verbatim substrings.
        spans: list[list[int]] = []
        start = 0
        for match in [*_SPLIT_POINT.finditer(line), None]:
            if match is not None and not _starts_sentence(line, match):
                continue
            end = match.start() + 1 if match is not None else len(line)
            if line[start:end].strip():
                if spans and _ends_with_abbreviation(line[spans[-1][0] : spans[-1][1]]):
                    spans[-1][1] = end
                else:
                    spans.append([start, end])
            if match is not None:
                start = match.end()
        out.extend(line[a:b].strip() for a, b in spans)
    return out


def _starts_sentence(line: str, match: re.Match) -> bool:
    """A split point counts when a capital (or, after a space, a digit) follows."""
    i = match.end()
    while i < len(line) and line[i] in _OPENERS:
        i += 1
    if i >= len(line):
        return False
    if match.group("gap"):  # whitespace split
        return line[i].isupper() or line[i].isdigit()
    return line[i].isupper() and i + 1 < len(line) and line[i + 1].islower()


def _ends_with_abbreviation(piece: str) -> bool:
    if not piece.endswith("."):
        return False
    last = piece[:-1].rsplit(None, 1)[-1] if piece[:-1].strip() else ""
    last = last.lstrip('("“')
    return last.lower() in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())


def syllable_tokenize(text: str) -> list[str]:
    """Split text into lowercase syllables, digits folded to ``0``.

    Vietnamese writes one syllable per space-separated token, so this needs no
    segmentation model. Folding digits makes ``năm 2014`` and ``năm 2019`` the
    same feature, which is what a topic or event model should see.

    Parameters
    ----------
    text : str
        Normalised text.

    Returns
    -------
    list of str
        Runs of letters and digits; punctuation and underscores separate them
        and are dropped.
    """
    out: list[str] = []
    # Most syllables are plain letters: keep those as they are and send only
    # tokens with digits or punctuation through the regexes (3x faster).
    for token in text.lower().split():
        if token.isalpha():
            out.append(token)
            continue
        core = token.strip(_EDGE_PUNCTUATION)  # "đồng," "(TP" "2014." are the usual cases
        if core.isalpha():
            out.append(core)
        elif core.isdecimal():
            out.append("0" * len(core))
        elif core:
            out.extend(_SYLLABLE.findall(_DIGIT.sub("0", core)))
    return out


def _fold_digits(token: str) -> str:
    return _DIGIT.sub("0", token)


def word_tokenize(text: str) -> list[str]:
    """Split text into lowercase words with underthesea's segmenter.

    Multi-syllable words are joined with ``_`` (``truyền_thông``). Slower than
    :func:`syllable_tokenize` (a statistical segmenter runs over every token);
    see ``scripts/bench_vntc.py`` for the trade-off.

    Parameters
    ----------
    text : str
        Normalised text.

    Returns
    -------
    list of str
        Word tokens; punctuation is dropped.
    """
    from underthesea import word_tokenize as _underthesea_word_tokenize

    words = _underthesea_word_tokenize(text)
    out = []
    for word in words:
        syllables = _WORD.findall(word.lower())
        if syllables:
            out.append(_fold_digits("_".join(syllables)))
    return out


TOKENIZERS: dict[str, Callable[[str], list[str]]] = {
    "syllable": syllable_tokenize,
    "word": word_tokenize,
}


def resolve_tokenizer(tokenizer: str | Callable[[str], Iterable[str]]) -> Callable[[str], Iterable[str]]:
    """Return the tokenising callable for a name (``"syllable"``/``"word"``) or a callable.

    Raises
    ------
    ValueError
        If ``tokenizer`` is neither a known name nor callable.
    """
    if callable(tokenizer):
        return tokenizer
    try:
        return TOKENIZERS[tokenizer]
    except KeyError:
        raise ValueError(f"unknown tokenizer {tokenizer!r}; use one of {sorted(TOKENIZERS)} or a callable") from None
