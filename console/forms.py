"""Forms of the support console: every action asks for a reason."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.selectors import phone_normalized


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Phone, social insurance number or national ID"),
        max_length=32,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Recorded in the audit log with your name."),
    )

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError(_("A reason is required."))
        return reason


class PhoneChangeForm(ReasonForm):
    new_phone = forms.CharField(label=_("New phone"), max_length=20)
    document_reference = forms.CharField(label=_("Identity document checked"), max_length=100)

    def clean_new_phone(self) -> str:
        phone = phone_normalized(value=self.cleaned_data["new_phone"])
        if phone is None:
            raise forms.ValidationError(_("This is not a mobile number."))
        return phone
