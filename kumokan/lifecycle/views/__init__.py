"""The pages of a service's life after approval, one module a subject: thin views over kumokan.lifecycle.actions."""
