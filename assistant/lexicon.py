"""Every word and phrase by which the assistant reads a question, in one place (data, no logic).

Cues are matched on the accent-folded question (``ingest.text.fold``) at word boundaries, so
"ai chu tri" and "Ai chủ trì" read the same. To teach the assistant a new question form, add its
words here: the frame (``assistant/query.py``) and the answer paths only read these names.
"""

from __future__ import annotations

import re

from ingest.text import fold

# -- from query -------------------------------------------------------------------------------------
TASK_REF_RE = re.compile(
    r"(?:(?:nhiem vu|task|muc|nv|hang|dong|row|item)\s*(?:so\s*)?)?\b([ivx]{1,5})\s*[.\-]\s*(\d{1,2})\b(?![./]\d)"
)
# "nhiệm vụ 2 mục II", "nhiệm vụ số 3 thuộc phần B", "task 2 in section II": a row named by number and group
GROUPED_REF_RE = re.compile(
    r"\b(?:nhiem vu|nv|hang|dong|muc|task|row|item|thu tuc|chi tieu)\s*(?:so\s*)?(\d{1,2}(?:\.\d{1,2})?)\s*,?\s*"
    r"(?:thuoc|cua|trong|o|tai|in|of|under)?\s*(?:muc|phan|nhom|group|section|part)\s+([ivx]{1,5}|[a-d])\b")
# "bước 6", "step 6": a step of a procedure table
STEP_REF_RE = re.compile(r"\b(?:buoc|step)\s*(?:so\s*)?(\d{1,2})\b")
EN_WORDS = {"the", "is", "who", "what", "which", "when", "how", "task", "does", "for", "of", "and", "plan", "its", "are", "by"}
# A folded word that can be a Vietnamese syllable (onset, vowels, final). An unaccented word that
# cannot ("signed", "commune", "reform") is read as English when telling the language apart;
# "the", "by" can ("thể", "bị"), so they alone never make Vietnamese text English.
VI_SYLLABLE_RE = re.compile(r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[ckmnpt])?$")
# "Chi Lăng commune", "Ca Mau province": a name (capitalised words) followed by the kind of place
EN_NAME_STOP = frozenset({"in", "on", "at", "to", "by", "the", "so", "do", "he", "me", "no"})  # English, though syllable-shaped
EN_PLACE_KINDS = {"commune": "xã", "ward": "phường", "province": "tỉnh", "district": "huyện", "city": "thành phố",
                  "town": "thị xã"}
EN_PLACE_RE = re.compile(r"\b((?:[A-ZĐ][^\s,.;:?!()'’]*\s){1,4})(?i:(commune|ward|province|district|city|town))\b"
                         r"(?!\s+of\b)")
