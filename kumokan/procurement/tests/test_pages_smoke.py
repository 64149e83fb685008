"""Every page and printout of a procurement opens for the one who plans it, in every city."""

from __future__ import annotations

import pytest
from django.test import Client

from kumokan.applications.tests.factories import city
from kumokan.procurement import actions
from kumokan.procurement.tests.support import osaka, plan

pytestmark = pytest.mark.django_db


def pages(procurement, annex) -> list[str]:
    return [
        "/procurement/",
        "/procurement/new/",
        "/procurement/responsibility-split/",
        f"/procurement/{procurement.pk}/",
        f"/procurement/{procurement.pk}/edit/",
        f"/procurement/{procurement.pk}/survey/",
        f"/procurement/{procurement.pk}/method/",
        f"/procurement/{procurement.pk}/sla/",
        f"/procurement/{procurement.pk}/settings/",
        f"/procurement/{procurement.pk}/annexes/{annex.number}/",
    ]


@pytest.mark.parametrize("service_model", ["saas", "iaas"])
def test_every_page_of_a_procurement_opens(client: Client, service_model: str) -> None:
    c = osaka()
    procurement = plan(c, service_model=service_model, municipal_confidentiality="3B")
    annex = actions.issue_annex(acting_user=c.applicant, procurement=procurement)
    client.force_login(c.applicant)

    for url in pages(procurement, annex):
        assert client.get(url).status_code == 200, url


# Kobe's and Kitakyushu's build and operation items cite clauses with circled numbers (5.2.1④), which
# the settings checklist's ordering took for numbers: a server error on both its page and its PDF.
@pytest.mark.parametrize(
    ("slug", "confidentiality"), [("amagasaki", "2"), ("kitakyushu", "第1種"), ("kobe", "2")]
)
def test_every_page_and_printout_opens_in_the_other_cities(
    client: Client, slug: str, confidentiality: str
) -> None:
    c = city(slug)
    procurement = plan(c, confidentiality=confidentiality, municipal_confidentiality="3B")
    annex = actions.issue_annex(acting_user=c.applicant, procurement=procurement)
    client.force_login(c.applicant)

    for url in [*pages(procurement, annex), f"/procurement/{procurement.pk}/settings.pdf"]:
        assert client.get(url).status_code == 200, url
