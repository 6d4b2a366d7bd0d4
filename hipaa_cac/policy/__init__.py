"""The Rego policy library: modules, their decision rules and unit tests."""

from hipaa_cac.policy.library import PolicyLibrary, PolicyModule, Rule, load_library

__all__ = ["PolicyLibrary", "PolicyModule", "Rule", "load_library"]
