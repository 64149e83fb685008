from django import forms
from django.utils.translation import gettext_lazy as _

from kumokan.api.models import ApiToken


class IssueTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("What the token is for, e.g. a script's name."),
    )
