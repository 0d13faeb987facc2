"""Keyword rules: the floor the model must beat (issue #29).

Written once from the cue and scope columns of TAXONOMY.md, before looking at any dev error, and not
tuned afterwards. ``keyword_labels(text)`` returns ``(event_type, topics)``.
"""

from __future__ import annotations

import re

EVENT_CUES = {  # first match in the headline+lead wins, in this order (TAXONOMY.md's precedence)
    "anniversary": ["kỷ niệm", "ngày truyền thống", "năm ngày thành lập", "chặng đường xây dựng", "nhân dịp 21/6"],
    "annual_review": ["tổng kết", "sơ kết", "triển khai nhiệm vụ", "giao ban", "hội nghị cán bộ công chức"],
    "official_visit": ["làm việc với", "thăm và làm việc", "đoàn công tác", "kiểm tra tình hình", "tiếp và làm việc"],
}
TOPIC_CUES = {
    "post_telecom": ["bưu chính", "viễn thông", "thuê bao", "bưu điện", "cáp quang", "băng rộng", "4g", "5g", "tần số"],
    "it_egov": [
        "chính quyền điện tử",
        "dịch vụ công trực tuyến",
        "một cửa",
        "cổng thông tin điện tử",
        "chữ ký số",
        "thư điện tử",
        "ứng dụng công nghệ thông tin",
        "trung tâm dữ liệu",
        "phần mềm",
    ],
    "digital_transformation": ["chuyển đổi số", "đô thị thông minh", "kinh tế số", "xã hội số", "công nghệ số"],
    "press_publishing": ["báo chí", "xuất bản", "nhà báo", "phóng viên", "in ấn", "thông tin đối ngoại"],
    "broadcasting": ["phát thanh", "truyền hình", "truyền thanh", "đài pt-th"],
    "info_security": ["an toàn thông tin", "an ninh mạng", "mã độc", "tấn công mạng", "sự cố"],
}
LEAD_CHARACTERS = 300


def keyword_labels(text: str) -> tuple[str, list[str]]:
    """Event type from the cues in the first 300 characters, topics from cues anywhere."""
    low = re.sub(r"\s+", " ", text.lower())
    lead = low[:LEAD_CHARACTERS]
    event = next((label for label, cues in EVENT_CUES.items() if any(c in lead for c in cues)), "other")
    topics = sorted(t for t, cues in TOPIC_CUES.items() if any(c in low for c in cues))
    return event, topics
