"""The roles a position can carry (Decree 30 duties; Viettel VOffice codes VT, TTDV, LDDV, NV).

A vocabulary shared by every app's policies, so it lives below them all.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _lazy


class Role(models.TextChoices):
    VAN_THU = "van_thu", _lazy("Văn thư")
    LANH_DAO_CO_QUAN = "lanh_dao_co_quan", _lazy("Lãnh đạo cơ quan")
    LANH_DAO_DON_VI = "lanh_dao_don_vi", _lazy("Lãnh đạo đơn vị")
    CHUYEN_VIEN = "chuyen_vien", _lazy("Chuyên viên")
    QUAN_TRI_CO_QUAN = "quan_tri_co_quan", _lazy("Quản trị cơ quan")
