"""Every module in this package that defines SERVICE, in name order."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from hipaa_cac.collectors.aws import services
from hipaa_cac.collectors.aws.services import AwsService


@cache
def all_services() -> tuple[AwsService, ...]:
    found = []
    for module in pkgutil.iter_modules(services.__path__):
        if module.name == "registry":
            continue
        loaded = importlib.import_module(f"{services.__name__}.{module.name}")
        service = getattr(loaded, "SERVICE", None)
        if isinstance(service, AwsService):
            found.append(service)
    return tuple(sorted(found, key=lambda s: s.name))
