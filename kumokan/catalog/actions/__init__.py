"""Every change of a municipality's catalogue, one module a subject: providers and services, certifications
and their evidence, imports of the ISMAP cloud service list.

`acting_user=SYSTEM` is kumokan itself (the daily check, `demo`); a person must hold a role granting
MANAGE_CATALOG in the municipality (catalog.access.may_manage).
"""
