from ninja import Router, Schema

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    username: str
    full_name: str


@router.get("/me", response=MeOut, summary="Người dùng hiện tại")
def me(request):  # type: ignore[no-untyped-def]
    user = request.user
    return {"id": user.pk, "username": user.username, "full_name": user.get_full_name()}
