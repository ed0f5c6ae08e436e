"""The words and patterns by which documents name their parts: table headers, group labels,
units and time expressions. Data only; every pattern runs on accent-folded text (``fold``).

Keeping them here means a new header wording ("Đơn vị đầu mối") is one edit, and the table
reader, the metadata reader and the answer side agree on what a word means.
"""

from __future__ import annotations

import re

# -- task-table headers: a column's role is recognised by what its header means --------------
# Checked in this order on the folded header cell (slashes and commas read as spaces); the first
# role whose pattern matches wins, so "Thời gian thực hiện" is a deadline, not an implementer.
HEADER_ROLE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("stt", re.compile(r"^(?:stt|tt|so tt|so thu tu|thu tu|s tt|ten buoc|buoc|cac buoc)$")),
    ("cooperating", re.compile(r"\bphoi hop\b")),
    ("deadline", re.compile(
        r"^(?:thoi gian|thoi han|thoi diem|tien do|lo trinh|moc thoi gian|han hoan thanh|nam thuc hien"
        r"|nam hoan thanh|ke hoach thoi gian)\b|\bhoan thanh$")),
    ("lead", re.compile(
        r"^(?:(?:co quan|don vi|bo phan|to chuc|ca nhan|nguoi|chu the|cap)\s+)+"
        r"(?:chu tri|thuc hien|dau moi|tham muu|chiu trach nhiem|phu trach|trien khai|giai quyet)\b"
        r"|^(?:chu tri|dau moi|phu trach)\b|^phan cong\b|^trach nhiem (?:thuc hien|chinh|chu tri)\b")),
    ("product", re.compile(r"^(?:san pham|ket qua|dau ra|hinh thuc (?:van ban|san pham)|bieu mau ket qua)\b")),
    ("content", re.compile(
        r"^(?:noi dung|nhiem vu|ten|cong viec|hoat dong|chi tieu|muc tieu|giai phap|de an|du an|chuong trinh"
        r"|danh muc|cac nhiem vu|tieu chi|van de|buoc|linh vuc cong viec)\b")),
]
# Cells of a header are short labels; longer cells are data.
MAX_HEADER_CELL_CHARS = 90
MAX_HEADER_ROLE_WORDS = 9

# What the records of a table are, by the words of its content header.
RECORD_KIND_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("target", re.compile(r"\b(?:chi tieu|muc tieu|tieu chi)\b")),
    ("procedure", re.compile(r"\b(?:thu tuc|tthc)\b")),
    ("step", re.compile(r"^buoc\b")),
]

# -- row labels --------------------------------------------------------------------------------
ROW_NUMBER_RE = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){0,3})\.?$")  # 1, 2., 2.7, 1.2.3 (not codes like 5.002580)
ROMAN_RE = re.compile(r"^(?:phan|muc)?\s*([ivxlc]{1,6})\.?$")  # folded: "ii", "phan ii", "iii."
LETTER_RE = re.compile(r"^(?:phan|muc)?\s*([a-z])\.?$")  # folded: "a", "b.", "phan a"
STEP_RE = re.compile(r"^buoc\s*(\d{1,3})\.?$")  # "Bước 3"
# A group row written as one cell, "A. Thủ tục hành chính cấp tỉnh", "II - CẢI CÁCH THỂ CHẾ"; matched on
# the text as written: capitals only, so "a) …" items are not groups.
LABELLED_GROUP_RE = re.compile(r"^(?:(?:Phần|PHẦN|Mục|MỤC)\s+)?([IVXLC]{1,6}|[A-ZĐ])\s*[.\-–:)]\s+(\S.*)$")
# Column-number rows under a header: "1 | 2 | 3 | 4" or "(1) | (2) | (3)".
COLUMN_INDEX_RE = re.compile(r"^\(?\d{1,2}\)?$|^\(?\d{1,2}\)?\s*=.*$")
# "Như trên": the cell repeats the cell above.
DITTO_RE = re.compile(r"^(?:nhu tren|nt|-nt-|nhu tren\.)$")

# -- what a cell holds -------------------------------------------------------------------------
# A unit: opens with the head noun of a Vietnamese body ("Sở", "UBND", "Các bộ, ngành").
UNIT_RE = re.compile(
    r"^(?:[-+•]\s*)?(?:cac\s+|tat ca\s+)?(?:so|bo|ubnd|uy ban|ban|phong|van phong|trung tam|cong an|thanh tra|cuc|vu"
    r"|tong cuc|vien|truong|dai|bao|hoi|lien doan|tinh doan|doan|kho bac|ngan hang|co quan|don vi|chi cuc"
    r"|hoi dong|nguoi dung dau|chu tich|pho chu tich|giam doc|thu truong|toa an|bao hiem|cong ty|tap doan"
    r"|chinh phu|thu tuong|quoc hoi|mat tran|lanh dao|bo phan|doanh nghiep|dia phuong|chi nhanh|hoc vien"
    r"|dang uy|tinh uy|thanh uy|huyen uy|bo chi huy|bo tu lenh|hdnd|ubmttq|mttq|cap|cong chuc|vien chuc"
    r"|can bo|bch|ttxvn)\b")
# Folded heads that are also common words ("số" folds like "Sở", "bố" like "Bộ"): in accented
# text the head must be written as the unit's own word.
UNIT_HEADS_ACCENTED = {"so": "sở", "bo": "bộ", "vu": "vụ", "dai": "đài", "bao": "báo", "doan": "đoàn",
                       "cap": "cấp", "hoi": "hội", "truong": "trường", "vien": "viện", "cuc": "cục", "phong": "phòng",
                       "ban": "ban", "to": "tổ"}
# A time: quarters, months, years, recurring or relative deadlines.
TIME_RE = re.compile(
    r"\bquy\s+[ivx1-4]|\bnam\s+\d{4}|\b\d{4}\b|\bthang\s+\d|\bngay\s+\d|\d{1,2}/\d{1,2}|thuong xuyen|hang nam"
    r"|hang quy|hang thang|hang tuan|dinh ky|giai doan|khi co|lien tuc|trong nam|den nam|truoc ngay|sau khi"
    r"|ngay lam viec|\bngay\b")
