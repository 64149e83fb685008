"""Every page of a procurement opens for the one who plans it."""

from __future__ import annotations

import pytest
from django.test import Client

from kumokan.procurement import actions
from kumokan.procurement.tests.support import osaka, plan

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("service_model", ["saas", "iaas"])
def test_every_page_of_a_procurement_opens(client: Client, service_model: str) -> None:
    c = osaka()
    procurement = plan(c, service_model=service_model, municipal_confidentiality="3B")
    annex = actions.issue_annex(acting_user=c.applicant, procurement=procurement)
    client.force_login(c.applicant)

    for url in [
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
    ]:
        assert client.get(url).status_code == 200, url
