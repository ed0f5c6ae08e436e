"""User-facing (Vietnamese) error messages of the API."""

from __future__ import annotations

MSG: dict[str, str] = {
    "not_ready": "Hệ thống đang khởi động, vui lòng thử lại sau ít phút.",
    "admin_disabled": "Chức năng quản trị đang tắt (disabled): chưa cấu hình khóa quản trị.",
    "bad_key": "Thiếu hoặc sai khóa quản trị (X-API-Key).",
    "question_empty": "Câu hỏi không được để trống.",
    "question_too_long": "Câu hỏi quá dài (tối đa {limit} ký tự).",
    "query_empty": "Từ khóa tìm kiếm không được để trống.",
    "query_too_long": "Từ khóa tìm kiếm quá dài (tối đa {limit} ký tự).",
    "doc_not_found": "Không tìm thấy văn bản có mã '{doc_id}'.",
    "bad_range": "Khoảng ký tự không hợp lệ: start phải nhỏ hơn hoặc bằng end.",
    "body_too_large": "Dữ liệu gửi lên quá lớn (tối đa {limit} byte).",
    "upload_too_large": "Tệp tải lên quá lớn (tối đa {limit} byte).",
    "upload_missing": "Thiếu tệp tải lên (trường 'file').",
    "upload_type": "Định dạng tệp không được hỗ trợ; chỉ nhận PDF, DOCX, TXT hoặc MD.",
    "upload_content": "Nội dung tệp không khớp với định dạng {ext}.",
    "upload_failed": "Không đọc được tệp: {reason}",
    "rate_limited": "Bạn gửi quá nhiều yêu cầu, vui lòng thử lại sau {seconds} giây.",
    "invalid_json": "Dữ liệu JSON không hợp lệ.",
    "invalid": "Dữ liệu gửi lên không hợp lệ.",
    "cors_refused": "Yêu cầu CORS bị từ chối (không cho phép: {refused}).",
    "internal": "Lỗi máy chủ nội bộ. Vui lòng thử lại sau hoặc báo mã yêu cầu cho quản trị viên.",
}

# Vietnamese texts for status codes raised by the framework itself (unknown route, wrong method, …).
STATUS_TEXT: dict[int, str] = {
    400: "Yêu cầu không hợp lệ.",
    401: MSG["bad_key"],
    403: "Không có quyền truy cập.",
    404: "Không tìm thấy.",
    405: "Phương thức không được hỗ trợ.",
    413: "Dữ liệu gửi lên quá lớn.",
    415: MSG["upload_type"],
    422: MSG["invalid"],
    429: "Bạn gửi quá nhiều yêu cầu, vui lòng thử lại sau.",
    500: MSG["internal"],
    503: MSG["not_ready"],
}
