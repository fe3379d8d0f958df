from django.urls import URLPattern, URLResolver, path

from accounts.views import auth, me, support, totp

app_name = "accounts"

urlpatterns: list[URLPattern | URLResolver] = [
    path("auth/register/start", auth.RegisterStartApi.as_view(), name="register-start"),
    path("auth/register/verify", auth.RegisterVerifyApi.as_view(), name="register-verify"),
    path("auth/token", auth.TokenObtainApi.as_view(), name="token"),
    path("auth/token/refresh", auth.TokenRefreshApi.as_view(), name="token-refresh"),
    path("auth/logout", auth.LogoutApi.as_view(), name="logout"),
    path("auth/logout-all", auth.LogoutAllApi.as_view(), name="logout-all"),
    path("auth/password/change", auth.PasswordChangeApi.as_view(), name="password-change"),
    path(
        "auth/password/reset/start",
        auth.PasswordResetStartApi.as_view(),
        name="password-reset-start",
    ),
    path(
        "auth/password/reset/verify",
        auth.PasswordResetVerifyApi.as_view(),
        name="password-reset-verify",
    ),
    path("auth/totp/enrol", totp.TotpEnrolApi.as_view(), name="totp-enrol"),
    path("auth/totp/confirm", totp.TotpConfirmApi.as_view(), name="totp-confirm"),
    path("me", me.MeApi.as_view(), name="me"),
    path("me/sessions", me.MeSessionListApi.as_view(), name="me-sessions"),
    path("me/sessions/<str:session_id>", me.MeSessionDeleteApi.as_view(), name="me-session"),
    path("me/household", me.MeHouseholdApi.as_view(), name="me-household"),
    path(
        "me/household/<str:member_id>",
        me.MeHouseholdMemberApi.as_view(),
        name="me-household-member",
    ),
    path("me/phone-changes", me.MePhoneChangeListApi.as_view(), name="me-phone-changes"),
    path(
        "me/phone-change/<str:change_id>/cancel",
        me.MePhoneChangeCancelApi.as_view(),
        name="me-phone-change-cancel",
    ),
    path("support/accounts", support.SupportAccountSearchApi.as_view(), name="support-accounts"),
    path(
        "support/accounts/search",
        support.SupportAccountSearchPostApi.as_view(),
        name="support-accounts-search",
    ),
    path(
        "support/accounts/<str:account_id>/unlock",
        support.SupportAccountUnlockApi.as_view(),
        name="support-unlock",
    ),
    path(
        "support/accounts/<str:account_id>/reset",
        support.SupportAccountResetApi.as_view(),
        name="support-reset",
    ),
    path(
        "support/accounts/<str:account_id>/revoke-sessions",
        support.SupportAccountRevokeSessionsApi.as_view(),
        name="support-revoke-sessions",
    ),
    path(
        "support/accounts/<str:account_id>/change-phone",
        support.SupportAccountChangePhoneApi.as_view(),
        name="support-change-phone",
    ),
    path(
        "support/phone-changes",
        support.SupportPhoneChangeListApi.as_view(),
        name="support-phone-changes",
    ),
    path(
        "support/phone-changes/<str:change_id>/approve",
        support.SupportPhoneChangeApproveApi.as_view(),
        name="support-phone-change-approve",
    ),
    path(
        "support/phone-changes/<str:change_id>/cancel",
        support.SupportPhoneChangeCancelApi.as_view(),
        name="support-phone-change-cancel",
    ),
    path("support/audit", support.SupportAuditListApi.as_view(), name="support-audit"),
]