# Names of bodies and places, abbreviated: they also name the plan a question is about ("hdnd tp hue")
# (not "ubnd", "hdnd": every province has one, and the plan matcher reads those heads itself)
ORG_ABBREVIATIONS: dict[str, str] = {
    "ubtvqh": "Ủy ban thường vụ Quốc hội", "tp": "thành phố",
    "tphcm": "thành phố Hồ Chí Minh", "tp.hcm": "thành phố Hồ Chí Minh", "hcm": "Hồ Chí Minh",
    "ttpvhcc": "Trung tâm Phục vụ hành chính công", "bcd": "Ban Chỉ đạo", "cp": "Chính phủ",
    "ttg": "Thủ tướng", "qh": "Quốc hội", "bqp": "Bộ Quốc phòng", "bca": "Bộ Công an", "bnv": "Bộ Nội vụ",
    "snv": "Sở Nội vụ", "btc": "Bộ Tài chính", "btp": "Bộ Tư pháp", "bct": "Bộ Công Thương",
    "byt": "Bộ Y tế", "bxd": "Bộ Xây dựng", "bnnmt": "Bộ Nông nghiệp và Môi trường",
    "bkhcn": "Bộ Khoa học và Công nghệ", "bgddt": "Bộ Giáo dục và Đào tạo", "vpcp": "Văn phòng Chính phủ",
    "tw": "Trung ương", "gddt": "giáo dục và đào tạo", "gd&dt": "giáo dục và đào tạo",
    "khcn": "khoa học và công nghệ", "kh&cn": "khoa học và công nghệ", "nn&mt": "nông nghiệp và môi trường",
    "nnmt": "nông nghiệp và môi trường", "tn&mt": "tài nguyên và môi trường", "tnmt": "tài nguyên và môi trường",
    "ldtbxh": "lao động - thương binh và xã hội", "vhttdl": "văn hóa, thể thao và du lịch",
    "gtvt": "giao thông vận tải", "tttt": "thông tin và truyền thông",
}
# Abbreviations of Vietnamese administrative writing and what they stand for. Questions and plans
# use both forms ("ubnd xã" / "Ủy ban nhân dân xã", "BHYT" / "bảo hiểm y tế"): retrieval searches
# both, and evidence that writes one form covers a question that writes the other. Keys are folded.
ABBREVIATIONS: dict[str, str] = {
    **ORG_ABBREVIATIONS, "ubnd": "Ủy ban nhân dân", "hdnd": "Hội đồng nhân dân", "mttq": "Mặt trận Tổ quốc",
    "ubmttq": "Ủy ban Mặt trận Tổ quốc", "cchc": "cải cách hành chính",
    "tthc": "thủ tục hành chính", "vbqppl": "văn bản quy phạm pháp luật", "qppl": "quy phạm pháp luật",
    "cntt": "công nghệ thông tin", "csdl": "cơ sở dữ liệu", "pakn": "phản ánh, kiến nghị",
    "dvc": "dịch vụ công", "dvctt": "dịch vụ công trực tuyến", "bhyt": "bảo hiểm y tế",
    "bhxh": "bảo hiểm xã hội", "bhtn": "bảo hiểm thất nghiệp", "nsnn": "ngân sách nhà nước",
    "nsdp": "ngân sách địa phương", "ktxh": "kinh tế - xã hội", "kt-xh": "kinh tế - xã hội",
    "pccc": "phòng cháy, chữa cháy", "gpmb": "giải phóng mặt bằng", "attp": "an toàn thực phẩm",
    "htx": "hợp tác xã", "dnnn": "doanh nghiệp nhà nước", "tnhh": "trách nhiệm hữu hạn",
    "cbccvc": "cán bộ, công chức, viên chức", "ccvc": "công chức, viên chức", "dvhc": "đơn vị hành chính",
    "thcs": "trung học cơ sở", "thpt": "trung học phổ thông", "kcn": "khu công nghiệp", "kkt": "khu kinh tế",
    "ctmtqg": "chương trình mục tiêu quốc gia", "mtqg": "mục tiêu quốc gia", "dbqh": "đại biểu Quốc hội",
}
# A kind of document abbreviated before its number ("qd 44/2025", "nq 37", "tt 69/2025/tt-bnnmt"):
# only there, since "tt" or "kh" alone mean other things.
DOC_KIND_ABBREVIATIONS: dict[str, str] = {
    "qd": "Quyết định", "nq": "Nghị quyết", "nd": "Nghị định", "tt": "Thông tư", "kh": "Kế hoạch",
    "ct": "Chỉ thị", "cv": "Công văn", "tb": "Thông báo", "vbhn": "văn bản hợp nhất",
}
# Abbreviations Vietnamese questions use that are not syllables either.
VI_ABBREVIATIONS = frozenset({*"cchc tthc ubnd hdnd vbqppl cntt csdl pakn dvc bnv snv".split(),
                              *(k for k in ABBREVIATIONS if k.isalpha())})
