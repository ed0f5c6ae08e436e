"""Measure diacritic restoration and OCR repair (prints figures; no speed or accuracy asserts).

    python benchmarks/bench_diacritics.py [--shared ../shared]

1. Held-out restoration: a lexicon built like the shipped one but WITHOUT corpus file 004;
   004 is stripped of accents and restored; syllable accuracy vs leaving it unaccented.
2. False repairs: how many syllables of clean folded 004 :func:`ocr_fold` changes (should be ~0).
3. OCR file 003: share of word tokens whose folded form is a real syllable, before and after
   :func:`ocr_fold`, and accuracy on a hand-corrected excerpt of its first pages.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.build_lexicon import build_lexicon, default_sources  # noqa: E402
from ingest.diacritics import (  # noqa: E402
    LEXICON_PATH, TOKEN_RE, Lexicon, load_lexicon, ocr_fold, repair_ocr, restore_diacritics)
from ingest.text import fold, strip_marks, syllables  # noqa: E402

HELD_OUT = "004_09a2eaba18d10548.txt"
OCR_FILE = "003_b2ca1d7a6961c131.txt"
# Two excerpts of file 003 (from START to END) as they should read, typed from the scan. The
# first was used to tune the confusion costs in ingest/diacritics.py, the second was not.
TUNING_TRUTH = """
Thực hiện Kế hoạch số 110/KH-UBND ngày 25/3/2026 của UBND về Cải cách hành chính nhà nước
tỉnh Lạng Sơn giai đoạn 2026 - 2030, Sở Ngoại vụ xây dựng Kế hoạch cải cách hành chính (CCHC)
giai đoạn 2026 - 2030 như sau:
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Tiếp tục đẩy mạnh triển khai thực hiện có hiệu quả các mục tiêu, nhiệm vụ CCHC theo Nghị quyết
số 76/NQ-CP của Chính phủ, Nghị quyết số 60-NQ/TU của Tỉnh ủy và Kế hoạch số 110/KH-UBND của
UBND tỉnh. Xây dựng nền hành chính chuyên nghiệp, hiện đại, hiệu lực, hiệu quả, phục vụ tốt hơn
người dân và doanh nghiệp. Lấy khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số làm động
lực chủ yếu, góp phần nâng cao chất lượng quản trị nhà nước và năng lực cạnh tranh của tỉnh
trong giai đoạn mới.
2. Yêu cầu
Việc triển khai các nội dung CCHC phải đảm bảo tính đồng bộ, toàn diện, có trọng tâm, trọng
điểm, thiết thực và hiệu quả; hướng tới xây dựng nền hành chính dân chủ, chuyên nghiệp, hiện
đại, nâng cao trách nhiệm giải trình; lấy người dân, doanh nghiệp làm trung tâm, lấy sự hài
lòng của họ làm thước đo đánh giá chất lượng hoạt động của bộ máy hành chính nhà nước. Xác định
rõ trách nhiệm của người đứng đầu cơ quan, trách nhiệm của từng phòng, đơn vị trong quá trình
tổ chức thực hiện nhiệm vụ CCHC. Kế thừa, phát huy kết quả đạt được của giai đoạn trước; chủ
động, sáng tạo trong việc áp dụng các giải pháp mới trong công tác CCHC.
II. MỤC TIÊU
1. Cải cách thể chế
- 100% văn bản quy phạm pháp luật (VBQPPL) của Sở được hoàn thiện đồng bộ, phù hợp với yêu cầu
thực tế và thể chế của nền hành chính hiện đại.
- Tiếp tục nâng cao chất lượng công tác xây dựng VBQPPL đảm bảo tính hợp hiến, hợp pháp, tính
đồng bộ, cụ thể, khả thi phù hợp với tình hình thực tế của tỉnh.
- Tăng cường rà soát VBQPPL, kịp thời phát hiện và kiến nghị xử lý các quy định chồng chéo, mâu
thuẫn, trái pháp luật, hết hiệu lực hoặc không còn phù hợp.
"""
CHECK_TRUTH = """
- Tăng cường trách nhiệm người đứng đầu; đẩy mạnh công tác quy hoạch, luân chuyển, bổ nhiệm; bảo
đảm lựa chọn đúng người, đúng việc, đúng tiêu chuẩn.
- Nâng cao kỷ luật, kỷ cương hành chính, đạo đức công vụ; tăng cường kiểm tra; xử lý nghiêm sai
phạm; chú trọng các lĩnh vực nhạy cảm, dễ phát sinh tiêu cực.
6. Cải cách tài chính công
- Nâng cao hiệu quả phân bổ và sử dụng các nguồn lực tài chính; thực hiện phân bổ ngân sách nhà
nước tập trung, hiệu quả; cơ cấu chi ngân sách nhà nước vững chắc; tăng cường giải ngân vốn đầu
tư công. Nâng cao hiệu quả chi tiêu công, quản lý chặt chẽ, tiết kiệm các khoản chi; xây dựng đầy
đủ hệ thống định mức tiêu chuẩn, định mức chi tiêu; thực hiện đúng quy định về công khai NSNN, đa
dạng hóa hình thức công khai, bảo đảm minh bạch, dễ tiếp cận đối với người dân và doanh nghiệp.
"""
EXCERPTS = (
    ("tuning excerpt", "Thuyc hién", "khong con phu hop.", TUNING_TRUTH),
    ("check excerpt", "Tang cuong trach nhiém nguoi dimg", "dan va doanh nghiép.", CHECK_TRUTH),
)


def _words(folded: str) -> list[str]:
    return TOKEN_RE.findall(folded)


def _share(hits: int, total: int) -> str:
    return f"{hits}/{total} = {hits / total:.3f}" if total else "n/a"


def held_out(shared: Path) -> None:
    sources = [p for p in default_sources(shared) if p.name != HELD_OUT]
    t0 = time.perf_counter()
    lex = Lexicon(build_lexicon((p.read_text(encoding="utf-8") for p in sources), sources=[p.name for p in sources]))
    print(f"lexicon without {HELD_OUT}: {len(sources)} sources, {len(lex.unigrams)} syllables, "
          f"built in {time.perf_counter() - t0:.1f} s")
    truth_text = (shared / "corpus" / HELD_OUT).read_text(encoding="utf-8")
    stripped = strip_marks(truth_text)
    t0 = time.perf_counter()
    restored = restore_diacritics(stripped, lex)
    took = time.perf_counter() - t0
    truth, plain, got = syllables(truth_text), syllables(stripped), syllables(restored)
    assert len(truth) == len(plain) == len(got), "restoration changed the tokenisation"
    alpha = [i for i, s in enumerate(truth) if any(c.isalpha() for c in s)]
    exact = sum(truth[i] == got[i] for i in alpha)
    base = sum(truth[i] == plain[i] for i in alpha)
    accented = [i for i in alpha if truth[i] != plain[i]]
    print(f"[held-out 004] restoration syllable accuracy: {_share(exact, len(alpha))}  "
          f"(baseline leave-unaccented: {_share(base, len(alpha))}); "
          f"on syllables that need accents: {_share(sum(truth[i] == got[i] for i in accented), len(accented))}; "
          f"{took * 1000:.0f} ms for {len(truth_text) / 1024:.0f} KB")
    oov = sum(fold(truth[i]) not in lex.candidates for i in alpha)
    print(f"[held-out 004] syllables whose folded form the lexicon lacks: {_share(oov, len(alpha))}")
    print(f"[held-out 004] fold(restore(x)) == fold(x): {fold(restored) == fold(stripped)}")
    clean_folded = fold(truth_text)
    before, after = _words(clean_folded), _words(ocr_fold(truth_text, lex))
    changed = sum(a != b for a, b in zip(before, after))
    print(f"[held-out 004] ocr_fold false repairs on clean text: {_share(changed, len(before))} tokens changed")


def ocr_file(shared: Path) -> None:
    lex = load_lexicon()
    text = (shared / "corpus" / OCR_FILE).read_text(encoding="utf-8")
    t0 = time.perf_counter()
    repaired = ocr_fold(text)
    took_fold = time.perf_counter() - t0
    t0 = time.perf_counter()
    restore_diacritics(text)
    took_restore = time.perf_counter() - t0
    before, after = _words(fold(text)), _words(repaired)
    assert len(before) == len(after), "ocr_fold changed the token boundaries"
    words = [i for i, w in enumerate(before) if any(c.isalpha() for c in w)]
    valid_before = sum(before[i] in lex.candidates for i in words)
    valid_after = sum(after[i] in lex.candidates for i in words)
    print(f"[OCR 003] word tokens whose folded form is a real syllable: before {_share(valid_before, len(words))}, "
          f"after ocr_fold {_share(valid_after, len(words))}")
    left = Counter(after[i] for i in words if after[i] not in lex.candidates)
    print(f"[OCR 003] still not a syllable after repair: {', '.join(f'{w} x{n}' for w, n in left.most_common(20))}")
    print(f"[OCR 003] timing on {len(text) / 1024:.0f} KB: ocr_fold {took_fold * 1000:.0f} ms (cold caches), "
          f"restore_diacritics {took_restore * 1000:.0f} ms")
    for label, start_marker, end_marker, truth_text in EXCERPTS:
        start = text.index(start_marker)
        excerpt = text[start:text.index(end_marker, start) + len(end_marker)]
        _excerpt(label, excerpt, truth_text)


def _excerpt(label: str, excerpt: str, truth_text: str) -> None:
    truth = _words(fold(truth_text))
    raw, fixed = _words(fold(excerpt)), _words(ocr_fold(excerpt))
    accented_truth, accented_got = syllables(truth_text), syllables(repair_ocr(excerpt))
    if not len(truth) == len(raw) == len(fixed) == len(accented_got):
        print(f"[OCR 003 {label}] token counts differ (truth {len(truth)}, ocr {len(raw)}); skipped")
        return
    words = [i for i, w in enumerate(truth) if any(c.isalpha() for c in w)]
    def hits(got: list[str], want: list[str]) -> str:
        return _share(sum(got[i] == want[i] for i in words), len(words))

    print(f"[OCR 003 {label}] folded syllables equal to the truth: before {hits(raw, truth)}, "
          f"after ocr_fold {hits(fixed, truth)}; "
          f"repair_ocr exact accented syllables {hits(accented_got, accented_truth)}")
    wrong = [f"{raw[i]}->{fixed[i]} (want {truth[i]})" for i in words if fixed[i] != truth[i]]
    print(f"[OCR 003 {label}] ocr_fold still wrong: {', '.join(wrong) or 'none'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = Path(os.environ.get("CCHC_SHARED", Path(__file__).resolve().parents[2] / "shared"))
    parser.add_argument("--shared", type=Path, default=default, help=f"shared folder (default: {default})")
    args = parser.parse_args()
    if not (args.shared / "corpus" / HELD_OUT).is_file():
        print(f"error: {args.shared}/corpus/{HELD_OUT} not found; pass --shared", file=sys.stderr)
        return 2
    print(f"shipped lexicon {LEXICON_PATH.name}: {LEXICON_PATH.stat().st_size / 1024:.0f} KiB")
    held_out(args.shared)
    ocr_file(args.shared)
    return 0


if __name__ == "__main__":
    sys.exit(main())
