"""Wire facts both sides of an axis agree on: the VXP header signing, timestamps and the error
code tables. The adapters and the development axis server (`manage.py axis_server`) share these
constants, never the code that checks them: the server verifies what actually arrived.

VXP (VNPT SDKVXP 2.0.1, `com.vpcp.services.VnptService`): every call carries its parameters as
headers `XroadVnpt-<name>` (always `timestamp` and `systemid`); `XroadVnpt-sign-header` is the JSON
object of those headers, `XroadVnpt-sign-header-key` their names joined by ";", and
`XroadVnpt-hash-header` the hex HMAC-SHA256 of the sign-header string keyed with the system's
secret. Answers are JSON `{"status": "OK"|"FAIL", "ErrorCode", "ErrorDesc", ...}`, ErrorCode "0"
meaning success. VNPT's non-zero error codes are not public: the numbers in `VXP_ERRORS` are this
project's convention, used by the development server and mapped by the adapter.

LGSP (Lạng Sơn notes, edxml.md §10.3): codes 0, 10, 15, 18-23 as published. A missing document
has no published code; the development server answers HTTP 404 with ErrorCode 404.
"""

from __future__ import annotations

import datetime
import zoneinfo

VN_TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
VXP_VERSION = "3.0.201608"
VXP_USER_AGENT = "JAVASDKAgent/1.0.0 XRoad/VPCP"
VXP_PREFIX = "XroadVnpt-"
# Java's ddMMyyyy'T'HHmmss+SSSS: the four S are milliseconds padded to four digits, local time.
VXP_TIMESTAMP_HELP = "ddMMyyyy'T'HHmmss+SSSS"
# The content digest header sent with /sendEdoc (the SDK computes one in createContentHA256; its
# header name is not public).
VXP_CONTENT_HASH = "content-sha256"


def vxp_timestamp(moment: datetime.datetime) -> str:
    local = moment.astimezone(VN_TZ)
    return local.strftime("%d%m%YT%H%M%S") + f"+{local.microsecond // 1000:04d}"


def parse_vxp_timestamp(text: str) -> datetime.datetime:
    """Raises ValueError on anything but the SDK's format."""
    stamp, plus, millis = text.partition("+")
    if not plus or len(millis) != 4 or not millis.isdigit():
        raise ValueError(f"bad timestamp {text!r}")
    parsed = datetime.datetime.strptime(stamp, "%d%m%YT%H%M%S").replace(tzinfo=VN_TZ)
    return parsed + datetime.timedelta(milliseconds=int(millis))


class VxpCode:
    OK = "0"
    BAD_SIGNATURE = "1"
    TIMESTAMP_EXPIRED = "2"
    UNKNOWN_SYSTEM = "3"
    UNKNOWN_RECEIVER = "4"
    SENDER_NOT_REGISTERED = "5"
    NOT_FOUND = "6"
    INVALID_FILE = "7"
    EDXML_INVALID = "8"
    SERVER_ERROR = "9"
    BAD_REQUEST = "10"
    RECEIVER_LOCKED = "11"


class LgspCode:
    OK = 0
    INVALID_FILE = 10
    BAD_CREDENTIALS = 15
    UNKNOWN_RECEIVER = 18
    SENDER_NOT_REGISTERED = 19
    SERVER_ERROR = 20
    FILE_PROCESSING = 21
    EDXML_INVALID = 22
    RECEIVER_LOCKED = 23
    # Not published by any LGSP seen; the development server's answers for these cases.
    NOT_FOUND = 404
    BAD_REQUEST = 400


# LGSP transport statuses (Quảng Nam) for our TransportStatus values.
LGSP_STATUS = {"processing": "PROCESSING", "done": "DONE", "fail": "FAIL"}
