"""A demo city for any municipality pack: what the demo needs is read from the pack itself.

The four seed cities keep their hand-written settings (kumokan.demo.data.CITIES); any other installed
municipality pack (a new city's, KUMOKAN_PACK_PATH included) gets its demo from its classification,
tracks and roles, so a new pack can be tried in the browser at once.
"""

from __future__ import annotations

from kumokan.core.packs import available, load_pack
from kumokan.demo.data import _DEPARTMENTS, CITIES, City
from kumokan.policy import PolicyError
from kumokan.policy.pack import Designation, Pack
from kumokan.policy.pack import Role as PackRole
from kumokan.tenancy.choices import Role

# Where a pack's rules name no approver for a track, the demo must configure one (as the city would):
# this title is the DEMO's setting, printed as such by the command, never the pack's rule.
DEMO_CONFIGURED_APPROVER = ("情報政策課長（デモ用の設定）", Role.APPROVER)
# The roles the demo's people hold whatever the pack (kumokan.demo.data.people).
_DEMO_ROLES = {
    Role.APPLICANT,
    Role.DEPARTMENT_HEAD,
    Role.SECURITY_MANAGER,
    Role.CHIEF,
    Role.SYSTEM_DEPARTMENT,
    Role.AUDITOR,
    Role.ADMINISTRATOR,
}


class NoDemo(Exception):
    """The pack cannot carry a demo; the message says why in Japanese and English."""


def demo_cities() -> list[str]:
    """Every city `manage.py demo` accepts: the seed cities and every installed municipality pack."""
    ids = set(CITIES)
    for pack_id in available():
        try:
            if load_pack(pack_id).pack.kind == "municipality":
                ids.add(pack_id)
        except PolicyError:
            continue  # an invalid pack has no demo; `kumokan policy validate` says why
    return sorted(ids)


def city_for(slug: str) -> City:
    """The demo settings of city `slug`: hand-written for the seed cities, read from the pack otherwise."""
    if slug in CITIES:
        return CITIES[slug]
    try:
        pack = load_pack(slug).pack
    except PolicyError as exc:
        raise NoDemo("; ".join(p.line() for p in exc.problems)) from None
    return city_from_pack(pack)


def city_from_pack(pack: Pack) -> City:
    """Departments, the pack's approver roles, and a high and a low classification code from its scale."""
    if pack.kind != "municipality" or pack.classification is None or pack.tracks is None:
        raise NoDemo(f"「{pack.id}」は自治体のパックではありません / {pack.id!r} is not a municipality pack")
    scale = [lv.code for lv in pack.classification.confidentiality.levels]
    high_from = scale.index(pack.classification.confidentiality.high_track_from)
    if high_from == 0:
        raise NoDemo(f"「{pack.id}」には低い区分がありません / {pack.id!r} has no level below the high track")
    high, low = pack.tracks.high, pack.tracks.low
    gap = high.approver is None or low.approver is None
    approver_role = Role(high.approver.role.value) if high.approver else DEMO_CONFIGURED_APPROVER[1]
    # The `manager` login of 保育課 applies where the applicant becomes the manager, else heads it.
    applicant_manages = Designation.APPLICANT in (
        high.service_manager.designation,
        low.service_manager.designation,
    )
    manager_role = Role.APPLICANT if applicant_manages else Role.DEPARTMENT_HEAD
    held = {*_DEMO_ROLES, approver_role, manager_role}
    for name, track in (("high", high), ("low", low)):
        if track.approver is not None and Role(track.approver.role.value) not in held:
            raise NoDemo(
                f"{name} の許可権限者の役割「{track.approver.role.value}」はデモの利用者にありません / "
                f"no demo login holds the {name} track approver's role {track.approver.role.value!r}"
            )
    return City(
        slug=pack.id,
        name=pack.issuer,
        overlays=(),
        configured_approver=DEMO_CONFIGURED_APPROVER if gap else None,
        departments=_DEPARTMENTS,
        high_code=scale[high_from],
        low_code=scale[high_from - 1],
        high_track_approver_role=approver_role,
        manager_role=manager_role,
        contractor_department="hoiku" if pack.title_of(PackRole.CONTRACTOR) is not None else None,
    )
