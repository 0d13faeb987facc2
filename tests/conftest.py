"""Shared fixtures: the shipped model, the project's corpus, the optional ../shared data."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = Path(os.environ.get("CLASSIFY_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def default_model():
    import classify

    return classify.load()


@pytest.fixture(scope="session")
def seed_corpus():
    from classify.corpus.reader import load_corpus

    return load_corpus(SEEDS)


@pytest.fixture(scope="session")
def small_model(seed_corpus):
    """A model trained in the test session on every fourth corpus article (fast, deterministic)."""
    from classify.corpus.reader import Corpus
    from classify.training import train

    subset = Corpus(seed_corpus.documents[::4], seed_corpus.label_fields, "subset")
    return train(subset)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip("../shared/data is absent (a user's fresh checkout): skipping tests on real data")
    return data


PORTAL_PAGE = """CỔNG THÔNG TIN ĐIỆN TỬ HUYỆN MƯỜNG TÈ
Trang nhất » Tin tức » Văn hóa - Xã hội
Đăng nhập   Đăng ký   Sơ đồ cổng

Huyện Mường Tè khai trương hệ thống truyền thanh thông minh tại 14 xã

Cập nhật lúc 07:45 ngày 03/4/2023

Bản in   Chia sẻ   Gửi email

Sáng 2/4, UBND huyện Mường Tè tổ chức lễ khai trương hệ thống truyền thanh ứng dụng công nghệ thông tin - viễn thông tại 14 xã vùng biên. Hệ thống gồm 86 cụm loa không dây, được điều khiển tập trung từ Trung tâm Văn hóa - Thể thao và Truyền thông huyện qua mạng 4G.

Ảnh: Hoàng Yến
Đại biểu bấm nút khai trương hệ thống.

Theo ông Lò Văn Páo, Phó Chủ tịch UBND huyện, trước đây nhiều bản ở xa trung tâm xã không nghe được loa truyền thanh, thông tin chỉ đến được qua cán bộ bản. Nay mỗi bản đều có cụm loa riêng, phát được bằng tiếng Kinh, tiếng Hà Nhì và tiếng La Hủ.

Tổng kinh phí đầu tư là 4,2 tỷ đồng, từ nguồn Chương trình mục tiêu quốc gia phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số. TP. Lai Châu cách huyện 200 km nên việc bảo trì do ThS. Nguyễn Hữu Đức, Giám đốc Trung tâm, trực tiếp phụ trách./.

Hoàng Yến - Trung tâm VH-TT&TT
Lượt xem: 1.204
Tin cùng chuyên mục
Lai Châu ra quân tháng cao điểm an toàn giao thông
Xã Ka Lăng đón nhận danh hiệu xã nông thôn mới
Liên hệ quảng cáo | Điều khoản sử dụng | Về đầu trang
"""


def windows_1258_bytes(text: str) -> bytes:
    """Bytes as Windows-1258 writes Vietnamese: precomposed vowels, tone marks as combining characters."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones)))
        out.append("".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def default_sigint() -> None:
    """``preexec_fn`` of a child that a test interrupts: SIGINT back to its default.

    A child inherits an ignored SIGINT (``nohup pytest &``), and Python then installs no
    KeyboardInterrupt handler in it, so a test's Ctrl-C would be lost.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def classify_cli(*args: str) -> list[str]:
    """The command line of ``classify ARGS`` in a subprocess, run from this worktree's package."""
    import sys

    return [sys.executable, "-m", "classify.cli", *args]
