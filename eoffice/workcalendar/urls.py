app_name = "workcalendar"

urlpatterns: list = []