TIME_RE = re.compile(
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
    # "… của cơ quan nào" asks the issuer only of a document ("báo cáo của cơ quan nào" asks content)
    "issuer": ("ai ban hanh", "co quan nao ban hanh", "don vi nao ban hanh", "who issued", "issued by",
               "kem theo ke hoach cua", "which agency", "which body")
    + tuple(f"{kind}{this} cua {body} nao" for kind in ("ke hoach", "quyet dinh", "nghi quyet", "chi thi", "nghi dinh",
                                                       "thong tu", "cong van", "van ban", "quy che", "quy dinh")
            for this in ("", " nay", " nay la", " la") for body in ("co quan", "don vi")),
    "date": ("ngay ban hanh", "ban hanh ngay", "ngay nao ban hanh", "date of", "ky ngay", "ngay ky", "when was",
             "ban hanh ngay nao", "ban hanh khi nao", "on what date", "issued on"),
    "proposal": ("theo de nghi", "de nghi cua", "xet de nghi", "to trinh", "at whose proposal", "proposal of",
                 "proposed by", "on the proposal", "whose proposal"),
    "effective": ("co hieu luc", "hieu luc tu", "hieu luc ke tu", "hieu luc thi hanh", "hieu luc khi nao",
                  "het hieu luc", "bai bo nhung", "bai bo quyet dinh", "bai bo nghi quyet", "bai bo cac", "repeal",
                  "repeals", "cease to be effective", "ceases to be effective", "no longer in force",
                  "hieu luc tu ngay nao", "take effect", "takes effect", "took effect", "effective from", "effective date",
                  "in force", "come into force", "comes into force"),
    "recipients": ("noi nhan", "gui den nhung", "recipients", "sent to whom"),
    # the document an amending document amends, which its title names ("Sửa đổi, bổ sung một số điều của Nghị định …")
    "amends": tuple(f"{verb} {kind} nao" for verb in ("sua doi", "bo sung", "sua doi bo sung")
                    for kind in ("van ban", "nghi dinh", "quyet dinh", "thong tu", "nghi quyet", "ke hoach"))
    + ("amend", "amends"),
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
# The kinds of document a question can name, folded ("nghị quyết của HĐND …")
DOC_KINDS_FOLDED = ("quyet dinh", "ke hoach", "nghi quyet", "chi thi", "nghi dinh", "thong tu", "luat", "ket luan",
                    "cong van", "thong bao", "cong dien", "quy che", "quy dinh")
# Kinds of document an English question names ("when does Circular 58 take effect")
EN_DOC_KINDS = ("decision", "decisions", "resolution", "directive", "decree", "circular", "regulation", "regulations",
                "plan", "law", "document", "notice", "rules")
# English domain terms → folded Vietnamese, so BM25 can match an English question.
GLOSSARY: dict[str, str] = {
    "administrative reform": "cai cach hanh chinh", "administrative procedure": "thu tuc hanh chinh",
    "satisfaction": "hai long", "satisfied": "hai long", "target": "chi tieu muc tieu", "report": "bao cao",
    "reports": "bao cao", "quarter": "quy", "budget": "ngan sach kinh phi", "funding": "kinh phi nguon",
    "fund": "kinh phi", "sign": "ky", "signed": "ky", "propaganda": "tuyen truyen", "communication": "tuyen truyen",
    "public service": "dich vu cong", "online": "truc tuyen", "digital": "so dien tu", "government": "chinh quyen chinh phu",
    "inspect": "kiem tra", "civil servant": "cong chuc", "civil servants": "cong chuc",
    "training": "dao tao boi duong", "recruitment": "tuyen dung", "job position": "vi tri viec lam",
    "organizational": "to chuc bo may", "finance": "tai chinh", "public assets": "tai san cong",
    "business": "doanh nghiep", "enterprise": "doanh nghiep", "citizens": "nguoi dan", "people": "nguoi dan",
    "plan": "ke hoach", "task": "nhiem vu", "responsible": "chu tri trach nhiem",
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
# Generic administrative English (issue 14): kinds of documents and bodies, what plans ask bodies to do,
# time words. Written as a vocabulary of the domain, not from any question's wording.
GLOSSARY.update({
    "decision": "quyet dinh", "decree": "nghi dinh", "circular": "thong tu", "resolution": "nghi quyet",
    "directive": "chi thi", "notice": "thong bao", "official letter": "cong van", "regulation": "quy dinh",
    "regulations": "quy dinh", "appendix": "phu luc", "article": "dieu", "clause": "khoan", "chapter": "chuong",
    "ministry": "bo", "minister": "bo truong", "prime minister": "thu tuong", "government office": "van phong chinh phu",
    "provincial": "tinh", "province": "tinh", "city": "thanh pho", "ward": "phuong", "wards": "phuong",
    "communes": "xa", "commune-level": "cap xa", "district": "huyen", "village": "thon", "unit": "don vi",
    "units": "don vi", "agency": "co quan", "agencies": "co quan", "body": "co quan", "bodies": "co quan",
    "council": "hoi dong", "committee": "uy ban", "chairman": "chu tich", "chairperson": "chu tich",
    "vice chairman": "pho chu tich", "director": "giam doc", "head": "truong thu truong", "deputy": "pho",
    "specialised": "chuyen mon", "specialized": "chuyen mon", "professional": "chuyen mon",
    "issue": "ban hanh", "issued": "ban hanh", "issues": "ban hanh", "approve": "phe duyet", "approved": "phe duyet",
    "approval": "phe duyet", "draw up": "xay dung", "drafting": "xay dung soan thao", "draft": "du thao xay dung",
    "build": "xay dung", "building": "xay dung", "establish": "thanh lap", "propose": "de xuat", "proposes": "de xuat",
    "proposal": "de nghi to trinh", "coordinate": "phoi hop", "coordinates": "phoi hop", "coordination": "phoi hop",
    "assess": "danh gia", "assessment": "danh gia", "evaluate": "danh gia", "evaluation": "danh gia",
    "scores": "cham diem", "scoring": "cham diem", "rank": "xep hang", "reviews": "ra soat", "reviewing": "ra soat",
    "monitors": "theo doi", "enforcement": "thi hanh", "law enforcement": "thi hanh phap luat",
    "compile": "tong hop", "compiles": "tong hop", "summarise": "tong hop", "summarize": "tong hop",
    "estimate": "du toan", "estimates": "du toan", "expenditure": "chi", "spending": "chi", "allocate": "phan bo bo tri",
    "publish": "cong bo", "published": "cong bo", "announce": "cong bo", "post": "dang tai", "posts": "dang tai",
    "disseminate": "pho bien", "dissemination": "pho bien", "raise awareness": "nang cao nhan thuc",
    "recruit": "tuyen dung", "recruited": "tuyen dung", "appoint": "bo nhiem", "appointment": "bo nhiem",
    "discipline": "ky luat", "violation": "vi pham", "violations": "vi pham", "handle": "xu ly", "handled": "xu ly",
    "receive": "tiep nhan", "receipt": "tiep nhan", "return results": "tra ket qua", "result": "ket qua",
    "results": "ket qua", "outcome": "ket qua", "criteria": "tieu chi", "criterion": "tieu chi", "standard": "tieu chuan chuan",
    "standards": "tieu chuan", "software": "phan mem", "database": "co so du lieu", "databases": "co so du lieu",
    "system": "he thong", "information system": "he thong thong tin", "electronic": "dien tu",
    "social network": "mang xa hoi", "social networks": "mang xa hoi", "bulletin": "ban tin", "newsletter": "ban tin",
    "technologies": "cong nghe", "ideas": "y tuong", "idea": "y tuong", "solutions": "giai phap", "solution": "giai phap",
    "full-process": "toan trinh", "end-to-end": "toan trinh", "mobile network": "mang di dong", "coverage": "phu song",
    "period": "giai doan", "phase": "giai doan", "stage": "giai doan", "year": "nam", "years": "nam", "month": "thang",
    "months": "thang", "monthly": "hang thang", "weekly": "hang tuan", "working days": "ngay lam viec",
    "working day": "ngay lam viec", "at the latest": "cham nhat", "no later than": "cham nhat", "by the end of": "truoc",
    "regularly": "thuong xuyen", "ongoing": "thuong xuyen", "each year": "hang nam", "every year": "hang nam",
    "take effect": "hieu luc", "effective": "hieu luc", "replacing": "thay the", "abolish": "bai bo", "repeal": "bai bo",
    "amend": "sua doi", "amended": "sua doi", "amendment": "sua doi bo sung", "supplement": "bo sung",
    "workforce": "nhan luc", "human resources": "nguon nhan luc", "talent": "nhan tai", "qualification": "trinh do",
    "cadres": "can bo", "employees": "vien chuc nguoi lao dong", "workers": "nguoi lao dong",
    "households": "ho gia dinh", "poor households": "ho ngheo", "residents": "nguoi dan", "population": "dan so",
    "investment": "dau tu", "invest": "dau tu", "project": "du an", "projects": "du an", "programme": "chuong trinh",
    "program": "chuong trinh", "scheme": "de an", "strategy": "chien luoc", "objective": "muc tieu", "objectives": "muc tieu",
    "goal": "muc tieu", "goals": "muc tieu", "targets": "chi tieu muc tieu", "percentage": "ty le %", "share of": "ty le",
    "at least": "toi thieu it nhat", "maximum": "toi da", "up to": "toi da khong qua", "minimum": "toi thieu",
    "fee": "phi le phi", "fees": "phi le phi", "fine": "phat tien", "fines": "phat tien", "penalty": "xu phat",
    "support": "ho tro", "subsidy": "ho tro", "loan": "cho vay", "loans": "cho vay", "interest rate": "lai suat",
    "environment": "moi truong", "health": "y te", "education": "giao duc", "agriculture": "nong nghiep",
    "transport": "giao thong", "construction": "xay dung", "industry and trade": "cong thuong", "tax": "thue",
    "taxpayers": "nguoi nop thue", "justice": "tu phap", "finance department": "so tai chinh",
    # systems and their addresses, meetings, contracts and services
    "web address": "dia chi truy cap", "address": "dia chi", "url": "dia chi truy cap", "domain": "ten mien",
    "access": "truy cap", "e-mail": "thu dien tu", "email": "thu dien tu", "mailbox": "hop thu", "account": "tai khoan",
    "accounts": "tai khoan", "password": "mat khau", "backup": "sao luu", "mobile app": "ung dung di dong",
    "session": "ky hop", "meeting": "cuoc hop hop", "attend": "tham du", "members": "thanh vien uy vien",
    "member": "thanh vien uy vien", "quorum": "tham du", "overdue": "qua han", "late": "qua han cham",
    "contract": "hop dong", "contracts": "hop dong", "lending": "cho vay", "repayment": "tra no", "electricity": "dien",
    "forest": "rung", "forest protection": "kiem lam", "ranger": "kiem lam", "rangers": "kiem lam",
    "station": "tram", "stations": "tram", "liquidation": "thanh ly", "transfer": "dieu chuyen", "revoke": "thu hoi",
    "recovery": "thu hoi", "notarization": "cong chung", "certification": "chung thuc", "emulation": "thi dua",
    "commendation": "khen thuong", "reward": "khen thuong", "ethnic minority": "dan toc thieu so",
    "invention": "sang che", "licence": "giay phep", "license": "giay phep", "processing time": "thoi gian giai quyet",
    "shortened": "rut ngan", "cut": "rut ngan cat giam", "reduced": "rut ngan cat giam",
})

# -- from answer_type -------------------------------------------------------------------------------
PERCENT_RE = re.compile(r"\d+(?:[.,]\d+)?\s*%")
DATE_RE = re.compile(
    r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\bquý\s+[IV]+\b|\bquy\s+[iv]+\b|\btháng\s+\d{1,2}\b|\bthang\s+\d{1,2}\b|"
    r"\bnăm\s+\d{4}\b|\bnam\s+\d{4}\b|\b\d{4}\s*[-–—]\s*\d{4}\b|thường xuyên|thuong xuyen|hằng năm|hàng năm|hang nam|"
    r"hàng quý|hang quy|định kỳ|dinh ky|chậm nhất|cham nhat|trước ngày|truoc ngay|\b\d+\s*(?:ngày|ngay)\b",
    re.IGNORECASE,
)
DOCNUM_RE = re.compile(r"\d+(?:/\d{4})?/[A-ZĐa-zđ][A-Za-zĐđ\-]+|\d+-[A-Z]+/[A-Z]+|/[A-Z]{2,}-[A-Za-z]+")
NAMED_DOC_RE = re.compile(r"\b(?:Luật|Luat|Bộ luật|Nghị định|Chương trình|Đề án|De an)\s+[A-ZĐÀÁẢÃẠÂĂÔƠƯÉÈÊÍÌÓÒÚÙÝ]")
DAY_CUES = ("ngay nao", "ngay may", "what date", "which date", "which day")
DAY_RE = re.compile(r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\bngày\s+\d{1,2}\b|\bngay\s+\d{1,2}\b|\b\d+\s*(?:ngày|ngay)\b",
                     re.IGNORECASE)
PERSON_CUES = ("ten la gi", "la ai", "ho ten", "ho va ten", "who is", "ten gi", "ten cua")
DATE_CUES = ("ngay nao", "khi nao", "bao gio", "luc nao", "thang nao", "nam nao", "thoi han nao", "when", "what date",
             "giai doan nao", "thoi diem nao", "han nao")
QUANTITY_CUES = ("bao nhieu", "so luong", "how many", "how much", "may lan", "thu may", "so may")
AMOUNT_CUES = ("bao nhieu tien", "so tien", "tong kinh phi", "kinh phi bao nhieu", "muc chi", "muc phat", "phat bao nhieu",
               "tong von", "total budget", "how much money", "in vnd", "amount of money", "how much funding", "fine of")
MONEY_RE = re.compile(r"\d[\d.,]*\s*(?:đồng|đ\b|triệu|tỷ|nghìn|ngàn|vnđ|vnd|dong\b|trieu|ty\b)", re.IGNORECASE)
PERCENT_CUES = ("ty le", "phan tram", "percent", "percentage", "%", "what share")
COUNTED_RE = re.compile(r"\b(?:bao nhieu|how many|so luong)\s+([a-z]+(?:\s[a-z]+)?)")
NOT_NOUNS = {"phan", "tram", "la", "thi", "va", "nam", "the", "of", "do", "are", "is", "duoc", "lan", "mot", "moi"}  # "bao nhiêu một tháng": a rate, no counted noun

# -- from evidence ----------------------------------------------------------------------------------
QUESTION_WORDS = frozenset(
    """ai gi nao bao nhieu khi sao the nhu the nao la co khong duoc cua va cac nhung mot trong cho voi ve theo tai
    tu nay do de thi phai can hay hoac ra vao len den tren duoi boi ma neu nen da se dang nhe a
    what who which when how is are the of for to in on and or by does do its it be was with about task plan
    xin cho biet hoi may cu the hien nay nhu the nao please tell me""".split()
)
# Phrases that ask, not name (folded; removed before segmenting a question into content units)
QUESTION_PHRASES_RE = re.compile(r"\b(?:bao lau|bao gio|khi nao|nhu the nao|the nao|o dau|tai sao|vi sao)\b")
# Phrasing of questions, with diacritics (folded forms would also drop "đạt", "phần" of the text).
QUESTION_WORDS_ACCENTED = frozenset("phần trăm đặt hướng tới cần những nào gì làm bao nhiêu mấy hạn cuối".split())
# The domain's own words, shared by every plan of administrative reform: they neither identify evidence nor
# prove it answers (a year every document names is found from the corpus, in evidence.TermWeights.common).
# (Single syllables, as the segmenter leaves them when it does not join them into a compound.)
DOMAIN_COMMON = frozenset("ke hoach cchc cai cach hanh chinh nam nhiem vu".split())
# Words that plans and askers use for the same bound ("tối thiểu 85%" asked, "ít nhất 85%" written).
SYNONYM_GROUPS = (("tối thiểu", "ít nhất"), ("tối đa", "nhiều nhất", "không quá"))

# -- from extractive --------------------------------------------------------------------------------
# "Quyết định nào …", "văn bản số mấy", "which decision": the answer is a document number
# ("cơ quan nào" is not: it asks for a body)
ASKS_FOR_DOCUMENT = re.compile(
    r"\b(?:quyet dinh|ke hoach|van ban|chi thi|nghi quyet|nghi dinh|thong tu|cong van)\s+(?:so\s+)?(?:nao|may)\b"
    r"|\bwhich\s+(?:decision|plan|document|directive|resolution|decree|circular)\b")

# -- from fact_answer -------------------------------------------------------------------------------
UNIT_GENERIC = {"xa", "phong", "so", "cac", "va", "thuoc", "ubnd", "don", "vi", "cua", "ban"}
# A question asks what a document replaces; a document says what it replaces (its entry-into-force article)
REPLACES_CUES = ("thay the", "replace", "replaces", "replaced", "replacing")
# … and what it repeals (cues of the "effective" intent that ask what ends, not when it starts)
REPEAL_CUES = ("het hieu luc", "bai bo nhung", "bai bo quyet dinh", "bai bo nghi quyet", "bai bo cac", "repeal",
               "repeals", "cease to be effective", "ceases to be effective", "no longer in force")
# The parts of a document's identity a metadata answer gives, in the order it gives them
META_ORDER = ("number", "date", "issuer", "signer", "proposal", "amends", "effective", "recipients")
MISSING_VI = {"number": "số hiệu", "date": "ngày ban hành", "issuer": "cơ quan ban hành", "signer": "người ký",
               "proposal": "cơ quan đề nghị", "amends": "văn bản được sửa đổi", "effective": "thời điểm có hiệu lực",
               "recipients": "nơi nhận"}
MISSING_EN = {"number": "its number", "date": "its date", "issuer": "its issuer", "signer": "who signed it",
               "proposal": "whose proposal it answers", "amends": "what it amends", "effective": "when it takes effect",
               "recipients": "its recipients"}
ROLE_WORDS = ("TRUONG", "CHU TICH", "GIAM DOC", "PHO", "KT.", "TM.", "TL.", "Q.", "CHANH", "BI THU", "THU TRUONG")
ISSUER_CUES = {"thu tuong": ("ttg",), "chinh phu": ("cp", "ttg"), "ubnd tinh": ("ubnd",), "uy ban nhan dan tinh": ("ubnd",),
                "tinh uy": ("tu",), "bo chinh tri": ("tw",), "trung uong": ("tw",), "hdnd": ("hdnd",), "quoc hoi": ("qh",)}
KIND_WORDS = "ke hoach|quyet dinh|nghi quyet|chi thi|nghi dinh|thong tu|luat|ket luan|cong van|van ban"

# -- from task_answer -------------------------------------------------------------------------------
FIELD_LABELS_VI = {"lead": "Chủ trì", "cooperating": "Phối hợp", "product": "Sản phẩm", "deadline": "Thời gian thực hiện"}
FIELD_LABELS_EN = {"lead": "Lead unit (chủ trì)", "cooperating": "Cooperating units (phối hợp)",
                   "product": "Product (sản phẩm)", "deadline": "Timeline (thời gian thực hiện)"}
FIELD_ORDER = ["lead", "deadline", "product", "cooperating"]
RECORD_NOUN = {"task": ("Nhiệm vụ", "Task"), "procedure": ("Thủ tục", "Procedure"), "target": ("Chỉ tiêu", "Target"),
                "step": ("", "")}
GENERIC_LABEL_WORDS = {"ten", "cua", "cac", "va", "theo", "quy", "dinh", "thuc", "hien", "tthc", "thu", "tuc", "hanh",
                        "chinh", "noi", "dung", "ban", "nay"}
# A question that asks for the items of a list ("có những hình thức nào", "gồm những gì", "which … are"):
# the answer is the whole list under its lead-in, not its first item
LIST_QUESTION_RE = re.compile(
    r"\b(?:nhung|cac)\s+(?:\w+\s+){0,4}?nao\b|\bgom nhung\b|\bbao gom\b|\bgom nhung gi\b|\bliet ke\b"
    r"|\bnhung gi\b|\bwhat are\b|\blist\b|\bwhich\s+(?:\w+\s+){0,3}?(?:are|include|includes)\b")
# A body named in a passage (capitalised as names are): what "cơ quan nào …?" is answered with
BODY_RE = re.compile(r"(?<!\w)(?:Sở|Bộ|Ban|Cục|Chi cục|Văn phòng|Ủy ban nhân dân|Uỷ ban nhân dân|UBND|Chủ tịch|Hội đồng"
                     r"|Công an|Thanh tra|Trung tâm|Phòng|Kho bạc|Quỹ|Thủ tướng|Chính phủ)(?!\w)[^,.;:()]{0,40}")
# Kinds of list item lines, most specific first, with their nesting level ("Bước 1." and "1." open
# the outer lists, "a)" items sit in them, "-" and "+" deeper still): assistant/lists.py
LIST_ITEM_KINDS = (("step", r"(?:\d{1,2}[.)]\s*)?(?:bước|giai đoạn)\s+\d{1,2}\s*[.:)]", 0),
                   ("number", r"\d{1,2}[.)]\s", 0),
                   ("letter", r"[a-zđ]\)\s", 1),
                   ("dash", r"[-•–]\s", 2),
                   ("plus", r"\+\s", 3))
LIST_CUES = ("nhung nhiem vu nao", "cac nhiem vu nao", "nhiem vu nao", "which tasks", "what tasks", "liet ke nhiem vu",
              "cac nhiem vu")
# Words every task-field question uses; they are credited to every task alike.
FIELD_WORDS = ("nhiệm vụ cơ quan đơn vị nào ai chủ trì phối hợp thực hiện thời gian thời hạn hoàn thành sản phẩm "
                "kết quả khi nào bao giờ là gì và những do được giao bước mất bao lâu mấy ngày bao nhiêu biểu mẫu dùng "
                # and the words that point at a plan or its appendix
                "theo phụ lục danh mục kèm theo ban hành quyết định kế hoạch thủ tướng chính phủ ủy ban nhân dân "
                "ubnd tỉnh thành phố bộ sở của")
EXPLICIT_FIELD = re.compile(r"\b(?:chu tri|phoi hop|phu trach|san pham|thoi gian|thoi han|han chot|khi nao|bao gio"
                             r"|thuc hien|bao lau|may ngay|bao nhieu ngay|bieu mau|mau so|ket qua"
                             r"|lead|leads|cooperat\w*|due|deadline|product|carries out|carried out|how long|form)\b")

# -- from docmatch ----------------------------------------------------------------------------------
# Words of bodies' names that do not tell one body from another (a year is never a body's name: see docmatch)
GENERIC = {"tinh", "ubnd", "uy", "ban", "nhan", "dan", "so", "xa", "phuong", "huyen", "cua", "va", "thanh", "pho",
           "ke", "hoach", "nam", "cai", "cach", "hanh", "chinh", "cchc", "giai", "doan", "tai", "kinh", "te", "khu",
           "quan", "ly"}
ORG_RE = re.compile(
    r"\b(Sở|Ban|Phòng|Trung tâm|UBND|Ủy ban nhân dân|Uỷ ban nhân dân|xã|phường|huyện|tỉnh|thành phố|Bệnh viện|"
    r"Trường|Công an|Bộ|Cục|Chi cục|So|Uy ban|Xa|Tinh|Benh vien|Truong|Bo|Cuc)\s+((?:[A-ZĐÀ-Ỹ][\wÀ-ỹđ]*\s?){1,5})"
)
ASKED_DOC_RE = re.compile(r"^(quyet dinh|ke hoach|nghi quyet|chi thi|nghi dinh|thong tu|luat|van ban|ket luan)$")
ORG_HEADS = ("uy ban nhan dan", "trung tam", "thanh pho", "benh vien", "cong an", "chi cuc", "so", "ban", "phong",
              "ubnd", "xa", "phuong", "huyen", "tinh", "truong", "bo", "cuc")
STOP_AFTER = {"cua", "giao", "dat", "co", "la", "ve", "trong", "nam", "duoc", "da", "se", "va", "theo", "tai", "cho",
               "thuc", "ban", "phai", "can", "nao", "gi", "lam", "ai", "nhung", "cac", "voi"}
PLACE_RE = re.compile(r"\b(?:ubnd|uy ban nhan dan|cua|o|tai)\s+(tinh|xa|huyen|phuong|thanh pho)\s+([a-z]+)\s+([a-z]+)")
NOT_NAMES = STOP_AFTER | {"ve", "dat", "nam", "giai", "doan", "ke", "hoach", "cchc", "thuc", "hien", "trong", "den",
                            "chi", "tieu", "muc", "do", "hai", "long", "bao", "nhieu", "co", "nhiem", "vu", "nay"}

# -- from parts ---------------------------------------------------------------------------------------
# A clause of a question asks something when it holds one of these (folded); clauses are cut at
# commas, semicolons and "và"/"and" ("… thông qua bao nhiêu thủ tục, và ai ký quyết định này?")
CLAUSE_ASK_CUES = ("bao nhieu", "nao", "gi", "ai", "bao gio", "bao lau")
CLAUSE_ASK_CUES_ACCENTED = ("mấy",)  # folded, "mấy" would be "máy" (a machine) too
CLAUSE_SPLIT_RE = re.compile(r"\s*(?:[,;?]|\bva\b|\band\b)\s*")
# Where the predicate of a question clause starts (folded): "… được cộng bao nhiêu điểm", "… phải nộp …"
PREDICATE_RE = re.compile(r"\b(?:duoc|phai|bi|co the|co|la|can|se)\b")
# "… ai ký, với chức vụ gì?": the signer's role, which the metadata answer gives with the name
SIGNER_ROLE_CUES = ("chuc vu", "chuc danh", "cuong vi", "tu cach gi", "in what capacity")
