"""Forms of the exchange pages (shape only; the services check the rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _lazy

from eoffice.documents.forms import BootstrapForm
from eoffice.exchange.models import Peer
from eoffice.exchange.peers import PeerInput


class PeerForm(BootstrapForm):
    code = forms.CharField(label=_lazy("Mã hệ thống"), max_length=64)
    name = forms.CharField(label=_lazy("Tên"), max_length=200)
    base_url = forms.CharField(label=_lazy("Địa chỉ gốc"), max_length=300)
    certificate_pem = forms.CharField(
        label=_lazy("Chứng thư số (PEM)"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )
    is_active = forms.BooleanField(label=_lazy("Đang kết nối"), required=False, initial=True)

    def __init__(self, data: Any = None, *, instance_peer: Peer | None = None) -> None:
        initial = None
        if instance_peer is not None:
            fields = ("code", "name", "base_url", "certificate_pem", "is_active")
            initial = {name: getattr(instance_peer, name) for name in fields}
        super().__init__(data, initial=initial)

    def to_input(self) -> PeerInput:
        data = self.cleaned_data
        return PeerInput(
            code=data["code"],
            name=data["name"],
            base_url=data["base_url"],
            certificate_pem=data["certificate_pem"],
            is_active=bool(data["is_active"]),
        )


class SwitchForm(BootstrapForm):
    agency_code = forms.CharField(label=_lazy("Mã định danh cơ quan"), max_length=32)
    hosted = forms.TypedChoiceField(
        label=_lazy("Chuyển thành"),
        choices=[("1", _lazy("Dùng hệ thống này")), ("0", _lazy("Cơ quan ngoài, qua hệ thống liên thông"))],
        coerce=lambda v: v == "1",
    )
    peer = forms.ModelChoiceField(
        label=_lazy("Hệ thống liên thông"), queryset=Peer.objects.none(), required=False
    )

    def __init__(self, *args: Any, peers: list[Peer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["peer"].queryset = Peer.objects.filter(pk__in=[p.pk for p in peers])  # type: ignore[attr-defined]
