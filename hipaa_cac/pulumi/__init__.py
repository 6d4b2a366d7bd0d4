"""Pulumi CrossGuard: our Rego library judging a Pulumi stack before it is deployed.

    Pulumi engine --Analyze(resource) / AnalyzeStack(resources)--> pack/__main__.py
      -> Resource (plain properties; unknowns stay the engine's sentinel strings)
      -> evidence items {"kind", "subject", "data"} (resources.py, stack.py, s3.py)
         and their provider-neutral cloud.* twins (neutral.py)
      -> the policy library's rules through the embedded engine (checker.py)
      -> one violation per finding, under the policy named after its control (policies.py)

Nothing of a property's value reaches a message: mappers pass only booleans,
numbers and enumerated constants to the rules (docs/pulumi.md).
"""
