from django import forms
from django.utils.translation import gettext_lazy as _

from kumokan.webhooks.choices import EventType


class SubscriptionForm(forms.Form):
    url = forms.CharField(
        label=_("Receiver URL"),
        max_length=500,
        help_text=_("Where kumokan POSTs each event, e.g. https://asset.city.example.jp/kumokan/events"),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    event_types = forms.MultipleChoiceField(
        label=_("Events"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )


class SubscriptionEditForm(SubscriptionForm):
    active = forms.BooleanField(label=_("Active (events are sent)"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
