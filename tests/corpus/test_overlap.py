from classify.corpus.overlap import article_words, near_duplicates, shared_runs, words

A = "Sáng nay Sở Thông tin và Truyền thông tỉnh Phú Yên tổ chức hội nghị tổng kết công tác năm hai nghìn"
B = "Chiều qua Sở Thông tin và Truyền thông tỉnh Phú Yên tổ chức hội nghị tổng kết công tác năm mới"


def test_shared_runs_find_twelve_word_copies_only():
    docs = {"a": words(A), "b": words(B), "c": words("Một bài hoàn toàn khác về bưu chính viễn thông.")}
    found = shared_runs(docs, 12)
    assert [(x, y) for x, y, _ in found] == [("a", "b")]
    assert shared_runs(docs, 18) and shared_runs(docs, 19) == []  # the common run is 18 words
    assert shared_runs({"c": docs["c"]}, 12, [("ref", words(A))]) == []
    assert shared_runs({"a": docs["a"]}, 12, [("ref", words(B))])[0][:2] == ("a", "ref")


def test_runs_never_cross_lines_or_clutter():
    left = "Tiêu đề bài một về hội nghị\nSở Thông tin và Truyền thông tỉnh Phú Yên tổ chức.\nHội nghị tổng kết công tác năm nay."
    right = "Tiêu đề bài hai về hội nghị\nSở Thông tin và Truyền thông tỉnh Phú Yên tổ chức hội nghị tổng kết công tác năm nay."
    assert shared_runs({"l": article_words(left), "r": article_words(right)}, 12) == []


def test_near_duplicates_by_jaccard():
    docs = {"a": words(A), "a2": words(A + " thêm"), "b": words("hoàn toàn khác " * 5)}
    pairs = near_duplicates(docs, 5, 0.5)
    assert [(x, y) for x, y, _ in pairs] == [("a", "a2")] and pairs[0][2] > 0.9
