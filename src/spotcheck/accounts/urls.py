from django.contrib.auth import views as auth_views
from django.urls import path

from spotcheck.accounts import views_manage

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # 用户与部门管理 (system administrator)
    path("users/", views_manage.user_list, name="user_list"),
    path("users/new/", views_manage.user_create, name="user_create"),
    path("users/<int:pk>/", views_manage.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", views_manage.user_password, name="user_password"),
    path("users/<int:pk>/token/revoke/", views_manage.user_token_revoke, name="user_token_revoke"),
    path("departments/", views_manage.department_list, name="department_list"),
    path("departments/<int:pk>/", views_manage.department_edit, name="department_edit"),
    path("bureaus/", views_manage.bureau_list, name="bureau_list"),
    path("bureaus/<int:pk>/", views_manage.bureau_edit, name="bureau_edit"),
]
