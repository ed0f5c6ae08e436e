"""Understand a question: language, task reference, fields asked, intent cues, time expressions.

Everything is matched on the accent-folded question, so ``ai chu tri nhiem vu IV.1`` and
``Ai chủ trì nhiệm vụ IV.1`` parse the same. English questions are recognised and their
domain terms mapped to Vietnamese for retrieval.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.text import fold, has_diacritics

Field_ = str  # "lead", "cooperating", "product", "deadline", "content"

_TASK_REF_RE = re.compile(
    r"(?:(?:nhiem vu|task|muc|nv|hang|dong|row|item)\s*(?:so\s*)?)?\b([ivx]{1,5})\s*[.\-]\s*(\d{1,2})\b(?![./]\d)"
)
# "nhiệm vụ 2 mục II", "nhiệm vụ số 3 thuộc phần B", "task 2 in section II": a row named by number and group
_GROUPED_REF_RE = re.compile(
    r"\b(?:nhiem vu|nv|hang|dong|muc|task|row|item|thu tuc|chi tieu)\s*(?:so\s*)?(\d{1,2}(?:\.\d{1,2})?)\s*,?\s*"
    r"(?:thuoc|cua|trong|o|tai|in|of|under)?\s*(?:muc|phan|nhom|group|section|part)\s+([ivx]{1,5}|[a-d])\b")
# "bước 6", "step 6": a step of a procedure table
_STEP_REF_RE = re.compile(r"\b(?:buoc|step)\s*(?:so\s*)?(\d{1,2})\b")
_EN_WORDS = {"the", "is", "who", "what", "which", "when", "how", "task", "does", "for", "of", "and", "plan", "its", "are", "by"}
_TIME_RE = re.compile(
    r"(quy\s+[iv]{1,3}(?:\s*/\s*\d{4})?|\b6 thang\b|sau thang|giai doan\s*\d{4}\s*[-–]\s*\d{4}|nam\s+\d{4}|"
    r"\d{1,2}/\d{1,2}(?:/\d{4})?)"
)

FIELD_CUES: dict[str, tuple[str, ...]] = {
    "lead": ("chu tri", "ai phu trach", "don vi nao", "co quan nao", "ai thuc hien", "who leads", "who is responsible",
             "phong nao", "bo phan nao", "who carries out", "who performs", "carried out by", "which body", "which unit",
             "lead unit", "responsible", "in charge", "ai lam", "do ai", "ai ", "lead", "leads", "leading"),
    "cooperating": ("phoi hop", "cooperat", "support", "ho tro"),
    "product": ("san pham", "product", "output", "deliverable", "ket qua dau ra", "bieu mau", "mau nao", "mau so",
                "dung mau", "ket qua la gi", "form", "which form"),
    "deadline": ("khi nao", "thoi gian", "thoi han", "han chot", "bao gio", "when", "deadline", "timeline", "due",
                 "hoan thanh", "phai xong", "truoc ngay", "ngay nao", "tien do", "bao lau", "may ngay", "bao nhieu ngay",
                 "how long", "how many days", "time limit"),
    "content": ("noi dung", "la gi", "what is task", "gom nhung gi", "lam gi"),
}

INTENT_CUES: dict[str, tuple[str, ...]] = {
    "signer": ("ai ky", "nguoi ky", "ky ke hoach", "ky van ban", "signed", "signer", "who signed", "ky ban hanh", "do ai ky",
               "ky quyet dinh", "ky nghi quyet",
               "sign", "signs", "chuc danh cua nguoi ky", "chuc danh nguoi ky", "chuc vu nguoi ky", "in what capacity",
               "ky voi tu cach"),
    "number": ("so hieu", "so ky hieu", "ky hieu", "so van ban", "document number", "so bao nhieu", "mang so",
               "reference number"),
    "issuer": ("ai ban hanh", "co quan nao ban hanh", "don vi nao ban hanh", "who issued", "issued by",
               "cua co quan nao", "cua don vi nao", "kem theo ke hoach cua", "which agency", "which body"),
    "date": ("ngay ban hanh", "ban hanh ngay", "ngay nao ban hanh", "date of", "ky ngay", "ngay ky", "when was",
             "ban hanh ngay nao", "ban hanh khi nao", "on what date", "issued on"),
    "proposal": ("theo de nghi", "de nghi cua", "xet de nghi", "to trinh", "at whose proposal", "proposal of",
                 "proposed by", "on the proposal", "whose proposal"),
    "effective": ("co hieu luc", "hieu luc tu", "hieu luc ke tu", "hieu luc thi hanh", "hieu luc khi nao",
                  "hieu luc tu ngay nao", "take effect", "takes effect", "took effect", "effective from", "effective date",
                  "in force", "come into force", "comes into force"),
    "recipients": ("noi nhan", "gui den nhung", "recipients", "sent to whom"),
    "references": ("can cu", "thuc hien theo", "theo nhung", "based on", "implements", "tham chieu", "trien khai theo",
                   "de thuc hien", "thay the", "replace", "replaces", "replaced"),
    "duty": ("lam gi", "nhiem vu gi", "trach nhiem", "co nhiem vu", "duties", "duty", "responsibilit", "what does",
             "phu trach gi", "giao nhiem vu"),
    "target": ("bao nhieu", "ty le", "chi tieu", "muc tieu", "phan tram", "how many", "how much", "target",
               "percentage", "percent", "dat muc"),
    "deadline": FIELD_CUES["deadline"] + ("gui truoc", "cham nhat", "dinh ky"),
    "followup": ("thi sao", "con ", "what about", "and task", "how about"),
}

DOC_KINDS = {
    "quyet dinh": "Quyết định", "ke hoach": "Kế hoạch", "nghi quyet": "Nghị quyết", "chi thi": "Chỉ thị",
    "nghi dinh": "Nghị định", "thong tu": "Thông tư", "luat": "Luật", "ket luan": "Kết luận", "cong van": "Công văn",
    "decision": "Quyết định", "resolution": "Nghị quyết", "directive": "Chỉ thị", "decree": "Nghị định",
    "plan": "Kế hoạch", "plans": "Kế hoạch",
}

# English domain terms → folded Vietnamese, so BM25 can match an English question.
GLOSSARY: dict[str, str] = {
    "administrative reform": "cai cach hanh chinh", "administrative procedure": "thu tuc hanh chinh",
    "satisfaction": "hai long", "satisfied": "hai long", "target": "chi tieu muc tieu", "report": "bao cao",
    "reports": "bao cao", "quarter": "quy", "budget": "ngan sach kinh phi", "funding": "kinh phi nguon",
    "fund": "kinh phi", "sign": "ky", "signed": "ky", "propaganda": "tuyen truyen", "communication": "tuyen truyen",
    "public service": "dich vu cong", "online": "truc tuyen", "digital": "so dien tu", "government": "chinh quyen chinh phu",
    "inspection": "kiem tra", "inspect": "kiem tra", "civil servant": "cong chuc", "civil servants": "cong chuc",
    "training": "dao tao boi duong", "recruitment": "tuyen dung", "job position": "vi tri viec lam",
    "organizational": "to chuc bo may", "apparatus": "bo may", "finance": "tai chinh", "public assets": "tai san cong",
    "business": "doanh nghiep", "enterprise": "doanh nghiep", "citizens": "nguoi dan", "people": "nguoi dan",
    "plan": "ke hoach", "task": "nhiem vu", "deadline": "thoi gian han", "responsible": "chu tri trach nhiem",
    "lead": "chu tri", "cooperate": "phoi hop", "product": "san pham", "commune": "xa", "department": "so phong",
    "office": "van phong", "center": "trung tam", "centre": "trung tam", "border gate": "cua khau",
    "economic zone": "khu kinh te", "management board": "ban quan ly", "home affairs": "noi vu",
    "foreign affairs": "ngoai vu", "percent": "%", "rate": "ty le", "documents": "van ban", "feedback": "phan anh kien nghi",
    "dialogue": "doi thoai", "conference": "hoi nghi", "state budget": "ngan sach nha nuoc",
    "platform": "nen tang", "platforms": "nen tang", "shared": "dung chung", "share": "ty le", "use": "su dung",
    "put into use": "dua vao su dung", "network": "mang", "mobile": "vien thong di dong", "telecommunication": "vien thong",
    "develop": "phat trien", "development": "phat trien", "e-government": "chinh quyen dien tu",
    "digital government": "chinh quyen so", "digital transformation": "chuyen doi so", "focal point": "dau moi",
    "advise": "tham muu", "advises": "tham muu", "leaders": "lanh dao", "leadership": "lanh dao",
    "implementation": "trien khai thuc hien", "implement": "trien khai thuc hien", "replace": "thay the",
    "replaced": "thay the", "replaces": "thay the", "earlier": "truoc", "previous": "truoc",
    "department of foreign affairs": "so ngoai vu", "department of home affairs": "so noi vu",
    "home affairs department": "so noi vu", "foreign affairs department": "so ngoai vu",
    "border economic zone": "khu kinh te cua khau", "people's committee": "uy ban nhan dan ubnd",
    "monitor": "theo doi", "monitoring": "theo doi", "supervise": "giam sat", "urge": "don doc",
    "guide": "huong dan", "check": "kiem tra", "review": "ra soat", "legal documents": "van ban quy pham phap luat",
    "legal": "phap luat", "law": "luat phap luat", "procedures": "thu tuc", "procedure": "thu tuc",
    "internal": "noi bo", "records": "ho so", "dossiers": "ho so", "digitization": "so hoa", "digitisation": "so hoa",
    "data": "du lieu", "reuse": "tai su dung", "exploitation": "khai thac", "payment": "thanh toan",
    "job positions": "vi tri viec lam", "staff": "bien che can bo", "payroll": "bien che", "university": "dai hoc",
    "degree": "trinh do", "officials": "can bo cong chuc", "public employees": "vien chuc", "index": "chi so",
    "score": "chi so diem", "ranking": "xep hang", "competition": "cuoc thi", "initiative": "sang kien",
    "initiatives": "sang kien", "social media": "mang xa hoi", "website": "trang thong tin dien tu",
    "portal": "cong thong tin", "quarterly": "hang quy", "annual": "hang nam", "annually": "hang nam",
    "six-month": "6 thang", "half-year": "6 thang", "deadline": "thoi han truoc ngay", "submit": "gui",
    "sent": "gui", "send": "gui", "before": "truoc ngay", "within": "trong vong cham nhat", "days": "ngay",
    "inventory": "kiem ke", "assets": "tai san", "public investment": "dau tu cong", "disbursement": "giai ngan",
    "disburse": "giai ngan", "capital": "von", "audit": "kiem toan", "inspection": "thanh tra kiem tra",
    "one-stop": "mot cua", "one stop": "mot cua", "reception": "tiep nhan", "handling": "giai quyet xu ly",
    "complaints": "phan anh kien nghi", "petitions": "phan anh kien nghi", "security": "an toan an ninh",
    "information": "thong tin", "technology": "cong nghe", "artificial intelligence": "tri tue nhan tao",
    "virtual assistant": "tro ly ao", "villages": "thon", "residential groups": "to dan pho",
    "merger": "sap nhap", "merge": "sap nhap", "streamline": "tinh gon", "apparatus": "bo may",
    "culture": "van hoa", "society": "xa hoi", "economy": "kinh te", "finance office": "phong kinh te",
}


@dataclass
class Query:
    """What the assistant understood of a question."""

    text: str
    folded: str
    lang: str  # "vi", "vi-noaccent" or "en"
    task_ref: str | None = None  # "III.5"
    fields: list[str] = field(default_factory=list)
    intents: set[str] = field(default_factory=set)
    doc_kinds: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)
    search_text: str = ""  # what retrieval searches (English terms mapped to Vietnamese)
    evidence_text: str = ""  # what evidence must cover: the question, or for English its Vietnamese terms
    units: list[str] = field(default_factory=list)  # content words with diacritics (for coverage)
    units_folded: list[str] = field(default_factory=list)
    followup: bool = False


def detect_lang(text: str) -> str:
    words = re.findall(r"\w+", text.lower())
    english = sum(1 for w in words if w in _EN_WORDS)
    if has_diacritics(text):
        # English that names Vietnamese bodies or codes ("Decision 2500/QĐ-TTg", "Sở Nội vụ") is still English
        accented = sum(1 for w in words if has_diacritics(w))
        return "en" if english >= 3 and accented <= 0.3 * len(words) else "vi"
    return "en" if english >= 2 else "vi-noaccent"


def contains(folded: str, cue: str) -> bool:
    """Cue match on word boundaries (a cue ending in a space must be followed by a word)."""
    pattern = r"(?<![a-z0-9])" + re.escape(cue.strip()) + (r"\s" if cue.endswith(" ") else r"(?![a-z0-9])")
    return re.search(pattern, folded) is not None


def parse(question: str) -> Query:
    text = " ".join(question.split())
    folded = fold(text)
    query = Query(text=text, folded=folded, lang=detect_lang(text))
    match = _TASK_REF_RE.search(folded)
    if match:
        raw = text[match.start(1):match.end(1)]
        explicit = match.group(0).strip()[:1].isalpha() and not match.group(0).strip().startswith(match.group(1))
        if raw.isupper() or explicit:
            query.task_ref = f"{match.group(1).upper()}.{int(match.group(2))}"
    if query.task_ref is None:
        grouped = _GROUPED_REF_RE.search(folded)
        step = _STEP_REF_RE.search(folded)
        if grouped:
            query.task_ref = f"{grouped.group(2).upper()}.{grouped.group(1)}"
        elif step:
            query.task_ref = f"Bước {int(step.group(1))}"
    query.fields = [name for name, cues in FIELD_CUES.items() if any(contains(folded, c) for c in cues)]
    query.intents = {name for name, cues in INTENT_CUES.items() if any(contains(folded, c) for c in cues)}
    query.doc_kinds = [v for k, v in DOC_KINDS.items() if contains(folded, k)]
    query.times = [m.group(0) for m in _TIME_RE.finditer(folded)]
    query.followup = "followup" in query.intents and len(folded.split()) <= 10
    search = text
    query.evidence_text = text
    if query.lang == "en":
        extra = [vi for en, vi in GLOSSARY.items() if contains(folded, en)]
        search = f"{text} {' '.join(extra)}"
        # coverage is judged on Vietnamese evidence: only the mapped terms, codes, numbers and names count
        keep = [w for w in re.findall(r"\S+", text) if re.search(r"\d", w) or w[:1].isupper() and not
                w.lower() in _EN_WORDS | {"in", "what", "which", "who", "when", "how", "besides", "department",
                                          "board", "management", "border", "economic", "zone", "plan", "the"}]
        query.evidence_text = " ".join(extra + [w.strip("?,.'s") for w in keep if not w.isascii() or re.search(r"\d", w)])
    query.search_text = search
    return query
