"""Vietnamese display names of the default taxonomy's labels.

Label sets are data (read from the training corpus); this table only gives
readable names for the default model's labels in reports. Unknown labels are
displayed as they are.
"""

from __future__ import annotations

__all__ = ["DISPLAY_NAMES", "display_name"]

DISPLAY_NAMES: dict[str, dict[str, str]] = {
    "event_type": {
        "annual_review": "Tổng kết / sơ kết",
        "anniversary": "Kỷ niệm",
        "official_visit": "Thăm và làm việc",
        "other": "Khác",
    },
    "topics": {
        "post_telecom": "Bưu chính – Viễn thông",
        "it_egov": "CNTT – Chính quyền điện tử",
        "digital_transformation": "Chuyển đổi số",
        "press_publishing": "Báo chí – Xuất bản",
        "broadcasting": "Phát thanh – Truyền hình",
        "info_security": "An toàn thông tin",
    },
}


def display_name(field: str, label: str) -> str:
    """The Vietnamese name of ``label`` in ``field``, or ``label`` itself if unknown."""
    return DISPLAY_NAMES.get(field, {}).get(label, label)
