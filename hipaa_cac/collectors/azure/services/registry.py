"""Every module in this package that defines SERVICE, in name order."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from hipaa_cac.collectors.azure import services
from hipaa_cac.collectors.azure.services import AzureService


@cache
def all_services() -> tuple[AzureService, ...]:
    found = []
    for module in pkgutil.iter_modules(services.__path__):
        if module.name == "registry" or module.name.startswith("_"):
            continue
        loaded = importlib.import_module(f"{services.__name__}.{module.name}")
        service = getattr(loaded, "SERVICE", None)
        if isinstance(service, AzureService):
            found.append(service)
    return tuple(sorted(found, key=lambda s: s.name))
