"""Every state change in a service's life after approval, one module a subject (as Zulip's zerver/actions/).

Each action takes the acting user (None: kumokan itself, e.g. the scheduled jobs or `demo`), locks its
row, checks role and state, saves with update_fields and writes its audit row in one transaction;
notifications are rows now and e-mail on commit (kumokan.notifications.actions.notify).
"""
