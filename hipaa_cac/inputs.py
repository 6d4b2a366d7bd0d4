"""Load what every command needs from a policy repo: config, catalog, policies."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hipaa_cac.config import RepoConfig, load_config
from hipaa_cac.controls import Catalog, load_catalog
from hipaa_cac.policy import PolicyLibrary, load_library
from hipaa_cac.validation import check_consistency


@dataclass(frozen=True)
class Inputs:
    config: RepoConfig
    catalog: Catalog
    library: PolicyLibrary


def load_inputs(root: Path) -> Inputs:
    config = load_config(root)
    catalog = load_catalog(list(config.controls), display_root=root)
    library = load_library(list(config.policies), display_root=root)
    check_consistency(catalog, library)
    return Inputs(config, catalog, library)
