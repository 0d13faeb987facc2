"""Short articles written for the active-learning tests (original text, not taken from any source).

The shipped model is sure of CLEAR_GREETING, hesitates between official_visit and annual_review on
BORDERLINE_VISIT (0.50 each), and BORDERLINE_VISIT_COPY is a near-copy of it (TF-IDF cosine 0.95).
ODD_DOUBLE_EVENT is off the sector, unlike the other articles, and the model hesitates on it between
anniversary and annual_review (0.53 / 0.47): more informative than CLEAR_REVIEW, less typical.
"""

import json
from pathlib import Path

# A plain year-end review: the model is sure of its event type, less of some topics.
CLEAR_REVIEW = """Sở Thông tin và Truyền thông tỉnh Hà Giang tổng kết công tác năm 2023, triển khai nhiệm vụ năm 2024

Sáng 12/1, Sở Thông tin và Truyền thông tỉnh Hà Giang tổ chức hội nghị tổng kết công tác năm 2023 và triển khai nhiệm vụ năm 2024.

Báo cáo tại hội nghị cho biết, năm 2023 ngành đã hoàn thành và vượt 14 trên 15 chỉ tiêu kế hoạch. Hạ tầng bưu chính, viễn thông tiếp tục được mở rộng, 98% thôn bản đã có sóng di động. Công tác quản lý báo chí, xuất bản được tăng cường.

Phát biểu chỉ đạo hội nghị, đồng chí Phó Chủ tịch UBND tỉnh ghi nhận những kết quả ngành đạt được trong năm qua và đề nghị năm 2024 tập trung hoàn thành các chỉ tiêu kế hoạch đề ra.

Dịp này, Sở đã khen thưởng 12 tập thể và 25 cá nhân có thành tích xuất sắc trong năm 2023.
"""

# A deputy minister's visit that is also a mid-year review meeting: the model hesitates between the two.
BORDERLINE_VISIT = """Thứ trưởng dự hội nghị sơ kết 6 tháng tại Sở Thông tin và Truyền thông Bắc Kạn

Chiều 20/7, Thứ trưởng cùng đoàn công tác đã đến làm việc và dự hội nghị sơ kết công tác 6 tháng đầu năm của Sở Thông tin và Truyền thông tỉnh Bắc Kạn.

Báo cáo cho biết 6 tháng qua Sở đã hoàn thành phần lớn nhiệm vụ, song việc đưa các nền tảng số về thôn bản còn chậm. Tỉnh đề xuất Bộ hỗ trợ kinh phí đầu tư trạm phát sóng tại các xã vùng cao.

Thứ trưởng ghi nhận cố gắng của tỉnh, đề nghị rà soát các chỉ tiêu còn chậm và hứa sẽ xem xét các kiến nghị của địa phương.
"""

# The same visit told again with a few words changed (a near-copy another portal would publish).
BORDERLINE_VISIT_COPY = """Thứ trưởng dự hội nghị sơ kết 6 tháng tại Sở Thông tin và Truyền thông tỉnh Bắc Kạn

Chiều ngày 20/7, Thứ trưởng cùng đoàn công tác đã đến làm việc và dự hội nghị sơ kết công tác 6 tháng đầu năm 2024 của Sở Thông tin và Truyền thông tỉnh Bắc Kạn.

Báo cáo cho biết 6 tháng qua Sở đã hoàn thành phần lớn nhiệm vụ, song việc đưa các nền tảng số về thôn bản vẫn còn chậm. Tỉnh đề xuất Bộ hỗ trợ kinh phí đầu tư trạm phát sóng tại các xã vùng cao.

Thứ trưởng ghi nhận cố gắng của tỉnh, đề nghị rà soát các chỉ tiêu còn chậm và hứa sẽ xem xét các kiến nghị của địa phương.
"""

# A provincial leader's greeting to a newspaper on Press Day: a clear anniversary, one clear topic.
CLEAR_GREETING = """Lãnh đạo tỉnh thăm, chúc mừng Báo Lạng Sơn nhân Ngày Báo chí cách mạng Việt Nam

Sáng 19/6, đồng chí Bí thư Tỉnh ủy cùng đoàn công tác đã đến thăm, chúc mừng tập thể cán bộ, phóng viên Báo Lạng Sơn nhân kỷ niệm 98 năm Ngày Báo chí cách mạng Việt Nam.

Thay mặt lãnh đạo tỉnh, đồng chí Bí thư ghi nhận những đóng góp của đội ngũ người làm báo trong công tác tuyên truyền, đề nghị Báo tiếp tục đổi mới nội dung, đẩy mạnh chuyển đổi số trong hoạt động báo chí.
"""

# A farmers' union anniversary held together with a six-month review, in a commune: off the sector.
ODD_DOUBLE_EVENT = """Hội Nông dân xã Yên Lập kỷ niệm 93 năm Ngày thành lập và sơ kết phong trào thi đua 6 tháng

Sáng 14/10, Hội Nông dân xã Yên Lập tổ chức lễ kỷ niệm 93 năm Ngày thành lập Hội Nông dân Việt Nam, đồng thời sơ kết phong trào thi đua sản xuất, kinh doanh giỏi 6 tháng đầu năm.

Sáu tháng qua, toàn xã có 312 hộ đạt danh hiệu sản xuất, kinh doanh giỏi các cấp; Hội đã phối hợp với ngân hàng giải ngân 4,2 tỷ đồng vốn vay cho 96 hộ hội viên phát triển chăn nuôi, trồng chè.

Dịp này, Hội khen thưởng 8 chi hội và 15 hội viên có thành tích xuất sắc.
"""


def write_articles(path: Path, articles: dict[str, str], **extra) -> Path:
    """A JSONL file with one ``{"id", "text", **extra}`` record per article, in order."""
    with open(path, "w", encoding="utf-8") as handle:
        for article_id, text in articles.items():
            handle.write(json.dumps({"id": article_id, "text": text, **extra}, ensure_ascii=False) + "\n")
    return path
